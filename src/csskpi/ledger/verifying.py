"""Proving the record unchanged: the checks behind :meth:`Ledger.verify <csskpi.ledger.Ledger.verify>`.

The schema must be at this csskpi's revision, the guards (append-only triggers) in place, every row must match the
hash chain, and a head digest published earlier must still be an entry of the chain. Every fault found is listed;
nothing is repaired.
"""

from __future__ import annotations

import sqlalchemy as sa

from csskpi.ledger import chain, guards, reading
from csskpi.ledger import schema as t
from csskpi.ledger.migrate import HEAD, current_revision, revision_problems
from csskpi.ledger.values import Verification

__all__ = ["verify_ledger"]


def verify_ledger(conn: sa.Connection, expect_head: str | None, contract: str | None) -> Verification:
    """Every check, inside one read transaction ``conn``; ``contract``, if given, must be in the ledger."""
    revision = current_revision(conn)
    found = [f"revision: {p}" for p in revision_problems(conn, revision)]
    if revision != HEAD:
        found.append(f"revision: the ledger is at revision {revision}, not {HEAD}: open it once "
                     "(`csskpi ledger init`) to upgrade it before verifying")
        return Verification(0, 0, 0, chain.GENESIS, tuple(found))
    if contract is not None:
        reading.resolve_contract(conn, contract)
    found += [f"guards: {p}" for p in guards.problems(conn)]
    if guards.missing_tables(conn):  # nothing to recompute the chain from
        return Verification(0, 0, 0, chain.GENESIS, tuple(found))
    result = chain.verify(conn)
    if result.mismatch is not None:
        found.append(f"chain: {result.mismatch}")
    if expect_head is not None:
        wanted = expect_head.strip().lower()
        listed = conn.execute(sa.select(t.chain.c.seq).where(t.chain.c.digest == wanted)).scalar()
        if listed is None:
            found.append(f"head: no entry of the chain has the digest expected, {wanted}: the record it "
                         f"stood for has been rewritten (the head is now {result.head})")
    held = reading.contracts(conn)
    return Verification(result.entries, result.versions, result.batches, result.head, tuple(found), held,
                        result.published)
