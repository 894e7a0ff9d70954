"""The loader's fast paths give exactly what the full checks give: the clock-change hours found from a cheap
pre-selection equal those found by converting every timestamp, and a file with no repeated id is told apart
from one with repeats by a single count of distinct values."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from csskpi.data.checks import Locator, check_duplicates
from csskpi.data.sanity import check_local_times, repeated_hour
from csskpi.data.spec import Column, ColumnKind, DatasetSpec

SPEC = DatasetSpec("things", (Column("thing_id", ColumnKind.STR), Column("at", ColumnKind.DATETIME, nullable=True)),
                   id_column="thing_id")
UK = "Europe/London"

# Times near the changes are what matters: draw most of them within a few hours of one, some anywhere.
changes = st.sampled_from([dt.datetime(y, m, d, 1, 0) for y, m, d in
                           [(2017, 3, 26), (2017, 10, 29), (1995, 10, 22), (1990, 3, 25), (2023, 10, 29), (1971, 10, 31)]])
near = st.builds(lambda c, minutes: c + dt.timedelta(minutes=minutes), changes, st.integers(-180, 180))
stamps = st.lists(st.one_of(near, st.datetimes(dt.datetime(1950, 1, 1), dt.datetime(2100, 1, 1)), st.none()),
                  max_size=40)


def _where(n: int) -> Locator:
    return Locator("things.csv", pl.int_range(2, n + 2, eager=True), "line", 1)


def _frame(values: list[dt.datetime | None]) -> pl.DataFrame:
    return pl.DataFrame({"thing_id": [str(i) for i in range(len(values))],
                         "at": pl.Series(values, dtype=pl.Datetime("us"))})


@settings(max_examples=200, deadline=None)
@given(stamps)
def test_clock_checks_match_converting_every_timestamp(values: list[dt.datetime | None]) -> None:
    frame = _frame(values)
    at = frame["at"]
    either = at.dt.replace_time_zone(UK, ambiguous="null", non_existent="null").is_null()
    gone = at.is_not_null() & at.dt.replace_time_zone(UK, ambiguous="earliest", non_existent="null").is_null()
    twice = (at.is_not_null() & either & ~gone).arg_true()
    expected_twice = [("at", int(twice[0]), len(twice), f"{at[int(twice[0])]:%Y-%m-%dT%H:%M}")] if len(twice) else []
    assert repeated_hour(frame, SPEC) == expected_twice
    found = [p.line for p in check_local_times(frame, SPEC, _where(len(values))) if p.line is not None]
    assert found == [i + 2 for i in gone.arg_true().to_list()][: len(found)]
    assert len(found) == min(gone.sum(), 20)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from("abcdefgh")), max_size=30))
def test_duplicates_fast_path_agrees_with_the_search(ids: list[str | None]) -> None:
    frame = pl.DataFrame({"thing_id": pl.Series(ids, dtype=pl.String)})
    problems = check_duplicates(frame, SPEC, _where(len(ids)))
    present = [i for i in ids if i is not None]
    repeats = len(present) - len(set(present))
    assert len([p for p in problems if p.line is not None]) == min(repeats, 20)
    assert bool(problems) == (repeats > 0)


DATETIMES = DatasetSpec("stamps", (Column("at", ColumnKind.DATETIME, nullable=True),))
stamp_text = st.one_of(
    st.none(),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)).flatmap(lambda d: st.sampled_from([
        d.strftime("%Y-%m-%dT%H:%M:%S"), d.strftime("%Y-%m-%d %H:%M:%S"), d.strftime("%Y-%m-%dT%H:%M"),
        d.strftime("%Y-%m-%d %H:%M"), " " + d.strftime("%Y-%m-%dT%H:%M:%S")[:-1], d.strftime("%Y-%m-%dT%H:%M:60"),
        d.strftime("%Y-%-m-%dT%H:%M:%S"), d.strftime("%Y-%m-%dT%H:%M:%SZ")])),
    st.text(alphabet="0123456789-:T ", max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(stamp_text, max_size=30))
def test_timestamps_read_exact_format_first_as_the_full_reading_does(cells: list[str | None]) -> None:
    """Reading the canonical form first and only the other cells fully gives what the full reading gives."""
    from csskpi.data.checks import _parse_text, blank_to_null, parse_columns

    raw = blank_to_null(pl.DataFrame({"at": pl.Series(cells, dtype=pl.String)}))
    full = raw.select(_parse_text(ColumnKind.DATETIME, pl.col("at"), (), False).alias("at"))["at"]
    assert parse_columns(raw, DATETIMES)["at"].to_list() == full.to_list()
