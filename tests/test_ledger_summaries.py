"""The council's published summaries in the ledger, on SQLite and PostgreSQL: the example's figures recorded with
their dates, May and June 2017 first published in July 2017 and restated by the December 2017 report; never
overwritten; recorded once; in the hash chain; and the restatements told exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import csskpi
from csskpi.engine.reconcile import FIELDS, PublishedRow
from csskpi.files.published import read_published
from csskpi.ledger import Ledger, LedgerError, PublishedFigure
from csskpi.ledger.summaries import restated
from csskpi.model.period import Period

from . import test_ledger_support as support

backend = support.backend  # the fixture, for this module's tests
ledger_target = support.ledger_target  # the fixture, for this module's tests

CONTRACT = "lincolnshire-css"
JULY, DECEMBER = dt.date(2017, 7, 27), dt.date(2017, 12, 21)
DATED = "source,published_on,area,period,tsl_achieved,msl_achieved,below_msl,mitigation,total\n"


def example_rows() -> tuple[PublishedRow, ...]:
    path = csskpi.example("dec-2017").published
    assert path is not None
    return read_published(path)


def told(ledger: Ledger, period: str, area: str | None = None) -> list[tuple[object, ...]]:
    """Each figure of a month's history: source, date, area, counts, first or not, and its changes as text."""
    return [(e.figure.source, e.figure.published_on, e.figure.area, e.figure.counts, e.first, [str(c) for c in e.changes])
            for e in ledger.published_history(period, area=area)]


def test_the_example_records_may_2017_first_published_in_july_and_restated_in_december(ledger_target: str) -> None:
    rows = example_rows()
    with Ledger.open(ledger_target) as ledger:
        written = ledger.record_published(rows, recorded_by="A. Analyst", contract=CONTRACT)
        assert len(written) == len(rows) == 93 and written.unchanged == ()
        assert written.head == ledger.head()
        assert told(ledger, "2017-05", "PM") == [
            ("jul2017-minutes", JULY, "PM", (8, None, None, None, 9), True, []),
            ("dec2017-report", DECEMBER, "PM", (9, 0, 0, 0, 9), False,
             ["tsl_achieved 8 (jul2017-minutes, 2017-07-27) → 9"]),
        ]
        (restatement,) = ledger.published_history("2017-05").restatements
        assert restatement.restates == ("jul2017-minutes",) and restatement.figure.source == "dec2017-report"
        change = restatement.changes[0]
        assert (change.field, change.old, change.new, change.old_source, change.old_published_on) == (
            "tsl_achieved", 8, 9, "jul2017-minutes", JULY)
        # IMT May 2017: "meeting 10 of 12 KPIs" in July, 10 in December: published again, not restated.
        assert told(ledger, "2017-05", "IMT")[1][4:] == (False, [])
        figure = restatement.figure
        assert (figure.recorded_by, figure.contract, figure.line) == ("A. Analyst", CONTRACT, 26)
        assert figure.file.endswith("published.csv") and figure.digest is not None and figure.recorded_at is not None


def test_june_2017_overall_was_corrected_at_the_meeting_and_restated_in_december(ledger_target: str) -> None:
    with Ledger.open(ledger_target) as ledger:
        ledger.record_published(example_rows(), recorded_by="A. Analyst", contract=CONTRACT)
        assert told(ledger, "2017-06", "ALL") == [
            ("jul2017-addendum", JULY, "ALL", (29, None, 3, None, 41), True, []),
            ("jul2017-minutes", JULY, "ALL", (30, None, 2, None, 41), False,
             ["tsl_achieved 29 (jul2017-addendum, 2017-07-27) → 30", "below_msl 3 (jul2017-addendum, 2017-07-27) → 2"]),
            ("dec2017-report", DECEMBER, "ALL", (32, 4, 2, 3, 41), False, ["tsl_achieved 30 (jul2017-minutes, 2017-07-27) → 32"]),
            ("dec2017-addendum", DECEMBER, "ALL", (32, 4, 2, 3, 41), False, []),
        ]
        assert told(ledger, "2017-06", "IMT") == [
            ("jul2017-minutes", JULY, "IMT", (8, None, None, None, 12), True, []),
            ("dec2017-report", DECEMBER, "IMT", (10, 2, 0, 0, 12), False, ["tsl_achieved 8 (jul2017-minutes, 2017-07-27) → 10"]),
            ("dec2017-addendum", DECEMBER, "IMT", (10, 2, 0, 0, 12), False, []),
        ]
        june = ledger.published_history("2017-06")
        assert len(june) == 15 and june.areas() == ("ALL", "PM", "IMT", "CSC", "ACF", "F")
        assert [e.figure.source for e in june.restatements] == ["jul2017-minutes", "dec2017-report", "dec2017-report"]
        # Oldest first by date, then in the file's order within a day.
        assert [e.figure.published_on for e in june.entries] == sorted(e.figure.published_on for e in june.entries)
        assert len(ledger.published_history("2017-08")) == 12 and not ledger.published_history("2017-08").restatements
        assert len(ledger.published_history("2016-01")) == 0
        result = ledger.verify()
        assert result.ok and result.published == 93 and result.entries == 93, result.problems


def test_a_figure_is_recorded_once_and_again_is_unchanged(ledger_target: str) -> None:
    rows = example_rows()
    with Ledger.open(ledger_target) as ledger:
        ledger.record_published(rows[:10], recorded_by="A", contract=CONTRACT)
        head = ledger.head()
        again = ledger.record_published(rows[:10], recorded_by="B", contract=CONTRACT)
        assert len(again) == 0 and len(again.unchanged) == 10 and again.head == head == ledger.head()
        assert {f.recorded_by for f in again.unchanged} == {"A"}  # as first recorded
        more = ledger.record_published(rows, recorded_by="B", contract=CONTRACT)
        assert (len(more), len(more.unchanged)) == (83, 10) and ledger.verify().ok


def test_the_record_is_never_overwritten(ledger_target: str, tmp_path: Path) -> None:
    with Ledger.open(ledger_target) as ledger:
        ledger.record_published(example_rows(), recorded_by="A", contract=CONTRACT)
        head = ledger.head()
        path = tmp_path / "later.csv"
        path.write_text(DATED + "oct2018-report,2018-10-25,ALL,2018-06,30,1,0,10,41\n"
                        "dec2017-report,2017-12-21,PM,2017-05,8,1,0,0,9\n", encoding="utf-8")
        with pytest.raises(LedgerError) as refused:
            ledger.record_published(read_published(path), recorded_by="B", contract=CONTRACT)
        assert [str(p) for p in refused.value.problems] == [
            f"{path}:3: 'counts': dec2017-report PM 2017-05 is in the ledger already as 9/0/0/0/9 published on "
            "2017-12-21, not 8/1/0/0/9: the record is never overwritten (a later source restating it is recorded under "
            "its own name)"]
        assert ledger.head() == head and len(ledger.published_history("2018-06")) == 0  # nothing recorded
        path.write_text(DATED + "dec2017-report,2017-12-22,ALL,2017-11,38,1,0,2,41\n", encoding="utf-8")
        with pytest.raises(LedgerError, match=rf"{path}:2: 'published_on': dec2017-report is in the ledger as published "
                                              r"on 2017-12-21 \(ALL 2017-05\), not 2017-12-22: a source has one"):
            ledger.record_published(read_published(path), recorded_by="B", contract=CONTRACT)
        # Another contract's figures are its own.
        other = ledger.record_published(read_published(EXAMPLE_ROWS_FILE()), recorded_by="B", contract="another")
        assert len(other) == 93
        with pytest.raises(LedgerError, match="several contracts"):
            ledger.published_history("2017-05")
        assert len(ledger.published_history("2017-05", contract="another")) == 8
        with pytest.raises(LedgerError, match="no contract named 'nobody'"):
            ledger.published_history("2017-05", contract="nobody")


def EXAMPLE_ROWS_FILE() -> Path:  # noqa: N802 - reads as the constant it stands for
    path = csskpi.example("dec-2017").published
    assert path is not None
    return path


def test_figures_without_a_date_or_who_are_refused(ledger_target: str, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("source,area,period,tsl_achieved,msl_achieved,below_msl,mitigation,total\nweb,PM,2017-05,9,0,0,0,9\n",
                    encoding="utf-8")
    with Ledger.open(ledger_target) as ledger:
        with pytest.raises(LedgerError) as refused:
            ledger.record_published(read_published(path), recorded_by="A", contract=CONTRACT)
        assert [str(p) for p in refused.value.problems] == [
            f"{path}:2: 'published_on': web PM 2017-05 has no publication date: the ledger keeps when each figure was "
            "published (give the file a published_on column, YYYY-MM-DD)"]
        if ledger.engine.dialect.name == "sqlite":
            with pytest.raises(LedgerError, match="say who is recording this"):
                ledger.record_published(example_rows(), recorded_by=" ", contract=CONTRACT)
        with pytest.raises(LedgerError, match="nothing has been published in this ledger yet"):
            ledger.published_history("2017-05")


def test_published_figures_are_append_only(ledger_target: str) -> None:
    with Ledger.open(ledger_target) as ledger:
        ledger.record_published(example_rows()[:3], recorded_by="A", contract=CONTRACT)
        for statement in ("UPDATE published_figures SET tsl_achieved = 31", "DELETE FROM published_figures"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), ledger.engine.begin() as conn:
                conn.execute(sa.text(statement))
        if ledger.engine.dialect.name == "sqlite":
            with pytest.raises(sa.exc.DBAPIError, match="cannot be replaced"), ledger.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT OR REPLACE INTO published_figures (id, contract, source, published_on, area, period, "
                    "tsl_achieved, source_file, recorded_by, recorded_at) VALUES (1, 'lincolnshire-css', "
                    "'jul2017-addendum', '2017-07-27', 'ALL', '2017-06', 32, '', 'forger', '2017-08-01 00:00:00')"))
        else:
            with ledger.engine.connect() as conn:  # the database says who wrote each figure
                assert conn.execute(sa.text("SELECT DISTINCT db_user FROM published_figures")).scalar() is not None
        assert [e.figure.counts[0] for e in ledger.published_history("2017-06", area="ALL")] == [29, 30]


# -- properties -------------------------------------------------------------------------------------------------

_counts = st.tuples(*(st.one_of(st.none(), st.integers(0, 4)) for _ in FIELDS))
_figures = st.lists(st.tuples(st.sampled_from(("ALL", "PM", "IMT")), _counts), max_size=12)


@given(_figures)
def test_every_restatement_names_exactly_the_counts_that_differ(given_figures: list[tuple[str, tuple[int | None, ...]]]) -> None:
    figures = [PublishedFigure("c", f"s{i}", dt.date(2017, 1, 1) + dt.timedelta(days=i), area, Period(2017, 5), counts)
               for i, (area, counts) in enumerate(given_figures)]
    entries = restated(figures)
    assert [e.figure for e in entries] == figures
    for i, entry in enumerate(entries):
        earlier = [f for f in figures[:i] if f.area == entry.figure.area]
        assert entry.first == (not earlier)
        expected = []
        for field, value in entry.figure.as_dict().items():
            given_before = [f for f in earlier if f.as_dict()[field] is not None]
            if value is not None and given_before and given_before[-1].as_dict()[field] != value:
                last = given_before[-1]
                expected.append((field, last.as_dict()[field], value, last.source, last.published_on))
        assert [(c.field, c.old, c.new, c.old_source, c.old_published_on) for c in entry.changes] == expected
        assert entry.restates == tuple(dict.fromkeys(c[3] for c in expected))


_rows = st.lists(st.tuples(st.integers(0, 3), st.sampled_from(("ALL", "PM")), _counts), max_size=8,
                 unique_by=lambda r: (r[0], r[1]))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_rows, data=st.data())
def test_the_history_does_not_depend_on_the_order_recorded_when_dates_differ(
    rows: list[tuple[int, str, tuple[int | None, ...]]], data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Sources published on different days: however a file lists them, the history is told oldest first."""
    def published(order: list[tuple[int, str, tuple[int | None, ...]]]) -> list[PublishedRow]:
        return [PublishedRow(f"source{s}", area, Period(2017, 6), counts, "p.csv", i + 2, dt.date(2017, 7, 1 + s))
                for i, (s, area, counts) in enumerate(order)]

    shuffled = data.draw(st.permutations(rows))
    histories: list[list[list[tuple[Any, ...]]]] = []
    for order in (rows, shuffled):
        with Ledger.open(tmp_path_factory.mktemp("order") / "ledger.db") as ledger:
            ledger.record_published(published(list(order)), recorded_by="A", contract=CONTRACT)
            if not order:
                histories.append([[], []])
                continue
            told = ledger.published_history("2017-06")
            histories.append([[(e.figure.source, e.figure.counts, e.first, e.changes) for e in told if e.figure.area == area]
                              for area in ("ALL", "PM")])
    assert histories[0] == histories[1]
    for area in histories[0]:
        assert [h[0] for h in area] == sorted(h[0] for h in area)
