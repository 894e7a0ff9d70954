"""The HTML sections shaped as the council's committee paper: its prose (from the commentary file), Table 3 (payroll
contacts), Tables 8 and 9, the differences within the record, and the milestone appendix. All text is escaped."""

from __future__ import annotations

from csskpi.report.htmlkit import e, table_html
from csskpi.report.model import NO_EFFECT_TEXT, NO_REASON_TEXT, Report
from csskpi.report.text import month_runs, points

__all__ = ["effect_table", "findings_html", "milestones_appendix", "mitigation_table", "payroll_table", "prose",
           "prose_section", "record_findings"]

# The council's headings for the commentary's sections.
HEADINGS = {
    "summary": "Summary", "actions": "Actions required", "background": "Background",
    "performance": "Performance", "overview": "KPI performance overview", "projects": "IT projects",
    "conclusion": "Conclusion",
}


def prose(text: str) -> str:
    """The council's text as paragraphs (blank lines) and lists (lines starting "- "), in its order, escaped."""
    out = []
    for block in (b.strip() for b in text.replace("\r\n", "\n").split("\n\n")):
        runs: list[tuple[bool, list[str]]] = []  # consecutive lines of one kind: (is a list item, lines)
        for line in (ln.strip() for ln in block.split("\n") if ln.strip()):
            item = line.startswith(("- ", "• "))
            if runs and runs[-1][0] == item:
                runs[-1][1].append(line)
            else:
                runs.append((item, [line]))
        for item, lines in runs:
            if item:
                out.append("<ul>" + "".join(f"<li>{e(ln[2:].strip())}</li>" for ln in lines) + "</ul>")
            else:
                out.append("<p>" + "<br>".join(e(ln) for ln in lines) + "</p>")
    return f'<div class="prose">{"".join(out)}</div>' if out else ""


def prose_section(report: Report, name: str, anchor: str | None = None) -> str:
    text = report.words(name)
    if not text:
        return ""
    return f'<section id="{e(anchor or name)}"><h2>{e(HEADINGS[name])}</h2>{prose(text)}</section>'


def payroll_table(report: Report) -> str:
    """Table 3: payroll contacts over the report's last six months (the columns of Appendix C for those months)."""
    tbl = report.payroll_table
    if tbl is None:
        return ""
    keep = [0, *range(max(1, len(tbl.columns) - 6), len(tbl.columns))]
    rows = [["" if row[i] is None else str(row[i]) for i in keep] for row in tbl.rows]
    caption = f"Table {report.numbers['payroll']}: Payroll contacts over the last six months ({tbl.title})"
    return table_html(caption, [tbl.columns[i] for i in keep], rows, numeric=range(1, len(keep)))


def effect_table(report: Report) -> str:
    """Table 8: the effect on council services where a KPI failed MSL — the council's words, then the figures."""
    span = f"{report.start.label} to {report.end.label}"
    number = report.numbers["below_msl"]
    if not report.failures:
        return f'<p class="ok">Table {number}: no KPI failed to meet MSL from {e(span)}.</p>'
    rows = [[(f'<span class="ref">{e(f.kpi)}</span> ({e(month_runs(f.months))})'),
             e(f.description),
             f'<span class="free">{e(f.council_effect)}</span>' if f.council_effect else
             f'<span class="small">{e(NO_EFFECT_TEXT)}</span>',
             f'<span class="free">{e(f.resolution)}</span>' if f.resolution else '<span class="small">Not recorded.</span>',
             f'{e(", ".join(f.values))}<br><span class="small">{e(points(f.points))} abatement points</span>',
             f'<span class="small">{e(f.effect)}</span>']
            for f in report.failures]
    return table_html(f"Table {number}: Effect on council services where performance measured against a KPI has "
                      f"failed to meet MSL, {span}",
                      ["KPI ref (months)", "Short description", "Effect of performance failure on the council",
                       "Estimated time to resolve", "Figures", "Points in words"], rows, raw=True, label=f"Table {number}",
                      long=(1, 2, 3, 5))


def mitigation_table(report: Report) -> str:
    """Table 9: the council's recorded reason for each mitigation, and plainly when it recorded none."""
    span = f"{report.start.label} to {report.end.label}"
    number = report.numbers["mitigation"]
    if not report.mitigations:
        return f'<p class="ok">Table {number}: no mitigation was agreed for {e(span)}.</p>'
    extra = any(m.impact or m.path_to_green for m in report.mitigations)
    rows = []
    for m in report.mitigations:
        reason = (f'<span class="free">{e(m.reason)}</span>' if m.reason else
                  f'<span class="small">{e(NO_REASON_TEXT)}</span>')
        row = [f'<span class="ref">{e(m.kpi)}</span> ({e(month_runs(m.months))})', e(m.description), reason]
        if extra:
            row += [e(m.impact or "Not recorded."), e(m.path_to_green or "Not recorded.")]
        rows.append(row)
    headers = ["KPI ref (months)", "Short description", "Reason for the granting of mitigation relief"]
    headers += ["Impact", "Path to green"] if extra else []
    return table_html(f"Table {number}: Details of KPI mitigation relief, {span}", headers, rows, raw=True,
                      label=f"Table {number}", long=(1, 2, 3, 4))


def record_findings(report: Report) -> list[list[str]]:
    """The findings as rows of text: kind, subject, month, stated, record, what differs (escaped by the caller)."""
    kinds = {"restated": "Restated", "below_msl": "Table 8 vs Appendix A", "milestones": "Milestone table",
             "target": "Stated target", "points": "Stated points"}
    return [[kinds.get(f.kind, f.kind), f.subject, f.period.label if f.period else "", f.stated, f.record, f.message]
            for f in report.findings]


def findings_html(report: Report) -> str:
    if not report.findings:
        return ""
    return ("<h3>Differences within the record</h3><p>Places where the published record disagrees with itself. "
            "They are shown side by side, not resolved: the tables above follow the detailed results (Appendix A).</p>"
            + table_html("Differences within the record", ["Kind", "Subject", "Month", "Stated", "Elsewhere", "What differs"],
                         record_findings(report), long=(5,)))


def milestones_appendix(report: Report) -> str:
    m = report.commentary.milestones if report.commentary is not None else None
    if m is None or not m.months:
        return ""
    heads = ["", *(x.period.label for x in m.months)]

    def line(label: str, values: list[object]) -> list[str]:
        return [label, *("" if v is None else str(v) for v in values)]

    rows = [line("Total milestones in month", [x.total for x in m.months]),
            line("KPI milestones", [x.kpi_milestones for x in m.months]),
            line("Met", [x.met for x in m.months]), line("Exception", [x.exception for x in m.months]),
            line("Fail", [x.fail for x in m.months]), line("Excluded", [x.excluded for x in m.months]),
            line("KPI %", [None if x.kpi_percent is None else f"{x.kpi_percent:f}%" for x in m.months])]
    out = ['<section class="part" id="appendix-d"><h2>Appendix D: IT projects</h2>',
           table_html(m.title, heads, rows, numeric=range(1, len(heads)))]
    if m.note:
        out.append(prose(m.note))
    flagged = [f for f in report.findings if f.kind == "milestones"]
    if flagged:
        out.append('<p class="warn">' + " ".join(e(f.message) for f in flagged) + "</p>")
    out.append("</section>")
    return "".join(out)
