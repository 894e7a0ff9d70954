"""What the ledger stores of a month: an evaluation (and its credit run) cut into JSON-able records per month.

Results are stored as :func:`csskpi.engine.records.result_record` gives them; points and credits as
:func:`csskpi.engine.records.kpi_points_record` and :func:`csskpi.engine.records.area_credit_record` give them — the same records
the CLI's JSON shows. Decimals are strings, so every figure is kept exactly.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from csskpi.engine import records as render
from csskpi.engine.rules import Evaluation
from csskpi.errors import Problem
from csskpi.ledger.errors import LedgerError
from csskpi.model.decisions import Decisions, Escalation, Mitigation, Suspension
from csskpi.model.measurement import Measurement
from csskpi.model.period import Period

__all__ = ["MonthPayload", "decision_rows", "jsonable", "measurement_row", "month_payloads", "text_of"]


def text_of(value: Decimal | int | None) -> str | None:
    """A figure as exact text (``Decimal('85.040')`` stays ``"85.040"``), or None."""
    if value is None:
        return None
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def jsonable(value: Any) -> Any:
    """Any csskpi value as JSON-able data: Decimals and periods as strings, enums as their values, attrs
    classes as dicts of their fields."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (Period, dt.date)):
        return str(value) if isinstance(value, Period) else value.isoformat()
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if attrs.has(type(value)):
        return {f.name: jsonable(getattr(value, f.name)) for f in attrs.fields(type(value)) if not callable(getattr(value, f.name))}
    return str(value)


def _status(value: Any) -> str:
    return str(getattr(value, "value", value))


@attrs.frozen
class MonthPayload:
    """One month's figures, ready to be written as one version: records plus the key columns."""

    period: Period
    contract: str
    results: tuple[dict[str, Any], ...]
    kpis: tuple[dict[str, Any], ...]  # each {"columns": key columns, "record": the JSON record}
    areas: tuple[dict[str, Any], ...]  # likewise
    warnings: tuple[dict[str, Any], ...]
    missing: tuple[dict[str, Any], ...]

    @property
    def kpi_references(self) -> frozenset[str]:
        return frozenset(r["kpi"] for r in self.results)


def _period_of(item: Any) -> Period:
    value = item.period
    return value if isinstance(value, Period) else Period.parse(str(value))


def month_payloads(evaluation: Evaluation, credit_run: Any | None = None) -> list[MonthPayload]:
    """The evaluation's months, each with its results and (from ``credit_run``) points, credits and warnings."""
    periods = evaluation.periods
    if not periods:
        raise LedgerError("nothing to publish: the evaluation has no results")
    by_month: dict[Period, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for r in evaluation.results:
        by_month[r.period]["results"].append(render.result_record(r))
    for m in evaluation.missing:
        by_month[m.period]["missing"].append(render.missing_record(m))
    if credit_run is not None:
        problems: list[Problem] = []
        kpi_record, area_record = render.kpi_points_record, render.area_credit_record
        for k in credit_run.kpis:
            p = _period_of(k)
            if p not in by_month:
                problems.append(Problem(f"the credit run has points for {k.kpi} in {p}, a month the evaluation does not have"))
                continue
            # The key columns come from the object; the record is kept as rendered (any key it lacks added).
            columns = {"kpi": str(k.kpi), "area": str(k.area), "status": _status(k.status),
                       "points": text_of(k.points), "multiplier": text_of(k.multiplier)}
            rec = kpi_record(k)
            for key, value in {"period": str(p), **columns, "reason": getattr(k, "reason", "")}.items():
                rec.setdefault(key, value)
            by_month[p]["kpis"].append({"columns": columns, "record": rec})
        for a in credit_run.areas:
            p = _period_of(a)
            if p not in by_month:
                problems.append(Problem(f"the credit run has a credit for {a.area} in {p}, a month the evaluation does not have"))
                continue
            columns = {"area": str(a.area), "points": text_of(a.points), "credit": text_of(a.credit),
                       "cap": text_of(getattr(a, "cap", None))}
            rec = area_record(a)
            for key, value in {"period": str(p), **columns}.items():
                rec.setdefault(key, value)
            by_month[p]["areas"].append({"columns": columns, "record": rec})
        if problems:
            raise LedgerError(problems)
        warning_record = render.warning_record
        for w in credit_run.warnings:
            months = [m if isinstance(m, Period) else Period.parse(str(m)) for m in getattr(w, "months", ())]
            # A warning belongs to the month that triggered it: the last of its months.
            home = max(months) if months else periods[-1]
            if home in by_month:
                by_month[home]["warnings"].append(warning_record(w))
    contract = evaluation.contract.name
    return [
        MonthPayload(
            p,
            contract,
            tuple(by_month[p]["results"]),
            tuple(by_month[p]["kpis"]),
            tuple(by_month[p]["areas"]),
            tuple(by_month[p]["warnings"]),
            tuple(by_month[p]["missing"]),
        )
        for p in periods
    ]


def measurement_row(m: Measurement, origin: str | None, received_at: dt.datetime) -> dict[str, Any]:
    return {
        "period": str(m.period),
        "kpi": m.kpi,
        "origin": origin or m.source.kind,
        "value": text_of(m.value),
        "numerator": m.numerator,
        "denominator": m.denominator,
        "source": str(m.source),
        "received_at": received_at,
    }


def _decision_row(kind: str, item: Mitigation | Suspension | Escalation) -> dict[str, Any]:
    record = jsonable(item)
    record["source"] = str(item.source)
    row: dict[str, Any] = {
        "kind": kind, "kpi": None, "areas": None, "reason": item.reason, "impact": "", "path_to_green": "",
        "decided_by": "", "decided_on": None, "escalation_kind": None, "raised_on": None, "settled_on": None,
        "outcome": "", "reference": "", "source": str(item.source), "record": {"decision": kind, **record},
    }
    if isinstance(item, Mitigation):
        row.update(kpi=item.kpi, period_from=str(item.start), period_to=str(item.end), impact=item.impact,
                   path_to_green=item.path_to_green, decided_by=item.decided_by, decided_on=item.decided_on)
    elif isinstance(item, Suspension):
        row.update(areas=",".join(item.areas), period_from=str(item.start), period_to=str(item.end), reference=item.reference)
    else:
        row.update(kpi=item.kpi, period_from=str(item.period), period_to=str(item.period), escalation_kind=item.kind.value,
                   raised_on=item.raised_on, settled_on=item.settled_on, outcome=item.outcome)
    return row


def decision_rows(decisions: Decisions) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    groups: Iterable[tuple[str, Iterable[Mitigation | Suspension | Escalation]]] = (
        ("mitigation", decisions.mitigations), ("suspension", decisions.suspensions), ("escalation", decisions.escalations),
    )
    for kind, items in groups:
        rows.extend(_decision_row(kind, item) for item in items)
    return rows
