"""Hypothesis strategies for csskpi's objects, for councils testing their own KPIs, rules and plugins.

Every strategy builds valid objects by construction (from small integers and ``sampled_from``, with no
filtering), so that examples are cheap and shrink to small, readable counter-examples. Entry points:

- :func:`periods` — a :class:`~csskpi.Period` between two months.
- :func:`decimals_2dp` — a ``Decimal`` with exactly two decimals, between two bounds.
- :func:`target_steps` — one :class:`~csskpi.TargetStep` (MSL never stricter than TSL; sometimes ``>``/``<``).
- :func:`target_schedules` — a :class:`~csskpi.TargetSchedule` of contiguous, non-overlapping steps.
- :func:`kpis` — a :class:`~csskpi.KPI` in force inside a stretch of months, with its targets and points.
- :func:`contracts` — a small valid :class:`~csskpi.Contract` (areas, KPIs, retired references, parameters).
- :func:`measurements` — a list of :class:`~csskpi.Measurement` for KPI-months in force, no KPI-month twice,
  values often on or next to the levels, sometimes ``None`` (data not available).
- :func:`histories` — one KPI's measurements over a run of consecutive months (for ladders and watch rules).
- :func:`decisions` — :class:`~csskpi.Decisions` (mitigations, suspensions, escalations) naming the
  contract's KPIs and areas, near given months.

And one helper (not a strategy) for plugins' synthetic-data tests:

- :func:`synth_statuses` — load synthetic frames, compute measures for the months their KPIs are in force,
  and classify each KPI-month against the contract (data not available fails the test).

Example::

    from hypothesis import given, strategies as st
    from csskpi import evaluate
    from csskpi.testing import contracts, measurements

    @given(st.data())
    def test_one_result_per_row(data):
        contract = data.draw(contracts())
        rows = data.draw(measurements(contract))
        assert len(evaluate(contract, rows)) == len(rows)

This module needs ``hypothesis`` (the ``test`` extra); ``import csskpi`` does not import it.
"""

from __future__ import annotations

from csskpi.testing.decision_strategies import decisions
from csskpi.testing.strategies import (
    AREA_NAMES,
    contracts,
    decimals_2dp,
    histories,
    kpis,
    measurements,
    periods,
    target_schedules,
    target_steps,
)
from csskpi.testing.synth import synth_statuses

__all__ = [
    "AREA_NAMES",
    "contracts",
    "decimals_2dp",
    "decisions",
    "histories",
    "kpis",
    "measurements",
    "periods",
    "synth_statuses",
    "target_schedules",
    "target_steps",
]
