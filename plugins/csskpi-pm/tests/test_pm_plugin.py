"""The plugin as csskpi sees it: its entry point, its measures against the contract, its datasets and findings."""

from __future__ import annotations

import datetime as dt

import csskpi
import polars as pl
import pytest
from csskpi.data.calendars import ENGLAND_AND_WALES
from csskpi.data.load import load_dataset
from csskpi.errors import InputError
from csskpi.model.measurement import Counts
from csskpi.model.period import Period
from csskpi.pipeline.measure import MeasureRegistry
from csskpi.testing.imports import modules_loaded

import csskpi_pm
import csskpi_pm.plugin as plugin
from csskpi_pm.datasets import DATASETS, PAYROLL_PAYMENTS, PM_CONTACTS, PM_TRANSACTIONS, SPOT_CHECKS
from csskpi_pm.measures import MEASURES, pm_kpi_11
from pm_testkit import d, frame, inputs, t

PM_MEASURES = ["PM_KPI_01", "PM_KPI_02", "PM_KPI_03", "PM_KPI_05", "PM_KPI_06", "PM_KPI_07", "PM_KPI_08",
               "PM_KPI_11", "PM_KPI_12"]  # fmt: skip


def test_the_measures_are_the_pm_kpis_of_the_bundled_contract() -> None:
    in_contract = [k.reference for k in csskpi.load_contract().kpis if k.area == "PM"]
    assert [m.name for m in plugin.csskpi_measures()] == in_contract == PM_MEASURES


def test_the_entry_point_is_installed() -> None:
    pm = csskpi.get_plugin_manager()
    assert pm.get_plugin("pm") is plugin
    names = {
        m.name for impl in pm.hook.csskpi_measures.get_hookimpls() if impl.plugin is plugin for m in impl.function()
    }
    assert names == set(PM_MEASURES)


def test_the_registry_accepts_the_plugin() -> None:
    registry = MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[plugin]))
    assert set(PM_MEASURES) <= set(registry.measures)
    assert {s.name for s in DATASETS} | {"surveys"} <= set(registry.datasets)
    assert "payroll-contacts" in registry.appendices
    info = next(p for p in registry.plugins() if "PM_KPI_01" in p.kpis)
    assert info.appendices == ("payroll-contacts",)


def test_the_core_computes_a_measure_by_calling_it() -> None:
    registry = MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[plugin]))
    data = {"spot_checks": frame("spot_checks", [("R1", d("2017-05-02"), True)])}
    assert registry.measures["PM_KPI_06"].compute(inputs("2017-05", data)) == Counts(1)
    assert not hasattr(plugin, "csskpi_compute_measure")  # one way to compute a measure: no dispatcher


def test_the_payroll_contacts_appendix_is_declared_for_the_report() -> None:
    registry = MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[plugin]))
    assert registry.report_appendices() == ("payroll-contacts",)
    assert registry.report_appendices({"pm_contacts"}) == ("payroll-contacts",)
    assert registry.report_appendices({"payroll_payments"}) == ()  # its dataset is not there


def test_the_package_exports_its_version_only() -> None:
    assert csskpi_pm.__all__ == ["__version__"]
    assert len(MEASURES) == 9


def test_importing_the_plugin_module_loads_nothing_heavy() -> None:
    # csskpi imports the entry-point module for every command that asks the plugins anything.
    loaded = modules_loaded("import csskpi_pm.plugin")
    assert not {"polars", "numpy", "holidays"} & loaded
    assert not {m for m in loaded if m.startswith("csskpi_pm.")} - {"csskpi_pm.plugin"}


# ---------------------------------------------------------------------------------------------------- datasets


def test_a_contact_resolved_before_it_was_received_is_an_error() -> None:
    contacts = frame("pm_contacts", [("C1", t("2017-05-02T10:00"), "1", "school", False, t("2017-05-02T09:59"))])
    with pytest.raises(InputError, match="negative duration: resolved_at"):
        load_dataset(PM_CONTACTS, contacts)


def test_tier_and_category_are_checked_when_loaded() -> None:
    raw = frame("pm_contacts", [("C1", t("2017-05-02T10:00"), "4", "academy", False, None)])
    with pytest.raises(InputError) as caught:
        load_dataset(PM_CONTACTS, raw)
    assert {p.field for p in caught.value.problems} == {"tier", "category"}
    # An integer tier, as a spreadsheet or a pandas frame gives it, reads as its text.
    ints = raw.with_columns(tier=pl.lit(1, dtype=pl.Int64), category=pl.lit("corporate"))
    assert load_dataset(PM_CONTACTS, ints).frame["tier"].to_list() == ["1"]


def test_contact_findings() -> None:
    contacts = frame("pm_contacts", [
        ("C1", t("2017-05-02T10:00"), "1", "school", True, None),  # tier 1, first contact, no resolved_at
        ("C2", t("2017-05-02T10:00"), "2", "school", True, t("2017-05-02T10:05")),  # tier 2 at first contact
        ("C3", t("2017-05-02T10:00"), "1", "corporate", True, t("2017-05-09T10:00")),  # first contact, a week later
        ("C4", t("2017-05-02T10:00"), "1", "corporate", True, t("2017-05-02T10:05")),  # fine
        ("C5", t("2017-05-02T10:00"), "1", "corporate", True, None),  # another without resolved_at
    ])  # fmt: skip
    findings = load_dataset(PM_CONTACTS, contacts).findings
    summary = {(f.column, f.row, f.count) for f in findings}
    assert summary == {("resolved_at", 0, 2), ("first_contact_resolved", 1, 1), ("resolved_at", 2, 1)}
    assert any("no resolved_at" in f.message for f in findings)
    assert all(f.dataset == "pm_contacts" for f in findings)


def test_payroll_spot_check_and_transaction_findings() -> None:
    payments = frame("payroll_payments", [
        ("P1", "A", d("2017-05-26"), d("2017-05-26")),
        ("P2", "A", d("2017-05-26"), d("2017-05-26")),  # paid twice on the same date
        ("P3", "A", d("2017-05-12"), d("2017-05-12")),  # a second payment on another date: normal
    ])  # fmt: skip
    assert [(f.row, f.count) for f in load_dataset(PAYROLL_PAYMENTS, payments).findings] == [(0, 2)]
    checks = frame("spot_checks", [("R1", d("2017-05-02"), True), ("R1", d("2017-05-02"), True),
                                   ("R1", d("2017-06-02"), False)])  # fmt: skip
    assert [(f.row, f.count) for f in load_dataset(SPOT_CHECKS, checks).findings] == [(0, 2)]
    transactions = frame("pm_transactions", [
        ("T1", "leaver", t("2017-05-02T10:00"), None, -1),
        ("T2", "leaver", t("2017-05-02T10:00"), None, 5),
        ("T3", "absence", t("2017-05-02T10:00"), None, 3),
    ])  # fmt: skip
    findings = load_dataset(PM_TRANSACTIONS, transactions).findings
    assert [(f.row, f.count) for f in findings] == [(0, 1), (0, 2)]
    assert "negative" in findings[0].message and "more than one" in findings[1].message


def test_clean_data_has_no_findings() -> None:
    for spec in DATASETS:
        assert load_dataset(spec, frame(spec.name, [])).findings == ()


def test_a_negative_target_is_still_measured_by_the_rule() -> None:
    # Received Monday 5 June with a target of -3 business days: the deadline is Wednesday 31 May; still open, so it
    # fails in May (its deadline's month), although it was received in June.
    data = {"pm_transactions": frame("pm_transactions", [("T1", "leaver", t("2017-06-05T10:00"), None, -3)])}
    assert pm_kpi_11.compute(inputs(Period(2017, 5), data)) == Counts(0, 1)
    assert pm_kpi_11.compute(inputs(Period(2017, 6), data)) == Counts(0, 0)
    assert ENGLAND_AND_WALES.add_business_days(d("2017-06-05"), -3) == dt.date(2017, 5, 31)
