"""The conformance check that a measure's evidence adds up exactly to its counts.

A rule measure (:meth:`Measure.from_rule <csskpi.plugin.types.Measure.from_rule>`) lists the records behind each
figure from its rule; a measure with its own ``evidence`` lists them itself. Either way the table, added up on its
own (:func:`csskpi.pipeline.evidence.evidence_counts`), must give exactly the counts its ``compute`` returns.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.model.contract import Contract
from csskpi.model.measurement import Counts
from csskpi.model.period import Period
from csskpi.pipeline.evidence import COLUMNS, evidence_counts, numerator_verdict, rule_evidence
from csskpi.pipeline.measure import contract_clocks
from csskpi.plugin.rules import RuleContext
from csskpi.plugin.types import Measure, MeasureInput

__all__ = ["evidence_problem"]


def evidence_problem(
    measure: Measure, period: Period, frames: Mapping[str, pl.DataFrame], contract: Contract | None, counts: object
) -> str | None:
    """What is wrong with ``measure``'s evidence for ``period`` against its ``counts``; None if nothing is (or it
    gives no evidence)."""
    if not isinstance(counts, Counts) or (measure.rule is None and measure.evidence is None):
        return None
    parameters = contract.parameters.measures.get(measure.name, {}) if contract else {}
    clocks = contract_clocks(contract) if contract else {}
    if measure.rule is not None:
        rule = measure.rule(RuleContext(measure.name, parameters, ENGLAND_AND_WALES, clocks))
        table = rule_evidence(rule, frames[rule.dataset], period)
        kind, numerator = rule.kind, numerator_verdict(rule)
    else:
        assert measure.evidence is not None
        table = measure.evidence(MeasureInput(period, frames, parameters, ENGLAND_AND_WALES, clocks))
        missing = [c for c in COLUMNS if c not in table.columns]
        if missing:
            return f"the evidence lacks the columns {', '.join(missing)}"
        kind = "ratio" if counts.population is not None else "count"
        numerator = "counted" if kind == "count" else "pass"
    bad = sorted(set(table["verdict"].drop_nulls().to_list()) - {"pass", "fail", "counted"})
    if bad or table["verdict"].null_count():
        return f"verdicts must be pass, fail or counted, not {bad or ['(empty)']}"
    if table["id"].null_count():
        return "a record of the evidence has no id"
    added = evidence_counts(table, kind, counts.unit, numerator)
    if added != counts:
        return f"the evidence adds up to {added}, not the counts {counts}"
    return None
