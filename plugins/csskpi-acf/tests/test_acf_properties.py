"""Properties of the ACF measures on random data: row order and splitting never change a count, counts stay within
0..population, record measures add up over a partition of their rows, and the plugin's fast rules agree with the
core's reference helpers (``deadline_counts``, ``in_month``, ``survey_counts``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from acf_test_support import SPECS, run
from csskpi_acf.kit import business_day_deadline_counts, month_mask
from hypothesis import given, settings
from hypothesis import strategies as st

from csskpi import Counts, MeasureInput, Period
from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.data.load import load_dataset
from csskpi.plugin.kit import deadline_counts, in_month, survey_counts

SETTINGS = settings(max_examples=40, deadline=None, database=None)
FIRST = dt.date(2017, 3, 20)  # around Easter and the May bank holidays
SPAN = 110
PERIODS = st.sampled_from([Period(2017, 4), Period(2017, 5), Period(2017, 6)])

_days = st.integers(0, SPAN)
_maybe = st.booleans()


def _day(n: int) -> dt.date:
    return FIRST + dt.timedelta(n)


def _typed(dataset: str, columns: dict[str, list]) -> pl.DataFrame:
    spec = SPECS[dataset]
    raw = pl.DataFrame({c.name: columns[c.name] for c in spec.columns}, strict=False)
    return load_dataset(spec, raw).frame


@st.composite
def _deadline_rows(draw: st.DrawFn) -> list[tuple[int, int | None, bool | None]]:
    """(start day, days to done or None if open, a flag) — done never before start."""
    rows = draw(st.lists(st.tuples(_days, st.none() | st.integers(0, 40), st.none() | _maybe), max_size=30))
    return rows


def _dataset(name: str, rows: list[tuple[int, int | None, bool | None]]) -> pl.DataFrame:
    ids = [f"x{n}" for n in range(len(rows))]
    starts = [_day(s) for s, _, _ in rows]
    dones = [None if d is None else _day(s + d) for s, d, _ in rows]
    flags = [f for _, _, f in rows]
    if name == "financial_assessments":
        care = ["residential" if f else "non_residential" for f in flags]
        return _typed(name, {"assessment_id": ids, "care": care, "kind": ["new"] * len(rows),
                             "referred_on": starts, "completed_on": dones})
    if name == "direct_payments":
        return _typed(name, {"service_user_id": ids, "referred_on": starts, "first_paid_on": dones})
    if name == "court_protection":
        return _typed(name, {"case_id": ids, "referred_on": starts, "commenced_on": dones, "actioned_correctly": flags})
    if name == "legal_charges":
        submitted = [None if d is None else _day(s + d - 20) for s, d, _ in rows]  # before or after the due date
        return _typed(name, {"case_id": ids, "due_on": starts, "submitted_on": submitted})
    if name == "acf_contacts":
        stamps = [dt.datetime.combine(_day(s), dt.time(23 if f else 0, 59 if f else 0)) for s, _, f in rows]
        return _typed(name, {"contact_id": ids, "received_at": stamps, "first_contact_resolved": [bool(f) for f in flags]})
    if name == "acf_income":  # three snapshots a month apart; the last of a month is its latest
        snaps = [dt.date(2017, 4 + s % 3, 28 if d is None else 10) for s, d, _ in rows]
        pounds = [Decimal(s * 7 - 100 + (d or 0)).scaleb(-1) for s, d, _ in rows]
        return _typed(name, {"invoice_id": ids, "snapshot_on": snaps, "due_on": starts, "outstanding": pounds})
    if name == "acf_service_users":
        snaps = [dt.date(2017, 4 + s % 3, 28 if d is None else 10) for s, d, _ in rows]
        return _typed(name, {"service_user_id": ids, "snapshot_on": snaps, "chargeable": [s % 2 == 0 for s, _, _ in rows],
                             "assessment_up_to_date": flags})
    if name == "surveys":
        ratings = ["very good", "good", "fair", "poor", "very poor", "4", "2"]
        return _typed(name, {"kind": ["acf_user" if f is not False else "it_incident" for f in flags],
                             "response_id": ids, "responded_on": starts,
                             "rating": [ratings[s % len(ratings)] for s, _, _ in rows]})
    raise AssertionError(name)


CASES = [
    ("ACF_KPI_01", "acf_contacts", True),
    ("ACF_KPI_03", "financial_assessments", True),
    ("ACF_KPI_04", "financial_assessments", True),
    ("ACF_KPI_05", "direct_payments", True),
    ("ACF_KPI_06", "acf_income", False),
    ("ACF_KPI_07", "legal_charges", True),
    ("ACF_KPI_08", "court_protection", True),
    ("ACF_KPI_09", "surveys", True),
    ("ACF_KPI_10", "acf_service_users", False),
]


@SETTINGS
@given(rows=_deadline_rows(), period=PERIODS, case=st.sampled_from(CASES), data=st.data())
def test_order_and_splitting_never_change_a_measure(rows, period, case, data) -> None:
    measure, dataset, additive = case
    whole = _dataset(dataset, rows)
    counts = run(measure, period, {dataset: whole})
    assert 0 <= counts.passing <= (counts.population or 0)
    shuffled = whole.sample(fraction=1.0, shuffle=True, seed=data.draw(st.integers(0, 2**32 - 1)))
    assert run(measure, period, {dataset: shuffled}) == counts
    cut = data.draw(st.integers(0, whole.height))
    first, second = whole.slice(0, cut), whole.slice(cut)
    assert run(measure, period, {dataset: pl.concat([second, first])}) == counts
    if additive:  # record measures: the counts of two parts add up to the whole's
        assert run(measure, period, {dataset: first}) + run(measure, period, {dataset: second}) == counts


@SETTINGS
@given(rows=_deadline_rows(), period=PERIODS, days=st.integers(0, 25))
def test_fast_deadline_rule_agrees_with_the_core_helper(rows, period, days) -> None:
    frame = _dataset("court_protection", rows)
    inputs = MeasureInput(period, {"court_protection": frame}, {})
    ours = business_day_deadline_counts(
        frame, inputs, start="referred_on", done="commenced_on", business_days=days, also="actioned_correctly"
    )
    deadline = ENGLAND_AND_WALES.add_business_days_expr(pl.col("referred_on"), days)
    done = pl.col("commenced_on")
    reference = deadline_counts(
        frame, period, month_by=done, deadline=deadline, completed=done,
        met=(done <= deadline) & pl.col("actioned_correctly").fill_null(False),
    )
    assert ours == reference


@SETTINGS
@given(rows=_deadline_rows(), period=PERIODS)
def test_month_mask_and_survey_rule_agree_with_the_core(rows, period) -> None:
    contacts = _dataset("acf_contacts", rows)
    assert month_mask(contacts, "received_at", period).to_list() == contacts.select(
        in_month(pl.col("received_at"), period)
    ).to_series().to_list()
    surveys = _dataset("surveys", rows)
    assert run("ACF_KPI_09", period, {"surveys": surveys}) == survey_counts(surveys, "acf_user", period)


def test_counts_are_counts() -> None:
    assert run("ACF_KPI_01", Period(2017, 5), {"acf_contacts": _dataset("acf_contacts", [])}) == Counts(0, 0)
