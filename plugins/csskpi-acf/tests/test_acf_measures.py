"""Worked examples, by hand, for every ACF measure: month edges, weekends, bank holidays and the backlog rule.

Bank holidays of 2017 used: Good Friday 14 April, Easter Monday 17 April, early May 1 May, spring 29 May.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from acf_test_support import APRIL, JULY, JUNE, MAY, D, T, frame, run
from csskpi_acf.measures import acf_kpi_03

from csskpi import ContractError, Counts, MeasureInput, Period
from csskpi.data.calendars import ENGLAND_AND_WALES, BusinessCalendar

# ------------------------------------------------------------------------------------------------ ACF_KPI_01


def _contacts() -> dict:
    rows = [
        {"contact_id": "c1", "received_at": T(2017, 4, 30, 23, 59, 59), "first_contact_resolved": True},
        {"contact_id": "c2", "received_at": T(2017, 5, 1, 0, 0), "first_contact_resolved": True},  # bank holiday
        {"contact_id": "c3", "received_at": T(2017, 5, 31, 23, 59, 59), "first_contact_resolved": False},
        {"contact_id": "c4", "received_at": T(2017, 6, 1, 0, 0), "first_contact_resolved": True},
        {"contact_id": "c5", "received_at": T(2017, 5, 13, 10, 0), "first_contact_resolved": True},  # Saturday
    ]
    return {"acf_contacts": frame("acf_contacts", rows)}


def test_kpi_01_month_by_received_at_to_the_second() -> None:
    data = _contacts()
    assert run("ACF_KPI_01", MAY, data) == Counts(2, 3)
    assert run("ACF_KPI_01", APRIL, data) == Counts(1, 1)
    assert run("ACF_KPI_01", JUNE, data) == Counts(1, 1)
    assert run("ACF_KPI_01", JULY, data) == Counts(0, 0)  # no contacts: data not available


# ------------------------------------------------------------------------------------------ ACF_KPI_03 / 04


def _assessments() -> dict:
    def a(i: str, referred: D, completed: D | None, care: str = "non_residential") -> dict:
        return {"assessment_id": i, "care": care, "kind": "new" if i < "A5" else "change",
                "referred_on": referred, "completed_on": completed}

    rows = [
        # Thursday before Easter: 15 business days skip Good Friday, Easter Monday and 1 May: deadline 9 May.
        a("A1", D(2017, 4, 13), D(2017, 5, 9)),  # on the deadline: passes (without the holidays it would be late)
        a("A2", D(2017, 4, 13), D(2017, 5, 10)),  # a day late: fails, in May
        a("A3", D(2017, 4, 15), D(2017, 5, 10)),  # Saturday: day 0 is Tuesday 18 April, deadline 10 May: passes
        a("A4", D(2017, 5, 5), D(2017, 6, 2)),  # deadline 26 May, done in June: a failure in May, not in June
        a("A5", D(2017, 5, 5), None),  # deadline 26 May, still open: a failure in May
        a("A6", D(2017, 5, 10), D(2017, 6, 1)),  # spring bank holiday moves the deadline to 1 June: passes, June
        a("A7", D(2017, 5, 2), D(2017, 5, 3), care="residential"),
        a("A8", D(2017, 4, 3), D(2017, 5, 2)),  # deadline 26 April, done in May: a failure in April only
        a("A9", D(2017, 5, 25), None),  # deadline 16 June, open: not in May; a failure in June
    ]
    return {"financial_assessments": frame("financial_assessments", rows)}


def test_deadlines_of_the_examples_are_as_worked_by_hand() -> None:
    cal = ENGLAND_AND_WALES
    assert cal.add_business_days(D(2017, 4, 13), 15) == D(2017, 5, 9)
    assert cal.add_business_days(D(2017, 4, 15), 15) == D(2017, 5, 10)
    assert cal.add_business_days(D(2017, 5, 5), 15) == D(2017, 5, 26)
    assert cal.add_business_days(D(2017, 5, 10), 15) == D(2017, 6, 1)
    assert cal.add_business_days(D(2017, 4, 3), 15) == D(2017, 4, 26)
    assert cal.add_business_days(D(2017, 5, 25), 15) == D(2017, 6, 16)


def test_kpi_03_non_residential_with_the_backlog_rule() -> None:
    data = _assessments()
    assert run("ACF_KPI_03", MAY, data) == Counts(2, 5)  # A1, A3 pass; A2 late; A4, A5 backlog
    assert run("ACF_KPI_03", JUNE, data) == Counts(1, 2)  # A6 passes; A9 backlog; A4 not again
    assert run("ACF_KPI_03", APRIL, data) == Counts(0, 1)  # A8 backlog
    assert run("ACF_KPI_03", JULY, data) == Counts(0, 0)


def test_kpi_04_residential_only() -> None:
    data = _assessments()
    assert run("ACF_KPI_04", MAY, data) == Counts(1, 1)
    assert run("ACF_KPI_04", JUNE, data) == Counts(0, 0)


def test_kpi_03_04_parameters() -> None:
    data = _assessments()
    # The contract may swap the care type or shorten the deadline.
    assert run("ACF_KPI_03", MAY, data, care="residential") == Counts(1, 1)
    assert run("ACF_KPI_04", MAY, data, care="non_residential") == Counts(2, 5)
    # 20 business days: A2 passes, and A8 (deadline 4 May) passes in May; A4 and A5 (deadline 2 June) leave May.
    assert run("ACF_KPI_03", MAY, data, business_days=20) == Counts(4, 4)
    with pytest.raises(ContractError, match="care"):
        run("ACF_KPI_03", MAY, data, care="nursing")
    with pytest.raises(ContractError, match="business_days"):
        run("ACF_KPI_03", MAY, data, business_days=-1)
    with pytest.raises(ContractError, match="business_days"):
        run("ACF_KPI_03", MAY, data, business_days="15")


def test_calendar_comes_from_the_inputs() -> None:
    # A council closure on 8 May 2017 moves A1's deadline to 10 May: A2 passes too.
    data = _assessments()
    closed = BusinessCalendar(closures=(D(2017, 5, 8),))
    counts = acf_kpi_03.compute(MeasureInput(MAY, data, {}, closed))
    assert counts == Counts(3, 5)


# ------------------------------------------------------------------------------------------------ ACF_KPI_05


def test_kpi_05_direct_payments() -> None:
    rows = [
        {"service_user_id": "D1", "referred_on": D(2017, 4, 12), "first_paid_on": D(2017, 4, 27)},  # deadline 28 Apr
        {"service_user_id": "D2", "referred_on": D(2017, 4, 20), "first_paid_on": D(2017, 5, 5)},  # deadline 5 May
        {"service_user_id": "D3", "referred_on": D(2017, 4, 20), "first_paid_on": D(2017, 5, 8)},  # late, May
        {"service_user_id": "D4", "referred_on": D(2017, 4, 28), "first_paid_on": None},  # deadline 15 May: backlog
        {"service_user_id": "D5", "referred_on": D(2017, 4, 13), "first_paid_on": D(2017, 4, 28)},  # deadline 2 May
    ]
    data = {"direct_payments": frame("direct_payments", rows)}
    assert ENGLAND_AND_WALES.add_business_days(D(2017, 4, 20), 10) == D(2017, 5, 5)
    assert ENGLAND_AND_WALES.add_business_days(D(2017, 4, 28), 10) == D(2017, 5, 15)
    assert run("ACF_KPI_05", MAY, data) == Counts(1, 3)
    assert run("ACF_KPI_05", APRIL, data) == Counts(2, 2)
    assert run("ACF_KPI_05", JUNE, data) == Counts(0, 0)
    assert run("ACF_KPI_05", MAY, data, business_days=11) == Counts(2, 3)  # D3 passes; D4 (16 May) still fails


# ------------------------------------------------------------------------------------------------ ACF_KPI_06


def _income() -> dict:
    def i(invoice: str, snapshot: D, due: D, outstanding: str) -> dict:
        return {"invoice_id": invoice, "snapshot_on": snapshot, "due_on": due, "outstanding": Decimal(outstanding)}

    rows = [
        i("I1", D(2017, 5, 15), D(2017, 1, 1), "1000.00"),  # mid-month snapshot: not the latest, ignored
        i("I1", D(2017, 5, 31), D(2017, 5, 3), "100.00"),  # exactly 28 days past due: not aged
        i("I2", D(2017, 5, 31), D(2017, 5, 2), "50.01"),  # 29 days: aged
        i("I3", D(2017, 5, 31), D(2017, 6, 10), "10.99"),  # not yet due
        i("I4", D(2017, 5, 31), D(2017, 1, 10), "-20.00"),  # a credit: in neither sum
        i("I5", D(2017, 5, 31), D(2016, 12, 1), "0.01"),  # aged
        i("I6", D(2017, 4, 28), D(2017, 3, 1), "0.10"),  # April's snapshot (a Friday): aged
        i("I7", D(2017, 4, 28), D(2017, 4, 1), "0.20"),  # 27 days
    ]
    return {"acf_income": frame("acf_income", rows)}


def test_kpi_06_value_in_pence_at_the_latest_snapshot_of_the_month() -> None:
    data = _income()
    assert run("ACF_KPI_06", MAY, data) == Counts(5002, 16101, "pence")
    assert run("ACF_KPI_06", APRIL, data) == Counts(10, 30, "pence")  # exact: 0.10 + 0.20 is 30 pence
    assert run("ACF_KPI_06", JUNE, data) == Counts(0, 0, "pence")  # no snapshot
    assert run("ACF_KPI_06", MAY, data, days_past_due=27) == Counts(15002, 16101, "pence")


def test_kpi_06_large_sums_stay_exact() -> None:
    rows = [{"invoice_id": f"I{n}", "snapshot_on": D(2017, 5, 31), "due_on": D(2017, 1, 1) if n % 2 else D(2017, 5, 31),
             "outstanding": Decimal("12345678901234.57")} for n in range(4)]
    assert run("ACF_KPI_06", MAY, {"acf_income": frame("acf_income", rows)}) == Counts(
        2 * 1234567890123457, 4 * 1234567890123457, "pence"
    )


# ------------------------------------------------------------------------------------------------ ACF_KPI_07


def test_kpi_07_by_due_month_unsubmitted_is_a_failure() -> None:
    rows = [
        {"case_id": "L1", "due_on": D(2017, 5, 31), "submitted_on": D(2017, 5, 31)},  # on the due date
        {"case_id": "L2", "due_on": D(2017, 5, 1), "submitted_on": D(2017, 4, 28)},  # early, in April
        {"case_id": "L3", "due_on": D(2017, 5, 15), "submitted_on": D(2017, 5, 16)},  # a day late
        {"case_id": "L4", "due_on": D(2017, 5, 20), "submitted_on": None},  # never submitted
        {"case_id": "L5", "due_on": D(2017, 6, 1), "submitted_on": D(2017, 5, 20)},
        {"case_id": "L6", "due_on": D(2017, 4, 30), "submitted_on": D(2017, 6, 2)},  # late: April, not June
    ]
    data = {"legal_charges": frame("legal_charges", rows)}
    assert run("ACF_KPI_07", MAY, data) == Counts(2, 4)
    assert run("ACF_KPI_07", JUNE, data) == Counts(1, 1)
    assert run("ACF_KPI_07", APRIL, data) == Counts(0, 1)


# ------------------------------------------------------------------------------------------------ ACF_KPI_08


def test_kpi_08_correct_and_within_five_business_days() -> None:
    def p(case: str, referred: D, commenced: D | None, correct: bool | None) -> dict:
        return {"case_id": case, "referred_on": referred, "commenced_on": commenced, "actioned_correctly": correct}

    rows = [
        p("P1", D(2017, 4, 11), D(2017, 4, 20), True),  # deadline 20 April (Easter): passes, April
        p("P2", D(2017, 4, 25), D(2017, 5, 3), True),  # deadline 3 May (1 May holiday): passes, May
        p("P3", D(2017, 4, 25), D(2017, 5, 3), False),  # in time, not actioned correctly
        p("P4", D(2017, 5, 22), D(2017, 5, 31), True),  # deadline 30 May (spring holiday): late
        p("P5", D(2017, 5, 24), None, None),  # deadline 1 June, not commenced: June's failure
        p("P6", D(2017, 5, 22), None, None),  # deadline 30 May, not commenced: May's failure
        p("P7", D(2017, 5, 10), D(2017, 5, 12), None),  # correctness not recorded: not actioned correctly
    ]
    data = {"court_protection": frame("court_protection", rows)}
    assert ENGLAND_AND_WALES.add_business_days(D(2017, 5, 22), 5) == D(2017, 5, 30)
    assert run("ACF_KPI_08", MAY, data) == Counts(1, 5)
    assert run("ACF_KPI_08", JUNE, data) == Counts(0, 1)
    assert run("ACF_KPI_08", APRIL, data) == Counts(1, 1)
    assert run("ACF_KPI_08", MAY, data, business_days=7) == Counts(2, 4)  # P4 passes; P6's deadline is 1 June


# ------------------------------------------------------------------------------------------------ ACF_KPI_09


def test_kpi_09_acf_user_survey_good_or_better() -> None:
    ratings = ["very good", "good", "4", "5", "fair", "3", "very poor"]
    rows = [{"kind": "acf_user", "response_id": f"acf_user-{n}", "responded_on": D(2017, 5, 1 + n), "rating": r}
            for n, r in enumerate(ratings)]
    rows += [
        {"kind": "csc_customer", "response_id": "csc-1", "responded_on": D(2017, 5, 10), "rating": "very good"},
        {"kind": "acf_user", "response_id": "acf_user-a", "responded_on": D(2017, 4, 30), "rating": "good"},
        {"kind": "acf_user", "response_id": "acf_user-j", "responded_on": D(2017, 6, 1), "rating": "poor"},
    ]
    data = {"surveys": frame("surveys", rows)}
    assert run("ACF_KPI_09", MAY, data) == Counts(4, 7, "responses")
    assert run("ACF_KPI_09", APRIL, data) == Counts(1, 1, "responses")
    assert run("ACF_KPI_09", JUNE, data) == Counts(0, 1, "responses")
    assert run("ACF_KPI_09", MAY, data, kind="csc_customer") == Counts(1, 1, "responses")


# ------------------------------------------------------------------------------------------------ ACF_KPI_10


def test_kpi_10_chargeable_users_at_the_latest_snapshot() -> None:
    def u(user: str, snapshot: D, chargeable: bool, up_to_date: bool | None) -> dict:
        return {"service_user_id": user, "snapshot_on": snapshot, "chargeable": chargeable,
                "assessment_up_to_date": up_to_date}

    rows = [
        u("U1", D(2017, 5, 15), True, False),  # mid-month snapshot: ignored
        u("U9", D(2017, 5, 15), True, False),
        u("U1", D(2017, 5, 31), True, True),
        u("U2", D(2017, 5, 31), True, False),
        u("U3", D(2017, 5, 31), False, True),  # not chargeable: outside the population
        u("U4", D(2017, 5, 31), False, False),
        u("U5", D(2017, 5, 31), True, None),  # unknown: not up to date
        u("U1", D(2017, 4, 28), True, True),
    ]
    data = {"acf_service_users": frame("acf_service_users", rows)}
    assert run("ACF_KPI_10", MAY, data) == Counts(1, 3)
    assert run("ACF_KPI_10", APRIL, data) == Counts(1, 1)
    assert run("ACF_KPI_10", JUNE, data) == Counts(0, 0)


def test_empty_datasets_give_empty_populations() -> None:
    empty = {name: frame(name, []) for name in (
        "acf_contacts", "financial_assessments", "direct_payments", "acf_income", "legal_charges",
        "court_protection", "acf_service_users", "surveys")}
    from csskpi_acf.measures import MEASURES

    for measure in MEASURES:
        counts = run(measure.name, Period(2017, 5), {d: empty[d] for d in measure.datasets})
        assert counts.population == 0 and counts.passing == 0, measure.name
