"""Worked examples, by hand, for every CSC measure: month edges, weekends, bank holidays, the backlog rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
import polars as pl
import pytest
from csskpi_csc.datasets import CALLS, CARERS_ASSESSMENTS, CONTACTS
from csskpi_csc.measures import (
    csc_kpi_01,
    csc_kpi_03,
    csc_kpi_04,
    csc_kpi_05,
    csc_kpi_06,
    csc_kpi_07,
    csc_kpi_09,
    csc_kpi_10,
)

from csskpi import ContractError, Counts, MeasureInput, Period
from csskpi.data.calendars import ENGLAND_AND_WALES, BusinessCalendar
from csskpi.data.load import load_dataset
from csskpi.data.surveys import SURVEYS

APR, MAY, JUN = Period(2017, 4), Period(2017, 5), Period(2017, 6)


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def contacts(*rows: tuple[str, str, bool, bool, str | None]) -> pl.DataFrame:
    """(received_at, channel, avoidable, first_contact_resolved, responded_at), loaded as the core would."""
    frame = pl.DataFrame(
        {
            "contact_id": [f"c{i}" for i in range(len(rows))],
            "received_at": [r[0] for r in rows],
            "channel": [r[1] for r in rows],
            "avoidable": [r[2] for r in rows],
            "first_contact_resolved": [r[3] for r in rows],
            "responded_at": [r[4] for r in rows],
        },
        schema_overrides={"responded_at": pl.String, "received_at": pl.String},
    )
    return load_dataset(CONTACTS, frame).frame


def calls(*rows: tuple[str, str, str | None, str | None]) -> pl.DataFrame:
    """(queue, offered_at, answered_at, abandoned_at)."""
    frame = pl.DataFrame(
        {
            "call_id": [f"k{i}" for i in range(len(rows))],
            "queue": [r[0] for r in rows],
            "offered_at": [r[1] for r in rows],
            "answered_at": [r[2] for r in rows],
            "abandoned_at": [r[3] for r in rows],
        },
        schema={"call_id": pl.String, "queue": pl.String, "offered_at": pl.String, "answered_at": pl.String,
                "abandoned_at": pl.String},
    )
    return load_dataset(CALLS, frame).frame


def assessments(*rows: tuple[str, str | None, bool | None]) -> pl.DataFrame:
    """(referred_on, completed_on, accurate)."""
    frame = pl.DataFrame(
        {
            "assessment_id": [f"a{i}" for i in range(len(rows))],
            "referred_on": [r[0] for r in rows],
            "completed_on": [r[1] for r in rows],
            "accurate": [r[2] for r in rows],
        },
        schema={"assessment_id": pl.String, "referred_on": pl.String, "completed_on": pl.String,
                "accurate": pl.Boolean},
    )
    return load_dataset(CARERS_ASSESSMENTS, frame).frame


def run(module: Any, period: Period, params: Mapping[str, Any] | None = None, **data: pl.DataFrame) -> Counts:
    return module.compute(MeasureInput(period, data, params or {}, ENGLAND_AND_WALES))


# ----------------------------------------------------------------------------------------------- contacts

MONTH_EDGES = contacts(
    ("2017-04-30T23:59:59", "email", True, True, "2017-05-02T09:00"),  # April
    ("2017-05-01T00:00", "email", False, True, "2017-05-02T09:00"),  # May (a bank holiday: still received then)
    ("2017-05-10T10:00", "phone", True, False, "2017-05-10T10:05"),
    ("2017-05-20T10:00", "webchat", False, True, "2017-05-20T10:05"),  # a Saturday
    ("2017-05-31T23:59:59", "letter", False, False, None),
    ("2017-06-01T00:00", "web", True, True, None),  # June
)


def test_csc_kpi_01_digital_share_by_received_month() -> None:
    assert run(csc_kpi_01, MAY, contacts=MONTH_EDGES) == Counts(2, 4)  # email and webchat of 4
    assert run(csc_kpi_01, APR, contacts=MONTH_EDGES) == Counts(1, 1)
    assert run(csc_kpi_01, JUN, contacts=MONTH_EDGES) == Counts(1, 1)
    assert run(csc_kpi_01, MAY, {"digital_channels": ["email"]}, contacts=MONTH_EDGES) == Counts(1, 4)
    assert run(csc_kpi_01, Period(2017, 7), contacts=MONTH_EDGES) == Counts(0, 0)  # empty: data not available


def test_csc_kpi_01_refuses_a_malformed_parameter() -> None:
    with pytest.raises(ContractError, match="digital_channels"):
        run(csc_kpi_01, MAY, {"digital_channels": "email"}, contacts=MONTH_EDGES)


def test_csc_kpi_03_avoidable_share() -> None:
    assert run(csc_kpi_03, MAY, contacts=MONTH_EDGES) == Counts(1, 4)  # the phone call
    assert run(csc_kpi_03, APR, contacts=MONTH_EDGES) == Counts(1, 1)


def test_csc_kpi_06_first_contact_resolution() -> None:
    assert run(csc_kpi_06, MAY, contacts=MONTH_EDGES) == Counts(2, 4)  # the email and the webchat
    assert run(csc_kpi_06, JUN, contacts=MONTH_EDGES) == Counts(1, 1)


# Easter 2017: Good Friday 14 April, Easter Monday 17 April; early May bank holiday 1 May; spring 29 May.
RESPONSES = contacts(
    # received Thursday 13 April: day 0; Good Friday and Easter Monday do not count: deadline Wednesday 19 April
    ("2017-04-13T10:00", "email", False, True, "2017-04-19T17:59"),  # April: in time
    ("2017-04-13T11:00", "email", False, True, "2017-04-20T08:00"),  # April: a day late
    # received Saturday 15 April: day 0 is Tuesday 18 April, deadline Thursday 20 April
    ("2017-04-15T09:00", "web", False, True, "2017-04-20T16:00"),  # April: in time
    # a letter on Friday 28 April: 10 business days, skipping 1 May: deadline Monday 15 May
    ("2017-04-28T12:00", "letter", False, True, "2017-05-15T12:00"),  # April: in time (answered in May)
    ("2017-04-28T12:30", "letter", False, False, None),  # unanswered at the end of May: May's failure
    # received Thursday 27 April: deadline Tuesday 2 May; answered in June: a failure in May, not in April
    ("2017-04-27T10:00", "email", False, False, "2017-06-01T10:00"),
    # received Friday 28 April: day 0; 1 May is a bank holiday: deadline Wednesday 3 May
    ("2017-04-28T17:00", "email", False, True, "2017-05-03T09:00"),  # April: in time
    ("2017-04-20T10:00", "phone", False, True, None),  # not a channel with a timescale
    # Saturday 27 May: day 0 is Tuesday 30 May (29 May is a bank holiday): deadline Thursday 1 June
    ("2017-05-27T10:00", "email", False, True, "2017-06-01T17:00"),  # May: in time
    # Wednesday 31 May, evening: deadline Friday 2 June; unanswered: June's failure
    ("2017-05-31T18:30", "email", False, False, None),
)


def test_csc_kpi_05_deadlines_skip_weekends_and_bank_holidays() -> None:
    assert ENGLAND_AND_WALES.add_business_days(day("2017-04-13"), 2) == day("2017-04-19")
    assert ENGLAND_AND_WALES.add_business_days(day("2017-04-28"), 10) == day("2017-05-15")
    assert run(csc_kpi_05, APR, contacts=RESPONSES) == Counts(4, 5)


def test_csc_kpi_05_backlog_counts_once_in_the_deadline_month() -> None:
    # May: the unanswered letter (deadline 15 May) and the e-mail answered in June (deadline 2 May) fail there;
    # the e-mail of Saturday 27 May passes.
    assert run(csc_kpi_05, MAY, contacts=RESPONSES) == Counts(1, 3)
    assert run(csc_kpi_05, JUN, contacts=RESPONSES) == Counts(0, 1)
    assert run(csc_kpi_05, Period(2017, 3), contacts=RESPONSES) == Counts(0, 0)


def test_csc_kpi_05_timescales_are_a_parameter() -> None:
    only_email_one_day = {"timescale_business_days": {"email": 1}}
    # 13 April (deadline 18 April): answered 19 and 20 April, late; 28 April 17:00 (deadline 2 May): answered
    # 3 May, late; 27 April (deadline 28 April): answered in June, so April's failure by the backlog rule.
    assert run(csc_kpi_05, APR, only_email_one_day, contacts=RESPONSES) == Counts(0, 4)
    with pytest.raises(ContractError, match="timescale_business_days"):
        run(csc_kpi_05, APR, {"timescale_business_days": {"email": -1}}, contacts=RESPONSES)


# ------------------------------------------------------------------------------------------------- calls

CALLS_MAY = calls(
    ("general", "2017-05-02T09:00", None, "2017-05-02T09:01"),  # abandoned
    ("general", "2017-05-02T09:05", "2017-05-02T09:06", None),  # answered
    ("highways", "2017-05-02T09:10", "2017-05-02T09:11", "2017-05-02T09:15"),  # both: not abandoned
    ("highways", "2017-05-31T23:59:59", None, None),  # neither: offered, not abandoned
    ("general", "2017-04-30T23:59", None, "2017-05-01T00:01"),  # April's
    ("general", "2017-06-01T00:00", None, "2017-06-01T00:02"),  # June's
    ("lrsp", "2017-05-03T10:00", None, "2017-05-03T10:02"),  # LRSP: abandoned
    ("lrsp", "2017-05-03T10:05", "2017-05-03T10:06", None),
    ("lrsp", "2017-05-03T10:10", "2017-05-03T10:11", "2017-05-03T10:20"),  # both: not abandoned
    ("LRSP", "2017-05-03T10:15", None, "2017-05-03T10:16"),  # not exactly lrsp: another queue's (a finding)
)


def test_csc_kpi_04_abandoned_outside_lrsp() -> None:
    # May, all queues but lrsp: general x2, highways x2, LRSP: 5 offered, 2 abandoned (general, LRSP)
    assert run(csc_kpi_04, MAY, calls=CALLS_MAY) == Counts(2, 5)
    assert run(csc_kpi_04, APR, calls=CALLS_MAY) == Counts(1, 1)
    assert run(csc_kpi_04, JUN, calls=CALLS_MAY) == Counts(1, 1)
    assert run(csc_kpi_04, MAY, {"excluded_queues": []}, calls=CALLS_MAY) == Counts(3, 8)
    assert run(csc_kpi_04, MAY, {"excluded_queues": ["lrsp", "LRSP"]}, calls=CALLS_MAY) == Counts(1, 4)


def test_csc_kpi_10_abandoned_in_lrsp() -> None:
    assert run(csc_kpi_10, MAY, calls=CALLS_MAY) == Counts(1, 3)
    assert run(csc_kpi_10, MAY, {"queue": "highways"}, calls=CALLS_MAY) == Counts(0, 2)
    assert run(csc_kpi_10, APR, calls=CALLS_MAY) == Counts(0, 0)
    with pytest.raises(ContractError, match="queue"):
        run(csc_kpi_10, MAY, {"queue": ["lrsp"]}, calls=CALLS_MAY)


def test_calls_findings_list_the_odd_calls() -> None:
    raw = pl.DataFrame(
        {
            "call_id": ["a", "b", "c", "d"],
            "queue": ["general", " lrsp", "lrsp", "general"],
            "offered_at": ["2017-05-02T09:00"] * 4,
            "answered_at": ["2017-05-02T09:01", None, "2017-05-02T09:01", None],
            "abandoned_at": ["2017-05-02T09:05", "2017-05-02T09:02", "2017-05-02T09:09", None],
        }
    )
    found = load_dataset(CALLS, raw).findings
    messages = {f.message.split(":")[0]: f for f in found}
    both = messages["call both answered and abandoned"]
    assert (both.count, both.row, both.column) == (2, 0, "abandoned_at")
    assert messages["call neither answered nor abandoned"].row == 3
    assert messages["queue written like 'lrsp' but not exactly so"].row == 1


# ------------------------------------------------------------------------------------------------ surveys


def test_csc_kpi_07_good_or_better_of_csc_customer_responses() -> None:
    raw = pl.DataFrame(
        {
            "kind": ["csc_customer"] * 6 + ["it_incident"],
            "response_id": [f"r{i}" for i in range(7)],
            "responded_on": ["2017-05-01", "2017-05-15", "2017-05-31", "2017-05-20", "2017-04-30", "2017-06-01",
                             "2017-05-10"],
            "rating": ["very good", "4", "fair", "1", "good", "good", "very good"],
        }
    )
    surveys = load_dataset(SURVEYS, raw).frame
    assert run(csc_kpi_07, MAY, surveys=surveys) == Counts(2, 4, "responses")
    assert run(csc_kpi_07, APR, surveys=surveys) == Counts(1, 1, "responses")


# --------------------------------------------------------------------------------------- carers assessments


CARERS = assessments(
    # referred Thursday 13 April 2017: 20 business days, skipping Easter and 1 May: deadline Tuesday 16 May
    ("2017-04-13", "2017-05-16", True),  # May: in time and accurate
    ("2017-04-13", "2017-05-17", True),  # May: a day late
    ("2017-04-13", "2017-05-16", False),  # May: in time, not accurate
    ("2017-04-13", "2017-05-10", None),  # May: accuracy not recorded, so not accurate
    # referred Monday 20 March: deadline Wednesday 19 April (Easter skipped)
    ("2017-03-20", None, None),  # still open: April's failure
    ("2017-03-20", "2017-05-02", True),  # completed after April: April's failure, not May's
    ("2017-03-20", "2017-04-19", True),  # April: in time
    ("2017-05-25", None, None),  # open, deadline Friday 23 June (29 May skipped): June's failure
)


def test_csc_kpi_09_accurate_within_20_business_days() -> None:
    assert ENGLAND_AND_WALES.add_business_days(day("2017-04-13"), 20) == day("2017-05-16")
    assert ENGLAND_AND_WALES.add_business_days(day("2017-03-20"), 20) == day("2017-04-19")
    assert run(csc_kpi_09, MAY, carers_assessments=CARERS) == Counts(1, 4)


def test_csc_kpi_09_backlog_counts_in_the_deadline_month() -> None:
    assert run(csc_kpi_09, APR, carers_assessments=CARERS) == Counts(1, 3)
    assert run(csc_kpi_09, JUN, carers_assessments=CARERS) == Counts(0, 1)  # the 25 May referral, still open
    assert run(csc_kpi_09, Period(2017, 7), carers_assessments=CARERS) == Counts(0, 0)  # June's, never again
    assert run(csc_kpi_09, MAY, {"business_days": 21}, carers_assessments=CARERS) == Counts(2, 4)


def test_csc_kpi_09_open_past_deadline_counts_once() -> None:
    open_one = assessments(("2017-05-25", None, None))
    assert ENGLAND_AND_WALES.add_business_days(day("2017-05-25"), 20) == day("2017-06-23")
    counted = [run(csc_kpi_09, p, carers_assessments=open_one) for p in Period.range(APR, Period(2017, 9))]
    assert counted == [Counts(0, 0), Counts(0, 0), Counts(0, 1), Counts(0, 0), Counts(0, 0), Counts(0, 0)]


def test_carers_findings() -> None:
    raw = pl.DataFrame(
        {
            "assessment_id": ["a", "b", "c"],
            "referred_on": ["2017-05-02"] * 3,
            "completed_on": ["2017-05-10", None, "2017-05-11"],
            "accurate": [None, True, True],
        },
        schema_overrides={"accurate": pl.Boolean},
    )
    found = {f.message.split(":")[0]: (f.row, f.count) for f in load_dataset(CARERS_ASSESSMENTS, raw).findings}
    assert found == {
        "completed assessment with no accuracy recorded": (0, 1),
        "accuracy recorded for an assessment not completed": (1, 1),
    }


def test_contacts_finding_for_resolved_but_unanswered() -> None:
    found = load_dataset(
        CONTACTS,
        pl.DataFrame(
            {
                "contact_id": ["a", "b"],
                "received_at": ["2017-05-02T09:00", "2017-05-02T09:00"],
                "channel": ["email", "phone"],
                "avoidable": ["false", "false"],
                "first_contact_resolved": ["true", "true"],
                "responded_at": [None, None],
            },
            schema_overrides={"responded_at": pl.String},
        ),
    ).findings
    assert [(f.row, f.column, f.count) for f in found] == [(0, "responded_at", 1)]


def test_csc_kpi_09_deadline_pushed_by_a_long_closure_still_counts() -> None:
    # A council's own calendar may close for weeks: every weekday of April 2017 closed here. A referral of
    # Monday 6 March then has its 20th business day in May, and, still open, fails in May.
    april = [dt.date(2017, 4, d) for d in range(1, 31) if dt.date(2017, 4, d).weekday() < 5]
    closed = BusinessCalendar(closures=april)
    assert closed.add_business_days(day("2017-03-06"), 20) == day("2017-05-02")  # 1 May is a bank holiday
    referral = assessments(("2017-03-06", None, None))
    inputs = MeasureInput(MAY, {"carers_assessments": referral}, {}, closed)
    assert csc_kpi_09.compute(inputs) == Counts(0, 1)
    assert csc_kpi_09.compute(attrs.evolve(inputs, period=APR)) == Counts(0, 0)
