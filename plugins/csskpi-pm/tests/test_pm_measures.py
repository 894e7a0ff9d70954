"""Every People Management KPI worked by hand on tiny frames: month edges, bank holidays, weekends, the backlog rule."""

from __future__ import annotations

import pytest
from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.model.measurement import Counts
from csskpi.model.period import Period

from csskpi_pm.measures import (
    MEASURES,
    pm_kpi_01,
    pm_kpi_02,
    pm_kpi_03,
    pm_kpi_05,
    pm_kpi_06,
    pm_kpi_07,
    pm_kpi_08,
    pm_kpi_11,
    pm_kpi_12,
)
from pm_testkit import d, frame, inputs, t

BY_NAME = {m.name: m for m in MEASURES}
MAY, JUNE = "2017-05", "2017-06"


# ------------------------------------------------------------------------------------------------------ PM_KPI_01


PAYMENTS = frame(
    "payroll_payments",
    [
        ("P1", "A", d("2017-05-26"), d("2017-05-26")),  # A: two payments in May, both on time -> passes
        ("P2", "A", d("2017-05-12"), d("2017-05-11")),
        ("P3", "B", d("2017-05-26"), d("2017-05-26")),  # B: one of two late -> fails
        ("P4", "B", d("2017-05-15"), d("2017-05-16")),
        ("P5", "B", d("2017-04-28"), d("2017-04-28")),  # (April: irrelevant to May)
        ("P6", "C", d("2017-05-26"), None),  # C: not paid -> fails
        ("P7", "E", d("2017-05-26"), d("2017-05-24")),  # E: paid early -> passes
        ("P8", "F", d("2017-05-31"), d("2017-06-01")),  # F: last day of May, paid in June -> fails in May
        ("P9", "G", d("2017-06-01"), d("2017-06-05")),  # G: June
        ("P10", "D", d("2017-04-30"), d("2017-05-02")),  # D: April (a Sunday), late
    ],
)


def test_pm_kpi_01_counts_recipients_all_of_whose_payments_were_on_time() -> None:
    assert pm_kpi_01.compute(inputs(MAY, {"payroll_payments": PAYMENTS})) == Counts(2, 5, "recipients")
    assert pm_kpi_01.compute(inputs("2017-04", {"payroll_payments": PAYMENTS})) == Counts(1, 2, "recipients")
    assert pm_kpi_01.compute(inputs(JUNE, {"payroll_payments": PAYMENTS})) == Counts(0, 1, "recipients")
    assert pm_kpi_01.compute(inputs("2017-07", {"payroll_payments": PAYMENTS})) == Counts(0, 0, "recipients")


# ------------------------------------------------------------------------------------------------------ PM_KPI_02


ERRORS = frame(
    "payment_errors",
    [
        ("E1", "provider", d("2017-05-10"), d("2017-05-10")),  # same day: passes
        ("E2", "provider", d("2017-05-31"), d("2017-05-31")),  # last day, same day: passes
        ("E3", "provider", d("2017-05-31"), d("2017-06-01")),  # resolved next day, next month: fails
        ("E4", "provider", d("2017-05-02"), None),  # still open: fails
        ("E5", "other", d("2017-05-02"), None),  # not caused by the provider: not counted
        ("E6", "provider", d("2017-04-30"), d("2017-05-02")),  # April's, resolved in May: fails in April
    ],
)


def test_pm_kpi_02_provider_errors_resolved_within_the_month_identified() -> None:
    assert pm_kpi_02.compute(inputs(MAY, {"payment_errors": ERRORS})) == Counts(2, 4)
    assert pm_kpi_02.compute(inputs("2017-04", {"payment_errors": ERRORS})) == Counts(0, 1)
    assert pm_kpi_02.compute(inputs(JUNE, {"payment_errors": ERRORS})) == Counts(0, 0)
    # The cause counted is a parameter.
    assert pm_kpi_02.compute(inputs(MAY, {"payment_errors": ERRORS}, caused_by="other")) == Counts(0, 1)


# ------------------------------------------------------------------------------------------------------ PM_KPI_03


DEDUCTIONS = frame(
    "third_party_deductions",
    [
        ("D1", d("2017-05-01"), d("2017-04-28")),  # due on the early May bank holiday, paid the Friday before
        ("D2", d("2017-05-31"), d("2017-06-01")),  # a day late, across the month end: fails in May
        ("D3", d("2017-05-15"), None),  # not paid: fails
        ("D4", d("2017-05-15"), d("2017-05-15")),  # on the day: passes
        ("D5", d("2017-06-01"), d("2017-05-31")),  # June's
    ],
)


def test_pm_kpi_03_deductions_paid_on_or_before_the_due_date() -> None:
    assert pm_kpi_03.compute(inputs(MAY, {"third_party_deductions": DEDUCTIONS})) == Counts(2, 4)
    assert pm_kpi_03.compute(inputs(JUNE, {"third_party_deductions": DEDUCTIONS})) == Counts(1, 1)


# ------------------------------------------------------------------------------------------------------ PM_KPI_05


CONTACTS = frame(
    "pm_contacts",
    [
        ("C1", t("2017-05-02T09:00"), "1", "corporate", True, t("2017-05-02T09:05")),
        ("C2", t("2017-05-02T10:00"), "1", "school", True, t("2017-05-02T10:02")),
        ("C3", t("2017-05-03T10:00"), "1", "school", False, t("2017-05-09T10:00")),
        ("C4", t("2017-04-30T23:59:59"), "1", "corporate", False, None),  # April's last second
        ("C5", t("2017-05-31T23:59:59"), "1", "corporate", True, t("2017-06-01T00:01")),  # May's last second
        ("C6", t("2017-05-04T11:00"), "2", "corporate", False, t("2017-05-20T11:00")),  # tier 2: not counted
        ("C7", t("2017-05-05T11:00"), "1", "school", True, None),  # flagged without resolved_at: passes (a finding)
        ("C8", t("2017-06-01T00:00"), "1", "school", False, None),  # June's first second
    ],
)


def test_pm_kpi_05_tier_1_first_contact_resolution() -> None:
    assert pm_kpi_05.compute(inputs(MAY, {"pm_contacts": CONTACTS})) == Counts(4, 5)
    assert pm_kpi_05.compute(inputs("2017-04", {"pm_contacts": CONTACTS})) == Counts(0, 1)
    assert pm_kpi_05.compute(inputs(JUNE, {"pm_contacts": CONTACTS})) == Counts(0, 1)
    assert pm_kpi_05.compute(inputs(MAY, {"pm_contacts": CONTACTS}, tier=2)) == Counts(0, 1)


# ------------------------------------------------------------------------------------------------------ PM_KPI_06


CHECKS = frame(
    "spot_checks",
    [
        ("R1", d("2017-05-02"), True),
        ("R2", d("2017-05-02"), False),
        ("R1", d("2017-05-20"), True),  # the same record in error again in May: one record
        ("R3", d("2017-06-01"), True),  # June's
        ("R4", d("2017-04-30"), True),  # April's
        ("R5", d("2017-05-31"), True),
    ],
)


def test_pm_kpi_06_counts_distinct_records_in_error() -> None:
    assert pm_kpi_06.compute(inputs(MAY, {"spot_checks": CHECKS})) == Counts(2)
    assert pm_kpi_06.compute(inputs(JUNE, {"spot_checks": CHECKS})) == Counts(1)
    assert pm_kpi_06.compute(inputs("2017-07", {"spot_checks": CHECKS})) == Counts(0)  # no checks: 0, not dna


# ------------------------------------------------------------------------------------------------------ PM_KPI_07


def test_forty_business_days_skip_easter_and_early_may() -> None:
    # From Monday 20 March 2017 (day 0): Good Friday, Easter Monday and 1 May push the deadline from 15 to 18 May.
    assert ENGLAND_AND_WALES.add_business_days(d("2017-03-20"), 40) == d("2017-05-18")
    # Authorised on Saturday 29 April: day 0 is Tuesday 2 May (1 May is a bank holiday); 29 May (spring) skipped.
    assert ENGLAND_AND_WALES.add_business_days(d("2017-04-29"), 40) == d("2017-06-28")


RECRUITMENTS = frame(
    "recruitments",
    [
        ("V1", True, d("2017-03-20"), d("2017-05-18")),  # on its deadline: passes in May
        ("V2", True, d("2017-03-20"), d("2017-05-19")),  # a day late, same month: fails in May
        ("V3", True, d("2017-03-20"), d("2017-06-02")),  # open at the end of May (deadline month): fails in May only
        ("V4", True, d("2017-03-20"), None),  # still open: fails in May (deadline month) only
        ("V5", True, d("2017-04-03"), d("2017-05-10")),  # early: passes in May
        ("V6", False, d("2017-01-03"), d("2017-05-10")),  # not via the e-form: never counted
        ("V7", True, d("2017-04-29"), d("2017-06-28")),  # weekend authorisation, on the deadline: passes in June
        ("V8", True, d("2017-04-29"), d("2017-06-29")),  # a day late: fails in June
        ("V9", True, d("2017-02-01"), d("2017-05-05")),  # deadline 29 March, open at end of March: fails in March
    ],
)


def test_pm_kpi_07_within_40_business_days_with_the_backlog_rule() -> None:
    data = {"recruitments": RECRUITMENTS}
    assert ENGLAND_AND_WALES.add_business_days(d("2017-02-01"), 40) == d("2017-03-29")
    assert pm_kpi_07.compute(inputs("2017-03", data)) == Counts(0, 1)
    assert pm_kpi_07.compute(inputs("2017-04", data)) == Counts(0, 0)
    assert pm_kpi_07.compute(inputs(MAY, data)) == Counts(2, 5)
    assert pm_kpi_07.compute(inputs(JUNE, data)) == Counts(1, 2)  # V3, appointed in June, is not counted again
    assert pm_kpi_07.compute(inputs("2017-07", data)) == Counts(0, 0)


def test_pm_kpi_07_business_days_is_a_parameter() -> None:
    # 41 business days from 20 March is 19 May: V2 passes, the other May records are unchanged.
    assert pm_kpi_07.compute(inputs(MAY, {"recruitments": RECRUITMENTS}, business_days=41)) == Counts(3, 5)


# ------------------------------------------------------------------------------------------------------ PM_KPI_11


TRANSACTIONS = frame(
    "pm_transactions",
    [
        # Thursday before Easter, 5 days: Good Friday and Easter Monday skipped, deadline Monday 24 April.
        ("T1", "leaver", t("2017-04-13T10:00"), t("2017-04-24T17:00"), 5),  # passes in April
        ("T2", "leaver", t("2017-04-13T10:00"), t("2017-04-25T08:00"), 5),  # fails in April
        # Received on Saturday 29 April: day 0 is Tuesday 2 May, 3 days -> Friday 5 May.
        ("T3", "absence", t("2017-04-29T11:00"), t("2017-05-05T18:30"), 3),  # passes in May (times do not matter)
        ("T4", "absence", t("2017-04-29T11:00"), t("2017-05-08T08:00"), 3),  # fails in May
        # Friday 26 May, 5 days: spring bank holiday skipped, deadline Monday 5 June.
        ("T5", "new_starter", t("2017-05-26T12:00"), None, 5),  # open: fails in June, the deadline's month
        ("T6", "new_starter", t("2017-05-26T12:00"), t("2017-06-06T09:00"), 5),  # fails in June
        # Tuesday 30 May, 1 day: deadline 31 May, completed in June -> open at the end of May: fails in May.
        ("T7", "pay_change", t("2017-05-30T09:00"), t("2017-06-01T09:00"), 1),
        ("T8", "pay_change", t("2017-05-31T17:00"), t("2017-05-31T17:30"), 0),  # same day, target 0: passes in May
    ],
)


def test_pm_kpi_11_within_the_types_target_with_the_backlog_rule() -> None:
    data = {"pm_transactions": TRANSACTIONS}
    assert pm_kpi_11.compute(inputs("2017-04", data)) == Counts(1, 2)
    assert pm_kpi_11.compute(inputs(MAY, data)) == Counts(2, 4)
    assert pm_kpi_11.compute(inputs(JUNE, data)) == Counts(0, 2)
    assert pm_kpi_11.compute(inputs("2017-07", data)) == Counts(0, 0)


# ------------------------------------------------------------------------------------------------- PM_KPI_08 / 12


SURVEYS = frame(
    "surveys",
    [
        ("pm_manager_contact", "M1", d("2017-05-01"), "good"),
        ("pm_manager_contact", "M2", d("2017-05-31"), "very good"),
        ("pm_manager_contact", "M3", d("2017-05-15"), "fair"),
        ("pm_manager_contact", "M4", d("2017-05-15"), "5"),
        ("pm_manager_contact", "M5", d("2017-06-01"), "poor"),  # June's
        ("pm_my_helpdesk", "H1", d("2017-05-02"), "4"),
        ("pm_my_helpdesk", "H2", d("2017-05-02"), "3"),
        ("pm_my_helpdesk", "H3", d("2017-04-30"), "very poor"),  # April's
        ("it_incident", "I1", d("2017-05-02"), "very poor"),  # another area's survey
    ],
)


def test_pm_kpi_08_and_12_rated_good_or_better() -> None:
    data = {"surveys": SURVEYS}
    assert pm_kpi_08.compute(inputs(MAY, data)) == Counts(3, 4, "responses")
    assert pm_kpi_08.compute(inputs(JUNE, data)) == Counts(0, 1, "responses")
    assert pm_kpi_12.compute(inputs(MAY, data)) == Counts(1, 2, "responses")
    assert pm_kpi_12.compute(inputs("2017-04", data)) == Counts(0, 1, "responses")
    assert pm_kpi_12.compute(inputs("2017-07", data)) == Counts(0, 0, "responses")


# -------------------------------------------------------------------------------------------------------- general


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_an_empty_dataset_is_an_empty_population_or_a_zero_count(name: str) -> None:
    measure = BY_NAME[name]
    data = {dataset: frame(dataset, []) for dataset in measure.datasets}
    counts = measure.compute(inputs(MAY, data))
    assert counts == (Counts(0) if name == "PM_KPI_06" else Counts(0, 0, counts.unit))


def test_a_calendar_with_a_closure_moves_the_deadline() -> None:
    from csskpi.data.calendars import BusinessCalendar
    from csskpi.plugin.types import MeasureInput

    closed = BusinessCalendar(closures=(d("2017-05-18"),))  # e.g. a council closure day
    data = {"recruitments": RECRUITMENTS}
    plain = pm_kpi_07.compute(MeasureInput(Period(2017, 5), data, {}, ENGLAND_AND_WALES))
    moved = pm_kpi_07.compute(MeasureInput(Period(2017, 5), data, {}, closed))
    assert (plain, moved) == (Counts(2, 5), Counts(3, 5))  # deadline 19 May: V2 passes


def test_measures_need_only_the_columns_they_declare() -> None:
    from csskpi_pm.datasets import DATASETS

    declared = {spec.name: {c.name for c in spec.columns} for spec in DATASETS}
    declared["surveys"] = {"kind", "response_id", "responded_on", "rating"}
    for measure in BY_NAME.values():
        for dataset, columns in measure.columns.items():
            assert set(columns) <= declared[dataset], measure.name
    payments = PAYMENTS.select(list(BY_NAME["PM_KPI_01"].columns["payroll_payments"]))
    assert pm_kpi_01.compute(inputs(MAY, {"payroll_payments": payments})) == Counts(2, 5, "recipients")
    transactions = TRANSACTIONS.select(list(BY_NAME["PM_KPI_11"].columns["pm_transactions"]))
    assert pm_kpi_11.compute(inputs(MAY, {"pm_transactions": transactions})) == Counts(2, 4)
    vacancies = RECRUITMENTS.select(list(BY_NAME["PM_KPI_07"].columns["recruitments"]))
    assert pm_kpi_07.compute(inputs(MAY, {"recruitments": vacancies})) == Counts(2, 5)
