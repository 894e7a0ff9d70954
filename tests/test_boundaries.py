"""Every boundary holds: each class of bad input is refused with its exact message, file, line and field."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

import csskpi
from csskpi import ContractError, InputError
from csskpi.cli import main
from csskpi.files.charges import read_charges
from csskpi.files.contract import with_change_notices
from csskpi.files.decisions import read_decisions, read_decisions_files
from csskpi.files.published import read_published
from csskpi.files.text import decode_text

HEAD = "period,kpi_id,value,annotation\n"


def _refused(call: Callable[[], object], error: type[Exception] = InputError) -> list[str]:
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, csskpi.CsskpiError)
    return [str(p) for p in info.value.problems]


# --- encodings -------------------------------------------------------------------------------------------------


def test_utf16_latin1_binary_and_bom(tmp_path: Path) -> None:
    text = HEAD + "2017-05,PM_KPI_01,99.95,\n"
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert csskpi.read_measurements(tmp_path / "bom.csv").measurements[0].kpi == "PM_KPI_01"
    (tmp_path / "u16.csv").write_bytes(text.encode("utf-16"))
    expected = "csskpi reads UTF-8 text (a UTF-8 byte-order mark is fine): save the file as UTF-8"
    assert _refused(lambda: csskpi.read_measurements(tmp_path / "u16.csv")) == [
        f"{tmp_path / 'u16.csv'}: the file is UTF-16 (it starts with a UTF-16 byte-order mark); {expected}"
    ]
    (tmp_path / "lat.csv").write_bytes(("# café\n" + text).encode("latin-1"))
    assert _refused(lambda: csskpi.read_measurements(tmp_path / "lat.csv")) == [
        f"{tmp_path / 'lat.csv'}:1: byte 0xE9 is not UTF-8: the file looks Latin-1 / Windows-1252 (as Excel saves "
        f"'CSV'); in Excel choose 'CSV UTF-8'; {expected}"
    ]
    assert decode_text(b"\x00\x01\x02binary", "x.bin")[1][0].message == (
        f"the file holds NUL bytes: it looks binary, not text; {expected}")
    assert "UTF-16 without a byte-order mark" in decode_text("period,kpi".encode("utf-16-le"), "x")[1][0].message
    (tmp_path / "c.toml").write_bytes(b"\xff\xfe" + "[contract]".encode("utf-16-le"))
    assert "UTF-16" in _refused(lambda: csskpi.read_contract(tmp_path / "c.toml"), ContractError)[0]


# --- numbers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "message"), [
    ("٩٩", "'٩٩' is not a number: the figure must be written in ASCII digits 0-9"),
    ("９９", "'９９' is not a number: the figure must be written in ASCII digits 0-9"),
    ("1_000", "'1_000' is not a number"),
    ("1e26", "'1e26' is out of range: the figure is at most 1,000,000,000,000,000 either side of zero"),
    ("NaN", "'NaN' is not a number"),
])
def test_measurement_numbers_only_in_ascii_digits_and_in_range(cell: str, message: str) -> None:
    assert _refused(lambda: csskpi.parse_measurements(HEAD + f"2017-05,PM_KPI_01,{cell},\n", file="m.csv")) == [
        f"m.csv:2: PM_KPI_01 'value': {message}"
    ]


def test_a_control_character_in_a_csv_record_is_refused_not_stripped(tmp_path: Path) -> None:
    """Found by the long fuzzing run: str.strip() took U+001C for whitespace, so '\x1c6' was read as 6."""
    head = "source,area,period,tsl_achieved,msl_achieved,below_msl,mitigation,total\n"
    (tmp_path / "p.csv").write_text(head + "web,PM,2017-05,\x1c6,0,0,0,6\n")
    assert _refused(lambda: read_published(tmp_path / "p.csv")) == [
        f"{tmp_path / 'p.csv'}:2: 'row': holds control character U+001C at column 16: a CSV record holds text only"
    ]
    assert _refused(lambda: csskpi.parse_measurements(HEAD + "2017-05,PM_KPI_01,\u00a099,\n", file="m.csv")) == [
        "m.csv:2: PM_KPI_01 'value': '\\xa099' is not a number"
    ]


def test_arabic_and_fullwidth_periods_refused() -> None:
    assert _refused(lambda: csskpi.parse_measurements(HEAD + "٢٠١٧-٠٥,PM_KPI_01,99,\n２０１７-０５,PM_KPI_01,99,\n", file="m.csv")) == [
        "m.csv:2: PM_KPI_01 'period': a period must be written YYYY-MM, not '٢٠١٧-٠٥'",
        "m.csv:3: PM_KPI_01 'period': a period must be written YYYY-MM, not '２０１７-０５'",
    ]


def test_a_field_over_131072_characters_is_a_problem_not_a_crash() -> None:
    body = HEAD + "2017-05,PM_KPI_01," + "9" * 140_000 + ",\n2017-06,PM_KPI_01,zz,\n"
    assert _refused(lambda: csskpi.parse_measurements(body, file="m.csv")) == [
        "m.csv:2: 'row': the line is 140,019 characters long; a line may hold at most 131,072",
        "m.csv:3: PM_KPI_01 'value': 'zz' is not a number",
    ]


def test_percentages_outside_0_100_and_negative_counts(contract: csskpi.Contract) -> None:
    body = HEAD + "2017-05,PM_KPI_01,100.5,\n2017-05,PM_KPI_06,-1,\n2017-05,PM_KPI_02,100,\n"
    assert _refused(lambda: csskpi.parse_measurements(body, file="m.csv", contract=contract)) == [
        "m.csv:2: PM_KPI_01 'value': 100.5 is not a percentage (0 to 100); a KPI whose figure can be outside that "
        'says unit = "number"',
        "m.csv:3: PM_KPI_06 'value': -1 is a negative count; a KPI whose figure can be negative says unit = \"number\"",
    ]
    assert csskpi.Unit.NUMBER.refuses(Decimal("-250")) is None and csskpi.Unit.NUMBER.refuses(Decimal("250")) is None


# --- TOML of the wrong shape -------------------------------------------------------------------------------------


GOOD = """
[contract]
name = "test"
start = 2015-04-01
end = 2040-03-31

[[areas]]
code = "PM"
name = "People Management"

[[kpis]]
reference = "PM_KPI_01"
area = "PM"
unit = "percent"
direction = "higher"
points = 30
targets = [{ from = "2015-04", tsl = 95, msl = 80 }]
"""


@pytest.mark.parametrize(("old", "new", "message"), [
    ('[[areas]]\ncode = "PM"\nname = "People Management"', "TOP areas = 5",
     "c.toml: 'areas': must be an array of tables [[areas]], not int 5"),
    ('targets = [{ from = "2015-04", tsl = 95, msl = 80 }]', 'targets = ["F_KPI_01"]',
     "c.toml:12: PM_KPI_01 'targets[0]': must be a table, not the string 'F_KPI_01'"),
    ("points = 30", "points = { from = 2015 }",
     "c.toml:12: PM_KPI_01 'points': must be a whole number or a list of {from, points} steps"),
    ("points = 30", "", "c.toml:12: PM_KPI_01 'points': missing: give the KPI's abatement points"),
    ("tsl = 95", "tsl = 1e26",
     "c.toml:12: PM_KPI_01 'targets[0]': '1E+26' is out of range: 'tsl' is at most 1,000,000,000,000,000 either side of zero"),
])
def test_contract_values_of_the_wrong_type(old: str, new: str, message: str) -> None:
    assert old in GOOD
    text = new.removeprefix("TOP ") + "\n" + GOOD.replace(old, "") if new.startswith("TOP ") else GOOD.replace(old, new)
    problems = _refused(lambda: csskpi.parse_contract(text, file="c.toml"), ContractError)
    assert message in problems, problems


@pytest.mark.parametrize(("extra", "message"), [
    ("[parameters]\nwatch = [{ rule = [1] }]", "c.toml: 'parameters.watch[0].rule': unknown rule [1] (rules: consecutive, "
     "failures_in_window, points_in_window, credit_at_cap)"),
    ("[parameters]\ndecimals = 99999", "c.toml:19: 'parameters': 'decimals' must be <= 10: 99999"),
    ("[parameters]\npoints = 5", "c.toml: 'parameters.points': must be a table, not int"),
    ('[[retired]]\nreference = ["X"]\narea = ["PM"]', "c.toml: 'retired[0]': 'reference' must be a reference such as "
     "'PM_KPI_04', not ['X']"),
])
def test_contract_terms_and_retired_of_the_wrong_type(extra: str, message: str) -> None:
    """Found by the structural fuzzer (values replaced by values of another type): each was a TypeError."""
    problems = _refused(lambda: csskpi.parse_contract(GOOD + "\n" + extra + "\n", file="c.toml"), ContractError)
    assert message in problems, problems


def test_contract_nested_deep_and_huge_integer(tmp_path: Path) -> None:
    (tmp_path / "deep.toml").write_text("a = " + "[" * 1000 + "]" * 1000 + "\n")
    assert _refused(lambda: csskpi.read_contract(tmp_path / "deep.toml"), ContractError) == [
        f"{tmp_path / 'deep.toml'}: not valid TOML: arrays or tables are nested too deep to read"
    ]
    (tmp_path / "exp.toml").write_text("a = 1e" + "9" * 5000 + "\n")  # found by the long fuzzing run
    assert _refused(lambda: csskpi.read_contract(tmp_path / "exp.toml"), ContractError) == [
        f"{tmp_path / 'exp.toml'}: not valid TOML: a number is too large to read"
    ]
    (tmp_path / "big.toml").write_text("a = " + "9" * 5000 + "\n")
    assert _refused(lambda: csskpi.read_contract(tmp_path / "big.toml"), ContractError) == [
        f"{tmp_path / 'big.toml'}: not valid TOML: a number has more digits than any figure can (over 4,300)"
    ]


def test_change_notice_of_the_wrong_shape(tmp_path: Path, contract: csskpi.Contract) -> None:
    (tmp_path / "n.toml").write_text("changes = [1]\n")
    assert _refused(lambda: with_change_notices(contract, [str(tmp_path / "n.toml")]), ContractError) == [
        f"{tmp_path / 'n.toml'}: 'changes[0]': must be a table [[changes]]"
    ]
    (tmp_path / "p.toml").write_text('[[changes]]\nid = "X"\nfrom = "2017-05"\nreason = "r"\npoints = {kpi = "PM_KPI_01"}\n'
                                     'suspend = [{to = "2017-06", areas = "CSC"}]\n')
    assert _refused(lambda: with_change_notices(contract, [str(tmp_path / "p.toml")]), ContractError) == [
        f"{tmp_path / 'p.toml'}: 'changes[0].points': must be an array of tables [[changes.points]]",
        f"{tmp_path / 'p.toml'}: 'changes[0].suspend[0]': needs 'to' and 'areas' (a list or \"ALL\"): 'areas' must be a "
        "list of area codes or \"ALL\", not 'CSC'",
    ]


# --- decisions ---------------------------------------------------------------------------------------------------


def _decisions(tmp_path: Path, text: str, contract: csskpi.Contract | None) -> list[str]:
    (tmp_path / "d.toml").write_text(text)
    return [p.replace(str(tmp_path) + "/", "") for p in _refused(lambda: read_decisions(tmp_path / "d.toml", contract))]



def test_decisions_of_the_wrong_type(tmp_path: Path) -> None:
    assert _decisions(tmp_path, "mitigation = [1]\n", None) == [
        "d.toml: 'mitigation': write each as a table [[mitigation]], not an array"]
    assert _decisions(tmp_path, '[[mitigation]]\nkpi = 5\nfrom = "2017-05"\n', None) == [
        "d.toml:1: 'kpi': must be a KPI reference as text, not int 5"]


def test_decisions_that_contradict_or_fall_outside(tmp_path: Path, contract: csskpi.Contract) -> None:
    text = """contract = "another-council"

[[mitigation]]
kpi = "PM_KPI_01"
from = "2017-05"

[[escalation]]
kpi = "PM_KPI_01"
period = "2017-05"
raised_on = 2017-06-10
settled_on = 2017-06-01
"""
    assert _decisions(tmp_path, text, contract) == [
        "d.toml:1: 'contract': the file is for contract 'another-council', not 'lincolnshire-css'",
        "d.toml:3: PM_KPI_01 'reason': a mitigation needs its reason: why the council agreed it",
        "d.toml:7: PM_KPI_01 'settled_on': settled on 2017-06-01, before it was raised on 2017-06-10",
    ]
    twice = """[[mitigation]]
kpi = "PM_KPI_01"
from = "2017-05"
reason = "outage"

[[mitigation]]
kpi = "PM_KPI_01"
from = "2017-04"
to = "2017-06"
reason = "a different story"

[[suspension]]
areas = ["PM"]
from = "2017-01"
to = "2017-03"

[[suspension]]
areas = ["PM", "CSC"]
from = "2017-03"
to = "2017-04"
"""
    assert _decisions(tmp_path, twice, contract) == [
        "d.toml:6: PM_KPI_01 'from': 2017-05 is mitigated twice (also at d.toml:1): keep one decision",
        "d.toml:17: 'areas': suspends PM from 2017-03 to 2017-04, overlapping the suspension at d.toml:12 "
        "(2017-01 to 2017-03): one suspension per area and month",
    ]
    late = """[[mitigation]]
kpi = "PM_KPI_08"
from = "2019-02"
to = "2019-03"
reason = "r"

[[escalation]]
kpi = "PM_KPI_01"
period = "2035-01"

[[suspension]]
areas = ["PM"]
from = "2025-01"
to = "2025-02"
"""
    assert _decisions(tmp_path, late, contract) == [
        "d.toml:1: PM_KPI_08 'from': not in force in 2019-03 (in force from 2015-04 to 2019-02): no decision can bear on it",
        "d.toml:7: PM_KPI_01 'period': 2035-01 is outside the contract (2015-04 to 2024-03)",
        "d.toml:11: 'from': starts 2025-01, outside the contract (2015-04 to 2024-03)",
    ]


def test_contradictions_across_decisions_files(tmp_path: Path, contract: csskpi.Contract) -> None:
    one = '[[mitigation]]\nkpi = "PM_KPI_01"\nfrom = "2017-05"\nreason = "outage"\n'
    (tmp_path / "a.toml").write_text(one)
    (tmp_path / "b.toml").write_text(one)
    assert _refused(lambda: read_decisions_files([tmp_path / "a.toml", tmp_path / "b.toml"], contract)) == [
        f"{tmp_path / 'b.toml'}:1: PM_KPI_01 'from': 2017-05 is mitigated twice (also at {tmp_path / 'a.toml'}:1): keep one decision"
    ]


def test_a_mitigation_of_a_month_that_met_tsl_is_refused(contract: csskpi.Contract) -> None:
    ms = csskpi.parse_measurements(HEAD + "2017-05,PM_KPI_01,99.95,\n", file="m.csv").measurements
    relief = csskpi.parse_decisions('[[mitigation]]\nkpi = "PM_KPI_01"\nfrom = "2017-05"\nreason = "outage"\n', file="d.toml")
    assert _refused(lambda: csskpi.evaluate(contract, ms, relief)) == [
        "d.toml:1: PM_KPI_01 'from': mitigation for 2017-05, a month whose figure met TSL (99.95 against TSL ≥ 99.9, "
        "MSL ≥ 99.0 (2015-04 onwards)): a mitigation relieves a failing month and would turn GREEN into BLUE"
    ]


# --- charges and published figures -------------------------------------------------------------------------------


def test_charges_unknown_area_twice_and_out_of_range(tmp_path: Path, contract: csskpi.Contract) -> None:
    (tmp_path / "ch.csv").write_text("area,from,monthly_charge\nXYZ,2017-04,100\nPM,2017-04,100\nPM,2017-04,200\nCSC,2017-04,1e28\n")
    shown = str(tmp_path / "ch.csv")
    assert _refused(lambda: read_charges(tmp_path / "ch.csv", contract.area_codes)) == [
        f"{shown}:2: 'area': unknown service area 'XYZ' (the contract has {', '.join(contract.area_codes)})",
        f"{shown}:4: 'from': PM has two amounts from 2017-04 (first on line 3): keep one",
        f"{shown}:5: 'monthly_charge': '1e28' is out of range: a monthly charge is at most 1,000,000,000,000,000 either "
        "side of zero (an amount in pounds, e.g. 125000.00)",
    ]


def test_published_counts_must_add_up_and_be_ascii(tmp_path: Path) -> None:
    head = "source,area,period,tsl_achieved,msl_achieved,below_msl,mitigation,total\n"
    (tmp_path / "p.csv").write_text(head + "web,ALL,2017-05,30,2,1,0,34\nweb,PM,2017-05,²,0,0,0,3\n")
    shown = str(tmp_path / "p.csv")
    assert _refused(lambda: read_published(tmp_path / "p.csv")) == [
        f"{shown}:2: 'total': the counts do not add up to the total: 30 + 2 + 1 + 0 = 33, not 34",
        f"{shown}:3: 'tsl_achieved': '²' is not a whole number: a count must be written in ASCII digits 0-9",
    ]


# --- periods --------------------------------------------------------------------------------------------------------


def test_periods_outside_what_can_be_judged(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["kpis", "--at", "2010-01"]) == 2
    assert "csskpi: error: '--at': 2010-01 is outside the contract (2015-04 to " in capsys.readouterr().err
    for month in ("2999-12", "1900-01"):
        assert main(["synth", "--out", str(tmp_path), "--from", month, "--to", month]) == 2
        assert (f"'--from': 'start' and 'end' must be within 1901-01 to 2998-12, not {month} to {month}"
                in capsys.readouterr().err)


def test_a_month_not_over_is_not_published(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    now = csskpi.Period.of(dt.date.today())
    (tmp_path / "m.csv").write_text(HEAD + f"{now},PM_KPI_01,99.95,\n")
    (tmp_path / "c.toml").write_text(GOOD)
    code = main(["ledger", "record", str(tmp_path / "l.db"), "--measurements", str(tmp_path / "m.csv"), "--by", "t",
                 "--contract", str(tmp_path / "c.toml")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"m.csv:2: PM_KPI_01 'period': {now} has not ended yet (today is {dt.date.today()})" in err
    assert not (tmp_path / "l.db").exists()
