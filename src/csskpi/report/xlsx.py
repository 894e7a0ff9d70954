"""The report as an Excel workbook (openpyxl): a sheet per table, status fills, frozen headers, widths set.

Numbers are written as numbers (exact ``Decimal`` values, with a number format) so that they can be summed and
charted; status is a fill *and* a word. Any text that a spreadsheet would read as a formula — starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return — is written with a leading apostrophe, so it stays text (also when
the sheet is saved as CSV), and characters XML cannot hold are dropped.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from csskpi.files.output import safe_cell
from csskpi.model.period import Period
from csskpi.model.result import Status
from csskpi.report.council import HEADINGS, record_findings
from csskpi.report.model import NO_EFFECT_TEXT, NO_REASON_TEXT, Cell, Report
from csskpi.report.text import FILLS, WORDS, circled, month_runs, target
from csskpi.report.xlsxkit import MONTH_FORMAT, bar_chart, month, print_setup, rounded, sheet_name

__all__ = ["STATUS_FILLS", "render_xlsx", "safe_text"]

STATUS_FILLS = {s: PatternFill("solid", start_color=FILLS[s], end_color=FILLS[s]) for s in Status}
_HEADER_FILL = PatternFill("solid", start_color="DCE3EA", end_color="DCE3EA")
_DIFF_FILL = PatternFill("solid", start_color="FFF1C9", end_color="FFF1C9")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13, color="1F4E79")
_WRAP = Alignment(wrap_text=True, vertical="top")
_THIN = Border(bottom=Side(style="thin", color="C8CED6"))
NUMBER = "0.00"
MONEY = '"£"#,##0.00'


def safe_text(text: str) -> str:
    """Text that a spreadsheet will never evaluate: a leading apostrophe before ``= + - @`` tab or CR (the CSV
    writers' :func:`~csskpi.files.output.safe_cell`), characters XML cannot hold dropped."""
    cleaned: str = safe_cell(ILLEGAL_CHARACTERS_RE.sub("", text))
    return cleaned


class _Sheet:
    """Writes one table to a sheet: a title row, a header row (frozen, repeated when printed), then rows.
    Months (``Period``) are written as dates shown ``Mmm-yy``."""

    def __init__(self, wb: Workbook, name: str, title: str, headers: Sequence[str | Period], widths: Sequence[float]):
        self.ws: Worksheet = wb.create_sheet(sheet_name(name, wb.sheetnames))
        self.ws.cell(row=1, column=1, value=safe_text(title)).font = _TITLE
        for i, h in enumerate(headers, start=1):
            c = self.ws.cell(row=2, column=i, value=month(h) if isinstance(h, Period) else safe_text(h))
            c.font, c.fill, c.alignment = _BOLD, _HEADER_FILL, Alignment(wrap_text=True, vertical="center")
            if isinstance(h, Period):
                c.number_format = MONTH_FORMAT
        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        self.ws.freeze_panes = "B3"
        self.columns = len(headers)
        self.row = 3
        print_setup(self.ws)

    def filter(self) -> None:
        """An autofilter over the header row and every row written (a list the reader can sort and filter)."""
        if self.row > 3:
            self.ws.auto_filter.ref = f"A2:{get_column_letter(self.columns)}{self.row - 1}"

    def put(self, col: int, value: Any, *, fmt: str | None = None, fill: PatternFill | None = None,
            bold: bool = False, wrap: bool = False) -> Any:
        if isinstance(value, str):
            value = safe_text(value)
        elif isinstance(value, Period):
            value, fmt = month(value), MONTH_FORMAT
        c = self.ws.cell(row=self.row, column=col, value=value)
        if fmt:
            c.number_format = fmt
        if fill is not None:
            c.fill = fill
        if bold:
            c.font = _BOLD
        if wrap:
            c.alignment = _WRAP
        c.border = _THIN
        return c

    def add(self, values: Iterable[Any], *, fmt: str | None = None, wrap: Iterable[int] = (), bold: bool = False) -> None:
        wrapped = set(wrap)
        for i, v in enumerate(values, start=1):
            self.put(i, rounded(v) if isinstance(v, Decimal) and fmt == NUMBER else v,
                     fmt=fmt if isinstance(v, (int, Decimal)) and not isinstance(v, bool) else None,
                     wrap=i in wrapped, bold=bold)
        self.row += 1

    def note(self, text: str) -> None:
        self.row += 1
        self.ws.cell(row=self.row, column=1, value=safe_text(text)).alignment = Alignment(wrap_text=False)
        self.row += 1


def _status_cell(sheet: _Sheet, col: int, c: Cell) -> None:
    if c.status is None:
        sheet.put(col, c.text)
        return
    fill = STATUS_FILLS[c.status]
    if c.value is not None:
        cell = sheet.put(col, rounded(c.value), fmt=NUMBER, fill=fill)
    else:
        cell = sheet.put(col, c.text, fill=fill)
    words = [WORDS[c.status]]
    if c.mitigated or c.suspended:
        words.append(c.text[len(c.shown_value):].strip() if c.value is not None else c.text)
    if c.marks:
        words.append("footnote " + ", ".join(circled(n) for n in c.marks))
    cell.comment = Comment(safe_text(f"{' · '.join(words)}. {c.explanation}"), "csskpi")


def _cover(report: Report, wb: Workbook) -> None:
    c = report.contract
    ws = wb.create_sheet("Report")
    first, last = report.contract_months
    lines: list[tuple[str, Any]] = [
        ("Council", c.council), ("Supplier", c.supplier), ("Contract", f"{c.title} ({c.name})"),
        ("Months", f"{report.start.label} to {report.end.label} (contract months {first} to {last})"),
        ("Generated", report.generated), ("Trend", report.trend.headline()),
    ]
    if report.reconciliation is not None:
        rec = report.reconciliation
        lines.append(("Reconciliation", f"{rec.compared - len(rec.differences)} of {rec.compared} published rows agree"))
    ws.cell(row=1, column=1, value=safe_text(report.title)).font = _TITLE
    for i, (label, value) in enumerate(lines, start=3):
        ws.cell(row=i, column=1, value=label).font = _BOLD
        cell = ws.cell(row=i, column=2, value=safe_text(value) if isinstance(value, str) else value)
        if label == "Generated":
            cell.number_format = "yyyy-mm-dd"
    row = len(lines) + 4
    ws.cell(row=row, column=1, value="Status fills").font = _BOLD
    for i, s in enumerate(Status, start=row + 1):
        ws.cell(row=i, column=1, value=WORDS[s]).fill = STATUS_FILLS[s]
        ws.cell(row=i, column=2, value={"green": "TSL achieved", "amber": "MSL achieved, TSL missed",
                                        "red": "below MSL or data not available", "blue": "mitigation agreed"}[s.value])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 110


def _summary_sheets(report: Report, wb: Workbook) -> None:
    months = list(report.periods)
    for t in report.summaries:
        s = _Sheet(wb, f"Table {t.number} {t.area}", f"Table {t.number}: {t.title}", [t.heading, *months],
                   [44, *(10 for _ in months)])
        for label, key in (("TSL achieved", "tsl_achieved"), ("MSL achieved", "msl_achieved"), ("Below MSL", "below_msl"),
                           ("Mitigation Agreed", "mitigation"), ("TOTAL", "total")):
            s.add([label, *(r.as_dict()[key] for r in t.rows)], fmt="0", bold=key == "total")
            for col, r in enumerate(t.rows, start=2):
                pub = t.published_value(r.period, key)
                if pub is not None:
                    cell = s.ws.cell(row=s.row - 1, column=col)
                    cell.comment = Comment(f"Published: {pub} (see the Reconciliation sheet)", "csskpi")
                    cell.fill = _DIFF_FILL
        if t.differs:
            s.note(f"Differs from the published table in {month_runs(t.differs)}: see the Reconciliation sheet.")
        payroll = report.payroll_table
        if t.area == "PM" and payroll is not None:
            keep = [0, *range(max(1, len(payroll.columns) - 6), len(payroll.columns))]
            n3 = report.numbers["payroll"]
            p3 = _Sheet(wb, f"Table {n3} Payroll", f"Table {n3}: Payroll contacts over the last six months ({payroll.title})",
                        [payroll.columns[i] for i in keep], [60, *(16 for _ in keep[1:])])
            for values in payroll.rows:
                p3.add([values[i] for i in keep], fmt=NUMBER, wrap=(1,))
        if t.area == "ALL":
            bar_chart(s.ws, f"Table {t.number}: KPIs by status per month", data=(1, 3, len(months) + 1, 6),
                      categories=(2, 2, len(months) + 1, 2), anchor=f"A{s.row + 2}", stacked=True, by_rows=True,
                      y_title="KPIs")

    if report.reconciliation is not None or report.findings:
        s = _Sheet(wb, "Reconciliation", "Reconciliation with the published figures",
                   ["Area", "Month", "Published TSL", "Published MSL", "Published below", "Published mitigation",
                    "Published total", "TSL", "MSL", "Below", "Mitigation", "Total", "Explanation"],
                   [8, 9, *(10 for _ in range(10)), 90])
        fields = ("tsl_achieved", "msl_achieved", "below_msl", "mitigation", "total")
        rec = report.reconciliation
        for d in rec.differences if rec is not None else ():
            s.add([d.area, d.period, *(d.published[f] for f in fields), *(d.recomputed[f] for f in fields),
                   d.explanation], fmt="0", wrap=(13,))
        if rec is not None:
            s.filter()
            s.note(f"{rec.compared} rows compared, {len(rec.differences)} differ.")
        if report.findings:
            s.note("Differences within the record (shown side by side, not resolved):")
            for i, h in enumerate(("Kind", "Subject", "Month", "Stated", "Elsewhere", "What differs"), start=1):
                s.put(i, h, bold=True, fill=_HEADER_FILL)
            s.row += 1
            for row in record_findings(report):
                for i, v in enumerate(row, start=1):
                    s.put(i, v, wrap=i == 6)
                s.ws.merge_cells(start_row=s.row, start_column=6, end_row=s.row, end_column=13)
                s.row += 1


def _exception_sheets(report: Report, wb: Workbook) -> None:
    n8, n9 = report.numbers["below_msl"], report.numbers["mitigation"]
    s = _Sheet(wb, f"Table {n8} Below MSL", f"Table {n8}: Effect on council services where a KPI failed to meet MSL",
               ["KPI", "Short description", "Months", "Effect of performance failure on the council",
                "Estimated time to resolve", "Figures", "Abatement points", "Points in words"],
               [13, 40, 18, 60, 36, 18, 12, 60])
    for f in report.failures:
        s.add([f.kpi, f.description, month_runs(f.months), f.council_effect or NO_EFFECT_TEXT,
               f.resolution or "Not recorded.", ", ".join(f.values), f.points, f.effect], fmt=NUMBER, wrap=(2, 4, 5, 8))
    s.filter()

    s = _Sheet(wb, f"Table {n9} Mitigation", f"Table {n9}: Details of KPI mitigation relief",
               ["KPI", "Months", "Short description", "Reason for granting mitigation", "Impact", "Path to green",
                "Decided by"], [13, 18, 40, 60, 45, 45, 18])
    for m in report.mitigations:
        s.add([m.kpi, month_runs(m.months), m.description, m.reason or NO_REASON_TEXT, m.impact, m.path_to_green,
               m.decided_by], wrap=(3, 4, 5, 6))
    s.filter()
    if report.suspensions:
        s = _Sheet(wb, "Suspensions", "Suspensions of service credits",
                   ["Areas", "From", "To", "Reason", "Reference", "KPI-months relieved"], [14, 9, 9, 60, 14, 60])
        for x in report.suspensions:
            s.add([", ".join(x.areas), x.start, x.end, x.reason, x.reference,
                   ", ".join(f"{k} {p}" for k, p in x.relieved)], wrap=(4, 6))


def _money_sheets(report: Report, wb: Workbook) -> None:
    s = _Sheet(wb, "Table 1b Points", "Table 1b: Total monthly abatement points since the first month measured",
               ["Month", "Contract month", "Points", "KPIs attracting points", "In this report"], [10, 14, 12, 14, 12])
    for m in report.points:
        s.add([m.period, m.contract_month, m.points, m.failing, "yes" if m.in_range else "no"], fmt=NUMBER)
        s.ws.cell(row=s.row - 1, column=2).number_format = "0"
        s.ws.cell(row=s.row - 1, column=4).number_format = "0"
    if report.points:
        bar_chart(s.ws, "Chart 1b: total abatement points per month", data=(3, 2, 3, s.row - 1),
                  categories=(1, 3, 1, s.row - 1), anchor="G3", y_title="Points")
    s.filter()

    s = _Sheet(wb, "Service credits", "Service credits per service area and month, under the cap",
               ["Month", "Area", "Points", "Allocated points", "Monthly charge", "Cap", "Credit", "At cap"],
               [10, 8, 10, 12, 16, 14, 14, 8])
    for a in report.credits:
        s.add([a.period, a.area, rounded(a.points), a.allocated, a.charge, a.cap, a.credit, "yes" if a.capped else "no"])
        for col, fmt in ((3, NUMBER), (4, "0"), (5, MONEY), (6, MONEY), (7, MONEY)):
            s.ws.cell(row=s.row - 1, column=col).number_format = fmt
    s.filter()
    if report.credits:  # the totals row, below the filtered list; values, never formulas (see safe_text)
        total = [sum((getattr(a, f) for a in report.credits), Decimal(0)) for f in ("points", "charge", "cap", "credit")]
        s.add(["Total", "", rounded(total[0]), "", total[1], total[2], total[3],
               str(sum(1 for a in report.credits if a.capped))], bold=True)
        for col, fmt in ((3, NUMBER), (5, MONEY), (6, MONEY), (7, MONEY)):
            s.ws.cell(row=s.row - 1, column=col).number_format = fmt

    s = _Sheet(wb, "Warnings", "Watch-rule warnings (one per rule and subject, with the months it fired in)",
               ["Rule", "Subject", "Fired in", "Months", "Latest message", "First message"], [34, 12, 30, 8, 70, 70])
    for g in report.warning_groups:
        s.add([g.rule, g.subject, month_runs(g.fired), g.count, g.message, g.first_message], fmt="0", wrap=(5, 6))
    s.filter()


def _trend_sheet(report: Report, wb: Workbook) -> None:
    t = report.trend
    s = _Sheet(wb, "Trend", f"Trend analysis of the green KPIs, {t.start.label} to {t.end.label}",
               ["KPI", "Months", "First value", "Last value", "Slope per month", "Standard error", "Trend", "TSL now",
                "Projected below TSL"], [13, 8, 11, 11, 14, 14, 14, 10, 18])
    for r in t.rows:
        slope = Decimal(r.slope.numerator) / Decimal(r.slope.denominator)
        s.add([r.kpi, r.months, rounded(r.first_value), rounded(r.last_value), rounded(slope, 3),
               None if r.se is None else round(r.se, 3), r.trend.value.capitalize(),
               target(r.tsl_comparison, r.tsl), str(r.projected_below_tsl) if r.projected_below_tsl else "no"])
        for col, fmt in ((2, "0"), (3, NUMBER), (4, NUMBER), (5, "0.000"), (6, "0.000")):
            s.ws.cell(row=s.row - 1, column=col).number_format = fmt
    s.filter()
    s.note(t.headline())


def _detail_sheets(report: Report, wb: Workbook) -> None:
    months = list(report.periods)
    for d in report.details:
        s = _Sheet(wb, f"App A {d.area}", f"Appendix A part {d.part}: {d.name} ({d.area})",
                   ["KPI", "Short description", "TSL", "MSL", *months], [13, 50, 12, 12, *(11 for _ in months)])
        s.ws.freeze_panes = "C3"
        for r in d.rows:
            if not r.in_use:
                s.add([r.kpi, "KPI REFERENCE NOT IN USE"])
                continue
            marks = "".join(circled(n) for n in r.marks)
            s.put(1, r.kpi, bold=True)
            s.put(2, r.description, wrap=True)
            s.put(3, " → ".join(target(x.tsl_comparison, x.tsl) for x in r.steps) + marks)
            s.put(4, " → ".join(target(x.msl_comparison, x.msl) for x in r.steps) + marks)
            for i, c in enumerate(r.cells, start=5):
                _status_cell(s, i, c)
            s.row += 1
        for n in d.footnotes:
            s.note(f"{circled(n)} {report.footnote(n).text}")
        s.note("Fill: green TSL achieved, amber MSL achieved, red below MSL or data not available, blue mitigation; "
               "each cell's comment gives its status in words.")



def _other_sheets(report: Report, wb: Workbook) -> None:
    s = _Sheet(wb, "Results", "Every KPI-month judged (one row each)",
               ["Month", "KPI", "Area", "Value", "Shown as", "TSL", "MSL", "Status", "Provisional", "Explanation"],
               [10, 13, 7, 10, 26, 9, 9, 10, 11, 100])
    for d in report.details:
        for r in d.rows:
            for c in r.cells:
                if c.status is None:
                    continue
                s.add([c.period, r.kpi, r.area, rounded(c.value), c.text, c.tsl, c.msl, WORDS[c.status],
                       "yes" if c.provisional else "", c.explanation])
                for col in (4, 6, 7):
                    s.ws.cell(row=s.row - 1, column=col).number_format = NUMBER
                s.ws.cell(row=s.row - 1, column=8).fill = STATUS_FILLS[c.status]
    s.filter()

    for table in report.appendices:
        s = _Sheet(wb, "App C " + table.title, table.title, list(table.columns),
                   [60, *(16 for _ in table.columns[1:])])
        for values in table.rows:
            s.add(values, fmt=NUMBER, wrap=(1,))
        for n in table.notes:
            s.note(n)

    m = report.commentary.milestones if report.commentary is not None else None
    if m is not None and m.months:
        s = _Sheet(wb, "App D Milestones", f"Appendix D: {m.title}", ["", *(x.period for x in m.months)],
                   [26, *(10 for _ in m.months)])
        for label, key in (("Total milestones in month", "total"), ("KPI milestones", "kpi_milestones"), ("Met", "met"),
                           ("Exception", "exception"), ("Fail", "fail"), ("Excluded", "excluded"), ("KPI %", "kpi_percent")):
            s.add([label, *(getattr(x, key) for x in m.months)], fmt=NUMBER if key == "kpi_percent" else "0")
        for f in report.findings:
            if f.kind == "milestones":
                s.note(f.message)
    if report.notes:
        s = _Sheet(wb, "Notes", "Notes", ["Note"], [140])
        for n in report.notes:
            s.add([n])


def _commentary_sheet(report: Report, wb: Workbook) -> None:
    c = report.commentary
    if c is None:
        return
    s = _Sheet(wb, "Commentary", f"The council's commentary{f' ({c.source})' if c.source else ''}",
               ["Section", "Text"], [26, 120])
    for name, text in c.sections:
        s.add([HEADINGS[name], text], wrap=(2,))
    for area, text in c.areas:
        s.add([f"Service area {area}", text], wrap=(2,))


def render_xlsx(report: Report) -> bytes:
    """The workbook as bytes."""
    wb = Workbook()
    default = wb.active
    _cover(report, wb)
    _commentary_sheet(report, wb)
    for sheets in (_summary_sheets, _exception_sheets, _money_sheets, _trend_sheet, _detail_sheets, _other_sheets):
        sheets(report, wb)
    if default is not None:
        wb.remove(default)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
