"""Everything a csskpi plugin author needs, from one module: ``from csskpi.plugin import ...``.

- declaring: :data:`hookimpl`, :class:`DatasetSpec` / :class:`Column` / :class:`ColumnKind`, :class:`Measure`,
  :class:`Appendix`, :class:`ContractSource`, :class:`Example`, :class:`CreditRegime`;
- computing: :class:`MeasureInput` (which measure, the month, its datasets, parameters, calendar, clocks) to
  :class:`Counts`; :class:`AppendixInput` to :class:`AppendixTable`; :class:`CreditInput` to a ``Decimal``;
- helpers for measures (:mod:`csskpi.plugin.kit`): ``in_month``, ``ratio``, ``count``, ``deadline_counts``,
  ``survey_counts``, the ``*_parameter`` readers; business days and clocks (:class:`BusinessCalendar`,
  :class:`WorkingHours`, :data:`ENGLAND_AND_WALES`); data-quality findings (:class:`Finding`, :func:`finding_for`);
- measures as record-level rules (:mod:`csskpi.plugin.rules`): :class:`RecordRule` built from a
  :class:`RuleContext`, :meth:`Measure.from_rule`, ``within_business_days``, ``survey_rule``, ``text``, ``said``;
- synthetic data: :class:`SynthRequest` to :class:`SynthFrame`;
- the :class:`Registry` of what every plugin declares, and :func:`get_plugin_manager`.

csskpi imports every installed plugin's entry-point module whenever it asks the plugins anything, so keep that
module cheap: import this module's names at its top (they load on first use, so importing ``csskpi.plugin``
costs nothing), and polars code — measures, synthetic data — inside the hooks. The hooks themselves are in
:mod:`csskpi.plugin.hookspecs` and documented in ``docs/plugin_hooks.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from csskpi._lazy import lazy_names

if TYPE_CHECKING:
    from csskpi.data.calendars import (
        CORE_SUPPORT_HOURS,
        ENGLAND_AND_WALES,
        SERVICE_DESK_HOURS,
        BusinessCalendar,
        WorkingHours,
    )
    from csskpi.data.load import ROW_COLUMN, Finding, finding_for
    from csskpi.data.spec import Column, ColumnKind, DatasetSpec
    from csskpi.data.surveys import GOOD_OR_BETTER, good_or_better, rating_score
    from csskpi.engine.regimes import CreditInput, CreditRegime
    from csskpi.errors import ContractError, PluginError, Problem
    from csskpi.model.measurement import Counts, round_half_up
    from csskpi.model.period import Period
    from csskpi.plugin.hookspecs import hookimpl
    from csskpi.plugin.kit import (
        MeasureContext,
        calendar_of,
        choice_parameter,
        count,
        count_parameter,
        days_by_name_parameter,
        deadline_counts,
        in_month,
        month_index,
        names_parameter,
        ratio,
        survey_counts,
        text_parameter,
    )
    from csskpi.plugin.manager import get_plugin_manager
    from csskpi.plugin.registry import ContractSource, Example, Registry
    from csskpi.plugin.rulequery import month_counts, pence
    from csskpi.plugin.rules import (
        COMPLETED,
        COUNTED_IN,
        DEADLINE,
        GROUP,
        PASSES,
        STILL_OPEN,
        WEIGHT,
        RecordRule,
        RuleContext,
        RuleFunction,
        business_days_lookback,
        said,
        survey_rule,
        text,
        within_business_days,
    )
    from csskpi.plugin.types import (
        Appendix,
        AppendixInput,
        AppendixTable,
        Measure,
        MeasureInput,
        SynthFrame,
        SynthRequest,
    )

__all__ = [
    "Appendix",
    "AppendixInput",
    "AppendixTable",
    "BusinessCalendar",
    "COMPLETED",
    "CORE_SUPPORT_HOURS",
    "COUNTED_IN",
    "Column",
    "ColumnKind",
    "ContractError",
    "ContractSource",
    "Counts",
    "CreditInput",
    "CreditRegime",
    "DEADLINE",
    "DatasetSpec",
    "ENGLAND_AND_WALES",
    "Example",
    "Finding",
    "GOOD_OR_BETTER",
    "GROUP",
    "Measure",
    "MeasureContext",
    "MeasureInput",
    "PASSES",
    "Period",
    "PluginError",
    "Problem",
    "ROW_COLUMN",
    "RecordRule",
    "Registry",
    "RuleContext",
    "RuleFunction",
    "SERVICE_DESK_HOURS",
    "STILL_OPEN",
    "SynthFrame",
    "SynthRequest",
    "WEIGHT",
    "WorkingHours",
    "business_days_lookback",
    "calendar_of",
    "choice_parameter",
    "count",
    "count_parameter",
    "days_by_name_parameter",
    "deadline_counts",
    "finding_for",
    "get_plugin_manager",
    "good_or_better",
    "hookimpl",
    "in_month",
    "month_counts",
    "month_index",
    "names_parameter",
    "pence",
    "rating_score",
    "ratio",
    "round_half_up",
    "said",
    "survey_counts",
    "survey_rule",
    "text",
    "text_parameter",
    "within_business_days",
]

# Where each name lives. A name is imported on first use (PEP 562), so that importing csskpi.plugin, which every
# plugin's entry-point module does, loads neither polars nor the calendars until a measure needs them.
_HOME: dict[str, str] = {
    **dict.fromkeys(
        ("CORE_SUPPORT_HOURS", "ENGLAND_AND_WALES", "SERVICE_DESK_HOURS", "BusinessCalendar", "WorkingHours"),
        "csskpi.data.calendars",
    ),
    **dict.fromkeys(("ROW_COLUMN", "Finding", "finding_for"), "csskpi.data.load"),
    **dict.fromkeys(("Column", "ColumnKind", "DatasetSpec"), "csskpi.data.spec"),
    **dict.fromkeys(("GOOD_OR_BETTER", "good_or_better", "rating_score"), "csskpi.data.surveys"),
    **dict.fromkeys(("CreditInput", "CreditRegime"), "csskpi.engine.regimes"),
    **dict.fromkeys(("ContractError", "PluginError", "Problem"), "csskpi.errors"),
    **dict.fromkeys(("Counts", "round_half_up"), "csskpi.model.measurement"),
    "Period": "csskpi.model.period",
    "hookimpl": "csskpi.plugin.hookspecs",
    **dict.fromkeys(
        ("MeasureContext", "calendar_of", "choice_parameter", "count", "count_parameter", "days_by_name_parameter", "deadline_counts",
         "in_month", "month_index", "names_parameter", "ratio", "survey_counts", "text_parameter"),
        "csskpi.plugin.kit",
    ),
    "get_plugin_manager": "csskpi.plugin.manager",
    **dict.fromkeys(("month_counts", "pence"), "csskpi.plugin.rulequery"),
    **dict.fromkeys(("ContractSource", "Example", "Registry"), "csskpi.plugin.registry"),
    **dict.fromkeys(
        ("COMPLETED", "COUNTED_IN", "DEADLINE", "GROUP", "PASSES", "STILL_OPEN", "WEIGHT", "RecordRule", "RuleContext",
         "RuleFunction", "business_days_lookback", "said", "survey_rule", "text", "within_business_days"),
        "csskpi.plugin.rules",
    ),
    **dict.fromkeys(
        ("Appendix", "AppendixInput", "AppendixTable", "Measure", "MeasureInput", "SynthFrame", "SynthRequest"),
        "csskpi.plugin.types",
    ),
}


__getattr__, __dir__ = lazy_names(__name__, globals(), _HOME)
