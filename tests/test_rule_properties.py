"""Properties of the core's record-level rule against a plain Python reading of docs/measures.md's month and backlog
rule, on random records: one month at a time and all months in one query agree with it and with each other; the
lookback and the completion bound cut nothing that counts; groups, weights and counts add up as they say."""

from __future__ import annotations

import calendar as cal
import datetime as dt
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.model.measurement import Counts
from csskpi.model.period import Period
from csskpi.plugin.rulequery import aggregate, counts_by_month, month_counts, records
from csskpi.plugin.rules import RecordRule, business_days_lookback

BASE = dt.date(2017, 2, 20)
MONTHS = [Period(2017, 3), Period(2017, 4), Period(2017, 5), Period(2017, 6)]
SETTINGS = settings(max_examples=60, deadline=None, database=None)

_row = st.tuples(
    st.integers(0, 110),  # start, days after BASE
    st.integers(0, 45),  # deadline, days after the start
    # completed: days after the start, or days after the end of the deadline's month (-1, 0, 1: the edge of the
    # backlog rule), or None (still open)
    st.none() | st.integers(0, 90) | st.tuples(st.just("end"), st.integers(-1, 1)),
    st.booleans(),  # in the population
    st.none() | st.booleans(),  # a further condition to pass (None: not recorded)
    st.integers(0, 4),  # group
    st.integers(1, 50_000),  # weight, pence
)


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=cal.monthrange(d.year, d.month)[1])


def _done(start: int, deadline: int, done: int | tuple[str, int] | None) -> dt.date | None:
    if done is None:
        return None
    if isinstance(done, tuple):
        return _month_end(BASE + dt.timedelta(days=start + deadline)) + dt.timedelta(days=done[1])
    return BASE + dt.timedelta(days=start + done)


def _frame(rows: list) -> pl.DataFrame:  # type: ignore[type-arg]
    def day(n: int) -> dt.date:
        return BASE + dt.timedelta(days=n)

    return pl.DataFrame(
        {
            "id": [f"r{i}" for i in range(len(rows))],
            "start": [day(s) for s, *_ in rows],
            "deadline": [day(s + d) for s, d, *_ in rows],
            "done": [_done(s, d, c) for s, d, c, *_ in rows],
            "member": [m for *_, m, _, _, _ in rows],
            "ok": [f for *_, f, _, _ in rows],
            "group": [f"g{g}" for *_, g, _ in rows],
            "money": [Decimal(w).scaleb(-2) for *_, w in rows],
        },
        schema={"id": pl.String, "start": pl.Date, "deadline": pl.Date, "done": pl.Date, "member": pl.Boolean,
                "ok": pl.Boolean, "group": pl.String, "money": pl.Decimal(38, 2)},
    )


def _reference(frame: pl.DataFrame, period: Period, by_done: bool) -> Counts:
    """The rule as ``docs/measures.md`` words it, one record at a time."""
    passing = population = 0
    for r in frame.iter_rows(named=True):
        if not r["member"]:
            continue
        still_open = r["done"] is None or r["done"] > _month_end(r["deadline"])
        if still_open:
            population += Period.of(r["deadline"]) == period
            continue
        own = r["done"] if by_done else r["start"]
        if Period.of(own) == period:
            population += 1
            passing += r["done"] <= r["deadline"] and r["ok"] is True
    return Counts(passing, population)


def _rule(by_done: bool, lookback: bool = False) -> RecordRule:
    return RecordRule(
        dataset="d", id="id", month=pl.col("done") if by_done else pl.col("start"), population=pl.col("member"),
        start=pl.col("start"), deadline=pl.col("deadline"), completed=pl.col("done"),
        passes=(pl.col("done") <= pl.col("deadline")) & pl.col("ok"),
        lookback=dt.timedelta(days=45) if lookback else None,
    )


@SETTINGS
@given(rows=st.lists(_row, max_size=25), by_done=st.booleans())
def test_the_rule_is_the_backlog_rule_as_worded(rows: list, by_done: bool) -> None:  # type: ignore[type-arg]
    frame = _frame(rows)
    for lookback in (False, True):
        rule = _rule(by_done, lookback)
        every = counts_by_month(rule, aggregate(rule, records(rule, frame.lazy(), MONTHS)).collect(), MONTHS, "records")
        for period in MONTHS:
            expected = _reference(frame, period, by_done)
            assert month_counts(rule, frame, period) == expected, (period, lookback)
            assert every[period] == expected, (period, lookback)


@SETTINGS
@given(rows=st.lists(_row, max_size=25), days=st.integers(0, 25))
def test_a_business_day_lookback_cuts_nothing_that_counts(rows: list, days: int) -> None:  # type: ignore[type-arg]
    frame = _frame(rows)
    deadline = ENGLAND_AND_WALES.add_business_days_expr(pl.col("start"), days)
    common = {"dataset": "d", "id": "id", "month": pl.col("done"), "start": pl.col("start"), "deadline": deadline,
              "completed": pl.col("done")}
    exact, bounded = RecordRule(**common), RecordRule(**common, lookback=business_days_lookback(days))
    for period in MONTHS:
        assert month_counts(bounded, frame, period) == month_counts(exact, frame, period)


@SETTINGS
@given(rows=st.lists(_row, max_size=25))
def test_groups_weights_and_counts_add_up(rows: list) -> None:  # type: ignore[type-arg]
    frame = _frame(rows)
    month, ok = pl.col("start"), pl.col("ok")
    grouped = RecordRule(dataset="d", id="id", month=month, passes=ok, group=pl.col("group"))
    weighted = RecordRule(dataset="d", id="id", month=month, passes=ok, weight=pl.col("money"))
    counted = RecordRule(dataset="d", id="id", month=month, passes=ok, kind="count")
    for period in MONTHS:
        rows_in = [r for r in frame.iter_rows(named=True) if Period.of(r["start"]) == period]
        groups: dict[str, bool] = {}
        for r in rows_in:
            groups[r["group"]] = groups.get(r["group"], True) and r["ok"] is True
        assert month_counts(grouped, frame, period, "groups") == Counts(sum(groups.values()), len(groups), "groups")
        total = sum(int(r["money"] * 100) for r in rows_in)
        good = sum(int(r["money"] * 100) for r in rows_in if r["ok"] is True)
        assert month_counts(weighted, frame, period, "pence") == Counts(good, total, "pence")
        assert month_counts(counted, frame, period) == Counts(sum(r["ok"] is not True for r in rows_in))
