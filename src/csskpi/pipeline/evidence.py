"""The evidence behind a figure: for a KPI and a month, every record that counts, and why.

A rule measure's evidence is its rule's query (:func:`csskpi.plugin.rules.records`) filtered to the month: each
record in the population with its id, the month it counts in and why (its own month, or its deadline's month
under the backlog rule), its start, deadline and completion, the working time elapsed where the KPI uses one, its
verdict (``pass``, ``fail``, or ``counted`` in a count KPI) and the reason in words. A measure that is not a ratio
of records may give its own evidence rows (``Measure.evidence``) in the same columns.

:func:`evidence_counts` adds the evidence up on its own — records, groups or money — so that a test and the
conformance suite can check that it gives exactly the measure's counts. :func:`compare_with_supplier_list` settles
a dispute record by record against the supplier's own list.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import polars as pl

from csskpi.data.calendars import ENGLAND_AND_WALES, BusinessCalendar, WorkingHours
from csskpi.errors import ContractError, InputError, PluginError, Problem, UnknownKPIError
from csskpi.model.contract import Contract
from csskpi.model.measurement import Counts, Measurement
from csskpi.model.period import Period
from csskpi.pipeline.rules import rule_of
from csskpi.plugin.rulequery import pence, records
from csskpi.plugin.rules import COUNTED_IN, GROUP, PASSES, STILL_OPEN, WEIGHT, RecordRule
from csskpi.plugin.types import Measure, MeasureInput

__all__ = [
    "COLUMNS", "Evidence", "check_request", "evidence_counts", "kpi_evidence", "numerator_verdict", "record_lookup",
    "rule_evidence",
]

#: The columns of every evidence table, in order.
COLUMNS = ("id", "dataset", "counted_in", "why", "start", "deadline", "completed", "elapsed", "verdict", "reason",
           "weight", "group")

OWN_MONTH = "own month"
DEADLINE_MONTH = "deadline's month: still open at its end (backlog rule)"


@attrs.frozen(repr=False)  # short: the records are a table, shown by to_polars()
class Evidence:
    """The records behind one KPI's figure for one month, with the figure they give."""

    kpi: str
    measure: str
    period: Period
    kind: str  # "ratio" or "count"
    numerator: str  # the verdict the counts' passing counts: "pass", or "fail" (counting failures), or "counted"
    unit: str
    counts: Counts
    value: Decimal | None
    records: pl.DataFrame = attrs.field(eq=False)

    def failing(self) -> pl.DataFrame:
        """The records that fail (in a count KPI: those counted)."""
        return self.records.filter(pl.col("verdict").is_in(["fail", "counted"]))

    def to_polars(self) -> pl.DataFrame:
        """The records behind the figure, one row each (as ``csskpi evidence`` lists them)."""
        return self.records

    def to_pandas(self) -> Any:
        """The records as a pandas DataFrame (pandas must be installed)."""
        from csskpi.model.tabular import to_pandas

        return to_pandas(self.records)

    def __repr__(self) -> str:
        figure = "data not available" if self.value is None else f"{self.value:f}"
        return f"<Evidence {self.kpi} {self.period}: {figure} from {self.records.height:,} records>"


def _text(expr: pl.Expr | None) -> pl.Expr:
    return pl.lit(None, dtype=pl.String) if expr is None else expr


def _written(values: pl.Series) -> pl.Series:
    """A column as text: dates and timestamps in ISO form (``2017-09-26``, ``2017-09-26T12:08:45``)."""
    if values.dtype == pl.Date:
        return values.dt.strftime("%Y-%m-%d")
    if isinstance(values.dtype, pl.Datetime):
        return values.dt.strftime("%Y-%m-%dT%H:%M:%S")
    return values.cast(pl.String)


def numerator_verdict(rule: RecordRule) -> str:
    """The verdict of the records the counts' ``passing`` counts."""
    return "counted" if rule.kind == "count" else "fail" if rule.counts_failures else "pass"


def rule_evidence(rule: RecordRule, frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    """The evidence table of ``rule`` over ``frame`` for ``period`` (columns :data:`COLUMNS`, sorted by id)."""
    extra = [
        _text(rule.start).alias("__start"),
        _text(rule.deadline).alias("__deadline"),
        _text(rule.completed).alias("__completed"),
        _text(rule.elapsed).alias("__elapsed"),
        _text(rule.reason).alias("__reason"),
    ]
    rows = records(rule, frame.lazy(), [period], extra=extra)
    # The verdict of a record that passes, and of one that does not (a count KPI counts those that do not).
    yes, no = ("pass", "counted") if rule.kind == "count" else ("fail", "pass") if rule.counts_failures else ("pass", "fail")
    table = (
        rows.select(
            pl.col(rule.id).cast(pl.String).alias("id"),
            pl.lit(rule.dataset).alias("dataset"),
            pl.lit(str(period)).alias("counted_in"),
            pl.when(pl.col(STILL_OPEN)).then(pl.lit(DEADLINE_MONTH)).otherwise(pl.lit(OWN_MONTH)).alias("why"),
            pl.col("__start").alias("start"),
            pl.col("__deadline").alias("deadline"),
            pl.col("__completed").alias("completed"),
            pl.col("__elapsed").alias("elapsed"),
            pl.when(pl.col(PASSES)).then(pl.lit(yes)).otherwise(pl.lit(no)).alias("verdict"),
            pl.col("__reason").fill_null(pl.lit("")).alias("reason"),
            (pl.lit(None, dtype=pl.String) if rule.weight is None else pl.col(WEIGHT).cast(pl.String)).alias("weight"),
            (pl.lit(None, dtype=pl.String) if rule.group is None else pl.col(GROUP).cast(pl.String)).alias("group"),
            pl.col(COUNTED_IN).alias("__index"),
        )
        .drop("__index")
        .sort("id", "group", nulls_last=True, maintain_order=True)
        .collect(engine="in-memory")
    )
    return table.with_columns(_written(table[c]) for c in ("start", "deadline", "completed", "elapsed"))


def evidence_counts(table: pl.DataFrame, kind: str, unit: str, numerator: str = "pass") -> Counts:
    """The counts an evidence table adds up to, worked out from the table alone.

    Records are counted one each; with a ``group`` column, groups (a group passes when all its records pass);
    with a ``weight``, their weights (money in pence when ``unit`` is ``pence``). A count KPI counts the records
    (or groups) whose verdict is ``counted``; a ratio's ``passing`` is those whose verdict is ``numerator``
    (``fail`` when the counts count failures).
    """
    if kind == "count":
        numerator = "counted"
    # A group is in the numerator when all its records are, or (in a count, or counting failures) when any is.
    any_counts = numerator != "pass"
    passes = pl.col("verdict") != numerator if any_counts else pl.col("verdict") == "pass"
    if table.height and table["group"].null_count() < table.height:
        units = table.group_by("group").agg(passes.all().alias("ok"))
        population, passing = units.height, int(units["ok"].sum())
        passing = population - passing if any_counts else passing
    elif table.height and table["weight"].null_count() < table.height:
        weights = [Decimal(w) for w in table["weight"].to_list()]
        ok = table.select(passes)["verdict"].to_list()
        total = sum(weights, Decimal(0))
        good = sum((w for w, p in zip(weights, ok, strict=True) if p), Decimal(0))
        population, passing = (pence(total), pence(good)) if unit == "pence" else (int(total), int(good))
        if any_counts:
            passing = population - passing
    else:
        population, passing = table.height, int(table.select(passes.sum()).item() or 0)
        passing = population - passing if any_counts else passing
    return Counts(passing) if kind == "count" else Counts(passing, population, unit)


def check_request(contract: Contract, kpi: str, period: Period, registry_measures: Mapping[str, Measure]) -> Measure:
    """The measure of ``kpi`` in ``period``, or the error saying why there is no evidence to give."""
    if not contract.calendar.contains(period):
        cal = contract.calendar
        raise ContractError(Problem(f"{period} is outside the contract ({cal.first_period} to {cal.last_period})",
                                    field="--period", file=contract.source))
    try:
        found = contract.kpi(kpi)
    except UnknownKPIError as exc:
        raise UnknownKPIError([attrs.evolve(p, field="--kpi") for p in exc.problems]) from None
    if found not in contract.kpis_in_force(period):
        raise ContractError(Problem(f"{kpi} is not in force in {period}", field="--kpi", kpi=kpi, file=contract.source))
    measure = registry_measures.get(found.measure)
    if measure is None:
        raise PluginError(Problem(f"no installed plugin provides measure {found.measure!r}", field="--kpi", kpi=kpi))
    if measure.rule is None and measure.evidence is None:
        raise PluginError(Problem(f"measure {found.measure!r} gives no record-level evidence", field="--kpi", kpi=kpi))
    return measure


def kpi_evidence(
    contract: Contract,
    frames: Mapping[str, pl.DataFrame],
    kpi: str,
    period: Period,
    measures: Mapping[str, Measure],
    *,
    calendar: BusinessCalendar = ENGLAND_AND_WALES,
    clocks: Mapping[str, WorkingHours] | None = None,
    folder: str | None = None,
) -> Evidence:
    """The evidence of ``kpi`` in ``period`` from the loaded ``frames``, with the figure it gives."""
    from csskpi.pipeline.measure import contract_clocks

    measure = check_request(contract, kpi, period, measures)
    absent = [d for d in measure.datasets if d not in frames]
    if absent:
        raise InputError(Problem(f"dataset {', '.join(absent)} absent: no evidence for {kpi}", file=folder,
                                 field="data", kpi=kpi))
    clocks = contract_clocks(contract, calendar) if clocks is None else clocks
    if measure.rule is not None:
        rule = rule_of(measure, contract, calendar, clocks)
        table = rule_evidence(rule, frames[rule.dataset], period)
        kind, numerator = rule.kind, numerator_verdict(rule)
    else:
        assert measure.evidence is not None
        inputs = MeasureInput(period, {d: frames[d] for d in measure.datasets},
                              contract.parameters.measures.get(measure.name, {}), calendar, clocks)
        table = measure.evidence(inputs).select(COLUMNS)
        kind = "count" if "counted" in table["verdict"].to_list() else "ratio"
        numerator = "counted" if kind == "count" else "pass"
    counts = evidence_counts(table, kind, measure.unit, numerator)
    value = Measurement.from_counts(kpi, period, counts, decimals=contract.parameters.decimals).value
    return Evidence(kpi, measure.name, period, kind, numerator, measure.unit, counts, value, table)


def record_lookup(contract: Contract, measure: Measure, frames: Mapping[str, pl.DataFrame], id_column: str | None,
                  calendar: BusinessCalendar = ENGLAND_AND_WALES) -> pl.DataFrame:
    """Every record of the measure's dataset by ``id``, with its ``weight`` and ``group`` under the measure's rule
    (null for a measure without one, whose first dataset's ``id_column`` names the records): what a supplier's
    record-level list is checked and added up against."""
    from csskpi.pipeline.measure import contract_clocks

    if measure.rule is None:
        if id_column is None:
            raise ValueError(f"measure {measure.name!r}: its dataset has no id column to name its records by")
        return frames[measure.datasets[0]].select(pl.col(id_column).cast(pl.String).alias("id"),
                                      pl.lit(None, dtype=pl.String).alias("weight"),
                                      pl.lit(None, dtype=pl.String).alias("group"))
    rule = rule_of(measure, contract, calendar, contract_clocks(contract, calendar))
    return frames[rule.dataset].select(
        pl.col(rule.id).cast(pl.String).alias("id"),
        (pl.lit(None, dtype=pl.String) if rule.weight is None else rule.weight.cast(pl.String)).alias("weight"),
        (pl.lit(None, dtype=pl.String) if rule.group is None else rule.group.cast(pl.String)).alias("group"),
    ).unique("id", keep="last", maintain_order=True)
