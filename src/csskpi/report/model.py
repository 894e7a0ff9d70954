"""The scrutiny report's model: frozen objects holding every table of the council's report, built by
:func:`csskpi.report.build_report` from the engine's own objects and read by every renderer.

Numbers stay as the engine gives them (``Decimal`` values and points, ``int`` counts); the renderers only format.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from csskpi.engine.credits import AreaCredit, CreditRun
from csskpi.engine.reconcile import Reconciliation, RecordFinding
from csskpi.engine.rules import Evaluation
from csskpi.engine.summary import SummaryRow
from csskpi.engine.watch import WatchWarning
from csskpi.files.commentary import Commentary
from csskpi.model.contract import Contract
from csskpi.model.period import Period
from csskpi.model.result import Status
from csskpi.model.targets import Comparison, Direction, TargetStep
from csskpi.plugin.types import AppendixTable
from csskpi.report.trend import TrendAnalysis

__all__ = [
    "DNA_TEXT",
    "MITIGATION_TEXT",
    "NOT_IN_USE_TEXT",
    "AreaCreditTotal",
    "AreaDetail",
    "Cell",
    "Failure",
    "Footnote",
    "KPIRow",
    "MitigationEntry",
    "PointsMonth",
    "Report",
    "SummaryTable",
    "SuspensionEntry",
    "WarningGroup",
    "table_numbers",
]

DNA_TEXT = "Data Not Available"
MITIGATION_TEXT = "Mitigation Agreed"
SUSPENSION_TEXT = "Mitigated (credits suspended)"
NOT_IN_USE_TEXT = "KPI REFERENCE NOT IN USE"
NO_EFFECT_TEXT = "None recorded: the council's commentary gives no effect for this KPI-month."
NO_REASON_TEXT = "None recorded: the council gave no reason for this mitigation."
ALL_AREA = "ALL"
PAYROLL_AREA = "PM"  # the council's Table 3 (payroll contacts) follows the PM table


def table_numbers(area_codes: tuple[str, ...]) -> dict[str, int]:
    """The council's table numbers: 1 overall, then each area in contract order from 2, with the number after
    PM's kept for the payroll contacts (``"payroll"``) whether or not they are shown; then ``"below_msl"`` (the
    effect where a KPI failed MSL) and ``"mitigation"``. Lincolnshire: 1, 2 PM, 3 payroll, 4 IMT ... 7 F, 8, 9."""
    numbers = {ALL_AREA: 1}
    n = 2
    for code in area_codes:
        numbers[code] = n
        n += 1
        if code == PAYROLL_AREA:
            numbers["payroll"] = n
            n += 1
    numbers["below_msl"] = n
    numbers["mitigation"] = n + 1
    return numbers


@attrs.frozen
class SummaryTable:
    """One of Tables 1-7: the five status counts per month, overall (``area == "ALL"``) or for one area.

    ``differs`` holds the months whose published column disagrees with the recomputed one (see the report's
    reconciliation) and ``published`` the published counts that differ; ``provisional`` the number of provisional
    results per month (escalated or disputed). Field names are those of :meth:`csskpi.SummaryRow.as_dict`.
    """

    number: int
    area: str
    title: str
    heading: str
    rows: tuple[SummaryRow, ...]
    differs: tuple[Period, ...] = ()
    provisional: tuple[tuple[Period, int], ...] = ()
    published: tuple[tuple[Period, str, int], ...] = ()  # (month, field, published count) where they differ

    def row(self, period: Period) -> SummaryRow:
        return next(r for r in self.rows if r.period == period)

    def published_value(self, period: Period, field: str) -> int | None:
        """The published count of ``field`` in ``period`` where it differs from the recomputed one, else None."""
        return next((v for p, f, v in self.published if p == period and f == field), None)


@attrs.frozen
class Cell:
    """One KPI-month of Appendix A, with the words the council prints in it.

    ``status`` is None when the KPI was not judged that month (not in force, or no row in the measurements).
    ``text`` is the figure to two decimals, "Data Not Available", "Mitigation Agreed" or both ("74.05 Mitigation
    Agreed"); ``marks`` are the numbers of the footnotes that bear on the cell (provisional figures).
    """

    period: Period
    status: Status | None
    earned: Status | None
    value: Decimal | None
    text: str
    data_not_available: bool = False
    mitigated: bool = False
    suspended: bool = False
    provisional: bool = False
    tsl: Decimal | None = None
    msl: Decimal | None = None
    tsl_comparison: Comparison | None = None
    msl_comparison: Comparison | None = None
    explanation: str = ""
    marks: tuple[int, ...] = ()

    @property
    def shown_value(self) -> str:
        """The figure alone (empty when there is none)."""
        return "" if self.value is None else self.text.split(" ", 1)[0]


@attrs.frozen
class KPIRow:
    """A KPI's line of Appendix A: its targets over the range and one cell per month.

    ``steps`` are the target steps in force during the range (more than one when the target changed within it);
    ``marks`` the footnotes on its TSL/MSL (stepped or reduced targets). A reference not in use has no cells.
    """

    kpi: str
    area: str
    description: str
    in_use: bool
    direction: Direction | None = None
    unit: str = ""
    steps: tuple[TargetStep, ...] = ()
    cells: tuple[Cell, ...] = ()
    marks: tuple[int, ...] = ()
    points: int = 0

    def cell(self, period: Period) -> Cell:
        return next(c for c in self.cells if c.period == period)


@attrs.frozen
class AreaDetail:
    """Part N of Appendix A: one service area's KPIs in catalogue order (retired references included)."""

    part: int
    area: str
    name: str
    rows: tuple[KPIRow, ...]
    footnotes: tuple[int, ...] = ()


@attrs.frozen
class Footnote:
    """A numbered note of Appendix A: ``kind`` is ``stepped`` (the target changes within the range or rises over
    time), ``reduced`` (a target below an earlier one is in force), or ``provisional`` (escalated or disputed
    figures)."""

    number: int
    kind: str
    kpis: tuple[str, ...]
    text: str
    cells: tuple[tuple[str, Period], ...] = ()


@attrs.frozen
class Failure:
    """A KPI below MSL (RED) in one or more months of the range, and its effect (Table 8)."""

    kpi: str
    area: str
    description: str
    months: tuple[Period, ...]
    values: tuple[str, ...]  # as shown in Appendix A, one per month
    points: Decimal  # abatement points these months attracted
    effect: str  # the points mechanics in words
    provisional: bool = False
    council_effect: str = ""  # the effect on council services, from the council's commentary
    resolution: str = ""  # the estimated time to resolve, from the commentary


@attrs.frozen
class MitigationEntry:
    """A mitigation agreed for a KPI in the range (Tables 2.1 / 9): months relieved and the council's words."""

    kpi: str
    area: str
    description: str
    months: tuple[Period, ...]
    reason: str
    impact: str
    path_to_green: str
    decided_by: str = ""
    decided_on: dt.date | None = None


@attrs.frozen
class SuspensionEntry:
    """A suspension of service credits in the range (Table 2.2 in 2020): the KPI-months it relieved."""

    areas: tuple[str, ...]
    start: Period
    end: Period
    reason: str
    reference: str
    relieved: tuple[tuple[str, Period], ...]  # KPI-months AMBER or RED that it made BLUE


@attrs.frozen
class PointsMonth:
    """A month's abatement points over the whole contract (Table 1b / 3)."""

    period: Period
    contract_month: int
    points: Decimal
    failing: int  # KPIs that attracted points
    in_range: bool


@attrs.frozen
class AreaCreditTotal:
    """A service area's service credits over the range against the sum of its monthly caps."""

    area: str
    name: str
    points: Decimal
    credit: Decimal
    cap: Decimal
    months_at_cap: int


@attrs.frozen
class WarningGroup:
    """A watch rule that fired for one subject in several months of the range: one warning with its span.
    ``fired`` are the months it fired in (each warning's last month); ``message`` the latest warning's words."""

    rule: str
    subject: str
    fired: tuple[Period, ...]
    message: str
    first_message: str

    @property
    def count(self) -> int:
        return len(self.fired)


@attrs.frozen
class Report:
    """Everything the scrutiny report shows for the months ``start`` to ``end``.

    ``evaluation`` and ``credit_run`` are the engine's objects the report was built from (every number here can
    be traced to them); ``notes`` say what the report could not include and why.
    """

    contract: Contract
    title: str
    start: Period
    end: Period
    periods: tuple[Period, ...]
    generated: dt.date
    summaries: tuple[SummaryTable, ...]
    details: tuple[AreaDetail, ...]
    footnotes: tuple[Footnote, ...]
    failures: tuple[Failure, ...]
    mitigations: tuple[MitigationEntry, ...]
    suspensions: tuple[SuspensionEntry, ...]
    points: tuple[PointsMonth, ...]
    credits: tuple[AreaCredit, ...]
    credit_totals: tuple[AreaCreditTotal, ...]
    warnings: tuple[WatchWarning, ...]
    trend: TrendAnalysis
    reconciliation: Reconciliation | None = None
    published_source: str | None = None
    appendices: tuple[AppendixTable, ...] = ()
    notes: tuple[str, ...] = ()
    commentary: Commentary | None = None
    findings: tuple[RecordFinding, ...] = ()  # differences within the record itself (shown in the reconciliation)
    evaluation: Evaluation | None = attrs.field(default=None, eq=False, repr=False)
    credit_run: CreditRun | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def overall(self) -> SummaryTable:
        return self.summaries[0]

    def summary(self, area: str) -> SummaryTable:
        return next(t for t in self.summaries if t.area == area)

    def detail(self, area: str) -> AreaDetail:
        return next(d for d in self.details if d.area == area)

    def kpi_row(self, kpi: str) -> KPIRow:
        return next(r for d in self.details for r in d.rows if r.kpi == kpi)

    def footnote(self, number: int) -> Footnote:
        return next(f for f in self.footnotes if f.number == number)

    @property
    def warning_groups(self) -> tuple[WarningGroup, ...]:
        """The warnings with a rule and subject in common collapsed into one, in order of first firing."""
        groups: dict[tuple[str, str], list[WatchWarning]] = {}
        for w in self.warnings:
            groups.setdefault((w.rule, w.subject), []).append(w)
        return tuple(
            WarningGroup(rule, subject, tuple(sorted({w.months[-1] for w in ws})), ws[-1].message, ws[0].message)
            for (rule, subject), ws in groups.items()
        )

    def relieved_by(self, period: Period) -> tuple[int, int]:
        """KPIs BLUE in ``period`` by an agreed mitigation, and by a suspension of service credits alone."""
        cells = [c for d in self.details for r in d.rows for c in r.cells if c.period == period]
        return (sum(1 for c in cells if c.status is Status.BLUE and c.mitigated),
                sum(1 for c in cells if c.status is Status.BLUE and c.suspended and not c.mitigated))

    @property
    def numbers(self) -> dict[str, int]:
        """The council's table numbers (:func:`table_numbers`)."""
        return table_numbers(self.contract.area_codes)

    def words(self, section: str) -> str:
        """The council's commentary for a section (empty without one)."""
        return self.commentary.section(section) if self.commentary is not None else ""

    def area_words(self, area: str) -> str:
        return self.commentary.area(area) if self.commentary is not None else ""

    @property
    def payroll_table(self) -> AppendixTable | None:
        """Table 3: the payroll-contacts appendix (Appendix C), when it is there."""
        return next((a for a in self.appendices if a.title.lower().startswith("payroll contacts")), None)

    @property
    def contract_months(self) -> tuple[int, int]:
        cal = self.contract.calendar
        return cal.contract_month(self.start), cal.contract_month(self.end)
