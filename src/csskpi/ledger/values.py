"""The values the ledger returns: frozen, comparable, and JSON-able through ``as_record()``.

A :class:`MonthView` is one version of a month (as first published, as at a time, or as now); a
:class:`VersionInfo` is one entry of a month's history; :class:`MonthChanges` says what changed between two
versions, per KPI and per service area. Figures are ``Decimal``; each row also keeps the full record it was
stored with, as JSON text (``.record`` parses it).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Self

import attrs

from csskpi.model.period import Period
from csskpi.model.result import Status

__all__ = [
    "AreaChange",
    "Batch",
    "KPIChange",
    "MonthChanges",
    "MonthView",
    "RecordedDecision",
    "RecordedMeasurement",
    "StoredCredit",
    "StoredPoints",
    "StoredResult",
    "Verification",
    "VersionInfo",
    "Written",
]


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _when(value: dt.datetime) -> str:
    return value.isoformat()


@attrs.frozen
class VersionInfo:
    """One version of a month: ``kind`` is ``"publish"`` (version 1) or ``"restate"``; who, when and why."""

    period: Period
    version: int
    kind: str
    reason: str
    recorded_by: str
    recorded_at: dt.datetime  # timezone-aware, UTC
    contract: str
    terms_digest: str | None = None  # the contract terms it was computed under (None: written before they were kept)
    db_user: str | None = None  # the database user who wrote it, where the database knows it (PostgreSQL)
    digest: str | None = None  # its entry's digest in the ledger's hash chain
    changes: tuple[dict[str, Any], ...] = ()  # the contract's change notices applied (id, from, reason, actions)

    def as_record(self) -> dict[str, Any]:
        return {
            "period": str(self.period), "version": self.version, "kind": self.kind, "reason": self.reason,
            "recorded_by": self.recorded_by, "recorded_at": _when(self.recorded_at), "contract": self.contract,
            "terms_digest": self.terms_digest, "db_user": self.db_user, "digest": self.digest,
            "change_notices": [dict(c) for c in self.changes],
        }


class _HasRecord:
    json: str

    @property
    def record(self) -> dict[str, Any]:
        """The full record as stored (``csskpi.cli.console``'s JSON keys)."""
        data: dict[str, Any] = json.loads(self.json)
        return data


@attrs.frozen
class StoredResult(_HasRecord):
    """A KPI-month's result as one version of the ledger holds it."""

    kpi: str
    area: str
    status: Status
    value: Decimal | None
    provisional: bool
    json: str = attrs.field(repr=False)


@attrs.frozen
class StoredPoints(_HasRecord):
    """A KPI-month's abatement points as one version holds them."""

    kpi: str
    area: str
    status: Status
    points: Decimal
    multiplier: Decimal
    json: str = attrs.field(repr=False)


@attrs.frozen
class StoredCredit(_HasRecord):
    """A service area's credit for the month (pounds, to the penny) as one version holds it."""

    area: str
    points: Decimal
    credit: Decimal
    cap: Decimal | None
    json: str = attrs.field(repr=False)


@attrs.frozen
class MonthView:
    """A month as one version of the ledger shows it. ``latest`` is the newest version there is now."""

    version: VersionInfo
    latest: int
    results: tuple[StoredResult, ...]
    kpis: tuple[StoredPoints, ...]
    areas: tuple[StoredCredit, ...]
    warnings_json: str = attrs.field(default="[]", repr=False)
    missing_json: str = attrs.field(default="[]", repr=False)

    @property
    def period(self) -> Period:
        return self.version.period

    @property
    def warnings(self) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = json.loads(self.warnings_json)
        return data

    @property
    def missing(self) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = json.loads(self.missing_json)
        return data

    @property
    def total_credit(self) -> Decimal:
        return sum((a.credit for a in self.areas), Decimal(0))

    def result(self, kpi: str) -> StoredResult:
        for r in self.results:
            if r.kpi == kpi:
                return r
        raise KeyError(f"no result for {kpi} in {self.period} version {self.version.version}")

    def points(self, kpi: str) -> StoredPoints | None:
        return next((k for k in self.kpis if k.kpi == kpi), None)

    def credit(self, area: str) -> StoredCredit | None:
        return next((a for a in self.areas if a.area == area), None)

    def as_record(self) -> dict[str, Any]:
        return {
            **self.version.as_record(),
            "latest_version": self.latest,
            "results": [r.record for r in self.results],
            "kpis": [k.record for k in self.kpis],
            "areas": [a.record for a in self.areas],
            "total_credit": _num(self.total_credit) if self.areas else None,
            "warnings": self.warnings,
            "missing": self.missing,
        }


@attrs.frozen
class KPIChange:
    """A KPI whose status, value, points or provisional flag (an escalation settled) differ between two
    versions (None where a version lacks the KPI, or has no points)."""

    kpi: str
    area: str
    old_status: Status | None
    new_status: Status | None
    old_value: Decimal | None
    new_value: Decimal | None
    old_points: Decimal | None
    new_points: Decimal | None
    old_provisional: bool | None = None
    new_provisional: bool | None = None

    def as_record(self) -> dict[str, Any]:
        return {
            "kpi": self.kpi, "area": self.area,
            "old_status": self.old_status.value if self.old_status else None,
            "new_status": self.new_status.value if self.new_status else None,
            "old_value": _num(self.old_value), "new_value": _num(self.new_value),
            "old_points": _num(self.old_points), "new_points": _num(self.new_points),
            "old_provisional": self.old_provisional, "new_provisional": self.new_provisional,
        }


@attrs.frozen
class AreaChange:
    """A service area whose points or credit differ between two versions."""

    area: str
    old_points: Decimal | None
    new_points: Decimal | None
    old_credit: Decimal | None
    new_credit: Decimal | None

    def as_record(self) -> dict[str, Any]:
        return {
            "area": self.area, "old_points": _num(self.old_points), "new_points": _num(self.new_points),
            "old_credit": _num(self.old_credit), "new_credit": _num(self.new_credit),
        }


@attrs.frozen
class MonthChanges:
    """What changed in a month from one version to another."""

    old: VersionInfo
    new: VersionInfo
    kpis: tuple[KPIChange, ...]
    areas: tuple[AreaChange, ...]
    warnings_removed: tuple[str, ...] = ()  # watch-rule warnings of the old version that the new one lacks
    warnings_added: tuple[str, ...] = ()

    @property
    def period(self) -> Period:
        return self.new.period

    @property
    def terms_changed(self) -> bool:
        """Whether the two versions were computed under different contract terms."""
        return self.old.terms_digest != self.new.terms_digest

    def __bool__(self) -> bool:
        return bool(self.kpis or self.areas or self.warnings_removed or self.warnings_added)

    def as_record(self) -> dict[str, Any]:
        return {
            "period": str(self.period), "from_version": self.old.version, "to_version": self.new.version,
            "kpis": [k.as_record() for k in self.kpis], "areas": [a.as_record() for a in self.areas],
            "warnings_removed": list(self.warnings_removed), "warnings_added": list(self.warnings_added),
            "terms_changed": self.terms_changed,
        }


@attrs.frozen
class Batch:
    """Measurements or decisions recorded together: who recorded them, when, from what."""

    id: int
    kind: str
    recorded_by: str
    recorded_at: dt.datetime
    source: str
    count: int
    contract: str | None = None


@attrs.frozen
class RecordedMeasurement:
    """A figure as received: reported by the supplier or recomputed from raw data, with where and when."""

    kpi: str
    period: Period
    value: Decimal | None
    origin: str
    source: str
    received_at: dt.datetime
    numerator: int | None
    denominator: int | None
    recorded_by: str
    batch: int


@attrs.frozen
class RecordedDecision:
    """A council decision as recorded: its kind, what it covers, its reason, and who recorded it when."""

    kind: str
    kpi: str | None
    areas: tuple[str, ...]
    start: Period
    end: Period
    reason: str
    settled_on: dt.date | None
    recorded_by: str
    recorded_at: dt.datetime
    batch: int
    json: str = attrs.field(repr=False)
    id: int = 0  # its row in the ledger's decisions table

    @property
    def record(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.json)
        return data


class Written(tuple[VersionInfo, ...]):
    """The versions a publish or restate wrote (a tuple of :class:`VersionInfo`), with the months it left alone
    because nothing in them changed, what changed in the terms of each month restated under other terms, and
    the ledger's head digest after the write."""

    unchanged: tuple[Period, ...]
    terms_changes: dict[Period, tuple[str, ...]]
    head: str

    def __new__(
        cls, versions: tuple[VersionInfo, ...], unchanged: tuple[Period, ...] = (),
        terms_changes: dict[Period, tuple[str, ...]] | None = None, head: str = "",
    ) -> Self:
        self = super().__new__(cls, versions)
        self.unchanged = unchanged
        self.terms_changes = dict(terms_changes or {})
        self.head = head
        return self


@attrs.frozen
class Verification:
    """What ``Ledger.verify`` found. ``ok`` when the guards are in place, the revision is sound, every row matches
    the chain and (if one was expected) the head is the digest expected. ``problems`` says what is wrong, first
    the guards and revision, then the first mismatch in the chain."""

    entries: int
    versions: int
    batches: int
    head: str
    problems: tuple[str, ...]
    contracts: tuple[str, ...] = ()
    published: int = 0  # the council's published figures (entries of their own)

    @property
    def ok(self) -> bool:
        return not self.problems
