"""csskpi's own plugin: the bundled Lincolnshire contract, the December 2017 example, the shared datasets and
the credit regimes csskpi ships.

Registered in every plugin manager, so importing it is cheap: the shared datasets (polars) load only when the
registry asks for datasets.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from csskpi.engine.regimes import BUILTIN_REGIMES, CreditRegime
from csskpi.plugin.hookspecs import hookimpl
from csskpi.plugin.registry import ContractSource, Example
from csskpi.plugin.types import DatasetSpec

if TYPE_CHECKING:
    from csskpi.data.spec import DatasetSpec


def _here(*parts: str) -> Path:
    return Path(str(files("csskpi.builtin").joinpath(*parts)))


@hookimpl
def csskpi_contracts() -> list[ContractSource]:
    return [
        ContractSource(
            "lincolnshire-css",
            _here("contracts", "lincolnshire-css.toml"),
            "Lincolnshire County Council - Serco Corporate Support Services contract (from 1 April 2015)",
        )
    ]


@hookimpl
def csskpi_examples() -> list[Example]:
    folder = _here("examples", "dec-2017")
    return [
        Example(
            name="dec-2017",
            contract="lincolnshire-css",
            measurements=folder / "measurements.csv",
            decisions=folder / "decisions.toml",
            published=folder / "published.csv",
            source="dec2017-report",
            description="Appendix A of the 21 December 2017 OSMB report (May-Oct 2017), with its Tables 1-7",
            commentary=folder / "commentary.toml",
        )
    ]


@hookimpl
def csskpi_datasets() -> list[DatasetSpec]:
    # Shared by several service areas' measures, so declared by the core rather than by any one plugin.
    from csskpi.data.surveys import COMMON_DATASETS

    return list(COMMON_DATASETS.values())


@hookimpl
def csskpi_credit_regimes() -> list[CreditRegime]:
    return list(BUILTIN_REGIMES)
