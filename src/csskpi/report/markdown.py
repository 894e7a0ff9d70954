"""The report in Markdown, for pasting into a committee paper (GitHub-flavoured pipe tables).

Free text is escaped so that it stays text: ``|`` cannot break a table, ``<`` cannot open an HTML tag, and the
emphasis and link characters are backslash-escaped. Status is a symbol and a word in every cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from csskpi._version import __version__
from csskpi.report.council import HEADINGS, record_findings
from csskpi.report.model import NO_EFFECT_TEXT, NO_REASON_TEXT, Cell, Report, SummaryTable
from csskpi.report.sections import TREND_SYMBOLS
from csskpi.report.text import SYMBOLS, WORDS, circled, money, month_runs, percent, points, slope_text, target

__all__ = ["md", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*\[\]{}#|!~]|(?<!\w)_|_(?!\w))")


def md(text: object) -> str:
    """Escape text for a Markdown table cell or paragraph."""
    s = "" if text is None else str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _SPECIAL.sub(r"\\\1", s)
    s = re.sub(r"^([+\-=])(\s)", r"\\\1\2", s)  # a cell cannot start a list...
    s = re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", s)  # ...or a numbered one
    return " ".join(s.split()) if "\n" in s or "\r" in s else s


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: Iterable[int] = ()) -> str:
    right = set(right)
    lines = ["| " + " | ".join(md(h) for h in headers) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|"]
    lines += ["| " + " | ".join(rows_cell for rows_cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _prose(text: str) -> str:
    """The council's paragraphs and "- " lists, each line escaped."""
    out = []
    for block in (b.strip() for b in text.replace("\r\n", "\n").split("\n\n")):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        out.append("\n".join(f"- {md(ln[2:])}" if ln.startswith(("- ", "• ")) else md(ln) + "  " for ln in lines))
    return "\n\n".join(o.rstrip() for o in out if o) + "\n" if out else ""


def _section(report: Report, name: str, level: str = "##") -> str:
    text = report.words(name)
    return f"{level} {HEADINGS[name]}\n\n{_prose(text)}" if text else ""


def _summary(t: SummaryTable) -> str:
    headers = [t.heading, *(r.period.label for r in t.rows)]
    rows = []
    for label, key in (("TSL achieved", "tsl_achieved"), ("MSL achieved", "msl_achieved"),
                       ("Below MSL", "below_msl"), ("Mitigation Agreed", "mitigation"), ("TOTAL", "total")):
        cells = [str(r.as_dict()[key]) + ("" if (pub := t.published_value(r.period, key)) is None else f"† ({pub})")
                 for r in t.rows]
        rows.append([f"**{label}**" if key == "total" else label, *cells])
    out = f"**Table {t.number}: {md(t.title)}**\n\n" + _table(headers, rows, range(1, len(headers)))
    if t.differs:
        out += "\n† differs from the published table (published figure in brackets): see the reconciliation.\n"
    return out


def _cell(c: Cell) -> str:
    if c.status is None:
        return md(c.text or "–")
    marks = "".join(circled(n) for n in c.marks)
    return f"{md(c.text)}{marks} {SYMBOLS[c.status]} {WORDS[c.status]}"


def render_markdown(report: Report) -> str:
    c = report.contract
    first, last = report.contract_months
    span = f"{report.start.label} to {report.end.label}"
    out = [f"# {md(report.title)}\n",
           (f"{md(c.council)}: {md(c.supplier)}'s performance against the contract's KPIs, {span} (contract months "
           f"{first} to {last}). Generated {report.generated.isoformat()} by csskpi {__version__}.\n"),
           "Status key: " + "; ".join(f"{SYMBOLS[s]} {WORDS[s]}" for s in SYMBOLS) +
           " (Green: TSL achieved; Amber: MSL achieved; Red: below MSL or data not available; Blue: mitigation).\n"]

    out += [x for x in (_section(report, "summary"), _section(report, "actions"), _section(report, "background")) if x]
    out.append("## Performance summary\n")
    if report.words("performance"):
        out.append(_prose(report.words("performance")))
    out.append(_summary(report.overall))
    rows = [[m.period.label, str(m.contract_month), points(m.points)] for m in report.points]
    out.append("**Table 1b: Total monthly abatement points since the first month measured**\n\n" +
               _table(["Month", "Contract month", "Points"], rows, (1, 2)))
    for t in report.summaries[1:]:
        out.append(f"## {md(t.heading.replace(' Performance', ''))}\n")
        out.append(_summary(t))
        if report.area_words(t.area):
            out.append(_prose(report.area_words(t.area)))
        payroll = report.payroll_table
        if t.area == "PM" and payroll is not None:
            keep = [0, *range(max(1, len(payroll.columns) - 6), len(payroll.columns))]
            out.append(f"**Table {report.numbers['payroll']}: Payroll contacts over the last six months**\n\n" +
                       _table([payroll.columns[i] for i in keep],
                              [[md("" if r[i] is None else r[i]) for i in keep] for r in payroll.rows]))

    out.append("## Effect on council services where a KPI failed MSL\n")
    n8, n9 = report.numbers["below_msl"], report.numbers["mitigation"]
    if report.failures:
        rows = [[f"{md(f.kpi)} ({month_runs(f.months)})", md(f.description), md(f.council_effect or NO_EFFECT_TEXT),
                 md(f.resolution or "Not recorded."), md(", ".join(f.values)), points(f.points), md(f.effect)]
                for f in report.failures]
        out.append(f"**Table {n8}: Effect on council services where a KPI failed to meet MSL, {span}**\n\n" +
                   _table(["KPI (months)", "Short description", "Effect of performance failure on the council",
                           "Estimated time to resolve", "Figures", "Points", "Points in words"], rows, (5,)))
    else:
        out.append(f"Table {n8}: no KPI failed to meet MSL.\n")
    out.append("## KPIs granted mitigation relief\n")
    if report.mitigations:
        extra = any(m.impact or m.path_to_green for m in report.mitigations)
        rows = [[f"{md(m.kpi)} ({month_runs(m.months)})", md(m.description), md(m.reason or NO_REASON_TEXT),
                 *([md(m.impact or "Not recorded."), md(m.path_to_green or "Not recorded.")] if extra else [])]
                for m in report.mitigations]
        out.append(f"**Table {n9}: Details of KPI mitigation relief, {span}**\n\n" + _table(
            ["KPI ref (months)", "Short description", "Reason for the granting of mitigation relief",
             *(["Impact", "Path to green"] if extra else [])], rows))
    else:
        out.append(f"Table {n9}: no mitigation was agreed.\n")
    for s in report.suspensions:
        out.append(f"Service credits suspended for {md(', '.join(s.areas))} from {s.start.label} to {s.end.label}"
                   f"{': ' + md(s.reason) if s.reason else ''}.\n")
    if report.words("overview"):
        out.append(_section(report, "overview"))

    rec = report.reconciliation
    if rec is not None or report.findings:
        out.append("## Reconciliation with the record\n")
    if rec is not None:
        out.append(f"{rec.compared} published rows compared: {rec.compared - len(rec.differences)} agree, "
                   f"{len(rec.differences)} differ.\n")
        if rec.differences:
            fields = ("tsl_achieved", "msl_achieved", "below_msl", "mitigation", "total")
            rows = [[md(d.area), d.period.label, " / ".join("–" if d.published[f] is None else str(d.published[f]) for f in fields),
                     " / ".join(str(d.recomputed[f]) for f in fields), md(d.explanation)] for d in rec.differences]
            out.append(_table(["Area", "Month", "Published", "Recomputed", "Explanation"], rows))
    if report.findings:
        out.append("### Differences within the record\n")
        out.append(_table(["Kind", "Subject", "Month", "Stated", "Elsewhere", "What differs"],
                          [[md(c) for c in row] for row in record_findings(report)]))

    out.append("## Abatement points and service credits\n")
    rows = [[m.period.label, str(m.contract_month), points(m.points)] for m in report.points]
    out.append(_table(["Month", "Contract month", "Points"], rows, (1, 2)))
    if report.credit_totals:
        rows = [[md(t.name), points(t.points), money(t.credit), money(t.cap), str(t.months_at_cap)] for t in report.credit_totals]
        total = sum((t.credit for t in report.credit_totals), Decimal(0))
        rows.append(["**Total**", "", f"**{money(total)}**", "", ""])
        out.append(f"Service credits, {span}:\n\n" + _table(["Area", "Points", "Credit", "Cap", "Months at cap"], rows, (1, 2, 3, 4)))

    out.append("## Watch-rule warnings\n")
    out.append("".join(f"- ⚠ **{md(g.rule)}** ({md(g.subject)}, fired in {month_runs(g.fired)}): {md(g.message)}\n"
                       for g in report.warning_groups) or "None triggered.\n")

    trend = report.trend
    out.append("## Trend analysis of the green KPIs\n")
    out.append(f"{md(trend.headline())}\n")
    if trend.rows:
        rows = [[md(r.kpi), str(r.months), f"{r.first_value:f} → {r.last_value:f}", slope_text(r.slope),
                 "–" if r.se is None else f"{r.se:.3f}", f"{TREND_SYMBOLS[r.trend]} {r.trend.value}",
                 md(target(r.tsl_comparison, r.tsl)), r.projected_below_tsl.label if r.projected_below_tsl else "no"]
                for r in trend.rows]
        share = trend.share_stable_or_improving
        out.append(f"Window {trend.start.label} to {trend.end.label}; {percent(share) if share is not None else '–'} stable or "
                   "improving (method: docs/report.md).\n\n")
        out.append(_table(["KPI", "Months", "First → last", "Slope / month", "Std error", "Trend", "TSL now",
                           "Projected below TSL"], rows, (1, 3, 4)))

    out.append("## Appendix A: detailed results by service area\n")
    for d in report.details:
        out.append(f"### Part {d.part}: {md(d.name)} ({md(d.area)})\n")
        headers = ["KPI", "Short description", "TSL", "MSL", *(p.label for p in report.periods)]
        rows = []
        for r in d.rows:
            if not r.in_use:
                rows.append([md(r.kpi), "KPI REFERENCE NOT IN USE", "", "", *("" for _ in report.periods)])
                continue
            marks = "".join(circled(n) for n in r.marks)
            tsl = " → ".join(md(target(s.tsl_comparison, s.tsl)) for s in r.steps) + marks
            msl = " → ".join(md(target(s.msl_comparison, s.msl)) for s in r.steps) + marks
            rows.append([md(r.kpi), md(r.description), tsl, msl, *(_cell(c) for c in r.cells)])
        out.append(_table(headers, rows))
        for n in d.footnotes:
            out.append(f"{circled(n)} {md(report.footnote(n).text)}\n")

    if report.words("projects"):
        out.append(_section(report, "projects"))
    if report.words("conclusion"):
        out.append(_section(report, "conclusion"))

    for a in report.appendices:
        out.append(f"## {md(a.title)}\n")
        out.append(_table(list(a.columns), [[md("" if v is None else v) for v in row] for row in a.rows]))
        out.extend(f"- {md(n)}\n" for n in a.notes)

    m = report.commentary.milestones if report.commentary is not None else None
    if m is not None and m.months:
        out.append(f"## Appendix D: {md(m.title)}\n")
        lines = (("Total milestones in month", "total"), ("KPI milestones", "kpi_milestones"), ("Met", "met"),
                 ("Exception", "exception"), ("Fail", "fail"), ("Excluded", "excluded"), ("KPI %", "kpi_percent"))
        rows = [[label, *("" if (v := getattr(x, key)) is None else f"{v}" for x in m.months)] for label, key in lines]
        out.append(_table(["", *(x.period.label for x in m.months)], rows, range(1, len(m.months) + 1)))
        if m.note:
            out.append(_prose(m.note))
    if report.notes:
        out.append("## Notes\n")
        out.extend(f"- {md(n)}\n" for n in report.notes)
    return "\n".join(out)
