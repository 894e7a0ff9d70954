"""The ledger's hash chain: every write is an entry whose digest covers its rows and the entry before it.

An *entry* is a batch of measurements or decisions (its ``batches`` row and the ``measurements`` or ``decisions``
rows under it), a version of a month (its ``month_versions`` row, its ``results``, ``kpi_points`` and
``area_credits``, and the ``contract_terms`` it was computed under) or a figure the council published (its
``published_figures`` row). The ``chain`` table holds, per entry in the
order written: its position ``seq`` (1, 2, 3, ...), the entry's *manifest* — one ``[table, key, row digest]`` per
row — the previous entry's digest and its own:

    digest = SHA-256(canonical JSON of {"chain": 1, "seq", "entry", "ref", "prev", "manifest"})

A row's digest is SHA-256 of the canonical JSON of its columns exactly as the database returns them (NULL columns
left out, so a column added by a later migration does not change the digests of rows written before it). The
canonical JSON is ``json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` with datetimes
as ISO 8601 in UTC and dates as ISO 8601. The encoding is fixed for good: changing it would make every ledger
fail to verify.

Because each digest covers the one before, the last (the *head*) covers the whole ledger: publish it (a committee
paper) and anyone can later prove the record unchanged — even against someone who can rewrite the database,
since rewriting any row changes the head. :func:`verify` recomputes everything and names the first entry, table
and row that do not match.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa

__all__ = [
    "CHAIN_FORMAT",
    "GENESIS",
    "Mismatch",
    "Verification",
    "append",
    "canonical",
    "entry_digest",
    "head",
    "is_digest",
    "manifest_of",
    "row_digest",
    "verify",
]

CHAIN_FORMAT = 1
GENESIS = "0" * 64
"""The ``prev`` of the first entry."""

#: Per kind of entry: its own table, and the tables of the rows under it (with the column naming the entry).
CHILDREN: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "batch": ("batches", (("measurements", "batch_id"), ("decisions", "batch_id"))),
    "version": ("month_versions", (("results", "version_id"), ("kpi_points", "version_id"), ("area_credits", "version_id"))),
    "published": ("published_figures", ()),  # revision 0004: one entry per published figure recorded
}
CHAINED_TABLES = ("batches", "measurements", "decisions", "month_versions", "results", "kpi_points", "area_credits",
                  "contract_terms", "published_figures")


def is_digest(text: str) -> bool:
    """A SHA-256 digest as 64 lower-case hexadecimal digits."""
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def canonical(data: Any) -> bytes:
    """The canonical encoding of JSON-able data (see the module docstring)."""
    return json.dumps(_plain(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def row_digest(table: str, row: Mapping[str, Any]) -> str:
    """A row's digest: its table and its non-NULL columns as the database returns them."""
    return _sha(canonical({"table": table, "row": {k: v for k, v in row.items() if v is not None}}))


def entry_digest(seq: int, entry: str, ref: int, prev: str, manifest: Sequence[Sequence[Any]]) -> str:
    return _sha(canonical({"chain": CHAIN_FORMAT, "seq": seq, "entry": entry, "ref": ref, "prev": prev,
                           "manifest": [list(m) for m in manifest]}))


def _rows(conn: sa.Connection, table: str, where: str = "", **params: Any) -> list[dict[str, Any]]:
    order = "digest" if table == "contract_terms" else "id"
    sql = f"SELECT * FROM {table}" + (f" WHERE {where}" if where else "") + f" ORDER BY {order}"
    return [dict(r) for r in conn.execute(sa.text(sql), params).mappings()]


def head(conn: sa.Connection) -> tuple[int, str]:
    """The last entry's position and digest: ``(0, GENESIS)`` for an empty chain."""
    row = conn.execute(sa.text("SELECT seq, digest FROM chain ORDER BY seq DESC LIMIT 1")).first()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


def manifest_of(conn: sa.Connection, entry: str, ref: int) -> list[list[Any]]:
    """The manifest of an entry as the database holds it now: ``[table, key, digest]`` per row."""
    own, children = CHILDREN[entry]
    rows = _rows(conn, own, "id = :ref", ref=ref)
    manifest = [[own, r["id"], row_digest(own, r)] for r in rows]
    for table, column in children:
        manifest += [[table, r["id"], row_digest(table, r)] for r in _rows(conn, table, f"{column} = :ref", ref=ref)]
    if entry == "version" and rows and rows[0].get("terms_digest"):
        for r in _rows(conn, "contract_terms", "digest = :d", d=rows[0]["terms_digest"]):
            manifest.append(["contract_terms", r["digest"], row_digest("contract_terms", r)])
    return manifest


def append(conn: sa.Connection, entry: str, ref: int) -> str:
    """Add an entry (a batch or a version, written in this transaction) to the chain; its digest.

    Called under the ledger's write lock, so the head read here is the head this entry follows."""
    seq, prev = head(conn)
    manifest = manifest_of(conn, entry, ref)
    digest = entry_digest(seq + 1, entry, ref, prev, manifest)
    conn.execute(
        sa.text("INSERT INTO chain (seq, entry, ref_id, manifest, prev_digest, digest) VALUES (:s, :e, :r, :m, :p, :d)"),
        {"s": seq + 1, "e": entry, "r": ref, "m": json.dumps(manifest), "p": prev, "d": digest},
    )
    return digest


# -- verifying ---------------------------------------------------------------------------------------------


@attrs.frozen
class Mismatch:
    """The first thing found that does not match the chain: where (entry, table, row) and what."""

    seq: int | None
    entry: str  # e.g. "version 3 of 2017-09 (contract lincolnshire-css)" or "measurements batch 5"
    table: str
    row: str
    problem: str

    def __str__(self) -> str:
        where = f"chain entry {self.seq}, " if self.seq is not None else ""
        row = f", row {self.row}" if self.row else ""
        return f"{where}{self.entry}: table {self.table}{row}: {self.problem}"


@attrs.frozen
class Verification:
    """What :func:`verify` found: the entries checked, the head digest recomputed, and the first mismatch."""

    entries: int
    versions: int
    batches: int
    head: str
    mismatch: Mismatch | None
    published: int = 0

    @property
    def ok(self) -> bool:
        return self.mismatch is None


def _loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _describe(entry: str, row: Mapping[str, Any] | None, ref: int) -> str:
    if row is None:
        return f"{entry if entry in ('version', 'published') else 'batch'} id {ref} (its row is missing)"
    if entry == "version":
        return f"version {row['version']} of {row['period']} (contract {row['contract']})"
    if entry == "published":
        return f"published figure {row['source']} {row['area']} {row['period']} (contract {row['contract']})"
    return f"{row['kind']} batch {row['id']}"


def verify(conn: sa.Connection) -> Verification:
    """Recompute every row's digest and every entry's, in chain order; stop at the first mismatch."""
    tables = {t: _rows(conn, t) for t in CHAINED_TABLES}
    by_key = {t: {(r["digest"] if t == "contract_terms" else r["id"]): r for r in rows} for t, rows in tables.items()}
    under: dict[tuple[str, int], dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for entry, (_own, children) in CHILDREN.items():
        for table, column in children:
            for r in tables[table]:
                under[(entry, r[column])][table].append(r)
    chain = [dict(r) for r in conn.execute(sa.text("SELECT * FROM chain ORDER BY seq")).mappings()]
    covered: set[tuple[str, Any]] = set()
    prev = GENESIS
    counts = {"version": 0, "batch": 0, "published": 0}

    def result(mismatch: Mismatch | None) -> Verification:
        return Verification(len(chain), counts["version"], counts["batch"], prev, mismatch, counts["published"])

    for position, link in enumerate(chain, start=1):
        seq, entry, ref = int(link["seq"]), str(link["entry"]), int(link["ref_id"])
        own = CHILDREN.get(entry, ("?", ()))[0]
        row = by_key.get(own, {}).get(ref)
        what = _describe(entry, row, ref)
        if entry not in CHILDREN:
            return result(Mismatch(seq, f"entry {ref}", "chain", str(seq), f"unknown kind of entry {entry!r}"))
        if seq != position:
            return result(Mismatch(seq, what, "chain", str(seq),
                                   f"entry {position} of the chain is numbered {seq}: an entry was deleted or reordered"))
        if link["prev_digest"] != prev:
            return result(Mismatch(seq, what, "chain", str(seq),
                                   "its previous digest is not the digest of the entry before it: entries were deleted, "
                                   "inserted or reordered"))
        stored = [list(m) for m in _loads(link["manifest"])]
        if entry_digest(seq, entry, ref, prev, stored) != link["digest"]:
            return result(Mismatch(seq, what, "chain", str(seq), "its digest does not match its manifest: the chain was edited"))
        found = _current_manifest(entry, ref, row, under, by_key)
        mismatch = _compare(seq, what, stored, found, by_key)
        if mismatch is not None:
            return result(mismatch)
        covered.update((m[0], m[1]) for m in stored)
        counts[entry] += 1
        prev = str(link["digest"])
    for table in CHAINED_TABLES:
        for key in by_key[table]:
            if (table, key) not in covered:
                return result(Mismatch(None, "after the last entry", table, str(key),
                                       "this row is in no entry of the chain: it was inserted outside the ledger"))
    return result(None)


def _current_manifest(
    entry: str, ref: int, row: Mapping[str, Any] | None,
    under: Mapping[tuple[str, int], Mapping[str, list[dict[str, Any]]]], by_key: Mapping[str, Mapping[Any, dict[str, Any]]],
) -> list[list[Any]]:
    own, children = CHILDREN[entry]
    found: list[list[Any]] = [] if row is None else [[own, ref, row_digest(own, row)]]
    rows_under = under.get((entry, ref), {})
    for table, _column in children:
        found += [[table, r["id"], row_digest(table, r)] for r in rows_under.get(table, [])]
    if entry == "version" and row is not None and row.get("terms_digest"):
        terms = by_key["contract_terms"].get(row["terms_digest"])
        if terms is not None:
            found.append(["contract_terms", terms["digest"], row_digest("contract_terms", terms)])
    return found


def _compare(
    seq: int, what: str, stored: Sequence[Sequence[Any]], found: Sequence[Sequence[Any]],
    by_key: Mapping[str, Mapping[Any, Any]],
) -> Mismatch | None:
    held = {(m[0], m[1]): m[2] for m in stored}
    now = {(m[0], m[1]): m[2] for m in found}
    for table, key, digest in stored:
        if (table, key) not in now:
            if key in by_key.get(str(table), {}):  # still there, under another entry: its owning column was edited
                return Mismatch(seq, what, str(table), str(key), "this row was changed (it now belongs to another entry)")
            return Mismatch(seq, what, str(table), str(key), "this row was deleted")
        if now[(table, key)] != digest:
            return Mismatch(seq, what, str(table), str(key), "this row was changed (or deleted and replaced)")
    for table, key, _digest in found:
        if (table, key) not in held:
            return Mismatch(seq, what, str(table), str(key), "this row was added to the entry after it was written")
    if [(m[0], m[1]) for m in stored] != [(m[0], m[1]) for m in found]:  # pragma: no cover - same keys, same order by id
        return Mismatch(seq, what, str(stored[0][0]) if stored else "?", "", "its rows are in another order")
    return None


def terms_problems(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Terms rows whose digest is not the SHA-256 of their text."""
    return [f"contract_terms row {r['digest']}: its text does not match its digest"
            for r in rows if _sha(str(r["terms"]).encode("utf-8")) != r["digest"]]
