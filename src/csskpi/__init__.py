"""csskpi: judge an outsourcing contract's monthly KPI performance as a council's commercial team must.

The public API: load a contract (:func:`load_contract`), read measurements and decisions, :func:`evaluate`
them, :func:`summarise` and :func:`reconcile` with the published figures, :func:`compute_credits`; recompute
measurements from raw data through the plugins (:func:`measure`). What a plugin author needs is in
:mod:`csskpi.plugin` (the names it re-exports stay importable from here too).

Importing csskpi is cheap: each name is imported from its module on first use (PEP 562), so a command that only
applies the rules never loads polars, the calendars or the plugins.
"""

from __future__ import annotations

from csskpi._lazy import lazy_names
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from csskpi._version import __version__
    from csskpi.engine.credits import AreaCredit, CreditRun, compute_credits
    from csskpi.engine.points import KPIPoints, abatement_points
    from csskpi.engine.reconcile import Difference, NotCompared, PublishedRow, Reconciliation, reconcile
    from csskpi.engine.regimes import CreditInput as CreditInput
    from csskpi.engine.regimes import CreditRegime as CreditRegime
    from csskpi.engine.rules import Evaluation, classify, evaluate, judge
    from csskpi.engine.summary import ALL_AREAS, SummaryRow, summarise
    from csskpi.engine.watch import WatchWarning
    from csskpi.errors import (
        ContractError,
        CsskpiError,
        InputError,
        PluginError,
        Problem,
        UnknownKPIError,
        UnknownNameError,
    )
    from csskpi.files.charges import read_charges
    from csskpi.files.contract import dump_contract, parse_contract, read_contract
    from csskpi.files.decisions import parse_decisions, read_decisions
    from csskpi.files.measurements import MeasurementsFile, parse_measurements, read_measurements, write_measurements
    from csskpi.files.published import read_published
    from csskpi.model.contract import Contract, Parameters
    from csskpi.model.decisions import Decisions, Escalation, EscalationKind, Mitigation, Suspension
    from csskpi.model.kpi import KPI, RetiredReference, ServiceArea, Unit
    from csskpi.model.measurement import Counts, Measurement, Source, round_half_up
    from csskpi.model.period import ContractCalendar, Extension, Period
    from csskpi.model.result import MissingMeasurement, Result, Status
    from csskpi.model.targets import Comparison, Direction, PointsSchedule, PointsStep, TargetSchedule, TargetStep
    from csskpi.model.terms import (
        BluePolicy,
        Charges,
        ChargeStep,
        ClockHours,
        CreditTerms,
        PointsRules,
        WatchRule,
        WatchRuleKind,
    )
    from csskpi.pipeline.assessment import Assessment, assess, assess_data
    from csskpi.pipeline.measure import MeasureRegistry as MeasureRegistry
    from csskpi.pipeline.measure import MeasureRun, load_data, measure
    from csskpi.pipeline.synth import synthesize, write_data
    from csskpi.plugin.hookspecs import hookimpl as hookimpl
    from csskpi.plugin.manager import get_plugin_manager
    from csskpi.plugin.registry import (
        DEFAULT_CONTRACT,
        Registry,
        contracts,
        example,
        examples,
        load_contract,
    )
    from csskpi.plugin.registry import (
        ContractSource as ContractSource,
    )
    from csskpi.plugin.registry import (
        Example as Example,
    )
    from csskpi.plugin.types import (
        Appendix as Appendix,
    )
    from csskpi.plugin.types import (
        AppendixInput as AppendixInput,
    )
    from csskpi.plugin.types import (
        AppendixTable as AppendixTable,
    )
    from csskpi.plugin.types import (
        Column as Column,
    )
    from csskpi.plugin.types import (
        ColumnKind as ColumnKind,
    )
    from csskpi.plugin.types import (
        DatasetSpec as DatasetSpec,
    )
    from csskpi.plugin.types import (
        Measure as Measure,
    )
    from csskpi.plugin.types import (
        MeasureInput as MeasureInput,
    )
    from csskpi.plugin.types import (
        SynthFrame as SynthFrame,
    )
    from csskpi.plugin.types import (
        SynthRequest as SynthRequest,
    )

__all__ = [
    "ALL_AREAS",
    "AreaCredit",
    "Assessment",
    "BluePolicy",
    "ChargeStep",
    "Charges",
    "ClockHours",
    "Comparison",
    "Contract",
    "ContractCalendar",
    "ContractError",
    "Counts",
    "CreditRun",
    "CreditTerms",
    "CsskpiError",
    "DEFAULT_CONTRACT",
    "Decisions",
    "Difference",
    "Direction",
    "Escalation",
    "EscalationKind",
    "Evaluation",
    "Extension",
    "InputError",
    "KPI",
    "KPIPoints",
    "MeasureRun",
    "Measurement",
    "MeasurementsFile",
    "MissingMeasurement",
    "Mitigation",
    "NotCompared",
    "Parameters",
    "Period",
    "PluginError",
    "PointsRules",
    "PointsSchedule",
    "PointsStep",
    "Problem",
    "PublishedRow",
    "Reconciliation",
    "Registry",
    "Result",
    "RetiredReference",
    "ServiceArea",
    "Source",
    "Status",
    "SummaryRow",
    "Suspension",
    "TargetSchedule",
    "TargetStep",
    "Unit",
    "UnknownKPIError",
    "UnknownNameError",
    "WatchRule",
    "WatchRuleKind",
    "WatchWarning",
    "__version__",
    "abatement_points",
    "assess",
    "assess_data",
    "classify",
    "compute_credits",
    "contracts",
    "dump_contract",
    "evaluate",
    "example",
    "examples",
    "get_plugin_manager",
    "judge",
    "load_contract",
    "load_data",
    "measure",
    "parse_contract",
    "parse_decisions",
    "parse_measurements",
    "read_charges",
    "read_contract",
    "read_decisions",
    "read_measurements",
    "read_published",
    "reconcile",
    "round_half_up",
    "summarise",
    "synthesize",
    "write_data",
    "write_measurements",
]

# Where each public name lives. The plugin-author names (imported "as" themselves above, and not in __all__) now
# belong to csskpi.plugin; they stay importable from here for code written against csskpi 0.1. A name is imported
# on first use, then kept in the module's namespace.
_HOME: dict[str, str] = {
    **dict.fromkeys(("AreaCredit", "CreditRun", "compute_credits"), "csskpi.engine.credits"),
    **dict.fromkeys(("KPIPoints", "abatement_points"), "csskpi.engine.points"),
    **dict.fromkeys(
        ("Difference", "NotCompared", "PublishedRow", "Reconciliation", "reconcile"),
        "csskpi.engine.reconcile",
    ),
    **dict.fromkeys(("CreditInput", "CreditRegime"), "csskpi.engine.regimes"),
    **dict.fromkeys(("Evaluation", "classify", "evaluate", "judge"), "csskpi.engine.rules"),
    **dict.fromkeys(("ALL_AREAS", "SummaryRow", "summarise"), "csskpi.engine.summary"),
    "WatchWarning": "csskpi.engine.watch",
    **dict.fromkeys(
        ("ContractError", "CsskpiError", "InputError", "PluginError", "Problem", "UnknownKPIError", "UnknownNameError"),
        "csskpi.errors",
    ),
    "read_charges": "csskpi.files.charges",
    **dict.fromkeys(("dump_contract", "parse_contract", "read_contract"), "csskpi.files.contract"),
    **dict.fromkeys(("parse_decisions", "read_decisions"), "csskpi.files.decisions"),
    **dict.fromkeys(
        ("MeasurementsFile", "parse_measurements", "read_measurements", "write_measurements"),
        "csskpi.files.measurements",
    ),
    "read_published": "csskpi.files.published",
    **dict.fromkeys(("Contract", "Parameters"), "csskpi.model.contract"),
    **dict.fromkeys(
        ("Decisions", "Escalation", "EscalationKind", "Mitigation", "Suspension"),
        "csskpi.model.decisions",
    ),
    **dict.fromkeys(("KPI", "RetiredReference", "ServiceArea", "Unit"), "csskpi.model.kpi"),
    **dict.fromkeys(("Counts", "Measurement", "Source", "round_half_up"), "csskpi.model.measurement"),
    **dict.fromkeys(("ContractCalendar", "Extension", "Period"), "csskpi.model.period"),
    **dict.fromkeys(("MissingMeasurement", "Result", "Status"), "csskpi.model.result"),
    **dict.fromkeys(
        ("Comparison", "Direction", "PointsSchedule", "PointsStep", "TargetSchedule", "TargetStep"),
        "csskpi.model.targets",
    ),
    **dict.fromkeys(
        ("BluePolicy", "ChargeStep", "Charges", "ClockHours", "CreditTerms", "PointsRules", "WatchRule",
         "WatchRuleKind"),
        "csskpi.model.terms",
    ),
    **dict.fromkeys(("Assessment", "assess", "assess_data"), "csskpi.pipeline.assessment"),
    **dict.fromkeys(("MeasureRegistry", "MeasureRun", "load_data", "measure"), "csskpi.pipeline.measure"),
    **dict.fromkeys(("synthesize", "write_data"), "csskpi.pipeline.synth"),
    "hookimpl": "csskpi.plugin.hookspecs",
    "__version__": "csskpi._version",
    "get_plugin_manager": "csskpi.plugin.manager",
    **dict.fromkeys(
        ("DEFAULT_CONTRACT", "ContractSource", "Example", "Registry", "contracts", "example", "examples",
         "load_contract"),
        "csskpi.plugin.registry",
    ),
    **dict.fromkeys(
        ("Appendix", "AppendixInput", "AppendixTable", "Column", "ColumnKind", "DatasetSpec", "Measure", "MeasureInput",
         "SynthFrame", "SynthRequest"),
        "csskpi.plugin.types",
    ),
}


__getattr__, __dir__ = lazy_names(__name__, globals(), _HOME)
