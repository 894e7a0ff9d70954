"""Charts as inline SVG: no script, no network, scaled by the page (``viewBox``), each with a text title.

Coordinates are floats (drawing only); every figure a chart shows is also in a table next to it, so a chart is
never the only place a number or a status is given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from html import escape

from csskpi.model.result import Status
from csskpi.report.model import AreaCreditTotal, KPIRow, PointsMonth, SummaryTable
from csskpi.report.text import FILLS, INKS, SYMBOLS, WORDS, decimal_text, money, points, target

__all__ = ["credits_chart", "points_chart", "sparkline", "status_chart"]

_STATUS_ORDER = (Status.GREEN, Status.AMBER, Status.RED, Status.BLUE)
_TSL_INK = "#1E6B34"
_MSL_INK = "#9C1C1C"
_LINE_INK = "#1F3B57"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _open(width: float, height: float, title: str, css_class: str, desc: str = "") -> str:
    description = f"<desc>{_e(desc)}</desc>" if desc else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {width:g} {height:g}" '
        f'role="img" aria-label="{_e(title)}" preserveAspectRatio="xMinYMin meet"><title>{_e(title)}</title>{description}'
    )


def _nice_step(span: float, ticks: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def sparkline(row: KPIRow, width: int = 132, height: int = 40) -> str:
    """A KPI's monthly figures (dots marked by status) against its TSL (dashed) and MSL (dotted), steps included."""
    cells = row.cells
    values = [float(c.value) for c in cells if c.value is not None]
    levels = [float(x) for c in cells for x in (c.tsl, c.msl) if x is not None]
    shown = ", ".join(f"{c.period.label} {c.text or '-'}" for c in cells)
    steps = "; ".join(f"TSL {target(s.tsl_comparison, s.tsl)}, MSL {target(s.msl_comparison, s.msl)}" for s in row.steps)
    title = f"{row.kpi}: {shown}. Targets: {steps}."
    out = [_open(width, height, title, "spark")]
    if not values and not levels:
        return "".join(out) + "</svg>"
    lo, hi = min(values + levels), max(values + levels)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.12
    lo, hi = lo - pad, hi + pad
    n = len(cells)
    left, right, top, bottom = 4.0, width - 4.0, 3.0, height - 3.0

    def x(i: int) -> float:
        return left + (right - left) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return bottom - (bottom - top) * (v - lo) / (hi - lo)

    half = (right - left) / (2 * (n - 1)) if n > 1 else (right - left) / 2
    for attr, ink, dash in (("tsl", _TSL_INK, "4 2"), ("msl", _MSL_INK, "1.5 2")):
        for i, c in enumerate(cells):
            level = getattr(c, attr)
            if level is None:
                continue
            x0, x1 = max(left, x(i) - half), min(right, x(i) + half)
            out.append(f'<line x1="{x0:.1f}" y1="{y(float(level)):.1f}" x2="{x1:.1f}" y2="{y(float(level)):.1f}" '
                       f'stroke="{ink}" stroke-width="1" stroke-dasharray="{dash}"/>')
    segment: list[str] = []
    for i, c in enumerate(cells):
        if c.value is None:
            if len(segment) > 1:
                out.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{_LINE_INK}" stroke-width="1.4"/>')
            segment = []
            continue
        segment.append(f"{x(i):.1f},{y(float(c.value)):.1f}")
    if len(segment) > 1:
        out.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{_LINE_INK}" stroke-width="1.4"/>')
    for i, c in enumerate(cells):
        if c.status is None:
            continue
        fill, ink = FILLS[c.status], INKS[c.status]
        if c.value is None:  # no figure: a cross on the baseline
            cx, cy = x(i), bottom - 2
            out.append(f'<path d="M{cx - 2.5:.1f},{cy - 2.5:.1f}L{cx + 2.5:.1f},{cy + 2.5:.1f}M{cx - 2.5:.1f},{cy + 2.5:.1f}'
                       f'L{cx + 2.5:.1f},{cy - 2.5:.1f}" stroke="#{ink}" stroke-width="1.4"/>')
            continue
        r = 2.6 if c.status is Status.GREEN else 3.2
        out.append(f'<circle cx="{x(i):.1f}" cy="{y(float(c.value)):.1f}" r="{r}" fill="#{fill}" stroke="#{ink}" stroke-width="1.2"/>')
    out.append("</svg>")
    return "".join(out)


def points_chart(months: Sequence[PointsMonth], width: int = 720, height: int = 240) -> str:
    """Abatement points per month (bars), the report's months darker than the months before them."""
    total = sum((m.points for m in months), Decimal(0))
    title = (f"Abatement points per month, {months[0].period.label} to {months[-1].period.label}: "
             f"{points(total)} in all") if months else "Abatement points per month: none"
    out = [_open(width, height, title, "chart")]
    if not months:
        return "".join(out) + "</svg>"
    left, right, top, bottom = 46.0, width - 8.0, 14.0, height - 34.0
    peak = max(float(m.points) for m in months) or 1.0
    step = _nice_step(peak)
    ceiling = step * math.ceil(peak / step)
    tick = 0.0
    while tick <= ceiling + 1e-9:
        ty = bottom - (bottom - top) * tick / ceiling
        out.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{right}" y2="{ty:.1f}" stroke="#d0d4d9" stroke-width="0.8"/>')
        out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" class="tick">{tick:g}</text>')
        tick += step
    n = len(months)
    slot = (right - left) / n
    bar = max(1.0, slot * 0.72)
    label_every = max(1, math.ceil(n / 12))
    for i, m in enumerate(months):
        h = (bottom - top) * float(m.points) / ceiling
        bx = left + slot * i + (slot - bar) / 2
        ink = "#2F5597" if m.in_range else "#9DB3D9"
        out.append(f'<rect x="{bx:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{ink}">'
                   f'<title>{_e(f"{m.period.label} (contract month {m.contract_month}): {points(m.points)} points")}</title></rect>')
        if n <= 24 and m.points > 0:
            out.append(f'<text x="{bx + bar / 2:.1f}" y="{bottom - h - 3:.1f}" text-anchor="middle" class="val">'
                       f'{_e(points(m.points))}</text>')
        if i % label_every == 0 or i == n - 1 and n <= 24:
            out.append(f'<text x="{bx + bar / 2:.1f}" y="{bottom + 16:.1f}" text-anchor="middle" class="tick">{_e(m.period.label)}</text>')
    out.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#555" stroke-width="1"/>')
    out.append("</svg>")
    return "".join(out)


def credits_chart(totals: Sequence[AreaCreditTotal], width: int = 720) -> str:
    """Each area's service credits over the range (filled) against the sum of its monthly caps (outlined)."""
    row_h = 34
    height = 20 + row_h * max(1, len(totals))
    title = "Service credits per service area against the cap: " + "; ".join(
        f"{t.area} {money(t.credit)} of {money(t.cap)}" for t in totals)
    out = [_open(width, height, title, "chart")]
    left, right = 64.0, width - 250.0
    peak = max((float(t.cap) for t in totals), default=1.0) or 1.0
    for i, t in enumerate(totals):
        top = 10 + i * row_h
        cap_w = (right - left) * float(t.cap) / peak
        credit_w = (right - left) * float(t.credit) / peak
        share = Decimal(0) if t.cap == 0 else t.credit * 100 / t.cap
        out.append(f'<text x="{left - 8}" y="{top + 17}" text-anchor="end" class="lab">{_e(t.area)}</text>')
        out.append(f'<rect x="{left}" y="{top + 4}" width="{cap_w:.1f}" height="18" fill="#f3f5f7" stroke="#7a8591" stroke-width="1"/>')
        if credit_w > 0:
            out.append(f'<rect x="{left}" y="{top + 4}" width="{max(credit_w, 1.5):.1f}" height="18" fill="#C55A11"/>')
        note = f"{money(t.credit)} of {money(t.cap)} ({decimal_text(share, 1)}%)"
        out.append(f'<text x="{left + cap_w + 8:.1f}" y="{top + 17}" class="lab">{_e(note)}</text>')
    out.append("</svg>")
    return "".join(out)


def status_chart(table: SummaryTable, width: int = 720, height: int = 230) -> str:
    """KPIs by status per month (stacked bars with the count written in each part)."""
    rows = table.rows
    title = f"{table.title}: " + "; ".join(
        f"{r.period.label} " + ", ".join(f"{r.count(s)} {WORDS[s].lower()}" for s in _STATUS_ORDER) for r in rows)
    out = [_open(width, height, title, "chart")]
    if not rows:
        return "".join(out) + "</svg>"
    left, right, top, bottom = 36.0, width - 8.0, 10.0, height - 50.0
    ceiling = max(r.total for r in rows) or 1
    slot = (right - left) / len(rows)
    bar = min(64.0, slot * 0.7)
    for i, r in enumerate(rows):
        bx = left + slot * i + (slot - bar) / 2
        base = bottom
        for s in _STATUS_ORDER:
            count = r.count(s)
            if not count:
                continue
            h = (bottom - top) * count / ceiling
            out.append(f'<rect x="{bx:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="#{FILLS[s]}" '
                       f'stroke="#{INKS[s]}" stroke-width="0.8"><title>{_e(f"{r.period.label}: {count} {WORDS[s]}")}</title></rect>')
            if h >= 11:
                out.append(f'<text x="{bx + bar / 2:.1f}" y="{base - h / 2 + 4:.1f}" text-anchor="middle" class="val" '
                           f'fill="#{INKS[s]}">{SYMBOLS[s]} {count}</text>')
            base -= h
        out.append(f'<text x="{bx + bar / 2:.1f}" y="{bottom + 15:.1f}" text-anchor="middle" class="tick">{_e(r.period.label)}</text>')
    legend_y = height - 12
    x0 = left
    for s in _STATUS_ORDER:
        out.append(f'<rect x="{x0:.1f}" y="{legend_y - 9}" width="11" height="11" fill="#{FILLS[s]}" stroke="#{INKS[s]}"/>')
        label = f"{SYMBOLS[s]} {WORDS[s]}"
        out.append(f'<text x="{x0 + 15:.1f}" y="{legend_y}" class="tick">{_e(label)}</text>')
        x0 += 92
    out.append("</svg>")
    return "".join(out)
