"""The results ledger: what was measured, decided and published, month by month, never overwritten.

An SQLite file by default, or a PostgreSQL database through the same code (an SQLAlchemy URL). Schema versions
are Alembic migrations shipped in this package; opening an older ledger upgrades it. See ``docs/ledger.md``.

Modules: :mod:`.ledger` (the :class:`Ledger` API), :mod:`.engine` (URLs, locks, transactions), :mod:`.schema`
(the tables), :mod:`.migrate` (migrations), :mod:`.records` (what is stored of a month), :mod:`.reading`
(queries), :mod:`.values` (what is returned), :mod:`.errors`.
"""

from __future__ import annotations

from csskpi.ledger.errors import AppendOnlyError, LedgerBusyError, LedgerError
from csskpi.ledger.ledger import Ledger
from csskpi.ledger.migrate import HEAD
from csskpi.ledger.reading import merge_decisions
from csskpi.ledger.values import (
    AreaChange,
    Batch,
    KPIChange,
    MonthChanges,
    MonthView,
    RecordedDecision,
    RecordedMeasurement,
    StoredCredit,
    StoredPoints,
    StoredResult,
    VersionInfo,
)

__all__ = [
    "HEAD",
    "AppendOnlyError",
    "AreaChange",
    "Batch",
    "KPIChange",
    "Ledger",
    "LedgerBusyError",
    "LedgerError",
    "MonthChanges",
    "MonthView",
    "RecordedDecision",
    "RecordedMeasurement",
    "StoredCredit",
    "StoredPoints",
    "StoredResult",
    "VersionInfo",
    "merge_decisions",
]
