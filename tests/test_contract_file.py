"""Loading contract files: every fault named by file, KPI and field, all reported together."""

from __future__ import annotations

from pathlib import Path

import pytest

import csskpi
from csskpi import ContractError, parse_contract

GOOD = """
format = 1

[contract]
name = "test"
title = "Test contract"
start = 2015-04-01
end = 2020-03-31

[[areas]]
code = "PM"
name = "People Management"

[[kpis]]
reference = "PM_KPI_01"
area = "PM"
description = "paid on time"
unit = "percent"
direction = "higher"
points = 30
targets = [
    { from = "2015-04", to = "2017-06", tsl = 95, msl = 80 },
    { from = "2017-07", tsl = 90, msl = 75 },
]
"""


def _problems(text: str) -> list[csskpi.Problem]:
    with pytest.raises(ContractError) as info:
        parse_contract(text, file="c.toml")
    assert isinstance(info.value, ValueError)  # the matching builtin
    return list(info.value.problems)


def test_good_contract_loads() -> None:
    c = parse_contract(GOOD, file="c.toml")
    kpi = c.kpi("PM_KPI_01")
    assert kpi.points_at(csskpi.Period(2016, 1)) == 30
    assert kpi.step_at(csskpi.Period(2017, 7)).tsl == 90  # type: ignore[union-attr]
    assert c.source == "c.toml"


def test_targets_are_exact_decimals() -> None:
    c = parse_contract(GOOD.replace("tsl = 95", "tsl = 99.9"))
    assert str(c.kpi("PM_KPI_01").schedule.steps[0].tsl) == "99.9"


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ('to = "2017-06"', 'to = "2017-08"', "targets", "overlap"),
        ('to = "2017-06"', 'to = "2017-04"', "targets", "gap"),
        ("tsl = 90, msl = 75", "tsl = 90, msl = 95", "targets[1]", "stricter"),
        ('area = "PM"\ndescription', 'area = "XX"\ndescription', "area", "unknown service area"),
        ('from = "2017-07"', 'from = "2017-13"', "targets[1]", "no month"),
        ('direction = "higher"', 'direction = "upwards"', "direction", "upwards"),
        ("tsl = 90, msl = 75 }", 'tsl = 90, msl = 75, tsl_comparison = "~" }', "targets[1]", "comparison"),
        ("points = 30", "points = -5", "points[0]", "negative"),
        ('{ from = "2015-04", to', '{ from = "2015-06", to', "targets", "in force from 2015-04"),
    ],
)
def test_each_fault_names_file_kpi_and_field(old: str, new: str, field: str, words: str) -> None:
    assert old in GOOD
    problems = _problems(GOOD.replace(old, new, 1))
    assert any(p.field == field and p.kpi in (None, "PM_KPI_01") and words in p.message for p in problems), problems
    assert all(p.file == "c.toml" for p in problems)


def test_bad_contract_dates() -> None:
    problems = _problems(GOOD.replace("end = 2020-03-31", "end = 2014-03-31"))
    assert any(p.field == "contract.end" for p in problems)
    problems = _problems(GOOD.replace("start = 2015-04-01", 'start = "first of April"'))
    assert any(p.field == "contract.start" for p in problems)


def test_several_problems_are_reported_together_with_lines() -> None:
    text = GOOD.replace("tsl = 90, msl = 75", "tsl = 90, msl = 95").replace("points = 30", "pointz = 30")
    text += '\n[[kpis]]\nreference = "PM_KPI_02"\narea = "ZZ"\ndirection = "higher"\npoints = 10\ntargets = [{ from = "2015-04", tsl = 1, msl = 2 }]\n'
    with pytest.raises(ContractError) as info:
        parse_contract(text, file="c.toml")
    problems = info.value.problems
    assert len(problems) >= 4
    message = str(info.value)
    assert "PM_KPI_01" in message and "PM_KPI_02" in message and "'pointz'" in message
    line_of_kpi2 = text.splitlines().index('reference = "PM_KPI_02"') + 1
    assert any(p.kpi == "PM_KPI_02" and p.line == line_of_kpi2 for p in problems)


def test_duplicate_reference_and_in_use_and_retired() -> None:
    twice = GOOD + GOOD[GOOD.index("[[kpis]]"):]
    assert any("defined twice" in p.message for p in _problems(twice))
    retired = GOOD + '\n[[retired]]\nreference = "PM_KPI_01"\narea = "PM"\n'
    assert any("both in use" in p.message for p in _problems(retired))


def test_not_toml_names_the_line() -> None:
    problems = _problems(GOOD + "\nthis is not toml\n")
    assert problems[0].line is not None and "not valid TOML" in problems[0].message


def test_unknown_contract_name_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(csskpi.UnknownNameError, match="lincolnshire-css"):
        csskpi.load_contract("no-such-contract")
    with pytest.raises(ContractError, match="cannot read"):
        csskpi.load_contract(tmp_path / "absent.toml")


def test_contract_selectable_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert csskpi.load_contract(str(path)).name == "test"


def test_bundled_contract_round_trips(contract: csskpi.Contract) -> None:
    assert parse_contract(csskpi.dump_contract(contract)) == contract


def test_unknown_kpi_is_a_key_error(contract: csskpi.Contract) -> None:
    with pytest.raises(KeyError):
        contract.kpi("PM_KPI_99")
    with pytest.raises(csskpi.UnknownKPIError, match="not in use"):
        contract.kpi("PM_KPI_04")


def test_targets_validate_at_the_boundary() -> None:
    with pytest.raises(ValueError, match="'msl'"):
        csskpi.TargetStep("2015-04", None, 90, 95)
    with pytest.raises(TypeError):
        csskpi.TargetStep("2015-04", None, 90.0, 85)  # floats are refused: targets are exact
    with pytest.raises(ValueError, match="overlap"):
        csskpi.TargetSchedule((csskpi.TargetStep("2015-04", "2016-03", 10, 7), csskpi.TargetStep("2016-01", None, 20, 17)))
