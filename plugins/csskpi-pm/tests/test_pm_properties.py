"""Properties of every People Management measure on random small datasets spanning several months.

Row order never matters; splitting a dataset into two frames and concatenating them changes nothing; counts of
disjoint parts add up (split by recipient for PM_KPI_01 and by record for PM_KPI_06, which count distinct ones);
percentages stay within 0..100; and the vectorised deadline measures agree with a plain per-record reading of the
backlog rule on the scalar business calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.model.measurement import Counts
from csskpi.model.period import Period
from hypothesis import given, settings
from hypothesis import strategies as st

from csskpi_pm.measures import MEASURES
from pm_testkit import frame, inputs

BY_NAME = {m.name: m for m in MEASURES}

FIRST, LAST = dt.date(2017, 2, 20), dt.date(2017, 7, 10)  # Easter, early May and spring bank holidays inside
PERIODS = [Period(2017, m) for m in (4, 5, 6)]
SETTINGS = settings(max_examples=15, deadline=None, derandomize=True)
REFERENCE_SETTINGS = settings(max_examples=30, deadline=None, derandomize=True)

days = st.integers(FIRST.toordinal(), LAST.toordinal()).map(dt.date.fromordinal)
times = st.builds(
    lambda day, minute: dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute), days, st.integers(0, 1439)
)
lags = st.none() | st.integers(0, 70)


def _later(day: Any, lag: int | None) -> Any:
    return None if lag is None else day + dt.timedelta(days=lag)


# Rows in declared column order, without their id (added by _frame).
ROWS: dict[str, st.SearchStrategy[tuple[Any, ...]]] = {
    "payroll_payments": st.builds(
        lambda r, day, lag: (r, day, None if lag is None else day + dt.timedelta(days=lag)),
        st.sampled_from("ABCDEF"), days, st.none() | st.integers(-3, 3),
    ),
    "payment_errors": st.builds(
        lambda cause, day, lag: (cause, day, _later(day, lag)), st.sampled_from(["provider", "other"]), days, lags
    ),
    "third_party_deductions": st.builds(
        lambda day, lag: (day, None if lag is None else day + dt.timedelta(days=lag)),
        days,
        st.none() | st.integers(-3, 3),
    ),
    "pm_contacts": st.builds(
        lambda at, tier, cat, fcr, lag: (at, tier, cat, fcr, _later(at, lag)),
        times, st.sampled_from(["1", "2", "3"]), st.sampled_from(["corporate", "school"]), st.booleans(), lags,
    ),
    "spot_checks": st.builds(lambda r, day, err: (r, day, err), st.sampled_from(["R1", "R2", "R3", "R4"]), days,
                             st.booleans()),
    "recruitments": st.builds(lambda e, day, lag: (e, day, _later(day, lag)), st.booleans(), days,
                              st.none() | st.integers(0, 100)),
    "pm_transactions": st.builds(
        lambda typ, at, lag, target: (typ, at, _later(at, lag), target),
        st.sampled_from(["leaver", "absence"]), times, st.none() | st.integers(0, 30), st.integers(0, 15),
    ),
    "surveys": st.builds(
        lambda kind, day, rating: (kind, day, rating),
        st.sampled_from(["pm_manager_contact", "pm_my_helpdesk", "it_incident"]), days,
        st.sampled_from(["very poor", "poor", "fair", "good", "very good", "1", "2", "3", "4", "5"]),
    ),
}  # fmt: skip
KEYS = {"PM_KPI_01": "recipient_id", "PM_KPI_06": "record_id"}  # split by key: the measure counts distinct keys


def _frame(dataset: str, rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    if dataset == "surveys":  # kind, response_id, responded_on, rating
        return frame(dataset, [(r[0], f"S{i}", r[1], r[2]) for i, r in enumerate(rows)])
    if dataset == "spot_checks":  # no id column
        return frame(dataset, rows)
    return frame(dataset, [(f"X{i}", *r) for i, r in enumerate(rows)])


def _compute(name: str, data: pl.DataFrame, period: Period) -> Counts:
    measure = BY_NAME[name]
    return measure.compute(inputs(period, {measure.datasets[0]: data}))


def _check(name: str, data: pl.DataFrame, permutation: list[int], cut: int) -> None:
    for period in PERIODS:
        counts = _compute(name, data, period)
        exact = counts.exact()
        assert exact is None or 0 <= exact <= (100 if counts.population is not None else data.height)
        assert _compute(name, data[permutation], period) == counts
        head, tail = data.head(cut), data.slice(cut)
        assert _compute(name, pl.concat([tail, head]), period) == counts
        if name in KEYS:
            odd = pl.col(KEYS[name]).rank("dense") % 2 == 1
            head, tail = data.filter(odd), data.filter(~odd)
        assert _compute(name, head, period) + _compute(name, tail, period) == counts


def _property(name: str) -> Callable[[], None]:
    dataset = BY_NAME[name].datasets[0]

    @SETTINGS
    @given(
        st.lists(ROWS[dataset], max_size=30).flatmap(
            lambda rows: st.tuples(st.just(rows), st.permutations(range(len(rows))), st.integers(0, len(rows)))
        )
    )
    def check(drawn: tuple[list[tuple[Any, ...]], list[int], int]) -> None:
        rows, permutation, cut = drawn
        _check(name, _frame(dataset, rows), list(permutation), cut)

    return check


test_pm_kpi_01_properties = _property("PM_KPI_01")
test_pm_kpi_02_properties = _property("PM_KPI_02")
test_pm_kpi_03_properties = _property("PM_KPI_03")
test_pm_kpi_05_properties = _property("PM_KPI_05")
test_pm_kpi_06_properties = _property("PM_KPI_06")
test_pm_kpi_07_properties = _property("PM_KPI_07")
test_pm_kpi_08_properties = _property("PM_KPI_08")
test_pm_kpi_11_properties = _property("PM_KPI_11")
test_pm_kpi_12_properties = _property("PM_KPI_12")


# ----------------------------------------------------------------------------- reference: the rule record by record


def _month(day: dt.date) -> int:
    return Period.of(day).index


def _reference(records: list[tuple[dt.date, int, dt.date | None]], period: Period) -> Counts:
    """(start, business days, completed) records under the backlog rule, read one at a time."""
    passing = population = 0
    for start, n, completed in records:
        deadline = ENGLAND_AND_WALES.add_business_days(start, n)
        if completed is None or _month(completed) > _month(deadline):
            population += _month(deadline) == period.index  # open at its deadline month's end: fails there
        elif _month(completed) == period.index:
            population += 1
            passing += completed <= deadline
    return Counts(passing, population)


@REFERENCE_SETTINGS
@given(st.lists(ROWS["pm_transactions"], max_size=30))
def test_pm_kpi_11_agrees_with_the_rule_read_record_by_record(rows: list[tuple[Any, ...]]) -> None:
    data = _frame("pm_transactions", rows)
    records = [(at.date(), target, None if done is None else done.date()) for _, at, done, target in rows]
    for period in PERIODS:
        assert _compute("PM_KPI_11", data, period) == _reference(records, period)


@REFERENCE_SETTINGS
@given(st.lists(ROWS["recruitments"], max_size=30))
def test_pm_kpi_07_agrees_with_the_rule_read_record_by_record(rows: list[tuple[Any, ...]]) -> None:
    data = _frame("recruitments", rows)
    records = [(authorised, 40, appointed) for e_form, authorised, appointed in rows if e_form]
    for period in PERIODS:
        assert _compute("PM_KPI_07", data, period) == _reference(records, period)


@REFERENCE_SETTINGS
@given(st.lists(ROWS["payroll_payments"], max_size=30))
def test_pm_kpi_01_agrees_with_a_count_by_recipient(rows: list[tuple[Any, ...]]) -> None:
    data = _frame("payroll_payments", rows)
    for period in PERIODS:
        paid: dict[str, bool] = {}
        for recipient, due, done in rows:
            if Period.of(due) == period:
                paid[recipient] = paid.get(recipient, True) and done is not None and done <= due
        assert _compute("PM_KPI_01", data, period) == Counts(sum(paid.values()), len(paid), "recipients")
