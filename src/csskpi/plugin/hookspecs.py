"""The hooks a csskpi plugin can implement.

Register-style hooks (``csskpi_contracts``, ``csskpi_examples``, ``csskpi_datasets``, ``csskpi_measures``,
``csskpi_appendices``, ``csskpi_credit_regimes``) return lists of frozen objects; the core merges the lists of every plugin and rejects a name declared twice,
naming both plugins. ``csskpi_compute_measure`` is the one "who handles this" hook (``firstresult``).
Every hook is documented for plugin authors in ``docs/plugin_hooks.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from csskpi.engine.regimes import CreditRegime
    from csskpi.model.measurement import Counts
    from csskpi.plugin.registry import ContractSource, Example
    from csskpi.plugin.types import Appendix, DatasetSpec, Measure, MeasureInput, SynthFrame, SynthRequest

hookspec = pluggy.HookspecMarker("csskpi")
hookimpl = pluggy.HookimplMarker("csskpi")

__all__ = ["hookspec", "hookimpl"]


@hookspec
def csskpi_contracts() -> list[ContractSource]:  # type: ignore[empty-body]
    """Declare the contract definitions this plugin ships, selectable by name (``--contract NAME``).

    Called once when the contract registry is built. Return a list of :class:`csskpi.ContractSource`
    (a name, a description and the path of the contract's TOML file). A name declared by two plugins is an error.
    """


@hookspec
def csskpi_examples() -> list[Example]:  # type: ignore[empty-body]
    """Declare bundled example data sets (``--example NAME``): measurements, decisions and published figures.

    Called once when the example registry is built. Return a list of :class:`csskpi.Example`.
    A name declared by two plugins is an error.
    """


@hookspec
def csskpi_datasets() -> list[DatasetSpec]:  # type: ignore[empty-body]
    """Declare the raw datasets this plugin's measures read: name, columns and their types, constraints.

    Called once when the measure registry is built. Return a list of :class:`csskpi.DatasetSpec`. The core loads
    and checks each dataset against its spec before any measure sees it. A dataset declared by two plugins
    is an error.
    """


@hookspec
def csskpi_measures() -> list[Measure]:  # type: ignore[empty-body]
    """Declare the measures this plugin computes: which KPI measure name, from which datasets and columns.

    Called once when the measure registry is built. Return a list of :class:`csskpi.Measure`. A measure name
    claimed by two plugins is an error naming both.
    """


@hookspec(firstresult=True)
def csskpi_compute_measure(measure: str, inputs: MeasureInput) -> Counts | None:
    """Compute ``measure`` for one month and return its **counts** (``None`` only if this plugin does not
    provide the measure, so that the next plugin is asked).

    Called by the core once per measure and month, after every dataset the measure declared is loaded, checked
    and present. ``inputs`` holds the month, the datasets (polars DataFrames), the measure's contract
    parameters and the business calendar. Return :class:`csskpi.Counts`: ``passing`` of ``population`` for a
    percentage, or ``Counts(n)`` for a count. The core turns counts into the value; an empty population is
    data not available.
    """


@hookspec
def csskpi_appendices() -> list[Appendix]:  # type: ignore[empty-body]
    """Declare extra tables this plugin builds from raw data beside the KPIs (the PM plugin's payroll contacts,
    Appendix C of the council's report).

    Called once when the measure registry is built. Return a list of :class:`csskpi.Appendix`: a name, a title,
    the datasets it reads and a ``build`` function. A name declared by two plugins is an error.
    """


@hookspec
def csskpi_synthesize(request: SynthRequest) -> list[SynthFrame]:  # type: ignore[empty-body]
    """Generate realistic synthetic raw data for the datasets this plugin's measures read.

    Called once per ``csskpi synth`` run (and by the demo). ``request`` gives the months, the scale (1.0 is a
    county council's month), the seed (the output must depend on nothing else) and the measures to degrade so
    that they fail. Return one :class:`csskpi.SynthFrame` per dataset (or per part of a shared dataset, such as
    one plugin's survey kinds): the core concatenates the frames of one dataset and writes them.
    """


@hookspec
def csskpi_credit_regimes() -> list[CreditRegime]:  # type: ignore[empty-body]
    """Declare ways of turning abatement points into service credits, selectable in the contract
    (``[parameters.credits] regime = "<name>"``).

    Called each time credits are computed. Return a list of :class:`csskpi.CreditRegime`: a name, a description
    and ``compute(inputs: CreditInput) -> Decimal`` giving an area's credit for a month before the cap and before
    rounding (the core applies both). A name declared by two plugins is an error.
    """
