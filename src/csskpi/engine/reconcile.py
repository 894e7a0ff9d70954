"""Reconciling recomputed summaries with the figures a council published, and explaining every difference.

Published tables are read from a CSV in the format of the bundled example's ``published.csv``
(``source,area,period,tsl_achieved,msl_achieved,below_msl,mitigation,total``; an empty cell was not published
and is not compared). A difference in an area row is explained by the KPIs whose status accounts for it; a
difference in the overall row by the area rows that differ in the same month.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from csskpi.engine.rules import Evaluation
from csskpi.engine.summary import ALL_AREAS, SummaryRow, summarise
from csskpi.model.period import Period
from csskpi.model.result import Result, Status

__all__ = ["PublishedRow", "Difference", "NotCompared", "Reconciliation", "reconcile", "HEADER", "FIELDS"]

FIELDS = ("tsl_achieved", "msl_achieved", "below_msl", "mitigation", "total")
HEADER = ("source", "area", "period", *FIELDS)
_STATUS_OF = {"tsl_achieved": Status.GREEN, "msl_achieved": Status.AMBER, "below_msl": Status.RED, "mitigation": Status.BLUE}


@attrs.frozen
class PublishedRow:
    """One published column of a summary table; ``None`` where the council published no figure."""

    source: str
    area: str
    period: Period
    counts: tuple[int | None, ...]  # in FIELDS order
    file: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        return dict(zip(FIELDS, self.counts, strict=False))


@attrs.frozen
class Difference:
    """A published row that disagrees with the recomputed one, and why."""

    source: str
    area: str
    period: Period
    published: dict[str, int | None]
    recomputed: dict[str, int]
    explanation: str
    kpis: tuple[str, ...] = ()  # the KPIs that account for the difference, when they can be told
    candidates: tuple[str, ...] = ()  # when they cannot: the KPIs any of which may be the one miscounted


@attrs.frozen
class NotCompared:
    source: str
    area: str
    period: Period
    reason: str


@attrs.frozen
class Reconciliation:
    differences: tuple[Difference, ...]
    not_compared: tuple[NotCompared, ...]
    compared: int


def _describe(r: Result) -> str:
    if r.value is None:
        what = "no figure"
    else:
        what = f"{r.value:f}"
    step = f" against TSL {r.step.tsl_comparison.symbol} {r.step.tsl}, MSL {r.step.msl_comparison.symbol} {r.step.msl}" if r.step else ""
    return f"{r.reference} ({what}{step})"


def _explain_area(
    published: PublishedRow, recomputed: SummaryRow, results: Sequence[Result]
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    pub = published.as_dict()
    rec = recomputed.as_dict()
    over: list[tuple[Status, int]] = []  # statuses recomputed more often than published
    under: list[tuple[Status, int]] = []
    for field, status in _STATUS_OF.items():
        p = pub[field]
        if p is None:
            continue
        delta = rec[field] - p
        if delta > 0:
            over.append((status, delta))
        elif delta < 0:
            under.append((status, -delta))
    sentences: list[str] = []
    named: list[str] = []
    candidates: list[str] = []
    for status, n in over:
        holders = [r for r in results if r.status is status]
        counted_as = " or ".join(s.label for s, _ in under) or "something else"
        if len(holders) == n:
            for r in holders:
                sentences.append(
                    f"{_describe(r)} is {status.name} ({status.label}) here, but the published table counts it as {counted_as}"
                )
                named.append(r.reference)
        else:
            names = ", ".join(r.reference for r in holders)
            sentences.append(
                f"the published table counts {n} of the {len(holders)} KPIs recomputed {status.name} ({names}) as {counted_as}"
            )
            candidates.extend(r.reference for r in holders)
    for status, _ in under:
        if over and status is not Status.BLUE:
            continue  # already told by the KPIs named above
        holders = [r for r in results if r.status is status]
        marked = ", ".join(r.reference for r in holders) or "none"
        sentences.append(
            f"the measurements give {rec[_field_of(status)]} {status.label} ({marked}) where the table counts "
            f"{pub[_field_of(status)]}"
        )
    if pub["total"] is not None and pub["total"] != rec["total"]:
        sentences.append(f"it counts {pub['total']} KPIs in all where {rec['total']} were judged")
    text = "; ".join(sentences) if sentences else "the counts differ"
    return text[0].upper() + text[1:] + ".", tuple(dict.fromkeys(named)), tuple(dict.fromkeys(candidates))


def _field_of(status: Status) -> str:
    return next(f for f, s in _STATUS_OF.items() if s is status)


def reconcile(
    evaluation: Evaluation, published: Iterable[PublishedRow], *, source: str | None = None
) -> Reconciliation:
    """Compare every published row (of ``source``, or of every source) with the recomputed summary."""
    summary = {(row.area, row.period): row for row in summarise(evaluation)}
    rows = [p for p in published if source is None or p.source == source]
    differences: dict[tuple[str, str, Period], Difference] = {}
    not_compared: list[NotCompared] = []
    compared = 0
    # Area rows first, so that an overall row can be explained by them.
    for row in sorted(rows, key=lambda r: (r.source, r.period, r.area == ALL_AREAS)):
        recomputed = summary.get((row.area, row.period))
        if recomputed is None:
            if row.period not in evaluation.periods:
                reason = f"no measurements for {row.period}"
            else:
                reason = f"no service area {row.area!r} in force in {row.period}"
            not_compared.append(NotCompared(row.source, row.area, row.period, reason))
            continue
        compared += 1
        rec = recomputed.as_dict()
        pub = row.as_dict()
        if all(v is None or v == rec[k] for k, v in pub.items()):
            continue
        if row.area == ALL_AREAS:
            parts = [d for (s, a, p), d in differences.items() if s == row.source and p == row.period and a != ALL_AREAS]
            if parts:
                explanation = " ".join(f"Follows from the {d.area} row of {row.period}: {d.explanation}" for d in parts)
                kpis = tuple(k for d in parts for k in d.kpis)
                candidates = tuple(k for d in parts for k in d.candidates)
            else:
                in_month = [r for r in evaluation.results if r.period == row.period]
                explanation, kpis, candidates = _explain_area(row, recomputed, in_month)
        else:
            in_area = [r for r in evaluation.results if r.period == row.period and r.area == row.area]
            explanation, kpis, candidates = _explain_area(row, recomputed, in_area)
        differences[(row.source, row.area, row.period)] = Difference(
            row.source, row.area, row.period, pub, rec, explanation, kpis, candidates
        )
    ordered = sorted(differences.values(), key=lambda d: (d.source, d.area != ALL_AREAS, d.area, d.period))
    return Reconciliation(tuple(ordered), tuple(not_compared), compared)
