"""Worked examples from the published record (the December 2017 OSMB report and its footnotes)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

import csskpi
from csskpi import Measurement, Period, Status

from .conftest import EXAMPLE, RECORD, record_file

KNOWN_DIFFERENCES = {
    ("ACF", "2017-06"),
    ("ACF", "2017-07"),
    ("F", "2017-09"),
    ("ALL", "2017-06"),
    ("ALL", "2017-07"),
    ("ALL", "2017-09"),
}


def _catalogue(record_dir: Path) -> list[dict[str, str]]:
    with open(record_file(record_dir, "kpi_catalogue_2017.csv"), encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_catalogue_matches_the_record(contract: csskpi.Contract, record_dir: Path) -> None:
    rows = _catalogue(record_dir)
    at = Period(2017, 9)
    in_use_2017 = {k.reference for k in contract.kpis_in_force(at)}
    assert in_use_2017 | {r.reference for r in contract.retired} == {r["kpi_id"] for r in rows}
    for row in rows:
        ref = row["kpi_id"]
        if row["in_use"] == "no":
            assert contract.retired_reference(ref) is not None, ref
            continue
        kpi = contract.kpi(ref)
        assert kpi.area == row["area"]
        step = kpi.step_at(at)
        assert step is not None, ref
        assert (step.tsl, step.msl) == (Decimal(row["tsl"]), Decimal(row["msl"])), ref
        lower = Decimal(row["msl"]) > Decimal(row["tsl"]) or "lower is better" in row["notes"]
        assert kpi.direction is (csskpi.Direction.LOWER if lower else csskpi.Direction.HIGHER), ref


def test_41_in_use_7_retired_1000_assumed_points(contract: csskpi.Contract) -> None:
    december = Period(2017, 12)
    assert len(contract.kpis_in_force(december)) == 41
    assert len(contract.retired) == 7
    assert contract.points_in_force(december) == 1000
    for kpi in contract.kpis_in_force(december):
        step = kpi.points.at(december)
        assert step is not None and 10 <= step.points <= 50 and step.assumed, kpi.reference


def test_contract_calendar_numbers_months(contract: csskpi.Contract) -> None:
    cal = contract.calendar
    assert cal.contract_month(Period(2015, 4)) == 1
    assert cal.contract_month(Period(2017, 9)) == 30
    assert cal.contract_month(Period(2019, 7)) == 52
    assert cal.contract_month(Period(2019, 12)) == 57
    assert (cal.contract_year(Period(2017, 9)), cal.half_year(Period(2017, 9))) == (3, 1)
    assert (cal.contract_year(Period(2018, 10)), cal.half_year(Period(2018, 10))) == (4, 2)
    assert (cal.contract_year(Period(2019, 3)), cal.half_year(Period(2019, 3))) == (4, 2)
    assert cal.contract_year(Period(2019, 4)) == 5


def test_bundled_example_is_the_record() -> None:
    # The example a user runs (csskpi summary --example dec-2017) is the record the tests check, byte for byte.
    assert (EXAMPLE / "measurements.csv").read_bytes() == (RECORD / "appendix_a_2017.csv").read_bytes()
    # The example's published figures are the record's, every row as transcribed, plus the figures first published
    # in July 2017 (and restated by the December 2017 report).
    def rows(path: Path) -> list[str]:
        return [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]

    def undated(row: str) -> str:  # the example also says when each source was published (published_on)
        source, _published_on, rest = row.split(",", 2)
        return f"{source},{rest}"

    example = [undated(r) for r in rows(EXAMPLE / "published.csv")]
    record = rows(RECORD / "published_summaries.csv")
    assert [r for r in example if not r.startswith("jul2017-")] == record
    assert {r.split(",")[0] for r in example} - {r.split(",")[0] for r in record} == {"jul2017-addendum", "jul2017-minutes"}


def test_record_catalogue_has_every_reference() -> None:
    rows = _catalogue(RECORD)
    assert len(rows) == 48 and sum(r["in_use"] == "yes" for r in rows) == 41


def test_december_2017_tables_recomputed(dec2017: csskpi.Evaluation, published: tuple[csskpi.PublishedRow, ...]) -> None:
    summary = {(r.area, str(r.period)): r.as_dict() for r in csskpi.summarise(dec2017)}
    rows = [p for p in published if p.source == "dec2017-report"]
    assert len(rows) == 36
    agree = 0
    for row in rows:
        key = (row.area, str(row.period))
        if key in KNOWN_DIFFERENCES:
            assert summary[key] != row.as_dict()
        else:
            assert summary[key] == row.as_dict(), key
            agree += 1
    assert agree == 30
    # Table 1, October 2017, as printed.
    assert summary[("ALL", "2017-10")] == {"tsl_achieved": 38, "msl_achieved": 2, "below_msl": 0, "mitigation": 1, "total": 41}


def test_reconciliation_finds_exactly_the_six_known_differences(
    dec2017: csskpi.Evaluation, published: tuple[csskpi.PublishedRow, ...]
) -> None:
    rec = csskpi.reconcile(dec2017, published, source="dec2017-report")
    assert {(d.area, str(d.period)) for d in rec.differences} == KNOWN_DIFFERENCES
    assert rec.compared == 36 and not rec.not_compared
    by_key = {(d.area, str(d.period)): d for d in rec.differences}
    finance = by_key[("F", "2017-09")]
    assert finance.kpis == ("F_KPI_01",)
    assert "F_KPI_01" in finance.explanation and "85.04" in finance.explanation
    assert by_key[("ALL", "2017-09")].kpis == ("F_KPI_01",)
    for month in ("2017-06", "2017-07"):
        acf = by_key[("ACF", month)]
        assert acf.published["mitigation"] == 2 and acf.recomputed["mitigation"] == 1
        assert "ACF_KPI_03" in acf.explanation  # the one mitigation Appendix A marks
        assert "ACF_KPI_03" not in acf.candidates and "ACF_KPI_04" in acf.candidates
        assert "Follows from the ACF row" in by_key[("ALL", month)].explanation


def test_addendum_november_is_not_compared(dec2017: csskpi.Evaluation, published: tuple[csskpi.PublishedRow, ...]) -> None:
    rec = csskpi.reconcile(dec2017, published, source="dec2017-addendum")
    assert {(n.area, str(n.period)) for n in rec.not_compared} == {
        (a, "2017-11") for a in ("ALL", "PM", "IMT", "CSC", "ACF", "F")
    }
    assert all("no measurements for 2017-11" == n.reason for n in rec.not_compared)
    # The addendum repeats June-October, and so its differences.
    assert {(d.area, str(d.period)) for d in rec.differences} == KNOWN_DIFFERENCES


@pytest.mark.parametrize(
    ("kpi", "period", "status", "dna", "provisional"),
    [
        ("CSC_KPI_03", "2017-05", Status.RED, True, False),  # Data Not Available
        ("CSC_KPI_09", "2017-06", Status.BLUE, False, False),  # Mitigation Agreed, no figure
        ("ACF_KPI_04", "2017-08", Status.BLUE, False, False),  # 49.92 shown, mitigated
        ("IMT_KPI_01", "2017-08", Status.RED, False, True),  # escalated after the outage
        ("IMT_KPI_02", "2017-10", Status.GREEN, False, True),  # in dispute, green whatever the outcome
        ("IMT_KPI_05", "2017-09", Status.AMBER, False, True),
        ("IMT_KPI_04", "2017-09", Status.RED, False, False),  # 6 against <=1 / <=5
        ("PM_KPI_06", "2017-05", Status.GREEN, False, False),  # count 1 against <=1
        ("CSC_KPI_04", "2017-05", Status.RED, False, False),  # 17.53% abandoned against <=7 / <=10
        ("F_KPI_01", "2017-06", Status.AMBER, False, False),  # 92.26 against the old 95/80
        ("F_KPI_01", "2017-07", Status.GREEN, False, False),  # 92.99 against the new 90/75
        ("ACF_KPI_03", "2017-08", Status.GREEN, False, False),  # 84.13 against the reduced 75/60
        ("PM_KPI_03", "2017-05", Status.GREEN, False, False),  # TSL = MSL = 100
    ],
)
def test_published_statuses(dec2017: csskpi.Evaluation, kpi: str, period: str, status: Status, dna: bool, provisional: bool) -> None:
    r = dec2017.result(kpi, period)
    assert (r.status, r.data_not_available, r.provisional) == (status, dna, provisional), r.explanation


def test_mitigated_value_is_still_recorded(dec2017: csskpi.Evaluation) -> None:
    r = dec2017.result("ACF_KPI_04", "2017-08")
    assert r.value == Decimal("49.92") and r.earned is Status.RED and r.relieved


# CSC_KPI_01 (footnote 2): every step, at its first and last month, on and either side of each level.
CSC01_STEPS = [
    ("2015-04", "2016-03", "10", "7", False),
    ("2016-04", "2017-03", "20", "17", False),
    ("2017-04", "2017-09", "20", "17", False),
    ("2017-10", "2018-03", "25", "20", False),
    ("2018-04", "2018-09", "35", "25", False),
    ("2018-10", "2019-03", "35", "30", True),
    ("2019-04", "2019-09", "40", "37", False),
    ("2019-10", "2020-02", "45", "42", False),  # held to September 2020; March-September 2020 were suspended (CSC)
]


def _judge(contract: csskpi.Contract, kpi: str, period: str, value: str) -> csskpi.Result:
    return csskpi.judge(contract, Measurement(kpi, Period.parse(period), Decimal(value)))


@pytest.mark.parametrize(("start", "end", "tsl", "msl", "strict"), CSC01_STEPS)
def test_csc_kpi_01_every_step_and_its_edges(contract: csskpi.Contract, start: str, end: str, tsl: str, msl: str, strict: bool) -> None:
    cent = Decimal("0.01")
    for period in (start, end):
        at_tsl = _judge(contract, "CSC_KPI_01", period, tsl)
        assert at_tsl.step is not None and (at_tsl.step.tsl, at_tsl.step.msl) == (Decimal(tsl), Decimal(msl))
        assert at_tsl.status is (Status.AMBER if strict else Status.GREEN), (period, at_tsl.explanation)
        assert _judge(contract, "CSC_KPI_01", period, str(Decimal(tsl) + cent)).status is Status.GREEN
        assert _judge(contract, "CSC_KPI_01", period, str(Decimal(tsl) - cent)).status is Status.AMBER
        assert _judge(contract, "CSC_KPI_01", period, msl).status is Status.AMBER
        assert _judge(contract, "CSC_KPI_01", period, str(Decimal(msl) - cent)).status is Status.RED


def test_csc_kpi_01_strict_step_is_written_greater_than(contract: csskpi.Contract) -> None:
    r = _judge(contract, "CSC_KPI_01", "2018-10", "35.00")
    assert r.status is Status.AMBER and "TSL > 35" in r.explanation


def test_reported_figure_is_rounded_half_up_before_judging(contract: csskpi.Contract) -> None:
    # 89.995 rounds to 90.00 (half-up) and meets F_KPI_01's TSL of 90; 89.994 does not.
    assert _judge(contract, "F_KPI_01", "2017-09", "89.995").status is Status.GREEN
    assert _judge(contract, "F_KPI_01", "2017-09", "89.994").status is Status.AMBER


def test_acf_reduced_targets_and_normal_targets_before(contract: csskpi.Contract) -> None:
    assert _judge(contract, "ACF_KPI_03", "2016-11", "84.13").status is Status.RED  # normal 90/85
    assert _judge(contract, "ACF_KPI_03", "2016-12", "84.13").status is Status.GREEN  # reduced 75/60


def test_missing_kpis_are_listed_and_judged_only_when_asked(contract: csskpi.Contract, record_dir: Path) -> None:
    mf = csskpi.read_measurements(record_file(record_dir, "appendix_a_2017.csv"), contract)
    partial = [m for m in mf.measurements if m.kpi != "PM_KPI_01"]
    listed = csskpi.evaluate(contract, partial, mf.decisions)
    assert [(str(m.period), m.kpi) for m in listed.missing] == [(f"2017-{n:02d}", "PM_KPI_01") for n in range(5, 11)]
    assert all(r.reference != "PM_KPI_01" for r in listed)
    judged = csskpi.evaluate(contract, partial, mf.decisions, missing="dna")
    r = judged.result("PM_KPI_01", "2017-05")
    assert r.status is Status.RED and r.data_not_available and "no row" in r.explanation
    assert len(judged) == len(listed) + 6


def test_ppn_02_20_suspension_turns_failures_blue_and_leaves_green(contract: csskpi.Contract) -> None:
    # The contract's own change: all areas March-June 2020, the CSC to September 2020.
    def status(kpi: str, period: str, value: str) -> tuple[Status, Status]:
        r = _judge(contract, kpi, period, value)
        return r.status, r.earned

    assert status("CSC_KPI_04", "2020-08", "11.15") == (Status.BLUE, Status.RED)
    assert "PPN 02/20" in _judge(contract, "CSC_KPI_04", "2020-08", "11.15").explanation
    assert status("CSC_KPI_04", "2020-08", "6.00") == (Status.GREEN, Status.GREEN)
    assert status("CSC_KPI_04", "2020-10", "11.15") == (Status.RED, Status.RED)
    assert status("IMT_KPI_09", "2020-05", "82.78") == (Status.BLUE, Status.RED)
    assert status("IMT_KPI_09", "2020-07", "82.78") == (Status.RED, Status.RED)
    assert status("IMT_KPI_09", "2020-02", "82.78") == (Status.RED, Status.RED)


def test_suspension_as_a_decision(contract: csskpi.Contract) -> None:
    suspension = csskpi.Suspension(("PM",), Period(2018, 3), Period(2018, 4), reason="local relief")
    r = csskpi.judge(contract, Measurement("PM_KPI_05", Period(2018, 4), Decimal("70")), csskpi.Decisions(suspensions=(suspension,)))
    assert (r.status, r.earned) == (Status.BLUE, Status.RED) and "local relief" in r.explanation


def test_settled_escalation_is_no_longer_provisional(contract: csskpi.Contract) -> None:
    import datetime as dt

    m = Measurement("IMT_KPI_01", Period(2017, 8), Decimal("97.50"))
    open_ = csskpi.Escalation("IMT_KPI_01", Period(2017, 8))
    settled = csskpi.Escalation("IMT_KPI_01", Period(2017, 8), settled_on=dt.date(2018, 1, 31), outcome="upheld")
    assert csskpi.judge(contract, m, csskpi.Decisions(escalations=(open_,))).provisional
    r = csskpi.judge(contract, m, csskpi.Decisions(escalations=(settled,)))
    assert not r.provisional and "settled on 2018-01-31" in r.explanation
