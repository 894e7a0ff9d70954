"""csskpi: judge an outsourcing contract's monthly KPI performance as a council's commercial team must.

The public API: load a contract (:func:`load_contract`), read measurements and decisions, :func:`evaluate`
them, :func:`summarise` and :func:`reconcile` with the published figures.
"""

from __future__ import annotations

from csskpi.model.contract import Contract, Parameters
from csskpi.files.contract import dump_contract, parse_contract, read_contract
from csskpi.engine.credits import AreaCredit, CreditRun, compute_credits
from csskpi.engine.regimes import CreditInput, CreditRegime
from csskpi.files.charges import read_charges
from csskpi.model.terms import BluePolicy, Charges, ChargeStep, ClockHours, CreditTerms, PointsRules, WatchRule, WatchRuleKind
from csskpi.model.decisions import Decisions, Escalation, EscalationKind, Mitigation, Suspension
from csskpi.files.decisions import parse_decisions, read_decisions
from csskpi.errors import ContractError, CsskpiError, InputError, PluginError, Problem, UnknownKPIError, UnknownNameError
from csskpi.plugin.hookspecs import hookimpl
from csskpi.model.kpi import KPI, RetiredReference, ServiceArea, Unit
from csskpi.model.measurement import Counts, Measurement, Source, round_half_up
from csskpi.files.measurements import MeasurementsFile, parse_measurements, read_measurements, write_measurements
from csskpi.plugin.types import (
    Appendix,
    AppendixInput,
    AppendixTable,
    Column,
    ColumnKind,
    DatasetSpec,
    Measure,
    MeasureInput,
    SynthFrame,
    SynthRequest,
)
from csskpi.pipeline.assessment import Assessment, assess, assess_data
from csskpi.pipeline.measure import MeasureRegistry, MeasureRun, load_data, measure
from csskpi.model.period import ContractCalendar, Extension, Period
from csskpi.engine.points import KPIPoints, abatement_points
from csskpi.plugin.manager import get_plugin_manager
from csskpi.engine.reconcile import Difference, NotCompared, PublishedRow, Reconciliation, reconcile
from csskpi.files.published import read_published
from csskpi.plugin.registry import DEFAULT_CONTRACT, ContractSource, Example, contracts, example, examples, load_contract
from csskpi.model.result import MissingMeasurement, Result, Status
from csskpi.engine.rules import Evaluation, classify, evaluate, judge
from csskpi.engine.summary import ALL_AREAS, SummaryRow, summarise
from csskpi.pipeline.synth import synthesize, write_data
from csskpi.engine.watch import WatchWarning
from csskpi.model.targets import Comparison, Direction, PointsSchedule, PointsStep, TargetSchedule, TargetStep

from csskpi._version import __version__

__all__ = [
    "WatchRuleKind",
    "WatchRule",
    "CreditTerms",
    "ClockHours",
    "Assessment",
    "assess",
    "assess_data",
    "ALL_AREAS",
    "AreaCredit",
    "BluePolicy",
    "ChargeStep",
    "Charges",
    "CreditInput",
    "CreditRegime",
    "CreditRun",
    "KPIPoints",
    "MeasureRegistry",
    "MeasureRun",
    "PointsRules",
    "WatchWarning",
    "abatement_points",
    "compute_credits",
    "load_data",
    "measure",
    "read_charges",
    "synthesize",
    "write_data",
    "Appendix",
    "AppendixInput",
    "AppendixTable",
    "SynthFrame",
    "SynthRequest",
    "Column",
    "ColumnKind",
    "Comparison",
    "Contract",
    "ContractCalendar",
    "ContractError",
    "ContractSource",
    "Counts",
    "CsskpiError",
    "DEFAULT_CONTRACT",
    "DatasetSpec",
    "Decisions",
    "Difference",
    "Direction",
    "Escalation",
    "EscalationKind",
    "Evaluation",
    "Example",
    "Extension",
    "InputError",
    "KPI",
    "Measure",
    "MeasureInput",
    "Measurement",
    "MeasurementsFile",
    "MissingMeasurement",
    "Mitigation",
    "NotCompared",
    "Parameters",
    "Period",
    "PluginError",
    "PointsSchedule",
    "PointsStep",
    "Problem",
    "PublishedRow",
    "Reconciliation",
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
    "__version__",
    "classify",
    "contracts",
    "dump_contract",
    "evaluate",
    "example",
    "examples",
    "get_plugin_manager",
    "hookimpl",
    "judge",
    "load_contract",
    "parse_contract",
    "parse_decisions",
    "parse_measurements",
    "read_contract",
    "read_decisions",
    "read_measurements",
    "read_published",
    "reconcile",
    "round_half_up",
    "summarise",
    "write_measurements",
]
