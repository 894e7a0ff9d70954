"""The hooks a csskpi plugin can implement.

Register-style hooks (``csskpi_contracts``, ``csskpi_examples``, ``csskpi_datasets``, ``csskpi_measures``,
``csskpi_appendices``, ``csskpi_credit_regimes``) return lists of frozen objects; the core merges the lists of
every plugin into one :class:`~csskpi.plugin.registry.Registry` and rejects a name declared twice, naming both
plugins. A measure is computed by calling its :attr:`Measure.compute <csskpi.plugin.types.Measure.compute>`:
there is no hook for it. ``csskpi_synthesize`` is called only when synthetic data is asked for.
Every hook is documented for plugin authors in ``docs/plugin_hooks.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from csskpi.engine.regimes import CreditRegime
    from csskpi.plugin.registry import ContractSource, Example
    from csskpi.plugin.types import Appendix, DatasetSpec, Measure, SynthFrame, SynthRequest

hookspec = pluggy.HookspecMarker("csskpi")
hookimpl = pluggy.HookimplMarker("csskpi")

__all__ = ["hookspec", "hookimpl"]


@hookspec
def csskpi_contracts() -> list[ContractSource]:  # type: ignore[empty-body]
    """Declare the contract definitions this plugin ships, selectable by name (``--contract NAME``).

    Called once when the registry is first asked for contracts. Return a list of
    :class:`csskpi.plugin.ContractSource` (a name, a description and the path of the contract's TOML file).
    A name declared by two plugins is an error.
    """


@hookspec
def csskpi_examples() -> list[Example]:  # type: ignore[empty-body]
    """Declare bundled example data sets (``--example NAME``): measurements, decisions and published figures.

    Called once when the registry is first asked for examples. Return a list of :class:`csskpi.plugin.Example`.
    A name declared by two plugins is an error.
    """


@hookspec
def csskpi_datasets() -> list[DatasetSpec]:  # type: ignore[empty-body]
    """Declare the raw datasets this plugin's measures read: name, columns and their types, constraints.

    Called once when the registry is first asked for datasets. Return a list of
    :class:`csskpi.plugin.DatasetSpec`. The core loads and checks each dataset against its spec before any measure
    sees it. A dataset declared by two plugins is an error.
    """


@hookspec
def csskpi_measures() -> list[Measure]:  # type: ignore[empty-body]
    """Declare the measures this plugin computes: which KPI measure name, from which datasets and columns.

    Called once when the registry is first asked for measures. Return a list of :class:`csskpi.plugin.Measure`:
    the core calls each one's ``compute(inputs)`` once per KPI-month, when every dataset it reads is present, and
    turns the :class:`csskpi.plugin.Counts` it returns into the value. A measure name claimed by two plugins is an
    error naming both.
    """


@hookspec
def csskpi_appendices() -> list[Appendix]:  # type: ignore[empty-body]
    """Declare extra tables this plugin builds from raw data beside the KPIs (the PM plugin's payroll contacts,
    Appendix C of the council's report).

    Called once when the registry is first asked for appendices. Return a list of :class:`csskpi.plugin.Appendix`:
    a name, a title, the datasets it reads, a ``build`` function and ``in_report`` (whether the scrutiny report
    shows it when its datasets are there). A name declared by two plugins is an error.
    """


@hookspec
def csskpi_synthesize(request: SynthRequest) -> list[SynthFrame]:  # type: ignore[empty-body]
    """Generate realistic synthetic raw data for the datasets this plugin's measures read.

    Called once per ``csskpi synth`` run (and by the demo), and only then: import the generator inside the hook,
    so that other commands never load it. ``request`` gives the months, the scale (1.0 is a county council's
    month), the seed (the output must depend on nothing else) and the measures to degrade so that they fail.
    Return one :class:`csskpi.plugin.SynthFrame` per dataset (or per part of a shared dataset, such as one
    plugin's survey kinds): the core concatenates the frames of one dataset and writes them.
    """


@hookspec
def csskpi_credit_regimes() -> list[CreditRegime]:  # type: ignore[empty-body]
    """Declare ways of turning abatement points into service credits, selectable in the contract
    (``[parameters.credits] regime = "<name>"``).

    Called once when the registry is first asked for credit regimes. Return a list of
    :class:`csskpi.plugin.CreditRegime`: a name, a description and ``compute(inputs: CreditInput) -> Decimal``
    giving an area's credit for a month before the cap and before rounding (the core applies both). A name
    declared by two plugins is an error.
    """
