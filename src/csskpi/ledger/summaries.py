"""The council's published summaries in the ledger: the RAG counts of each area and month as each source
published them, kept with the date of publication, and a month's history of them — first published one way,
restated by a later source, and what changed.

A figure is the counts one source (``dec2017-report``) gave for one area (``PM``, or ``ALL``) and month: TSL
achieved, MSL achieved, below MSL, mitigation, total — each ``None`` where the source published none. Figures are
recorded once, each its own entry of the hash chain, and never overwritten: recording a figure the ledger holds
with the same counts changes nothing; with other counts it is refused (a later source restates a figure under its
own name, and the history shows it).

In a history the figures are oldest first by publication date, then in the order recorded (a file's order). A
figure *restates* the earlier ones where it gives a count otherwise than the latest earlier source that gave it;
a count the earlier sources did not give is no restatement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import attrs
import sqlalchemy as sa

from csskpi.engine.reconcile import FIELDS, PublishedRow
from csskpi.errors import Problem
from csskpi.ledger import chain, reading
from csskpi.ledger import schema as t
from csskpi.ledger.errors import LedgerError
from csskpi.model.period import Period

__all__ = [
    "CountChange",
    "PublishedEntry",
    "PublishedFigure",
    "PublishedHistory",
    "PublishedRecording",
    "history",
    "record",
    "resolve_contract",
    "restated",
]

Counts = tuple[int | None, ...]


@attrs.frozen
class PublishedFigure:
    """One source's counts for one area and month, as the ledger keeps them (counts in ``FIELDS`` order)."""

    contract: str
    source: str
    published_on: dt.date
    area: str
    period: Period
    counts: Counts
    recorded_by: str = ""
    recorded_at: dt.datetime | None = None
    file: str = ""
    line: int | None = None
    db_user: str | None = None
    digest: str | None = None  # its entry of the hash chain

    def as_dict(self) -> dict[str, int | None]:
        return dict(zip(FIELDS, self.counts, strict=True))

    def as_record(self) -> dict[str, Any]:
        return {
            "contract": self.contract, "source": self.source, "published_on": self.published_on.isoformat(),
            "area": self.area, "period": str(self.period), **self.as_dict(), "recorded_by": self.recorded_by,
            "recorded_at": None if self.recorded_at is None else self.recorded_at.isoformat(), "file": self.file,
            "line": self.line, "db_user": self.db_user, "digest": self.digest,
        }


@attrs.frozen
class CountChange:
    """A count a source gives otherwise than the latest earlier source that gave it."""

    field: str
    old: int
    new: int
    old_source: str
    old_published_on: dt.date

    def __str__(self) -> str:
        return f"{self.field} {self.old} ({self.old_source}, {self.old_published_on.isoformat()}) → {self.new}"

    def as_record(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new, "old_source": self.old_source,
                "old_published_on": self.old_published_on.isoformat()}


@attrs.frozen
class PublishedEntry:
    """A figure in a month's history: whether it is the area-month's first publication, and the counts it restates."""

    figure: PublishedFigure
    first: bool
    changes: tuple[CountChange, ...] = ()

    @property
    def restates(self) -> tuple[str, ...]:
        """The earlier sources whose counts this one gives otherwise, in the order of the counts."""
        return tuple(dict.fromkeys(c.old_source for c in self.changes))

    def as_record(self) -> dict[str, Any]:
        return {**self.figure.as_record(), "first": self.first, "restates": list(self.restates),
                "changes": [c.as_record() for c in self.changes]}


@attrs.frozen
class PublishedHistory:
    """A month's published figures (of one area, if asked), oldest first."""

    contract: str
    period: Period
    area: str | None
    entries: tuple[PublishedEntry, ...]

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[PublishedEntry]:
        return iter(self.entries)

    @property
    def restatements(self) -> tuple[PublishedEntry, ...]:
        return tuple(e for e in self.entries if e.changes)

    def areas(self) -> tuple[str, ...]:
        """The areas, in the order the latest source gives them."""
        last = {e.figure.area: i for i, e in enumerate(self.entries)}
        return tuple(sorted(last, key=last.__getitem__))

    def as_record(self) -> dict[str, Any]:
        return {"contract": self.contract, "period": str(self.period), "area": self.area,
                "figures": [e.as_record() for e in self.entries]}


@attrs.frozen
class PublishedRecording:
    """What recording a file of published figures did: the figures recorded, and those the ledger already held."""

    recorded: tuple[PublishedFigure, ...]
    unchanged: tuple[PublishedFigure, ...]
    head: str

    def __len__(self) -> int:
        return len(self.recorded)


def restated(figures: Iterable[PublishedFigure]) -> tuple[PublishedEntry, ...]:
    """The figures (oldest first) as a history: per area, what each gives otherwise than the latest earlier
    source that gave the same count."""
    latest: dict[tuple[str, str], tuple[int, PublishedFigure]] = {}
    seen: set[str] = set()
    out = []
    for figure in figures:
        changes = []
        for field, value in figure.as_dict().items():
            if value is None:
                continue
            before = latest.get((figure.area, field))
            if before is not None and before[0] != value:
                changes.append(CountChange(field, before[0], value, before[1].source, before[1].published_on))
            latest[(figure.area, field)] = (value, figure)
        out.append(PublishedEntry(figure, figure.area not in seen, tuple(changes)))
        seen.add(figure.area)
    return tuple(out)


# -- in the database --------------------------------------------------------------------------------------------


def _counts(row: Any) -> Counts:
    return tuple(None if getattr(row, f) is None else int(getattr(row, f)) for f in FIELDS)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _figure(row: Any, digest: str | None = None) -> PublishedFigure:
    return PublishedFigure(
        row.contract, row.source, _date(row.published_on), row.area, Period.parse(row.period), _counts(row),
        row.recorded_by, reading.utc(row.recorded_at), row.source_file, row.source_line, row.db_user, digest,
    )


def contracts(conn: sa.Connection) -> tuple[str, ...]:
    """The contracts the ledger holds published figures of."""
    return tuple(sorted(str(c) for c in conn.execute(sa.select(t.published_figures.c.contract).distinct()).scalars()))


def resolve_contract(conn: sa.Connection, contract: str | None) -> str:
    """The contract meant: the one named (of which the ledger holds versions or published figures), or the only one."""
    return reading.resolve_contract(conn, contract, held=sorted(set(reading.contracts(conn)) | set(contracts(conn))))


def _where(row: PublishedRow) -> dict[str, Any]:
    return {"file": row.file, "line": row.line}


def _shown(counts: Counts) -> str:
    return "/".join("-" if c is None else str(c) for c in counts)


def record(conn: sa.Connection, rows: Sequence[PublishedRow], contract: str, who: str, now: dt.datetime) -> PublishedRecording:
    """Record published figures (in a write transaction): new ones are appended and chained, one entry each, in
    the order given; those held with the same counts and date are left alone; any held otherwise is refused, and
    then nothing is recorded. Every figure needs its publication date."""
    if not contract.strip():
        raise LedgerError("say which contract the published figures are of (contract=..., --contract NAME)")
    pf = t.published_figures
    held = {(r.source, r.area, r.period): r for r in conn.execute(sa.select(pf).where(pf.c.contract == contract).order_by(pf.c.id))}
    dated: dict[str, tuple[dt.date, str]] = {}
    for r in held.values():  # each source's date, as first recorded
        dated.setdefault(str(r.source), (_date(r.published_on), f"{r.area} {r.period}"))
    problems: list[Problem] = []
    fresh: list[tuple[PublishedRow, dt.date]] = []
    unchanged: list[PublishedFigure] = []
    given: dict[tuple[str, str, str], PublishedRow] = {}
    for row in rows:
        where = _where(row)
        if not row.source.strip() or not row.area.strip():
            problems.append(Problem("a published figure needs its source and area", **where, field="source" if not row.source.strip() else "area"))
            continue
        if row.published_on is None:
            problems.append(Problem(f"{row.source} {row.area} {row.period} has no publication date: the ledger keeps when "
                                    "each figure was published (give the file a published_on column, YYYY-MM-DD)",
                                    **where, field="published_on"))
            continue
        if len(row.counts) != len(FIELDS) or any(c is not None and c < 0 for c in row.counts):
            problems.append(Problem(f"{row.source} {row.area} {row.period}: the counts must be {len(FIELDS)} whole "
                                    "numbers, none negative", **where, field="counts"))
            continue
        key = (row.source, row.area, str(row.period))
        if key in given:
            if given[key].counts != row.counts or given[key].published_on != row.published_on:
                problems.append(Problem(f"{row.source} {row.area} {row.period} is given twice, otherwise", **where, field="period"))
            continue
        given[key] = row
        date, other = dated.get(row.source, (row.published_on, ""))
        if date != row.published_on:
            problems.append(Problem(f"{row.source} is in the ledger as published on {date.isoformat()} ({other}), not "
                                    f"{row.published_on.isoformat()}: a source has one publication date", **where, field="published_on"))
            continue
        dated.setdefault(row.source, (row.published_on, f"{row.area} {row.period}"))
        before = held.get(key)
        if before is None:
            fresh.append((row, row.published_on))
        elif _counts(before) == row.counts and _date(before.published_on) == row.published_on:
            unchanged.append(_figure(before))
        else:
            problems.append(Problem(
                f"{row.source} {row.area} {row.period} is in the ledger already as {_shown(_counts(before))} published "
                f"on {_date(before.published_on).isoformat()}, not {_shown(row.counts)}: the record is never "
                "overwritten (a later source restating it is recorded under its own name)", **where, field="counts"))
    if problems:
        raise LedgerError(problems)
    recorded = []
    for row, published_on in fresh:
        values = {"contract": contract, "source": row.source, "published_on": published_on, "area": row.area,
                  "period": str(row.period), **dict(zip(FIELDS, row.counts, strict=True)),
                  "source_file": row.file or "", "source_line": row.line, "recorded_by": who, "recorded_at": now}
        ref = int(conn.execute(pf.insert().values(**values)).inserted_primary_key[0])  # type: ignore[index]
        digest = chain.append(conn, "published", ref)
        stored = conn.execute(sa.select(pf).where(pf.c.id == ref)).one()
        recorded.append(_figure(stored, digest))
    return PublishedRecording(tuple(recorded), tuple(unchanged), chain.head(conn)[1])


def history(conn: sa.Connection, contract: str, period: Period, area: str | None = None) -> PublishedHistory:
    """A month's published figures (of one area, if given), oldest first, each with what it restates."""
    pf, c = t.published_figures, t.chain
    query = (sa.select(pf, c.c.digest.label("chain_digest"))
             .join(c, sa.and_(c.c.entry == "published", c.c.ref_id == pf.c.id), isouter=True)
             .where(pf.c.contract == contract, pf.c.period == str(period)))
    if area is not None:
        query = query.where(pf.c.area == area)
    figures = sorted((_figure(r, r.chain_digest) for r in conn.execute(query.order_by(pf.c.id))),
                     key=lambda f: f.published_on)  # stable: the order recorded within a day
    return PublishedHistory(contract, period, area, restated(figures))
