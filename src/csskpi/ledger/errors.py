"""The errors the results ledger raises.

Every one is a :class:`csskpi.CsskpiError` (so the command line prints it and exits 2, never a traceback) and a
``RuntimeError``: the ledger refusing a write, or a database that cannot be reached or is not a ledger.
"""

from __future__ import annotations

from csskpi.errors import CsskpiError

__all__ = ["AppendOnlyError", "LedgerBusyError", "LedgerError"]


class LedgerError(CsskpiError, RuntimeError):
    """The ledger cannot do what was asked: no such month or version, a month already published, a database
    that cannot be opened or is not a ledger, a restatement without a reason…"""


class LedgerBusyError(LedgerError):
    """Other writers kept the ledger locked for longer than the ledger waits (and retries)."""


class AppendOnlyError(LedgerError):
    """Something tried to change or delete a row of the ledger, which only ever grows."""
