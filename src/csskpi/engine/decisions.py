"""The council's decisions checked before they bear on any result: each names a KPI, area and months the contract
has (:func:`check_decisions`), and none contradicts another (:func:`decision_conflicts`). Used when a decisions
file is read (:mod:`csskpi.files.decisions`); the rules that apply decisions are in :mod:`csskpi.engine.rules`.
"""

from __future__ import annotations

from csskpi.errors import Problem
from csskpi.model.contract import Contract
from csskpi.model.decisions import Decisions, Escalation, Mitigation, Suspension
from csskpi.model.period import Period

__all__ = ["check_decisions", "decision_conflicts"]


def _where(item: Mitigation | Suspension | Escalation) -> str:
    src = item.source
    return f"{src.file or 'the decisions'}{':' + str(src.line) if src.line else ''}"


class _Months:
    """Whether months are in the contract and a KPI is in force in them, remembered (decisions repeat months)."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.first, self.last = contract.calendar.first_period, contract.calendar.last_period
        self._in_force: dict[tuple[str, int], bool] = {}

    def problem(self, item: Mitigation | Escalation, start: Period, end: Period) -> Problem | None:
        """A problem if the decision names a month outside the contract, or one its KPI is not in force in."""
        src = item.source
        field = "period" if isinstance(item, Escalation) else "from"
        if start.index < self.first.index or end.index > self.last.index:
            outside = start if start.index < self.first.index else end
            return Problem(f"{outside} is outside the contract ({self.first} to {self.last})",
                           file=src.file, line=src.line, field=field, kpi=item.kpi)
        kpi = self.contract.kpi(item.kpi)
        for month in range(start.index, end.index + 1):
            key = (item.kpi, month)
            if key not in self._in_force:
                self._in_force[key] = kpi.step_at(Period.from_index(month)) is not None
            if not self._in_force[key]:
                until = f" to {kpi.end}" if kpi.end else ""
                return Problem(f"not in force in {Period.from_index(month)} (in force from {kpi.start}{until}): no "
                               "decision can bear on it", file=src.file, line=src.line, field=field, kpi=item.kpi)
        return None


def check_decisions(contract: Contract, decisions: Decisions) -> list[Problem]:
    """Every decision that names a KPI or area the contract does not have, or a month outside the contract or
    after its KPI retired."""
    problems: list[Problem] = []
    months = _Months(contract)
    dated: list[tuple[Mitigation | Escalation, Period, Period]] = [(m, m.start, m.end) for m in decisions.mitigations]
    dated += [(e, e.period, e.period) for e in decisions.escalations]
    for item, start, end in dated:
        if not contract.has_kpi(item.kpi):
            problems.append(Problem(f"{item.kpi} is not a KPI of the contract", file=item.source.file,
                                    line=item.source.line, field="kpi", kpi=item.kpi))
        elif (problem := months.problem(item, start, end)) is not None:
            problems.append(problem)
    first, last = months.first, months.last
    codes = set(contract.area_codes)
    for s in decisions.suspensions:
        for area in s.areas:
            if area not in codes:
                problems.append(
                    Problem(
                        f"unknown service area {area!r} (the contract has {', '.join(contract.area_codes)})",
                        file=s.source.file,
                        line=s.source.line,
                        field="areas",
                    )
                )
        if not first.index <= s.start.index <= last.index:  # one running on past the end relieves the months it has
            problems.append(Problem(f"starts {s.start}, outside the contract ({first} to {last})",
                                    file=s.source.file, line=s.source.line, field="from"))
    return problems


def decision_conflicts(decisions: Decisions) -> list[Problem]:
    """Decisions that contradict each other: two mitigations or two escalations of one KPI-month, or two
    suspensions of one area whose months overlap. (An Appendix A "mitigated" annotation beside a decisions
    file's mitigation of the same month is one decision twice recorded, not a contradiction.)"""
    problems: list[Problem] = []
    mitigated: dict[tuple[str, Period], Mitigation] = {}
    for m in decisions.mitigations:
        if m.source.kind != "decision":
            continue
        for period in Period.range(m.start, m.end):
            first = mitigated.setdefault((m.kpi, period), m)
            if first is not m:
                problems.append(Problem(f"{period} is mitigated twice (also at {_where(first)}): keep one decision",
                                        file=m.source.file, line=m.source.line, field="from", kpi=m.kpi))
                break
    raised: dict[tuple[str, Period], Escalation] = {}
    for e in decisions.escalations:
        if e.source.kind != "decision":
            continue
        first_e = raised.setdefault((e.kpi, e.period), e)
        if first_e is not e:
            problems.append(Problem(f"{e.period} is escalated or disputed twice (also at {_where(first_e)}): keep one "
                                    "decision", file=e.source.file, line=e.source.line, field="period", kpi=e.kpi))
    by_area: dict[str, list[Suspension]] = {}
    for s in decisions.suspensions:
        for area in s.areas:
            for other in by_area.get(area, []):
                if s.start <= other.end and other.start <= s.end:
                    problems.append(Problem(
                        f"suspends {area} from {s.start} to {s.end}, overlapping the suspension at {_where(other)} "
                        f"({other.start} to {other.end}): one suspension per area and month",
                        file=s.source.file, line=s.source.line, field="areas"))
                    break
            by_area.setdefault(area, []).append(s)
    return problems
