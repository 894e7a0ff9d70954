"""The measurements file: good rows read, every bad row named by file, line and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import csskpi
from csskpi import InputError, parse_measurements

HEAD = "# a comment\nperiod,kpi_id,value,annotation\n"


def _problems(body: str, contract: csskpi.Contract | None = None) -> list[csskpi.Problem]:
    with pytest.raises(InputError) as info:
        parse_measurements(HEAD + body, file="m.csv", contract=contract)
    assert isinstance(info.value, ValueError)
    return list(info.value.problems)


def test_annotations_become_decisions() -> None:
    mf = parse_measurements(
        HEAD + "2017-05,A_KPI_01,1.5,\n2017-05,A_KPI_02,,dna\n2017-05,A_KPI_03,,mitigated\n"
        "2017-05,A_KPI_04,4,escalated\n2017-05,A_KPI_05,5,disputed\n2017-05,A_KPI_06,6,mitigated\n",
        file="m.csv",
    )
    values = {m.kpi: m.value for m in mf.measurements}
    assert values == {"A_KPI_01": Decimal("1.5"), "A_KPI_02": None, "A_KPI_03": None, "A_KPI_04": 4, "A_KPI_05": 5, "A_KPI_06": 6}
    assert {m.kpi for m in mf.decisions.mitigations} == {"A_KPI_03", "A_KPI_06"}
    assert {(e.kpi, e.kind.value) for e in mf.decisions.escalations} == {("A_KPI_04", "escalated"), ("A_KPI_05", "disputed")}
    assert mf.measurements[0].source.line == 3


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ("2017-13,PM_KPI_01,99,", "period", "no month"),
        ("May-17,PM_KPI_01,99,", "period", "YYYY-MM"),
        ("2017-05,PM_KPI_01,99%,", "value", "not a number"),
        ("2017-05,PM_KPI_01,99,maybe", "annotation", "not an annotation"),
        ("2017-05,PM_KPI_01,99,dna", "value", "data not available"),
        ("2017-05,PM_KPI_01,,", "value", "is empty"),
        ("2017-05,PM_KPI_01,99", "row", "expected 4 fields"),
    ],
)
def test_bad_rows(row: str, field: str, words: str) -> None:
    (problem,) = _problems(row + "\n")
    assert (problem.file, problem.line, problem.field) == ("m.csv", 3, field)
    assert words in problem.message


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("2017-05,PM_KPI_99,99,", "not a KPI of the contract"),
        ("2017-05,PM_KPI_04,99,", "not in use"),
        ("2014-05,PM_KPI_01,99,", "outside the contract"),
        ("2016-05,PM_KPI_12,99,", "not in force in 2016-05"),
    ],
)
def test_rows_checked_against_the_contract(contract: csskpi.Contract, row: str, words: str) -> None:
    (problem,) = _problems(row + "\n", contract)
    assert problem.line == 3 and words in problem.message


def test_duplicate_kpi_month_names_both_lines(contract: csskpi.Contract) -> None:
    (problem,) = _problems("2017-05,PM_KPI_01,99,\n2017-05,PM_KPI_01,98,\n", contract)
    assert problem.line == 4 and "m.csv:3" in problem.message


def test_all_problems_reported_together() -> None:
    problems = _problems("2017-13,PM_KPI_01,99,\n2017-05,PM_KPI_01,x,\n2017-05,PM_KPI_02,1,zzz\n")
    assert [p.line for p in problems] == [3, 4, 5]


def test_bad_header_and_empty_file() -> None:
    with pytest.raises(InputError, match="header"):
        parse_measurements("month,kpi,value\n2017-05,PM_KPI_01,1\n", file="m.csv")
    with pytest.raises(InputError, match="no header"):
        parse_measurements("# nothing\n", file="m.csv")


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        csskpi.read_measurements(tmp_path / "absent.csv")


def test_decisions_file(contract: csskpi.Contract, tmp_path: Path) -> None:
    text = """
[[mitigation]]
kpi = "ACF_KPI_03"
from = "2019-12"
to = "2020-06"
reason = "Mosaic"

[[suspension]]
areas = "ALL"
from = "2020-03"
to = "2020-06"
reason = "PPN 02/20"

[[escalation]]
kpi = "IMT_KPI_01"
period = "2017-08"
settled_on = 2018-01-31
"""
    d = csskpi.parse_decisions(text, file="d.toml", contract=contract)
    assert d.mitigations[0].end == csskpi.Period(2020, 6) and d.mitigations[0].source.line == 2
    assert d.suspensions[0].areas == contract.area_codes
    assert d.escalations[0].settled


def test_bad_decisions_reported_together(contract: csskpi.Contract) -> None:
    text = """
[[mitigation]]
kpi = "ACF_KPI_99"
from = "2019-12"
reason = "system migration"

[[mitigation]]
kpi = "ACF_KPI_03"
from = "2019-12"
to = "2019-01"
reason = "system migration"

[[suspension]]
areas = ["CSC", "XYZ"]
from = "2020-03"
to = "2020-09"

[[escalation]]
kpi = "IMT_KPI_01"
period = "2017-08"
kind = "argued"
"""
    with pytest.raises(InputError) as info:
        csskpi.parse_decisions(text, file="d.toml", contract=contract)
    messages = [(p.line, p.message) for p in info.value.problems]
    assert any(line == 7 and "before" in m for line, m in messages)
    assert any(line == 18 and "'kind'" in m for line, m in messages)
    # Contract checks run once the file itself is well formed.
    with pytest.raises(InputError) as info:
        csskpi.parse_decisions(text.split("[[mitigation]]\nkpi = \"ACF_KPI_03\"")[0] + '[[suspension]]\nareas = ["CSC", "XYZ"]\nfrom = "2020-03"\nto = "2020-09"\n', file="d.toml", contract=contract)
    assert {p.kpi or p.field for p in info.value.problems} == {"ACF_KPI_99", "areas"}
