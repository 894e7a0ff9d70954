"""Monthly summaries: how many KPIs achieved TSL, MSL, fell below MSL or were mitigated (Tables 1-7)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import attrs

from csskpi.engine.rules import Evaluation
from csskpi.model.period import Period
from csskpi.model.result import Result, Status

__all__ = ["SummaryRow", "summarise", "ALL_AREAS"]

ALL_AREAS = "ALL"


@attrs.frozen
class SummaryRow:
    """One column of a council summary table: a month, overall (``ALL``) or for one service area."""

    area: str
    period: Period
    green: int = 0
    amber: int = 0
    red: int = 0
    blue: int = 0

    @property
    def total(self) -> int:
        return self.green + self.amber + self.red + self.blue

    def count(self, status: Status) -> int:
        return int(getattr(self, status.value))

    def as_dict(self) -> dict[str, int]:
        """The council's headings: TSL achieved, MSL achieved, below MSL, mitigation, total."""
        return {
            "tsl_achieved": self.green,
            "msl_achieved": self.amber,
            "below_msl": self.red,
            "mitigation": self.blue,
            "total": self.total,
        }


def _row(area: str, period: Period, results: Iterable[Result]) -> SummaryRow:
    counts = Counter(r.status for r in results)
    return SummaryRow(area, period, counts[Status.GREEN], counts[Status.AMBER], counts[Status.RED], counts[Status.BLUE])


def summarise(evaluation: Evaluation) -> tuple[SummaryRow, ...]:
    """For each month of the evaluation: the overall row, then one row per service area in contract order.

    An area appears in a month when it has a KPI in force then; its counts are of the results judged.
    """
    rows: list[SummaryRow] = []
    contract = evaluation.contract
    for period in evaluation.periods:
        in_month = [r for r in evaluation.results if r.period == period]
        rows.append(_row(ALL_AREAS, period, in_month))
        for area in contract.area_codes:
            if contract.kpis_in_force(period, area):
                rows.append(_row(area, period, [r for r in in_month if r.area == area]))
    return tuple(rows)
