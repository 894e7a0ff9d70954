"""The record read back: the versions of a range of months as the evaluation and credit run a report is built from.

:func:`read_record` gives, for one contract, the versions standing now (or as first published, or as at a time)
of every month up to ``end`` — the months before ``start`` too, since a report looks back for its ladders and
watch rules — rebuilt as the values the rest of csskpi works with: :class:`~csskpi.engine.rules.Evaluation`
(each :class:`~csskpi.model.result.Result` with its KPI and target step from the terms the version was computed
under, and the decisions that were in force), :class:`~csskpi.engine.credits.CreditRun` (points, credits and
watch-rule warnings as stored), the versions used and the ledger's head digest. Nothing is recomputed: a report
built from it is the record's, figure for figure.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa

from csskpi.engine.credits import AreaCredit, CreditRun
from csskpi.engine.points import KPIPoints
from csskpi.engine.rules import Evaluation
from csskpi.engine.summary import summarise
from csskpi.engine.watch import WatchWarning
from csskpi.ledger import chain, reading
from csskpi.ledger import schema as t
from csskpi.ledger.errors import LedgerError
from csskpi.ledger.terms import contract_of
from csskpi.ledger.values import MonthView, VersionInfo
from csskpi.model.contract import Contract
from csskpi.model.decisions import Decisions
from csskpi.model.measurement import Measurement, Source
from csskpi.model.period import Period
from csskpi.model.result import MissingMeasurement, Result, Status
from csskpi.model.terms import Charges, ChargeStep
from csskpi.pipeline.assessment import Assessment

if TYPE_CHECKING:
    from csskpi.ledger.ledger import Ledger

__all__ = ["Record", "read_record"]


@attrs.frozen
class Record:
    """Months of one contract as the ledger records them (see the module docstring)."""

    contract: Contract
    evaluation: Evaluation
    credits: CreditRun
    versions: tuple[VersionInfo, ...]
    head: str

    def assessment(self) -> Assessment:
        """The record as an assessment, for the report: results, points, credits and warnings exactly as recorded
        (the charges are those the recorded credits were computed against)."""
        ev = self.evaluation
        terms = self.contract.parameters.charges
        # The contract's own charges when the recorded credits were computed against them (so that illustrative
        # charges are still said to be illustrative), else the charges each recorded credit states.
        own = all(terms.at(a.area, a.period) == a.charge for a in self.credits.areas)
        charged = terms if own else Charges(tuple(ChargeStep(a.area, a.period, a.charge) for a in self.credits.areas))
        return Assessment(
            contract=self.contract,
            measurements=tuple(r.measurement for r in ev.results if r.measurement is not None),
            decisions=Decisions(),
            evaluation=ev,
            credits=self.credits,
            summary=tuple(summarise(ev)),
            charges=charged,
            charges_given=not own,
        )

    def describe(self) -> str:
        """One line saying which versions the figures are and the head digest, for a report's sources."""
        shown = ", ".join(f"{v.period} v{v.version}" for v in self.versions)
        return f"from the results ledger ({self.contract.name}): {shown}; ledger head {self.head}"


def _source(text: str | None) -> Source:
    if text is None or text == "missing":
        return Source("missing")
    file, _, line = text.rpartition(":")
    if file and line.isdigit():
        return Source("reported", file, int(line))
    return Source(text)


def _result(terms: Contract, decisions: Decisions, rec: dict[str, Any]) -> Result:
    period = Period.parse(rec["period"])
    kpi = terms.kpi(rec["kpi"])
    value = None if rec["value"] is None else Decimal(rec["value"])
    step = kpi.step_at(period) if rec.get("tsl") is not None else None
    source = rec.get("source")
    measurement = None if source is None else Measurement(kpi.reference, period, value, _source(source))
    suspensions = decisions.suspensions_for(kpi.area, period) + tuple(s for s in terms.suspensions if s.covers(kpi.area, period))
    return Result(
        kpi, period, value, Status(rec["status"]), Status(rec["earned"]), step, bool(rec["data_not_available"]),
        bool(rec["provisional"]), str(rec["explanation"]), measurement, decisions.mitigations_for(kpi.reference, period),
        suspensions, decisions.escalations_for(kpi.reference, period),
    )


def _points(rec: dict[str, Any]) -> KPIPoints:
    return KPIPoints(
        Period.parse(rec["period"]), rec["kpi"], rec["area"], Status(rec["status"]), bool(rec["data_not_available"]),
        int(rec["base_points"]), Decimal(rec["weight"]), int(rec["run"]), Decimal(rec["multiplier"]),
        Decimal(rec["points"]), str(rec["reason"]),
    )


def _credit(rec: dict[str, Any]) -> AreaCredit:
    return AreaCredit(
        Period.parse(rec["period"]), rec["area"], Decimal(rec["points"]), int(rec["allocated"]), Decimal(rec["charge"]),
        Decimal(rec["cap"]), Decimal(rec["credit"]), str(rec["regime"]), bool(rec["capped"]),
    )


def _warning(rec: dict[str, Any]) -> WatchWarning:
    return WatchWarning(rec["rule"], rec["subject"], tuple(Period.parse(m) for m in rec["months"]), rec["message"])


def read_record(
    ledger: Ledger,
    start: Period | str,
    end: Period | str,
    *,
    contract: str | None = None,
    as_at: dt.datetime | dt.date | str | None = None,
    terms: Contract | None = None,
) -> Record:
    """The versions of a contract's months up to ``end`` (every month from ``start`` must have one) as the
    evaluation and credit run they record. ``as_at``: ``"first"``, a date or time, or None for the versions
    standing now. ``terms``: the contract to use for versions written before the terms were kept."""
    first, last = (p if isinstance(p, Period) else _parse(p) for p in (start, end))
    if last < first:
        raise LedgerError(f"the range ends ({last}) before it starts ({first})")
    with ledger.engine.connect() as conn, conn.begin():
        name = reading.resolve_contract(conn, contract)
        published = [p for p in reading.periods(conn, name) if p <= last]
        absent = [str(p) for p in Period.range(first, last) if p not in published]
        if absent:
            raise LedgerError(f"{', '.join(absent)} of {name} {'has' if len(absent) == 1 else 'have'} no version in this ledger")
        views: list[MonthView] = []
        rows: list[Any] = []
        for p in published:
            try:
                row = reading.version_row(conn, name, p, as_at=as_at)
            except LedgerError:
                if p < first:  # not yet published at that time: a month the report only looks back to
                    continue
                raise
            rows.append(row)
            views.append(reading.load_month(conn, row))
        texts = {str(r.digest): str(r.terms) for r in conn.execute(sa.select(t.contract_terms))}
        decision_rows = {r.id: r for r in reading.recorded_decisions(conn)}
        head = chain.head(conn)[1]
    contracts: dict[str, Contract] = {}

    def terms_of_version(row: Any) -> Contract:
        digest = row.terms_digest
        if digest is None:
            if terms is None:
                raise LedgerError(f"{row.period} version {row.version} was written before the ledger kept contract terms: "
                                  "give the contract (terms=...)")
            return terms
        if digest not in contracts:
            parsed = contract_of(texts[digest]) if digest in texts else None
            if parsed is None:
                raise LedgerError(f"the terms of {row.period} version {row.version} ({digest[:12]}) cannot be read")
            contracts[digest] = parsed
        return contracts[digest]

    results: list[Result] = []
    missing: list[MissingMeasurement] = []
    kpis: list[KPIPoints] = []
    areas: list[AreaCredit] = []
    warnings: list[WatchWarning] = []
    for row, view in zip(rows, views, strict=True):
        version_terms = terms_of_version(row)
        ids = reading.loads(row.decisions) or []
        decided = reading.decisions_from_records([decision_rows[i] for i in ids if i in decision_rows])
        results += [_result(version_terms, decided, r.record) for r in view.results]
        missing += [MissingMeasurement(Period.parse(m["period"]), m["kpi"], m["area"]) for m in view.missing]
        kpis += [_points(k.record) for k in view.kpis]
        areas += [_credit(a.record) for a in view.areas]
        warnings += [_warning(w) for w in view.warnings]
    latest_terms = terms_of_version(rows[-1])
    evaluation = Evaluation(latest_terms, tuple(results), tuple(missing))
    warnings = _in_rule_order(latest_terms, warnings, results, kpis, areas)
    return Record(latest_terms, evaluation, CreditRun(tuple(kpis), tuple(areas), tuple(warnings)),
                  tuple(view.version for view in views), head)


def _in_rule_order(
    contract: Contract, warnings: list[WatchWarning], results: list[Result], kpis: list[KPIPoints], areas: list[AreaCredit]
) -> list[WatchWarning]:
    """The warnings kept month by month, in the order the watch rules give them for a run of months
    (:func:`csskpi.engine.watch.apply_watch_rules`): rule by rule as the contract lists them; within a rule, by
    KPI or subject as they first appear, then by month — except the cap rule, month by month."""
    tables = contract.parameters.other.get("watch", [])
    rules = {str(table.get("name", table.get("rule"))): (i, str(table.get("rule"))) for i, table in enumerate(tables)}
    first_seen: dict[str, int] = {}
    for name in [r.reference for r in results] + ["contract"] + [k.area for k in kpis] + [a.area for a in areas]:
        first_seen.setdefault(name, len(first_seen))

    def key(w: WatchWarning) -> tuple[int, int, Period, int]:
        index, rule = rules.get(w.rule, (len(rules), ""))
        where = first_seen.get(w.subject, len(first_seen))
        last = max(w.months) if w.months else Period(1, 1)
        if rule in ("consecutive", "failures_in_window", "points_in_window"):
            return index, where, last, 0
        return index, 0, last, where

    return sorted(warnings, key=key)


def _parse(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as e:
        raise LedgerError(str(e)) from None
