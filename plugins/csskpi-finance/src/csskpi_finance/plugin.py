"""The csskpi hooks of the Finance (Exchequer) plugin (entry point ``finance`` in the ``csskpi`` group).

csskpi imports this module whenever it asks its plugins anything, so it imports nothing heavy: each hook imports
what it returns when it is called — the datasets and measures (polars) when raw data is loaded or measured, the
synthetic-data generator only when data is synthesised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from csskpi.plugin import hookimpl

if TYPE_CHECKING:
    from csskpi.plugin import DatasetSpec, Measure, SynthFrame, SynthRequest

__all__ = ["csskpi_datasets", "csskpi_measures", "csskpi_synthesize"]


@hookimpl
def csskpi_datasets() -> list[DatasetSpec]:
    from .datasets import DATASETS

    return list(DATASETS)


@hookimpl
def csskpi_measures() -> list[Measure]:
    from .measures import MEASURES

    return list(MEASURES)


@hookimpl
def csskpi_synthesize(request: SynthRequest) -> list[SynthFrame]:
    from .synth import synthesize

    return synthesize(request)
