"""The report as a Word document (python-docx): the committee paper in the council's order, with its numbered tables,
ready to paste into the council's template.

Summary and actions, abbreviations, background, performance (Tables 1 and 1b), each service area (Tables 2-7, with
Table 3 after PM's when the payroll contacts are there), the effect where a KPI failed MSL (Table 8), mitigation
(Table 9), the overview, the reconciliation and the record's own differences, IT projects, conclusion, then
Appendix A (landscape; each cell's figure with its status in words and the status fill), C and D. Text from files
goes in as text (Word's XML is escaped by the library); characters XML cannot hold are dropped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

from csskpi.report.council import HEADINGS, record_findings
from csskpi.report.model import NO_EFFECT_TEXT, NO_REASON_TEXT, Cell, Report, SummaryTable
from csskpi.report.text import FILLS, SYMBOLS, WORDS, circled, month_runs, points, target

__all__ = ["render_docx"]

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LINES = (("TSL achieved", "tsl_achieved"), ("MSL achieved", "msl_achieved"), ("Below MSL", "below_msl"),
          ("Mitigation Agreed", "mitigation"), ("TOTAL", "total"))


def _t(text: object) -> str:
    return _ILLEGAL.sub("", "" if text is None else str(text))


def _shade(cell: object, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _table(doc: object, caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
           fills: dict[tuple[int, int], str] | None = None) -> Table:
    """A captioned table: a bold header row repeated on each page, then the rows (cells as text)."""
    doc.add_paragraph(_t(caption), style="Caption")  # type: ignore[attr-defined]
    table: Table = doc.add_table(rows=1, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    head = table.rows[0]
    for cell, text in zip(head.cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_t(text)).bold = True
        _shade(cell, "DCE3EA")
    tr_pr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for r, values in enumerate(rows):
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for c, text in enumerate(values):
            cells[c].text = _t(text)
            if fills and (r, c) in fills:
                _shade(cells[c], fills[(r, c)])
    return table


def _prose(doc: object, text: str) -> None:
    for block in (b.strip() for b in text.replace("\r\n", "\n").split("\n\n")):
        for line in (ln.strip() for ln in block.split("\n") if ln.strip()):
            if line.startswith(("- ", "• ")):
                doc.add_paragraph(_t(line[2:]), style="List Bullet")  # type: ignore[attr-defined]
            else:
                doc.add_paragraph(_t(line))  # type: ignore[attr-defined]


def _summary(doc: object, t: SummaryTable) -> None:
    rows = []
    for label, key in _LINES:
        cells = []
        for r in t.rows:
            pub = t.published_value(r.period, key)
            cells.append(f"{r.as_dict()[key]}" + ("" if pub is None else f" † (published {pub})"))
        rows.append([label, *cells])
    _table(doc, f"Table {t.number}: {t.title}", [t.heading, *(r.period.label for r in t.rows)], rows)


def _cell(c: Cell) -> str:
    if c.status is None:
        return c.text or "–"
    return f"{c.text}{''.join(circled(n) for n in c.marks)} {SYMBOLS[c.status]} {WORDS[c.status]}"


def _section(doc: object, number: int, title: str, text: str = "") -> int:
    doc.add_heading(f"{number}. {title}", level=2)  # type: ignore[attr-defined]
    if text:
        _prose(doc, text)
    return number + 1


def _failures_and_mitigations(doc: object, report: Report, n: int) -> int:
    span = f"{report.start.label} to {report.end.label}"
    n = _section(doc, n, "KPI performance failure - effect on council services")
    number = report.numbers["below_msl"]
    if report.failures:
        _table(doc, f"Table {number}: Effect on council services where performance measured against a KPI has failed "
                    f"to meet MSL, {span}",
               ["KPI Ref No", "Short Description", "Effect of performance failure on the council",
                "Estimated date for resolution", "Figures and abatement points"],
               [[f"{f.kpi} ({month_runs(f.months)})", f.description, f.council_effect or NO_EFFECT_TEXT,
                 f.resolution or "Not recorded.", f"{', '.join(f.values)}; {points(f.points)} points"]
                for f in report.failures])
    else:
        doc.add_paragraph(f"Table {number}: no KPI failed to meet MSL from {span}.")  # type: ignore[attr-defined]
    n = _section(doc, n, "KPIs granted mitigation relief")
    number = report.numbers["mitigation"]
    if report.mitigations:
        _table(doc, f"Table {number}: Details of KPI mitigation relief, {span}",
               ["KPI Ref No", "Short Description", "Reason for the granting of mitigation relief"],
               [[f"{m.kpi} ({month_runs(m.months)})", m.description, m.reason or NO_REASON_TEXT]
                for m in report.mitigations])
    else:
        doc.add_paragraph(f"Table {number}: no mitigation was agreed for {span}.")  # type: ignore[attr-defined]
    return n


def _appendices(doc: object, report: Report) -> None:
    section = doc.add_section()  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    doc.add_heading("Appendix A - Contract performance tables by service area", level=1)  # type: ignore[attr-defined]
    for d in report.details:
        rows, fills = [], {}
        for r in d.rows:
            if not r.in_use:
                rows.append([r.kpi, "KPI REFERENCE NOT IN USE", "", "", *("" for _ in report.periods)])
                continue
            marks = "".join(circled(n) for n in r.marks)
            tsl = " → ".join(target(s.tsl_comparison, s.tsl) for s in r.steps) + marks
            msl = " → ".join(target(s.msl_comparison, s.msl) for s in r.steps) + marks
            for i, c in enumerate(r.cells):
                if c.status is not None:
                    fills[(len(rows), 4 + i)] = FILLS[c.status]
            rows.append([r.kpi, r.description, tsl, msl, *(_cell(c) for c in r.cells)])
        _table(doc, f"Part {d.part} - {d.name} ({d.area}): detailed performance results",
               ["KPI", "KPI Short Description", "TSL", "MSL", *(p.label for p in report.periods)], rows, fills)
        for n in d.footnotes:
            doc.add_paragraph(_t(f"{circled(n)} {report.footnote(n).text}"))  # type: ignore[attr-defined]
    for a in report.appendices:
        doc.add_heading(_t(f"Appendix C - {a.title}"), level=1)  # type: ignore[attr-defined]
        _table(doc, a.title, list(a.columns), [["" if v is None else str(v) for v in row] for row in a.rows])
    m = report.commentary.milestones if report.commentary is not None else None
    if m is not None and m.months:
        doc.add_heading(_t(f"Appendix D - {m.title}"), level=1)  # type: ignore[attr-defined]
        lines = (("Total Milestone in Month", "total"), ("KPI Milestones", "kpi_milestones"), ("Met", "met"),
                 ("Exception", "exception"), ("Fail", "fail"), ("Excluded", "excluded"), ("KPI%", "kpi_percent"))
        _table(doc, m.title, ["KPI Reporting Month", *(x.period.label for x in m.months)],
               [[label, *("" if (v := getattr(x, key)) is None else str(v) for x in m.months)] for label, key in lines])
        if m.note:
            _prose(doc, m.note)


def render_docx(report: Report) -> bytes:
    """The committee paper as the bytes of a .docx file."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    c = report.contract
    doc.add_heading(_t(report.title), level=0)
    for label, value in (("Report to", "Overview and Scrutiny Management Board"),
                         ("Date", report.generated.strftime("%-d %B %Y")), ("Subject", report.title)):
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(_t(value))
    first, last = report.contract_months
    doc.add_heading("Summary", level=2)
    _prose(doc, report.words("summary") or (
        f"This report provides an update of {c.supplier}'s performance against the contract's Key Performance "
        f"Indicators between {report.start.label} and {report.end.label} (months {first} to {last})."))
    doc.add_heading("Actions Required", level=2)
    _prose(doc, report.words("actions") or "Not given in the commentary.")
    n = _section(doc, 1, "Abbreviations")
    abbreviations = [("CSS", "Corporate Support Services"), ("KPI", "Key Performance Indicator"),
                     ("TSL", "Target Service Level"), ("MSL", "Minimum Service Level"), ("RAG", "Red / Amber / Green"),
                     *((a.code, a.name) for a in c.areas)]
    _table(doc, "Abbreviations", ["Abbreviation", "Meaning"], abbreviations)
    n = _section(doc, n, "Background", report.words("background"))
    n = _section(doc, n, "Performance", report.words("performance"))
    _summary(doc, report.overall)
    _table(doc, "Table 1b: Total monthly abatement points since the first month measured",
           ["Month", "Contract month", "Points"],
           [[m.period.label, str(m.contract_month), points(m.points)] for m in report.points])
    for t in report.summaries[1:]:
        n = _section(doc, n, t.heading.replace(" Performance", ""))
        _summary(doc, t)
        _prose(doc, report.area_words(t.area))
        payroll = report.payroll_table
        if t.area == "PM" and payroll is not None:
            keep = [0, *range(max(1, len(payroll.columns) - 6), len(payroll.columns))]
            _table(doc, f"Table {report.numbers['payroll']}: Payroll contacts over the last six months",
                   [payroll.columns[i] for i in keep], [["" if r[i] is None else str(r[i]) for i in keep] for r in payroll.rows])
    n = _failures_and_mitigations(doc, report, n)
    if report.words("overview"):
        n = _section(doc, n, HEADINGS["overview"], report.words("overview"))
    rec = report.reconciliation
    if rec is not None or report.findings:
        n = _section(doc, n, "Reconciliation with the record")
        if rec is not None:
            doc.add_paragraph(f"{rec.compared} published rows compared: {rec.compared - len(rec.differences)} agree, "
                              f"{len(rec.differences)} differ.")
            for d in rec.differences:
                doc.add_paragraph(_t(f"{d.area} {d.period.label}: {d.explanation}"), style="List Bullet")
        if report.findings:
            _table(doc, "Differences within the record", ["Kind", "Subject", "Month", "Stated", "Elsewhere", "What differs"],
                   record_findings(report))
    if report.words("projects"):
        n = _section(doc, n, HEADINGS["projects"], report.words("projects"))
    n = _section(doc, n, "Conclusion", report.words("conclusion") or report.trend.headline())
    _appendices(doc, report)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
