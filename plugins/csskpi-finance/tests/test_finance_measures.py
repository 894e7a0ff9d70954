"""Worked examples, by hand, for every Finance measure: month edges, bank holidays, the backlog rule, snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
import pytest
from csskpi_finance.datasets import DEBTORS, INVOICES, PAYMENT_RUNS
from csskpi_finance.kit import pence
from csskpi_finance.measures import f_kpi_01, f_kpi_02, f_kpi_03

from csskpi import ContractError, Counts, MeasureInput, Period
from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.data.load import load_dataset

APR, MAY, JUN = Period(2017, 4), Period(2017, 5), Period(2017, 6)


def load(spec: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    frame = pl.DataFrame([list(r) for r in rows], schema={c: pl.String for c in columns}, orient="row")
    return load_dataset(spec, frame).frame


def run(module: Any, period: Period, params: Mapping[str, Any] | None = None, **data: pl.DataFrame) -> Counts:
    return module.compute(MeasureInput(period, data, params or {}, ENGLAND_AND_WALES))


INVOICE_COLUMNS = ["invoice_id", "received_on", "due_on", "paid_on", "disputed"]
INVOICES_2017 = load(INVOICES, INVOICE_COLUMNS, [
    ("i01", "2017-04-14", "2017-05-15", "2017-05-15", "false"),  # May: paid on the due day
    ("i02", "2017-04-14", "2017-05-15", "2017-05-16", "false"),  # May: a day late
    ("i03", "2017-05-01", "2017-05-31", "2017-05-02", "false"),  # May: early
    ("i04", "2017-04-03", "2017-05-02", "2017-04-28", "false"),  # April (paid then): on time
    ("i05", "2017-03-29", "2017-04-28", "2017-05-03", "false"),  # paid after April: April's failure, not May's
    ("i06", "2017-03-31", "2017-04-30", None, "false"),  # due on a Sunday, unpaid: April's failure
    ("i07", "2017-04-20", "2017-05-20", None, "false"),  # unpaid: May's failure
    ("i08", "2017-04-10", "2017-05-10", None, "true"),  # disputed: never counted
    ("i09", "2017-05-05", "2017-06-05", "2017-05-31", "false"),  # May (paid then): on time
    ("i10", "2017-03-10", "2017-04-10", "2017-04-30", "false"),  # April: late in the same month
    ("i11", "2017-05-01", "2017-05-31", "2017-06-01", "false"),  # May's failure (paid after May), not June's
    ("i12", "2017-04-28", "2017-05-29", "2017-05-30", "false"),  # due on the spring bank holiday: not moved, late
    ("i13", "2017-04-10", "2017-05-10", "2017-05-09", "yes"),  # disputed and paid: not counted
])


def test_f_kpi_01_paid_on_or_before_due_by_paid_month() -> None:
    assert run(f_kpi_01, MAY, invoices=INVOICES_2017) == Counts(3, 7)  # i01 i03 i09 of i01 i02 i03 i07 i09 i11 i12
    assert run(f_kpi_01, APR, invoices=INVOICES_2017) == Counts(1, 4)  # i04 of i04 i05 i06 i10


def test_f_kpi_01_backlog_counts_once_in_the_due_month() -> None:
    assert run(f_kpi_01, JUN, invoices=INVOICES_2017) == Counts(0, 0)  # i11 was May's; nothing else is June's
    months = Period.range(Period(2017, 1), Period(2017, 12))
    total = sum(run(f_kpi_01, p, invoices=INVOICES_2017).population or 0 for p in months)
    assert total == 11  # every undisputed invoice exactly once


RUN_COLUMNS = ["run_id", "scheduled_on", "executed_on"]
RUNS = load(PAYMENT_RUNS, RUN_COLUMNS, [
    ("r1", "2017-05-02", "2017-05-02"),  # the day after the early May bank holiday: on schedule
    ("r2", "2017-05-31", "2017-06-01"),  # a day late: May's failure
    ("r3", "2017-05-10", "2017-05-09"),  # early: not on schedule
    ("r4", "2017-05-12", None),  # not executed
    ("r5", "2017-04-13", "2017-04-18"),  # before Easter, executed after: April's failure
    ("r6", "2017-06-01", "2017-06-01"),
])


def test_f_kpi_02_executed_on_the_scheduled_day() -> None:
    assert run(f_kpi_02, MAY, payment_runs=RUNS) == Counts(1, 4)
    assert run(f_kpi_02, APR, payment_runs=RUNS) == Counts(0, 1)
    assert run(f_kpi_02, JUN, payment_runs=RUNS) == Counts(1, 1)
    assert run(f_kpi_02, Period(2017, 7), payment_runs=RUNS) == Counts(0, 0)


def test_payment_run_executed_early_is_a_finding() -> None:
    found = load_dataset(PAYMENT_RUNS, pl.DataFrame({"run_id": ["r1", "r3"], "scheduled_on": ["2017-05-02", "2017-05-10"],
                                                     "executed_on": ["2017-05-02", "2017-05-09"]})).findings
    assert [(f.row, f.column, f.count) for f in found] == [(1, "executed_on", 1)]


DEBT_COLUMNS = ["debt_id", "snapshot_on", "due_on", "outstanding", "category"]
DEBTS = load(DEBTORS, DEBT_COLUMNS, [
    ("a", "2017-05-31", "2017-05-01", "100.00", "sundry"),  # 30 days past due: not more than 30
    ("b", "2017-05-31", "2017-04-30", "50.25", "sundry"),  # 31 days: aged
    ("c", "2017-05-31", "2017-03-01", "1000.00", "health_authority"),  # excluded
    ("d", "2017-05-31", "2017-06-15", "25.1", "highways"),  # not yet due
    ("e", "2017-05-31", "2017-01-01", "-40.00", "sundry"),  # a credit: left out
    ("f", "2017-05-31", "2016-12-01", "500", "acf_assessment_income"),  # excluded
    ("g", "2017-05-31", "2017-04-01", "10.01", "Health_Authority"),  # not exactly excluded: counted, aged
    ("h", "2017-05-15", "2017-01-01", "9999.99", "sundry"),  # an earlier snapshot in May: ignored
    ("i", "2017-04-30", "2017-03-01", "20.00", "sundry"),  # April: 60 days, aged
    ("j", "2017-04-30", "2017-04-20", "80.00", "sundry"),
])


def test_f_kpi_03_aged_value_of_the_latest_snapshot_in_pence() -> None:
    # May 31: a + b + d + g = 185.36 counted; b + g = 60.26 aged
    assert run(f_kpi_03, MAY, debtors=DEBTS) == Counts(6_026, 18_536, "pence")
    assert run(f_kpi_03, APR, debtors=DEBTS) == Counts(2_000, 10_000, "pence")
    assert run(f_kpi_03, JUN, debtors=DEBTS) == Counts(0, 0, "pence")


def test_f_kpi_03_parameters() -> None:
    assert run(f_kpi_03, MAY, {"days_past_due": 29}, debtors=DEBTS) == Counts(16_026, 18_536, "pence")
    assert run(f_kpi_03, MAY, {"excluded_categories": []}, debtors=DEBTS) == Counts(156_026, 168_536, "pence")
    with pytest.raises(ContractError, match="days_past_due"):
        run(f_kpi_03, MAY, {"days_past_due": "30"}, debtors=DEBTS)
    with pytest.raises(ContractError, match="excluded_categories"):
        run(f_kpi_03, MAY, {"excluded_categories": "health_authority"}, debtors=DEBTS)


def test_f_kpi_03_is_exact_for_large_sums() -> None:
    big = load(DEBTORS, DEBT_COLUMNS, [
        ("x", "2017-05-31", "2016-01-01", "12345678901234.57", "sundry"),
        ("y", "2017-05-31", "2017-05-30", "0.01", "sundry"),
    ])
    assert run(f_kpi_03, MAY, debtors=big) == Counts(1_234_567_890_123_457, 1_234_567_890_123_458, "pence")


def test_pence_is_exact() -> None:
    from decimal import Decimal

    assert pence(Decimal("0.10")) == 10 and pence(None) == 0 and pence(Decimal("-3.5")) == -350
    with pytest.raises(ValueError):
        pence(Decimal("0.001"))


def test_debtors_findings() -> None:
    found = {f.message.split(":")[0]: (f.row, f.count) for f in load_dataset(DEBTORS, pl.DataFrame(
        [list(r) for r in [
            ("a", "2017-05-31", "2017-05-01", "0.00", "sundry"),
            ("b", "2017-05-31", "2017-04-30", "50.25", " health_authority"),
            ("b", "2017-05-31", "2017-04-30", "50.25", "sundry"),
            ("c", "2017-05-15", "2017-04-30", "50.25", "sundry"),
            ("c", "2017-04-30", "2017-04-30", "50.25", "sundry"),
        ]], schema=DEBT_COLUMNS, orient="row")).findings}
    assert found == {
        "credit or zero balance": (0, 1),
        "snapshot earlier than the month's latest": (3, 1),
        "debt listed more than once in the same snapshot": (1, 2),
        "category written like an excluded category but not exactly so": (1, 1),
    }


def test_invoice_received_after_due_is_a_finding() -> None:
    found = load_dataset(INVOICES, pl.DataFrame(
        [["i1", "2017-05-10", "2017-05-01", None, "false"]], schema=INVOICE_COLUMNS, orient="row")).findings
    assert [(f.row, f.column) for f in found] == [(0, "due_on")]
