"""The Lincolnshire contract over its whole life: every change, and the months either side of it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import csskpi
from csskpi import Measurement, Period, Status
from csskpi.cli import main

# The second extension's changes are not in the record: they ship as an illustrative change notice, and the tests
# of the mechanism (a KPI added and two retired in one change, targets revised) load it over the bundled contract.
ILLUSTRATIVE = Path(csskpi.__file__).parent / "builtin" / "examples" / "illustrative" / "second-extension.toml"


@pytest.fixture(scope="module")
def extended() -> csskpi.Contract:
    return csskpi.load_contract("lincolnshire-css", changes=[ILLUSTRATIVE])


def P(text: str) -> Period:  # noqa: N802 - reads like the contract's own month labels
    return Period.parse(text)


def _judge(contract: csskpi.Contract, kpi: str, period: str, value: str) -> csskpi.Result:
    return csskpi.judge(contract, Measurement(kpi, P(period), Decimal(value)))


@pytest.mark.parametrize(
    ("kpi", "before", "after"),
    [
        ("PM_KPI_12", "2016-12", "2017-01"),  # added
        ("IMT_KPI_14", "2019-11", "2019-12"),  # added
        ("ACF_KPI_11", "2020-09", "2020-10"),  # added by the illustrative notice: replaces ACF_KPI_03/04
    ],
)
def test_added_kpis_come_into_force(contract: csskpi.Contract, extended: csskpi.Contract, kpi: str, before: str,
                                    after: str) -> None:
    if kpi == "ACF_KPI_11":
        with pytest.raises(csskpi.UnknownKPIError):
            contract.kpi(kpi)  # the record does not say it exists
        contract = extended
    assert not contract.kpi(kpi).in_force(P(before)) and contract.kpi(kpi).in_force(P(after))
    with pytest.raises(csskpi.InputError, match=f"not in force in {before}"):
        _judge(contract, kpi, before, "99")


@pytest.mark.parametrize(
    ("kpi", "last", "first_out"),
    [("PM_KPI_08", "2019-02", "2019-03"), ("CSC_KPI_10", "2019-02", "2019-03"), ("ACF_KPI_03", "2020-09", "2020-10"), ("ACF_KPI_04", "2020-09", "2020-10")],
)
def test_retired_kpis_keep_their_reference(contract: csskpi.Contract, extended: csskpi.Contract, kpi: str, last: str,
                                           first_out: str) -> None:
    if kpi.startswith("ACF"):
        assert contract.kpi(kpi).in_force(P(first_out))  # in the bundled contract ACF_KPI_03/04 continue
        contract = extended
    step = contract.kpi(kpi).step_at(P(last))
    assert step is not None and _judge(contract, kpi, last, str(step.tsl)).status in (Status.GREEN, Status.BLUE)
    with pytest.raises(csskpi.InputError, match=f"not in force in {first_out}"):
        _judge(contract, kpi, first_out, "99")
    assert kpi in {k.reference for k in contract.retired_at(P(first_out))}


@pytest.mark.parametrize(
    ("kpi", "period", "tsl", "msl"),
    [
        ("ACF_KPI_03", "2016-11", "90", "85"), ("ACF_KPI_03", "2016-12", "75", "60"),
        ("F_KPI_01", "2017-06", "95", "80"), ("F_KPI_01", "2017-07", "90", "75"),
        ("CSC_KPI_01", "2020-09", "45", "42"), ("CSC_KPI_01", "2020-10", "45", "42"),
    ],
)
def test_targets_either_side_of_each_change(contract: csskpi.Contract, kpi: str, period: str, tsl: str, msl: str) -> None:
    step = contract.kpi(kpi).step_at(P(period))
    assert step is not None and (step.tsl, step.msl) == (Decimal(tsl), Decimal(msl))


def test_points_either_side_of_the_reallocation(contract: csskpi.Contract) -> None:
    assert contract.kpi("CSC_KPI_01").points_at(P("2019-11")) == 20
    assert contract.kpi("CSC_KPI_01").points_at(P("2019-12")) == 10
    assert contract.points_in_force(P("2017-12")) == 1000
    assert contract.points_in_force(P("2019-03")) == 965
    assert contract.points_in_force(P("2020-01")) == 902
    # "A total of 902 points is now distributed" (October 2020 report): still so in October 2020.
    assert contract.points_in_force(P("2020-09")) == contract.points_in_force(P("2020-10")) == 902


def test_the_illustrative_second_extension_is_a_notice_not_the_contract(contract: csskpi.Contract,
                                                                         extended: csskpi.Contract) -> None:
    assert [e.name for e in contract.calendar.extensions] == ["second extension"]
    assert "second-extension-illustrative" not in {c.id for c in contract.changes}
    change = extended.changes[-1]
    assert change.id == "second-extension-illustrative" and change.reason.startswith("ILLUSTRATIVE")
    assert extended.points_in_force(P("2020-10")) == 897 and extended.points_in_force(P("2020-09")) == 902
    step = extended.kpi("CSC_KPI_01").step_at(P("2020-10"))
    assert step is not None and (step.tsl, step.msl) == (Decimal(30), Decimal(25))


@pytest.mark.parametrize(
    ("kpi", "period", "status"),
    [
        ("IMT_KPI_09", "2020-02", Status.RED), ("IMT_KPI_09", "2020-03", Status.BLUE),
        ("IMT_KPI_09", "2020-06", Status.BLUE), ("IMT_KPI_09", "2020-07", Status.RED),
        ("CSC_KPI_06", "2020-09", Status.BLUE), ("CSC_KPI_06", "2020-10", Status.RED),
    ],
)
def test_ppn_02_20_suspension_either_side(contract: csskpi.Contract, kpi: str, period: str, status: Status) -> None:
    assert _judge(contract, kpi, period, "50").status is status


def test_published_totals_follow_from_the_catalogue_in_force(contract: csskpi.Contract, published: tuple[csskpi.PublishedRow, ...]) -> None:
    # 41 in 2017, 41 -> 39 in March 2019 (August 2019 addendum), 40 from December 2019 to September 2020.
    totals = {(p.source, str(p.period)): p.as_dict()["total"] for p in published if p.area == "ALL"}
    assert totals[("aug2019-addendum", "2019-02")] == 41 and totals[("aug2019-addendum", "2019-03")] == 39
    assert all(totals[("oct2020-report", f"{m}")] == 40 for m in ("2019-12", "2020-03", "2020-09"))
    for (source, period), total in totals.items():
        assert len(contract.kpis_in_force(P(period))) == total, (source, period)
    areas = {(p.source, p.area, str(p.period)): p.as_dict()["total"] for p in published if p.area != "ALL"}
    for (source, area, period), total in areas.items():
        assert len(contract.kpis_in_force(P(period), area)) == total, (source, area, period)


NOTICE = """
[[changes]]
id = "CCN-2021-07"
from = "2021-04"
reason = "Third variation: a KPI on payslip queries, and the avoidable contact KPI retired."
source = "Change control notice 2021/07"

[[changes.add]]
reference = "PM_KPI_13"
area = "PM"
description = "% of payslip queries answered within 2 business days"
unit = "percent"
direction = "higher"
points = 20
targets = [{ from = "2021-04", tsl = 95, msl = 90 }]

[[changes]]
id = "CCN-2022-01"
from = "2022-01"
reason = "Avoidable contact no longer measured."
retire = ["CSC_KPI_03"]

[[changes.points]]
kpi = "PM_KPI_13"
points = 30
"""


def test_a_change_notice_layered_over_the_bundled_contract(tmp_path: Path) -> None:
    notice = tmp_path / "ccn.toml"
    notice.write_text(NOTICE, encoding="utf-8")
    changed = csskpi.load_contract("lincolnshire-css", changes=[notice])
    assert changed.kpi("PM_KPI_13").points_at(P("2021-12")) == 20 and changed.kpi("PM_KPI_13").points_at(P("2022-01")) == 30
    assert not changed.kpi("CSC_KPI_03").in_force(P("2022-01")) and changed.kpi("CSC_KPI_03").in_force(P("2021-12"))
    assert len(changed.changes) == len(csskpi.load_contract().changes) + 2
    assert changed.changes[-1].file == str(notice)
    assert csskpi.parse_contract(csskpi.dump_contract(changed)) == changed


def test_kpis_and_changes_commands_with_a_notice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notice = tmp_path / "ccn.toml"
    notice.write_text(NOTICE, encoding="utf-8")
    assert main(["kpis", "--at", "2022-02", "--changes", str(notice), "--format", "json"]) == 0
    by_ref = {k["kpi"]: k for k in json.loads(capsys.readouterr().out)["kpis"]}
    assert by_ref["PM_KPI_13"]["in_use"] and by_ref["PM_KPI_13"]["points"] == 30 and not by_ref["CSC_KPI_03"]["in_use"]
    assert main(["changes", "--changes", str(notice), "--format", "json"]) == 0
    changes = json.loads(capsys.readouterr().out)["changes"]
    assert [c["id"] for c in changes][-2:] == ["CCN-2021-07", "CCN-2022-01"]
    ppn = next(c for c in changes if c["id"] == "ppn-02-20")
    assert ppn["from"] == "2020-03" and any("CSC to 2020-09" in a for a in ppn["actions"])
    assert main(["changes"]) == 0 and "2019-03  kpi-review-2019 [assumed]: 39 KPIs, 965 points" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[[changes]]\nid = "x"\nfrom = "2021-04"\nreason = "r"\nretire = ["PM_KPI_99"]\n', "names a KPI not in force"),
        ('[[changes]]\nid = "x"\nfrom = "2030-01"\nreason = "r"\nretire = ["PM_KPI_01"]\n', "outside the contract"),
        ('[[changes]]\nid = "x"\nfrom = "2021-04"\n', "reason': missing"),
        ('[[changes]]\nid = "x"\nfrom = "2021-04"\nreason = "r"\n[[changes.suspend]]\nareas = ["ZZ"]\nto = "2021-05"\n', "unknown service area"),
        ('[[changes]]\nid = "x"\nfrom = "2021-04"\nreason = "r"\nretire = ["PM_KPI_08"]\n', "names a KPI not in force"),  # already retired
        ('[contract]\nname = "x"\n', "unknown table"),
    ],
)
def test_bad_change_notices(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: str) -> None:
    notice = tmp_path / "bad.toml"
    notice.write_text(text, encoding="utf-8")
    with pytest.raises(csskpi.ContractError, match=words):
        csskpi.load_contract(changes=[notice])
    assert main(["kpis", "--changes", str(notice)]) == 2
    assert "Traceback" not in capsys.readouterr().err
