"""Reconciling recomputed summaries with the figures a council published, and explaining every difference.

Published tables are read from a CSV in the format of the bundled example's ``published.csv``
(``source,area,period,tsl_achieved,msl_achieved,below_msl,mitigation,total``; an empty cell was not published
and is not compared). A difference in an area row is explained by the KPIs whose status accounts for it; a
difference in the overall row by the area rows that differ in the same month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

import attrs

from csskpi.engine.rules import Evaluation
from csskpi.engine.summary import ALL_AREAS, SummaryRow, summarise
from csskpi.model.contract import Contract
from csskpi.model.period import Period
from csskpi.model.result import Result, Status

__all__ = [
    "DATED_HEADER",
    "FIELDS",
    "HEADER",
    "Difference",
    "MilestoneMonth",
    "NotCompared",
    "PublishedRow",
    "Reconciliation",
    "RecordFinding",
    "Statement",
    "check_milestones",
    "check_stated_failures",
    "check_statements",
    "reconcile",
    "restatements",
]

FIELDS = ("tsl_achieved", "msl_achieved", "below_msl", "mitigation", "total")
HEADER = ("source", "area", "period", *FIELDS)
#: The header of a file that says when each source was published (``published_on``, YYYY-MM-DD, after ``source``).
DATED_HEADER = ("source", "published_on", "area", "period", *FIELDS)
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
    published_on: dt.date | None = None  # when the source was published, where the file says

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


# --- Differences within the record itself --------------------------------------------------------------------------
# Two published statements that cannot both be right are a finding: shown side by side with where each stands,
# never resolved in favour of either.


@attrs.frozen
class RecordFinding:
    """A difference within the record: ``stated`` is what one place says, ``record`` what another makes it."""

    kind: str  # restated | below_msl | milestones | target | points
    subject: str
    period: Period | None
    stated: str
    record: str
    message: str
    source: str = ""
    file: str | None = None
    line: int | None = None


@attrs.frozen
class Statement:
    """A figure the council's text states about the contract: a KPI's ``tsl``/``msl`` or the ``points`` in force."""

    what: str  # tsl | msl | points
    period: Period
    value: Decimal
    kpi: str | None = None
    quote: str = ""
    source: str = ""
    file: str | None = None
    line: int | None = None


@attrs.frozen
class MilestoneMonth:
    """A row of the IT projects' milestone table: the milestones in a month, the KPI's share of them and its parts."""

    period: Period
    total: int | None
    kpi_milestones: int
    met: int
    exception: int
    fail: int
    excluded: int | None = None
    kpi_percent: Decimal | None = None
    file: str | None = None
    line: int | None = None


def restatements(rows: Iterable[PublishedRow]) -> tuple[RecordFinding, ...]:
    """Each published count that later sources give differently: the figures in the order of ``rows``."""
    seen: dict[tuple[str, Period, str], list[tuple[str, int, PublishedRow]]] = {}
    for row in rows:
        for field, value in row.as_dict().items():
            if value is not None:
                seen.setdefault((row.area, row.period, field), []).append((row.source, value, row))
    out = []
    for (area, period, field), given in seen.items():
        if len({v for _, v, _ in given}) < 2:
            continue
        runs: list[tuple[int, list[str]]] = []
        for s, v, _ in given:
            if runs and runs[-1][0] == v:
                runs[-1][1].append(s)
            else:
                runs.append((v, [s]))
        told = ", then ".join(f"{v} ({'; '.join(names)})" for v, names in runs)
        first = given[0][2]
        out.append(RecordFinding(
            "restated", f"{area} {field.replace('_', ' ')}", period, str(given[0][1]), str(given[-1][1]),
            f"{area} {period.label}, {field.replace('_', ' ')}: first published as {told}.", given[0][0],
            first.file, first.line))
    return tuple(sorted(out, key=lambda f: (f.period or Period(1, 1), f.subject)))


def check_stated_failures(evaluation: Evaluation, stated: Iterable[tuple[str, Period, str]]) -> tuple[RecordFinding, ...]:
    """KPI-months the council's text says failed MSL (``(kpi, period, source)``) against the judged results:
    a stated one that is not RED, and in the same months a RED one the text does not name."""
    by_key = {(r.reference, r.period): r for r in evaluation.results}
    stated = list(stated)
    named = {(k, p) for k, p, _ in stated}
    out = []
    for kpi, period, source in stated:
        r = by_key.get((kpi, period))
        if r is not None and r.status is Status.RED:
            continue
        shown = "not judged" if r is None else f"{r.status.name} ({_describe(r)})"
        reds = [x for x in evaluation.results if x.period == period and x.status is Status.RED
                and x.area == (r.area if r else x.area) and (x.reference, period) not in named]
        other = "; " + ", ".join(f"{_describe(x)} is RED and not named" for x in reds) if reds else ""
        out.append(RecordFinding(
            "below_msl", kpi, period, f"{kpi} failed MSL", shown,
            f"The text names {kpi} as failing MSL in {period.label}; the detailed results make it {shown}{other}.",
            source))
    return tuple(out)


def _shown(value: Decimal) -> str:
    return f"{value.normalize():f}"


def check_statements(contract: Contract, statements: Iterable[Statement]) -> tuple[RecordFinding, ...]:
    """Targets and points the text states, against the contract's schedule in force in the month stated."""
    out = []
    for s in statements:
        if s.what == "points":
            actual: Decimal | None = Decimal(contract.points_in_force(s.period))
            subject = "abatement points in force"
        else:
            step = contract.kpi(s.kpi).step_at(s.period) if s.kpi else None
            actual = None if step is None else (step.tsl if s.what == "tsl" else step.msl)
            subject = f"{s.kpi} {s.what.upper()}"
        if actual is not None and actual == s.value:
            continue
        record = "none in force" if actual is None else _shown(actual)
        out.append(RecordFinding(
            "points" if s.what == "points" else "target", subject, s.period, _shown(s.value), record,
            f"{s.source or 'The text'} states {subject} {_shown(s.value)} in {s.period.label}"
            f"{f' (“{s.quote}”)' if s.quote else ''}; the contract's published schedule has {record} then.",
            s.source, s.file, s.line))
    return tuple(out)


def check_milestones(months: Iterable[MilestoneMonth], kpi: str | None = None,
                     evaluation: Evaluation | None = None, source: str = "") -> tuple[RecordFinding, ...]:
    """Each month's stated KPI milestones against its parts (met + exception + fail), the stated total against
    them plus the excluded ones, the stated KPI% against (met + exception) / parts, and the KPI's result."""
    results = {r.period: r for r in (evaluation.results if evaluation else ()) if r.reference == kpi}
    out = []
    for m in months:
        parts = m.met + m.exception + m.fail
        said: list[str] = []
        if m.kpi_milestones != parts:
            said.append(f"the KPI's milestones are stated as {m.kpi_milestones} where met {m.met} + exception "
                        f"{m.exception} + fail {m.fail} = {parts}")
        if m.total is not None and m.excluded is not None and m.total != m.kpi_milestones + m.excluded:
            said.append(f"the month's total is stated as {m.total} where {m.kpi_milestones} + excluded {m.excluded} = "
                        f"{m.kpi_milestones + m.excluded}")
        if m.kpi_percent is not None and parts:
            share = (Decimal(m.met + m.exception) * 100 / parts).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if share != m.kpi_percent:
                said.append(f"the KPI% is stated as {m.kpi_percent:f}% where {m.met + m.exception} of {parts} is {share:f}%")
            elif m.kpi_milestones != parts:
                said.append(f"the stated KPI% {m.kpi_percent:f}% is {m.met + m.exception} of {parts}, not of "
                            f"{m.kpi_milestones}")
        r = results.get(m.period)
        if r is not None and r.value is not None and m.kpi_percent is not None and r.value != m.kpi_percent:
            said.append(f"{kpi}'s result for the month is {r.value:f}, the table's KPI% {m.kpi_percent:f}%")
        if said:
            out.append(RecordFinding(
                "milestones", f"milestones {m.period.label}", m.period, str(m.kpi_milestones), str(parts),
                f"Milestone table, {m.period.label}: " + "; ".join(said) + ".", source, m.file, m.line))
    return tuple(out)
