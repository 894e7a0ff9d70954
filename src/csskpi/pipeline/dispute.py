"""A dispute settled record by record: the supplier's own list of records and verdicts against csskpi's evidence.

The supplier's list is a CSV file with a header and at least the columns ``id`` and ``verdict`` (``pass`` or
``fail``; in a count KPI ``counted`` or ``pass``, ``fail`` read as ``counted``). :func:`read_supplier_list` checks
it whole — every unknown verdict, empty, duplicate or unknown id named by file, line and field, all at once.
:func:`compare_with_supplier_list` lists the records the two sides disagree on and those only one side counted,
and says whether they explain the difference between csskpi's figure and the supplier's.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import attrs
import polars as pl

from csskpi.errors import InputError, Problem
from csskpi.model.measurement import Counts, Measurement
from csskpi.pipeline.evidence import Evidence, evidence_counts

__all__ = ["Dispute", "RecordDifference", "compare_with_supplier_list", "read_supplier_list"]


@attrs.frozen
class RecordDifference:
    """One record the two sides see differently: each side's verdict (None: that side did not count it)."""

    id: str
    csskpi: str | None
    supplier: str | None
    reason: str = ""  # csskpi's reason for its verdict
    line: int | None = None  # the line of the supplier's list


@attrs.frozen
class Dispute:
    """csskpi's evidence against the supplier's list for one KPI-month."""

    evidence: Evidence
    supplier_counts: Counts
    supplier_value: Decimal | None
    disagree: tuple[RecordDifference, ...]
    only_csskpi: tuple[RecordDifference, ...]
    only_supplier: tuple[RecordDifference, ...]
    reported: Decimal | None = None

    @property
    def explains(self) -> bool | None:
        """Whether the records explain the difference between csskpi's figure and the supplier's reported one:
        the supplier's own list gives the figure they reported (None when no reported figure was given)."""
        return None if self.reported is None else self.supplier_value == self.reported

    def explanation(self) -> str:
        n = len(self.disagree) + len(self.only_csskpi) + len(self.only_supplier)
        ours, theirs = _shown(self.evidence.value), _shown(self.supplier_value)
        what = (f"{len(self.disagree)} records judged differently, {len(self.only_csskpi)} counted only by csskpi, "
                f"{len(self.only_supplier)} only by the supplier")
        if n == 0 and ours == theirs:
            return f"the two lists agree record by record: {ours}"
        if self.reported is None:
            return f"{what}: they move the figure from csskpi's {ours} to the supplier's list's {theirs}"
        if self.explains:
            return f"{what}: they account for the whole difference between csskpi's {ours} and the reported {_shown(self.reported)}"
        return (f"{what}; they do not account for the reported {_shown(self.reported)}: the supplier's own list gives "
                f"{theirs}")


def _shown(value: Decimal | None) -> str:
    return "data not available" if value is None else f"{value:f}"


def read_supplier_list(path: str | Path, known_ids: set[str], kind: str) -> dict[str, tuple[str, int]]:
    """The supplier's verdict and line by record id, from the CSV file at ``path``; every problem at once."""
    name = str(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(f"cannot read the supplier's list: {getattr(exc, 'strerror', None) or exc}", file=name)) from None
    if not rows:
        raise InputError(Problem("empty file: expected a header with the columns id and verdict", file=name, line=1))
    header = [h.strip() for h in rows[0]]
    missing = [c for c in ("id", "verdict") if c not in header]
    if missing:
        raise InputError([Problem("missing column", file=name, line=1, field=c) for c in missing])
    at_id, at_verdict = header.index("id"), header.index("verdict")
    allowed = {"pass": "pass", "counted": "counted", "fail": "counted"} if kind == "count" else {"pass": "pass", "fail": "fail"}
    problems: list[Problem] = []
    found: dict[str, tuple[str, int]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        rid, verdict = cells[at_id].strip(), cells[at_verdict].strip().lower()
        if not rid:
            problems.append(Problem("empty id", file=name, line=line, field="id"))
        elif rid in found:
            problems.append(Problem(f"duplicate id {rid!r} (first on line {found[rid][1]})", file=name, line=line, field="id"))
        elif rid not in known_ids:
            problems.append(Problem(f"unknown id {rid!r}: no such record in the dataset", file=name, line=line, field="id"))
        if verdict not in allowed:
            problems.append(Problem(f"must be {' or '.join(sorted(allowed))}, not {cells[at_verdict]!r}", file=name,
                                    line=line, field="verdict"))
        if rid and rid not in found and verdict in allowed:
            found[rid] = (allowed[verdict], line)
    if problems:
        raise InputError(problems)
    return found


def compare_with_supplier_list(
    evidence: Evidence,
    supplier: Mapping[str, tuple[str, int]],
    lookup: pl.DataFrame,
    *,
    decimals: int = 2,
    reported: Decimal | None = None,
) -> Dispute:
    """csskpi's ``evidence`` against the ``supplier``'s verdicts (from :func:`read_supplier_list`).

    ``lookup`` gives the ``weight`` and ``group`` of any record of the dataset by ``id`` (for the records only the
    supplier counted), so that the supplier's list adds up as csskpi's evidence does.
    """
    ours = {r["id"]: r for r in evidence.records.iter_rows(named=True)}
    disagree, only_ours, only_theirs = [], [], []
    for rid, row in ours.items():
        if rid not in supplier:
            only_ours.append(RecordDifference(rid, row["verdict"], None, row["reason"]))
        elif supplier[rid][0] != row["verdict"]:
            disagree.append(RecordDifference(rid, row["verdict"], supplier[rid][0], row["reason"], supplier[rid][1]))
    for rid, (verdict, line) in supplier.items():
        if rid not in ours:
            only_theirs.append(RecordDifference(rid, None, verdict, "", line))
    known = {r["id"]: r for r in lookup.filter(pl.col("id").is_in(list(supplier))).iter_rows(named=True)}
    theirs = pl.DataFrame(
        {
            "verdict": [v for v, _ in supplier.values()],
            "weight": [(ours.get(i) or known.get(i) or {}).get("weight") for i in supplier],
            "group": [(ours.get(i) or known.get(i) or {}).get("group") for i in supplier],
        },
        schema={"verdict": pl.String, "weight": pl.String, "group": pl.String},
    )
    counts = evidence_counts(theirs, evidence.kind, evidence.unit, evidence.numerator)
    value = Measurement.from_counts(evidence.kpi, evidence.period, counts, decimals=decimals).value
    return Dispute(evidence, counts, value, tuple(disagree), tuple(only_ours), tuple(only_theirs), reported)
