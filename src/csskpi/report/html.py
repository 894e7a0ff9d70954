"""The report as one self-contained HTML page: inline CSS and SVG, no script, no network.

Every piece of text that is not this module's own markup goes through :func:`html.escape` (decisions' reasons,
descriptions, notes, appendix cells). Each status is shown by a symbol and a word as well as by colour.
"""

from __future__ import annotations

from decimal import Decimal

from csskpi._version import __version__
from csskpi.model.result import Status
from csskpi.report.council import milestones_appendix, payroll_table, prose, prose_section
from csskpi.report.htmlkit import e, status_legend, table_html
from csskpi.report.model import Cell, KPIRow, Report, SummaryTable
from csskpi.report.sections import (
    exceptions,
    notes_section,
    points_section,
    points_table_1b,
    reconciliation,
    trend_section,
    warnings_section,
)
from csskpi.report.style import CSS
from csskpi.report.svg import sparkline, status_chart
from csskpi.report.text import SYMBOLS, WORDS, circled, money, percent, points, target

__all__ = ["render_html"]

_SUMMARY_LINES = (
    ("TSL achieved", "tsl_achieved", Status.GREEN),
    ("MSL achieved", "msl_achieved", Status.AMBER),
    ("Below MSL", "below_msl", Status.RED),
    ("Mitigation Agreed", "mitigation", Status.BLUE),
)


def _summary_table(t: SummaryTable, report: Report) -> str:
    head = "".join(f'<th scope="col" class="num">{e(r.period.label)}</th>' for r in t.rows)
    body = []
    for label, key, status in (*_SUMMARY_LINES, ("TOTAL", "total", None)):
        cells = []
        for r in t.rows:
            value = r.as_dict()[key]
            pub = t.published_value(r.period, key)
            if pub is not None:
                cells.append(f'<td class="num diff" title="published: {pub}">{value}<sup class="fn">†</sup>'
                             f'<span class="sr"> (published {pub})</span></td>')
            else:
                cells.append(f'<td class="num">{value}</td>')
        sym = f'<span class="chip st-{status.value}" aria-hidden="true">{SYMBOLS[status]}</span> ' if status else ""
        css = ' class="total"' if status is None else ""
        body.append(f'<tr{css}><th scope="row">{sym}{e(label)}</th>{"".join(cells)}</tr>')
    caption = f"Table {t.number}: {t.title}"
    notes = []
    if t.provisional:
        shown = ", ".join(f"{p.label} ({n})" for p, n in t.provisional)
        notes.append(f"Provisional results (under escalation or in dispute) in: {shown}.")
    if t.published:
        notes.append("† The recomputed count differs from the published table (published figure on hover and in "
                     "the Reconciliation section).")
    note_html = "".join(f'<p class="note">{e(n)}</p>' for n in notes)
    return (f'<div class="scroll" role="region" tabindex="0" aria-label="{e(caption)}"><table class="summary">'
            f'<caption>{e(caption)}</caption><thead><tr><th scope="col">{e(t.heading)}</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>{note_html}")


def _cell_html(c: Cell) -> str:
    if c.status is None:
        return f'<td class="blank">{e(c.text or "–")}</td>'
    marks = "".join(f'<a class="mark" href="#fn{n}">{circled(n)}</a>' for n in c.marks)
    if c.data_not_available:
        value = f'<span class="v">{e(c.text)}</span>'
    elif c.mitigated or c.suspended:
        words = c.text[len(c.shown_value):].strip() if c.value is not None else c.text
        value = (f'<span class="v">{e(c.shown_value)}</span>' if c.value is not None else "") + f'<span class="w">{e(words)}</span>'
    else:
        value = f'<span class="v">{e(c.text)}{marks}</span>'
        marks = ""
    word = f'<span class="w">{SYMBOLS[c.status]}\u00a0{e(WORDS[c.status])}{marks}</span>'
    return f'<td class="st st-{c.status.value}" title="{e(c.explanation)}">{value}{word}</td>'


def _targets(row: KPIRow) -> tuple[str, str]:
    marks = "".join(f'<a class="mark" href="#fn{n}">{circled(n)}</a>' for n in row.marks)
    tsl = " → ".join(e(target(s.tsl_comparison, s.tsl)).replace(" ", "\u00a0") for s in row.steps) + marks
    msl = " → ".join(e(target(s.msl_comparison, s.msl)).replace(" ", "\u00a0") for s in row.steps) + marks
    return tsl, msl


def _appendix_a(report: Report) -> str:
    out = ['<section class="part" id="appendix-a"><h2>Appendix A: Detailed results by service area</h2>',
           ('<p>Each KPI\'s targets and monthly results. "Data Not Available" is RED: the KPI attracts its full '
           'abatement points. "Mitigation Agreed" is BLUE: because of a dependency outside the supplier\'s control, '
           'no abatement points apply; a figure is shown when one was still recorded. The small chart plots the '
           'figures against TSL (dashed) and MSL (dotted).</p>'), status_legend()]
    for d in report.details:
        head = "".join(f'<th scope="col" class="num">{e(p.label)}</th>' for p in report.periods)
        body = []
        for row in d.rows:
            if not row.in_use:
                body.append(f'<tr><td class="kpi"><span class="ref">{e(row.kpi)}</span></td><td></td><td></td>'
                            f'<td class="retired" colspan="{len(report.periods) + 1}">{e(row.description)}</td></tr>')
                continue
            tsl, msl = _targets(row)
            cells = "".join(_cell_html(c) for c in row.cells)
            body.append(f'<tr><td class="kpi"><span class="ref">{e(row.kpi)}</span><span class="desc">{e(row.description)}'
                        f'</span></td><td class="tgt">{tsl}</td><td class="tgt">{msl}</td>{cells}<td class="spark">{sparkline(row)}</td></tr>')
        caption = f"Part {d.part}: {d.name} ({d.area}) — detailed performance results"
        out.append(f'<h3 id="part-{e(d.area)}">{e(caption)}</h3>')
        out.append(f'<div class="scroll" role="region" tabindex="0" aria-label="{e(caption)}"><table class="detail">'
                   f'<caption>{e(d.area)} KPIs</caption><thead><tr><th scope="col">KPI</th><th scope="col">TSL</th>'
                   f'<th scope="col">MSL</th>{head}<th scope="col">Trend</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>')
        if d.footnotes:
            notes = "".join(f'<li id="fn{n}" value="{n}"><span class="mark">{circled(n)}</span> '
                            f'{e(report.footnote(n).text)}</li>' for n in d.footnotes)
            out.append(f'<ol class="notes">{notes}</ol>')
    out.append("</section>")
    return "".join(out)


def _appendices(report: Report) -> str:
    if not report.appendices:
        return ""
    out = ['<section class="part" id="appendix-c"><h2>Appendix C: Payroll contacts and other appendices</h2>']
    for tbl in report.appendices:
        rows = [["" if v is None else str(v) for v in row] for row in tbl.rows]
        out.append(table_html(tbl.title, tbl.columns, rows, numeric=range(1, len(tbl.columns))))
        if tbl.notes:
            out.append('<ol class="notes">' + "".join(f"<li>{e(n)}</li>" for n in tbl.notes) + "</ol>")
    out.append("</section>")
    return "".join(out)


def _headline(report: Report) -> str:
    latest = report.overall.rows[-1]
    in_range = [m for m in report.points if m.in_range]
    pts = sum((m.points for m in in_range), Decimal(0)) if in_range else None
    credit = sum((a.credit for a in report.credits), Decimal(0)) if report.credits else None
    share = report.trend.share_stable_or_improving
    mitigated, suspended = report.relieved_by(latest.period)
    cards = [
        (f"{latest.green} / {latest.total}", f"KPIs achieving TSL in {latest.period.label}"),
        (f"{SYMBOLS[Status.RED]} {latest.red}", f"below MSL in {latest.period.label}"),
        (f"{SYMBOLS[Status.BLUE]} {mitigated}", f"mitigation agreed in {latest.period.label}"),
    ]
    if suspended:
        cards.append((f"{SYMBOLS[Status.BLUE]} {suspended}", f"relieved by suspended credits in {latest.period.label}"))
    if pts is not None:
        cards.append((points(pts), f"abatement points, {report.start.label} to {report.end.label}"))
    if credit is not None:
        cards.append((money(credit), "service credits in the period"))
    if share is not None:
        cards.append((percent(share), "of the green KPIs stable or improving"))
    items = "".join(f'<div class="card"><span class="big">{e(v)}</span><span class="lbl">{e(label)}</span></div>' for v, label in cards)
    return f'<div class="cards">{items}</div>'


def render_html(report: Report) -> str:
    """The whole report as an HTML document (a string)."""
    c = report.contract
    first, last = report.contract_months
    start_day = c.calendar.start.strftime("%-d %B %Y")
    subtitle = (f"{c.supplier or 'The supplier'}'s performance against the contract's Key Performance Indicators, "
                f"{report.start.label} to {report.end.label} (months {first} to {last} since the service "
                f"commencement date of {start_day}).")
    numbers = report.numbers
    summary = ['<section id="summary"><h2>Performance summary</h2>', prose(report.words("performance")),
               ("<p>GREEN: the KPI met or exceeded its Target Service Level (TSL). AMBER: it missed TSL but achieved "
               "the Minimum Service Level (MSL). RED: it failed MSL, or no data was available. BLUE: the council "
               "agreed mitigation.</p>"), status_legend(), _summary_table(report.overall, report),
               (f"<figure>{status_chart(report.overall)}<figcaption>KPIs by status per month, all service areas "
               "(the counts of Table 1).</figcaption></figure>"), points_table_1b(report), "</section>"]
    areas = []
    for t in report.summaries[1:]:
        areas.append(f'<section id="summary-{e(t.area)}"><h2>{e(t.heading.replace(" Performance", ""))}</h2>'
                     f'{_summary_table(t, report)}{prose(report.area_words(t.area))}')
        if t.area == "PM":
            areas.append(payroll_table(report))
        areas.append("</section>")
    body = [
        ("summary-actions", "Summary and actions", prose_section(report, "summary") + prose_section(report, "actions")),
        ("background", "Background", prose_section(report, "background")),
        ("summary", "Performance summary (Tables 1 and 1b)", "".join(summary)),
        ("summary-areas", f"Service areas (Tables {numbers.get('PM', 2)}-{numbers['below_msl'] - 1})", "".join(areas)),
        ("exceptions", f"Effect of failures and mitigation (Tables {numbers['below_msl']} and {numbers['mitigation']})",
         exceptions(report)),
        ("overview", "KPI performance overview", prose_section(report, "overview")),
        ("reconciliation", "Reconciliation with the record", reconciliation(report)),
        ("points", "Abatement points and service credits", points_section(report)),
        ("warnings", "Watch-rule warnings", warnings_section(report)),
        ("trend", "Trend analysis of the green KPIs", trend_section(report)),
        ("projects", "IT projects", prose_section(report, "projects")),
        ("conclusion", "Conclusion", prose_section(report, "conclusion")),
        ("appendix-a", "Appendix A: detailed results by service area", _appendix_a(report)),
        ("appendix-c", "Appendix C: payroll contacts", _appendices(report)),
        ("appendix-d", "Appendix D: IT projects' milestones", milestones_appendix(report)),
        ("notes", "Notes, method and abbreviations", notes_section(report)),
    ]
    toc = "".join(f'<li><a href="#{anchor}">{e(label)}</a></li>' for anchor, label, html in body
                  if html and anchor != "summary-areas")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="csskpi {e(__version__)}">',
        f"<title>{e(report.title)} — {e(report.start.label)} to {e(report.end.label)}</title>",
        f"<style>{CSS}</style></head><body>",
        f'<header class="cover"><p class="kicker">{e(c.council)} · Overview and Scrutiny</p><h1>{e(report.title)}</h1>',
        (f'<p class="sub">{e(subtitle)}</p><p class="meta">Generated {e(report.generated.isoformat())} by csskpi '
        f"{e(__version__)} from the contract {e(c.name)} ({e(c.council)}, {e(c.supplier)}).</p></header>"),
        f'<nav class="toc" aria-label="Contents"><ol>{toc}</ol></nav><main>',
        _headline(report),
        *(html for _, _, html in body),
        (f"</main><footer>{e(c.council)} — {e(report.title)}, {e(report.start.label)} to {e(report.end.label)}. "
        f"Produced by csskpi {e(__version__)}; every figure recomputed from the measurements and the contract.</footer>"),
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"
