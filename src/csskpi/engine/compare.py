"""The council's verification step: the supplier's reported figures against the recomputed ones, KPI by KPI.

Each KPI-month either side has is one :class:`ComparisonRow`: both figures, both statuses as earned against the
targets in force, and whether they agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from csskpi.engine.rules import judge
from csskpi.model.contract import Contract
from csskpi.model.measurement import Measurement
from csskpi.model.period import Period
from csskpi.model.result import Status

__all__ = ["ComparisonRow", "SupplierComparison", "compare_with_supplier"]


@attrs.frozen
class ComparisonRow:
    """One KPI-month: the supplier's figure and status against csskpi's (``None`` where a side has none)."""

    period: Period
    kpi: str
    reported: Decimal | None
    recomputed: Decimal | None
    reported_status: Status | None
    recomputed_status: Status | None
    reported_present: bool
    recomputed_present: bool

    @property
    def difference(self) -> Decimal | None:
        if self.reported is None or self.recomputed is None:
            return None
        return self.recomputed - self.reported

    @property
    def agrees(self) -> bool:
        return self.reported_present and self.recomputed_present and self.reported == self.recomputed

    @property
    def status_agrees(self) -> bool:
        return self.reported_status is not None and self.reported_status is self.recomputed_status


@attrs.frozen
class SupplierComparison:
    rows: tuple[ComparisonRow, ...]

    @property
    def disagreements(self) -> int:
        return sum(not r.agrees for r in self.rows)

    @property
    def status_disagreements(self) -> int:
        return sum(not r.status_agrees for r in self.rows)

    def __repr__(self) -> str:
        return f"<SupplierComparison {len(self.rows)} KPI-months, {self.disagreements} figures differ>"


def compare_with_supplier(
    contract: Contract, reported: Iterable[Measurement], recomputed: Iterable[Measurement]
) -> SupplierComparison:
    """Every KPI-month of either side, in month then catalogue order."""
    theirs = {(m.kpi, m.period): m for m in reported}
    ours = {(m.kpi, m.period): m for m in recomputed}
    order = {ref: i for i, ref in enumerate(contract.references())}
    rows = []
    for key in sorted(set(theirs) | set(ours), key=lambda k: (k[1], order.get(k[0], len(order)), k[0])):
        rep, rec = theirs.get(key), ours.get(key)
        rows.append(ComparisonRow(
            key[1], key[0],
            None if rep is None else rep.value, None if rec is None else rec.value,
            judge(contract, rep).earned if rep else None, judge(contract, rec).earned if rec else None,
            rep is not None, rec is not None,
        ))
    return SupplierComparison(tuple(rows))
