"""The HTML report's sections after the summary: reconciliation, exceptions, points and credits, watch rules,
trend analysis, notes. Each returns escaped HTML (empty when it has nothing to show and is optional)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from csskpi.report.htmlkit import e, table_html
from csskpi.report.model import Report
from csskpi.report.svg import credits_chart, points_chart
from csskpi.report.text import decimal_text, money, month_runs, percent, points, slope_text, target
from csskpi.report.trend import MIN_MONTHS, TrendClass

__all__ = ["TOC", "exceptions", "notes_section", "points_section", "reconciliation", "trend_section", "warnings_section"]

TOC = (
    ("summary", "Performance summary (Tables 1-7)"),
    ("reconciliation", "Reconciliation with the published figures"),
    ("exceptions", "Exceptions: KPIs below MSL and mitigation"),
    ("points", "Abatement points and service credits"),
    ("warnings", "Watch-rule warnings"),
    ("trend", "Trend analysis of the green KPIs"),
    ("appendix-a", "Appendix A: detailed results by service area"),
    ("appendix-c", "Appendix C: payroll contacts"),
    ("notes", "Notes, method and abbreviations"),
)

TREND_SYMBOLS = {TrendClass.IMPROVING: "▲", TrendClass.STABLE: "►", TrendClass.DETERIORATING: "▼"}
_FIELDS = ("tsl_achieved", "msl_achieved", "below_msl", "mitigation", "total")


def _counts(d: Mapping[str, int | None]) -> str:
    return " / ".join("–" if d.get(k) is None else str(d[k]) for k in _FIELDS)


def reconciliation(report: Report) -> str:
    rec = report.reconciliation
    if rec is None:
        return ""
    source = f" ({report.published_source})" if report.published_source else ""
    out = ['<section id="reconciliation"><h2>Reconciliation with the published figures</h2>',
           (f"<p>{rec.compared} published rows{e(source)} compared with the recomputed tables: "
           f"<strong>{rec.compared - len(rec.differences)} agree, {len(rec.differences)} differ</strong>"
           f"{f', {len(rec.not_compared)} not compared' if rec.not_compared else ''}. Each difference is explained "
           "by the KPIs that account for it. Counts are TSL achieved / MSL achieved / below MSL / mitigation / total.</p>")]
    if rec.differences:
        numbers = {t.area: t.number for t in report.summaries}
        rows = [[f"Table {numbers.get(d.area, '?')} ({d.area})", d.period.label, _counts(d.published),
                 _counts(d.recomputed), d.explanation] for d in rec.differences]
        out.append(table_html("Published rows that differ from the recomputed ones", ["Table", "Month", "Published",
                              "Recomputed", "Explanation"], rows))
    else:
        out.append('<p class="ok">Every published row agrees with the recomputed one.</p>')
    if rec.not_compared:
        out.append('<ul class="small">' + "".join(
            f"<li>{e(n.source)} {e(n.area)} {e(n.period.label)}: {e(n.reason)}</li>" for n in rec.not_compared) + "</ul>")
    out.append("</section>")
    return "".join(out)


def _free(text: str, empty: str) -> str:
    return f'<span class="free">{e(text)}</span>' if text else f'<span class="small">{e(empty)}</span>'


def exceptions(report: Report) -> str:
    span = f"{report.start.label} to {report.end.label}"
    out = ['<section id="exceptions"><h2>Exceptions: KPIs below MSL and mitigation</h2>',
           f"<h3>Effect where a KPI failed to meet MSL, {e(span)}</h3>"]
    if report.failures:
        rows = [[(f'<span class="ref">{e(f.kpi)}</span> ({e(month_runs(f.months))})<br><span class="small">'
                 f"{e(f.description)}</span>"), e(", ".join(f.values)), e(points(f.points)), e(f.effect)]
                for f in report.failures]
        out.append(table_html(f"KPIs below MSL (RED), {span}", ["KPI (months)", "Figures", "Abatement points", "Effect"],
                              rows, numeric=(2,), raw=True))
    else:
        out.append(f'<p class="ok">No KPI failed to meet MSL from {e(span)}.</p>')
    out.append(f"<h3>Mitigation agreed, {e(span)}</h3>")
    if report.mitigations:
        rows = [[f'<span class="ref">{e(m.kpi)}</span> ({e(month_runs(m.months))})', e(m.description),
                 _free(m.reason, "No reason recorded: marked “Mitigation Agreed” in the measurements."),
                 _free(m.impact, "Not recorded."), _free(m.path_to_green, "Not recorded.")] for m in report.mitigations]
        out.append(table_html(f"Details of KPI mitigation, {span}",
                              ["KPI ref (months)", "Short description", "Reason for granting mitigation", "Impact",
                               "Path to green"], rows, raw=True))
    else:
        out.append(f'<p class="ok">No mitigation was agreed for {e(span)}.</p>')
    if report.suspensions:
        out.append("<h3>Suspension of service credits</h3>")
        rows = [[e(", ".join(s.areas)), e(month_runs([s.start, s.end]) if s.start != s.end else s.start.label),
                 _free(s.reason, "Not recorded."), e(s.reference),
                 e(", ".join(f"{k} {p.label}" for k, p in s.relieved) or "none (all GREEN)")] for s in report.suspensions]
        out.append(table_html("Suspensions: AMBER and RED months recorded as mitigated",
                              ["Areas", "Months", "Reason", "Reference", "KPI-months relieved"], rows, raw=True))
    out.append("</section>")
    return "".join(out)


def points_section(report: Report) -> str:
    rules = report.contract.parameters.points
    ladder = ", ".join(f"×{m.normalize():f}" for m in rules.ladder)
    cap = f"{report.contract.parameters.credits.cap_percent.normalize():f}"
    out = ['<section id="points"><h2>Abatement points and service credits</h2>',
           (f"<p>Each failing month attracts the KPI's abatement points (RED and data not available in full, AMBER "
           f"{(rules.amber_weight * 100).normalize():f}%), multiplied for consecutive failing months ({e(ladder)}). "
           f"Mitigated months attract none. Each service area's credits are capped at {e(cap)}% of its monthly charge.</p>"),
           (f"<figure>{points_chart(report.points)}<figcaption>Total abatement points per month since the first month "
           "measured; the months of this report are darker.</figcaption></figure>")]
    rows = [[m.period.label, str(m.contract_month), points(m.points), str(m.failing)] for m in report.points]
    total = sum((m.points for m in report.points), Decimal(0))
    rows.append(["Total", "", points(total), ""])
    out.append(table_html("Total monthly abatement points since the first month measured",
                          ["Month", "Contract month", "Points", "KPIs attracting points"], rows, numeric=(1, 2, 3),
                          compact=True))
    if report.credits:
        out.append("<h3>Service credits per service area against the cap</h3>")
        out.append(f"<figure>{credits_chart(report.credit_totals)}<figcaption>Credits over {e(report.start.label)} to "
                   f"{e(report.end.label)} (filled) against the sum of the monthly caps (outline).</figcaption></figure>")
        out.append(_credits_table(report))
    out.append("</section>")
    return "".join(out)


def _credits_table(report: Report) -> str:
    """Areas down, months across: each cell the credit, its points and whether it reached the cap."""
    head = "".join(f'<th scope="col" class="num">{e(p.label)}</th>' for p in report.periods)
    body = []
    for t in report.credit_totals:
        cells = []
        for p in report.periods:
            a = next((c for c in report.credits if c.area == t.area and c.period == p), None)
            if a is None:
                cells.append('<td class="blank">–</td>')
                continue
            at_cap = " · at cap" if a.capped else ""
            cells.append(f'<td class="num">{e(money(a.credit))}<span class="desc small" style="display:block">'
                         f'{e(points(a.points))} pts{at_cap}</span></td>')
        share = Decimal(0) if t.cap == 0 else t.credit * 100 / t.cap
        body.append(f'<tr><th scope="row">{e(t.area)}</th>{"".join(cells)}<td class="num"><strong>{e(money(t.credit))}'
                    f'</strong></td><td class="num">{e(money(t.cap))}</td><td class="num">{e(decimal_text(share, 1))}%</td></tr>')
    totals = []
    for p in report.periods:
        month = [c for c in report.credits if c.period == p]
        totals.append(f'<td class="num">{e(money(sum((c.credit for c in month), Decimal(0))))}</td>')
    credit = sum((t.credit for t in report.credit_totals), Decimal(0))
    cap = sum((t.cap for t in report.credit_totals), Decimal(0))
    body.append(f'<tr class="total"><th scope="row">Total</th>{"".join(totals)}<td class="num">{e(money(credit))}</td>'
                f'<td class="num">{e(money(cap))}</td><td></td></tr>')
    caption = "Service credits per service area and month (points beneath), against the cap"
    return (f'<div class="scroll" role="region" tabindex="0" aria-label="{e(caption)}"><table><caption>{e(caption)}'
            f'</caption><thead><tr><th scope="col">Area</th>{head}<th scope="col" class="num">Total</th>'
            f'<th scope="col" class="num">Cap</th><th scope="col" class="num">% of cap</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def warnings_section(report: Report) -> str:
    out = ['<section id="warnings"><h2>Watch-rule warnings</h2>',
           ("<p>The contract's thresholds over the history of results (repeated failures, points in a window, credits "
           "at the cap) that let the council escalate; those triggered in the months of this report.</p>")]
    if report.warnings:
        rows = [[f"⚠ {w.rule}", w.subject, month_runs(w.months), w.message] for w in report.warnings]
        out.append(f'<p class="warn" role="note"><strong>⚠ {len(report.warnings)} warning(s)</strong> from '
                   f'{len({w.rule for w in report.warnings})} rule(s).</p>')
        out.append(table_html("Watch-rule warnings triggered in the months of this report",
                              ["Rule", "Subject", "Months", "What happened"], rows))
    else:
        out.append('<p class="ok">No watch rule was triggered.</p>')
    out.append("</section>")
    return "".join(out)


def trend_section(report: Report) -> str:
    t = report.trend
    share = t.share_stable_or_improving
    out = ['<section id="trend"><h2>Trend analysis of the green KPIs</h2>',
           (f"<p>KPIs meeting TSL in their last month of {e(t.start.label)} to {e(t.end.label)}, with at least "
           f"{MIN_MONTHS} figures: a least-squares line of value per month, classed stable unless its slope is both "
           "significant (at least t × its standard error, 95%) and material (a year's change at least the amber band "
           "|TSL − MSL|); then improving or deteriorating by the KPI's direction. The projection to the contract's "
           f"end ({e(t.contract_end.label)}) uses the line, or the level for a stable KPI, against the TSL in force "
           "each month. See <em>Notes, method</em>.</p>"),
           f'<p class="headline">{e(t.headline())}</p>']
    if share is not None:
        rows = []
        for r in t.rows:
            se = "–" if r.se is None else f"{r.se:.3f}"
            proj = r.projected_below_tsl.label if r.projected_below_tsl else "no"
            rows.append([f'<span class="ref">{e(r.kpi)}</span>', str(r.months),
                         e(f"{r.first_value:f} → {r.last_value:f}"), e(slope_text(r.slope)), e(se),
                         f"{TREND_SYMBOLS[r.trend]} {e(r.trend.value.capitalize())}", e(target(r.tsl_comparison, r.tsl)),
                         e(proj)])
        counts = ", ".join(f"{t.count(c)} {c.value}" for c in TrendClass)
        out.append(table_html(f"Green KPI trends, {t.start.label} to {t.end.label}: {counts}; {percent(share)} stable or improving",
                              ["KPI", "Months", "First → last", "Slope / month", "Std error", "Trend", "TSL now",
                               "Projected below TSL"], rows, numeric=(1, 3, 4), raw=True))
    if t.too_few:
        out.append(f'<p class="note">Green but with fewer than {MIN_MONTHS} figures (not classified): {e(", ".join(t.too_few))}.</p>')
    if t.not_green:
        out.append(f'<p class="note">Not green in their last month (not in the analysis): {e(", ".join(t.not_green))}.</p>')
    out.append("</section>")
    return "".join(out)


def notes_section(report: Report) -> str:
    c = report.contract
    abbreviations = [("CSS", "Corporate Support Services"), ("KPI", "Key Performance Indicator"),
                     ("TSL", "Target Service Level"), ("MSL", "Minimum Service Level"), ("RAG", "Red / Amber / Green")]
    abbreviations += [(a.code, a.name) for a in c.areas]
    out = ['<section id="notes"><h2>Notes, method and abbreviations</h2>']
    if report.notes:
        out.append('<ul>' + "".join(f"<li>{e(n)}</li>" for n in report.notes) + "</ul>")
    out.append(
        "<p>Every figure is recomputed by csskpi from the measurements and the contract's time-stepped targets; values "
        "are exact decimals and are never compared with a target as floating point. A month's status: GREEN meets "
        "TSL; AMBER misses TSL but meets MSL; RED misses MSL or has no data; BLUE where the council agreed "
        "mitigation or suspended service credits. Escalated and disputed figures are provisional until settled. The "
        "trend statistics (slopes, standard errors) are computed exactly as fractions; only the standard error "
        "shown is rounded.</p>")
    out.append(table_html("Abbreviations", ["Abbreviation", "Meaning"], abbreviations, compact=True))
    out.append("</section>")
    return "".join(out)
