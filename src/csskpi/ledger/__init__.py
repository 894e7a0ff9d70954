"""The results ledger: what was measured, decided and published, month by month, never overwritten.

An SQLite file by default, or a PostgreSQL database through the same code (an SQLAlchemy URL). Schema versions
are Alembic migrations shipped in this package; opening an older ledger upgrades it. Every write is chained
(a hash chain over every row), the contract terms behind each version are kept, and one ledger holds several
contracts. See ``docs/ledger.md``.

Modules: :mod:`.ledger` (the :class:`Ledger` API), :mod:`.engine` (URLs, locks, transactions), :mod:`.schema`
(the tables), :mod:`.migrate` (migrations), :mod:`.chain` (the hash chain and ``verify``), :mod:`.guards` (the
append-only triggers and their check), :mod:`.terms` (contract terms), :mod:`.records` (what is stored of a
month), :mod:`.writing` and :mod:`.reading` (inside transactions), :mod:`.published` (the record read back for a
report), :mod:`.summaries` (the council's published summaries and their restatements), :mod:`.roles` (PostgreSQL roles), :mod:`.values` (what is returned), :mod:`.errors`.
"""

from __future__ import annotations

from csskpi.ledger.errors import AppendOnlyError, LedgerBusyError, LedgerError
from csskpi.ledger.ledger import Ledger
from csskpi.ledger.migrate import HEAD
from csskpi.ledger.published import Record, read_record
from csskpi.ledger.reading import merge_decisions
from csskpi.ledger.summaries import CountChange, PublishedEntry, PublishedFigure, PublishedHistory, PublishedRecording
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
    Verification,
    VersionInfo,
    Written,
)

__all__ = [
    "HEAD",
    "AppendOnlyError",
    "AreaChange",
    "Batch",
    "CountChange",
    "KPIChange",
    "Ledger",
    "LedgerBusyError",
    "LedgerError",
    "MonthChanges",
    "MonthView",
    "PublishedEntry",
    "PublishedFigure",
    "PublishedHistory",
    "PublishedRecording",
    "Record",
    "RecordedDecision",
    "RecordedMeasurement",
    "StoredCredit",
    "StoredPoints",
    "StoredResult",
    "Verification",
    "VersionInfo",
    "Written",
    "merge_decisions",
    "read_record",
]
