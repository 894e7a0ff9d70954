"""The HTML report's sections after the summary: reconciliation, exceptions, points and credits, watch rules,
trend analysis, notes. Each returns escaped HTML (empty when it has nothing to show and is optional)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from csskpi.model.period import Period
from csskpi.report.council import effect_table, findings_html, mitigation_table
from csskpi.report.htmlkit import e, table_html
from csskpi.report.model import Report
from csskpi.report.svg import credits_chart, points_chart
from csskpi.report.text import decimal_text, money, month_runs, percent, points, slope_text, target
from csskpi.report.trend import MIN_MONTHS, TrendClass

__all__ = ["exceptions", "notes_section", "points_section", "points_table_1b", "reconciliation", "trend_section",
           "warnings_section"]

TREND_SYMBOLS = {TrendClass.IMPROVING: "▲", TrendClass.STABLE: "►", TrendClass.DETERIORATING: "▼"}
_FIELDS = ("tsl_achieved", "msl_achieved", "below_msl", "mitigation", "total")


def _counts(d: Mapping[str, int | None]) -> str:
    return " / ".join("–" if d.get(k) is None else str(d[k]) for k in _FIELDS)


def reconciliation(report: Report) -> str:
    rec = report.reconciliation
    if rec is None:
        found = findings_html(report)
        return f'<section id="reconciliation"><h2>Reconciliation with the record</h2>{found}</section>' if found else ""
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
                              "Recomputed", "Explanation"], rows, long=(4,)))
    else:
        out.append('<p class="ok">Every published row agrees with the recomputed one.</p>')
    if rec.not_compared:
        out.append('<ul class="small">' + "".join(
            f"<li>{e(n.source)} {e(n.area)} {e(n.period.label)}: {e(n.reason)}</li>" for n in rec.not_compared) + "</ul>")
    out.append(findings_html(report))
    out.append("</section>")
    return "".join(out)


def _free(text: str, empty: str) -> str:
    return f'<span class="free">{e(text)}</span>' if text else f'<span class="small">{e(empty)}</span>'


def exceptions(report: Report) -> str:
    """Tables 8 and 9 as the council numbers them, then any suspension of service credits."""
    n8, n9 = report.numbers["below_msl"], report.numbers["mitigation"]
    out = ['<section id="exceptions"><h2>Exceptions: KPIs below MSL and mitigation</h2>',
           f"<h3>KPI performance failure: effect on council services (Table {n8})</h3>", effect_table(report),
           f"<h3>KPIs granted mitigation relief (Table {n9})</h3>", mitigation_table(report)]
    if report.suspensions:
        out.append("<h3>Suspension of service credits</h3>")
        rows = [[e(", ".join(s.areas)), e(month_runs([s.start, s.end]) if s.start != s.end else s.start.label),
                 _free(s.reason, "Not recorded."), e(s.reference),
                 e(_relieved(s.relieved))] for s in report.suspensions]
        out.append(table_html("Suspensions: AMBER and RED months recorded as mitigated",
                              ["Areas", "Months", "Reason", "Reference", "KPI-months relieved"], rows, raw=True,
                              long=(2, 4)))
    out.append("</section>")
    return "".join(out)


def _relieved(relieved: tuple[tuple[str, Period], ...]) -> str:
    """The KPI-months a suspension relieved, by KPI: ``CSC_KPI_04 Mar-20 – Jun-20; IMT_KPI_09 Apr-20``."""
    by_kpi: dict[str, list[Period]] = {}
    for kpi, p in relieved:
        by_kpi.setdefault(kpi, []).append(p)
    return "; ".join(f"{k} {month_runs(ps)}" for k, ps in by_kpi.items()) or "none (all GREEN)"


def points_table_1b(report: Report) -> str:
    """Chart and Table 1b: total abatement points per month since the first month measured."""
    out = [(f"<figure>{points_chart(report.points)}<figcaption>Chart 1b: total abatement points per month since the "
            "first month measured; the months of this report are darker.</figcaption></figure>")]
    rows = [[m.period.label, str(m.contract_month), points(m.points), str(m.failing)] for m in report.points]
    total = sum((m.points for m in report.points), Decimal(0))
    rows.append(["Total", "", points(total), ""])
    out.append(table_html("Table 1b: Total monthly abatement points since the first month measured",
                          ["Month", "Contract month", "Points", "KPIs attracting points"], rows, numeric=(1, 2, 3),
                          compact=True))
    return "".join(out)


def points_section(report: Report) -> str:
    rules = report.contract.parameters.points
    ladder = ", ".join(f"×{m.normalize():f}" for m in rules.ladder)
    cap = f"{report.contract.parameters.credits.cap_percent.normalize():f}"
    out = ['<section id="points"><h2>Abatement points and service credits</h2>',
           (f"<p>Each failing month attracts the KPI's abatement points (RED and data not available in full, AMBER "
           f"{(rules.amber_weight * 100).normalize():f}%), multiplied for consecutive failing months ({e(ladder)}). "
           f"Mitigated months attract none. Each service area's credits are capped at {e(cap)}% of its monthly charge.</p>"),
           ("<p>Total points per month are in Table 1b. Each failing month's points become service credits "
            "through the contract's regime, capped per area.</p>")]
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
        groups = report.warning_groups
        rows = [[f"⚠ {g.rule}", g.subject, month_runs(g.fired), str(g.count),
                 g.message if g.count == 1 else f"Latest: {g.message}. First: {g.first_message}."] for g in groups]
        out.append(f'<p class="warn" role="note"><strong>⚠ {len(groups)} warning(s)</strong> from '
                   f'{len({g.rule for g in groups})} rule(s); a rule that fired in several months for the same '
                   "subject is one warning with the months it fired in.</p>")
        out.append(table_html("Watch-rule warnings triggered in the months of this report",
                              ["Rule", "Subject", "Fired in", "Months", "What happened"], rows, numeric=(3,),
                              long=(4,)))
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
