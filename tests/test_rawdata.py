"""Loading raw datasets: types, precise errors (file, line, column), row numbers, folders, frames, Excel."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csskpi.data.checks import MAX_PROBLEMS_PER_CHECK
from csskpi.data.load import (
    FRAME_SOURCE,
    ROW_COLUMN,
    DataFolder,
    Finding,
    LoadedDataset,
    finding_for,
    load_data_folder,
    load_dataset,
)
from csskpi.data.surveys import SURVEYS, good_or_better, rating_score
from csskpi.errors import InputError, PluginError, Problem
from csskpi.plugin.types import Column, ColumnKind, DatasetSpec

K = ColumnKind

CALLS = DatasetSpec(
    "calls",
    [
        Column("call_id", K.STR),
        Column("queue", K.ENUM, values=("lrsp", "main")),
        Column("offered_at", K.DATETIME),
        Column("answered_at", K.DATETIME, nullable=True),
        Column("abandoned", K.BOOL),
        Column("wait_s", K.INT),
        Column("cost", K.DECIMAL, nullable=True),
        Column("logged_on", K.DATE),
    ],
    id_column="call_id",
    ordered=[("offered_at", "answered_at")],
)

HEADER = "call_id,queue,offered_at,answered_at,abandoned,wait_s,cost,logged_on"
GOOD_ROWS = [
    "C1,lrsp,2024-01-03T09:00,2024-01-03T09:01:30,false,90,12.50,2024-01-03",
    "C2,main,2024-01-03 10:00:05,,TRUE,0,,2024-01-03",
    "C3,main,2024-01-04T23:59:59,2024-01-05 00:00,no,-1,3,2024-01-04",
]

EXPECTED_SCHEMA = {
    "call_id": pl.String,
    "queue": pl.String,
    "offered_at": pl.Datetime("us"),
    "answered_at": pl.Datetime("us"),
    "abandoned": pl.Boolean,
    "wait_s": pl.Int64,
    "cost": pl.Decimal(38, 2),
    "logged_on": pl.Date,
}


def write(path: Path, *lines: str, header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def problems(excinfo: pytest.ExceptionInfo[InputError]) -> list[Problem]:
    return list(excinfo.value.problems)


def fault(path: Path, *rows: str, header: str = HEADER, spec: DatasetSpec = CALLS) -> list[Problem]:
    with pytest.raises(InputError) as excinfo:
        load_dataset(spec, write(path, *rows, header=header))
    return problems(excinfo)


# ------------------------------------------------------------------------------------------------ good files


def test_good_csv_loads_typed(tmp_path: Path) -> None:
    loaded = load_dataset(CALLS, write(tmp_path / "calls.csv", *GOOD_ROWS))
    assert isinstance(loaded, LoadedDataset)
    assert loaded.name == "calls" and loaded.source == str(tmp_path / "calls.csv")
    assert dict(loaded.frame.schema) == EXPECTED_SCHEMA
    assert loaded.row_label == "line" and loaded.row_numbers.to_list() == [2, 3, 4]
    first, second, third = loaded.frame.rows(named=True)
    assert first["offered_at"] == dt.datetime(2024, 1, 3, 9, 0)
    assert first["answered_at"] == dt.datetime(2024, 1, 3, 9, 1, 30)
    assert first["cost"] == Decimal("12.50") and first["abandoned"] is False
    assert second["answered_at"] is None and second["cost"] is None and second["abandoned"] is True
    assert second["offered_at"] == dt.datetime(2024, 1, 3, 10, 0, 5)
    assert third["wait_s"] == -1 and third["cost"] == Decimal("3.00") and third["abandoned"] is False
    assert third["logged_on"] == dt.date(2024, 1, 4)
    assert loaded.where(2) == f"{tmp_path / 'calls.csv'} line 4"
    assert loaded.findings == ()


def test_extra_columns_are_kept_after_the_declared_ones(tmp_path: Path) -> None:
    header = "notes," + HEADER
    loaded = load_dataset(CALLS, write(tmp_path / "calls.csv", *("x," + r for r in GOOD_ROWS), header=header))
    assert loaded.extra_columns == ("notes",)
    assert loaded.frame.columns == [c.name for c in CALLS.columns] + ["notes"]


def test_decimal_is_exact_and_never_float(tmp_path: Path) -> None:
    rows = [r.replace("12.50", "0.1") for r in GOOD_ROWS[:1]] + [GOOD_ROWS[1].replace("TRUE,0,,", "TRUE,0,7.500,")]
    loaded = load_dataset(CALLS, write(tmp_path / "calls.csv", *rows))
    assert loaded.frame["cost"].to_list() == [Decimal("0.10"), Decimal("7.50")]
    assert not any(dtype.is_float() for dtype in loaded.frame.dtypes)


def test_booleans_are_case_insensitive(tmp_path: Path) -> None:
    words = ["true", "False", "YES", "no", "1", "0"]
    rows = [f"C{i},lrsp,2024-01-03T09:00,,{w},1,,2024-01-03" for i, w in enumerate(words)]
    loaded = load_dataset(CALLS, write(tmp_path / "calls.csv", *rows))
    assert loaded.frame["abandoned"].to_list() == [True, False, True, False, True, False]


def test_quoted_empty_is_missing_and_crlf_and_bom_are_read(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes(("\ufeff" + HEADER + "\r\n" + GOOD_ROWS[1].replace(",,TRUE", ',"",TRUE') + "\r\n").encode())
    loaded = load_dataset(CALLS, path)
    assert loaded.frame["answered_at"].to_list() == [None]
    assert loaded.row_numbers.to_list() == [2]


# ------------------------------------------------------------------------------------------------ errors


def test_missing_column_names_the_columns_found(tmp_path: Path) -> None:
    header = HEADER.replace("queue", "Queue")
    (problem,) = fault(tmp_path / "calls.csv", *GOOD_ROWS, header=header)
    assert (problem.file, problem.line, problem.field) == (str(tmp_path / "calls.csv"), 1, "queue")
    assert "missing required column" in problem.message
    assert "found: call_id, Queue, offered_at" in problem.message and "did you mean 'Queue'" in problem.message


@pytest.mark.parametrize(
    ("column", "good", "bad", "words"),
    [
        ("logged_on", "2024-01-03", "2024-02-30", "'2024-02-30' is not a date (expected YYYY-MM-DD)"),
        ("logged_on", "2024-01-03", "03/01/2024", "'03/01/2024' is not a date"),
        ("logged_on", "2024-01-03", "2024-1-3", "'2024-1-3' is not a date"),
        ("offered_at", "2024-01-03T09:00", "2024-01-03", "'2024-01-03' is not a timestamp (expected YYYY-MM-DDTHH:MM"),
        ("offered_at", "2024-01-03T09:00", "2024-01-03T25:00", "'2024-01-03T25:00' is not a timestamp"),
        ("offered_at", "2024-01-03T09:00", "2024-01-03T09:00:60", "is not a timestamp"),
        ("offered_at", "2024-01-03T09:00", " 2024-01-03T09:00", "' 2024-01-03T09:00' is not a timestamp"),
        ("wait_s", "90", "1.5", "'1.5' is not a whole number"),
        ("wait_s", "90", "99999999999999999999", "'99999999999999999999' is out of range"),
        ("cost", "12.50", "12.345", "'12.345' is not a number with at most 2 decimal places"),
        ("cost", "12.50", "1,234.00", "is not a number with at most 2 decimal places"),
        ("cost", "12.50", "£3", "is not a number"),
        ("abandoned", "false", "maybe", "'maybe' is not a boolean (expected true/false, 1/0 or yes/no)"),
        ("queue", "lrsp", "LRSP", "unknown value 'LRSP' (allowed: lrsp, main)"),
        ("queue", "lrsp", "main ", "unknown value 'main ' (allowed: lrsp, main)"),
    ],
)
def test_a_bad_cell_is_reported_with_file_line_and_column(
    tmp_path: Path, column: str, good: str, bad: str, words: str
) -> None:
    cells = GOOD_ROWS[0].split(",")
    position = HEADER.split(",").index(column)
    assert cells[position] == good
    cells[position] = f'"{bad}"' if "," in bad else bad
    # Second data row, so line 3.
    (problem,) = fault(tmp_path / "calls.csv", GOOD_ROWS[1], ",".join(cells))
    assert (problem.file, problem.line, problem.field) == (str(tmp_path / "calls.csv"), 3, column)
    assert words in problem.message


def test_empty_cell_in_a_required_column(tmp_path: Path) -> None:
    (problem,) = fault(tmp_path / "calls.csv", GOOD_ROWS[0].replace(",90,", ",,"))
    assert (problem.line, problem.field, problem.message) == (2, "wait_s", "empty cell in a required column")


def test_duplicate_ids_name_both_rows(tmp_path: Path) -> None:
    (problem,) = fault(tmp_path / "calls.csv", GOOD_ROWS[0], GOOD_ROWS[1], GOOD_ROWS[2].replace("C3", "C1"))
    assert (problem.line, problem.field) == (4, "call_id")
    assert problem.message == "duplicate id 'C1' (first on line 2)"


def test_negative_duration(tmp_path: Path) -> None:
    row = GOOD_ROWS[0].replace("2024-01-03T09:01:30", "2024-01-03T08:59")
    (problem,) = fault(tmp_path / "calls.csv", GOOD_ROWS[1], row)
    assert (problem.line, problem.field) == (3, "answered_at")
    assert "negative duration" in problem.message
    assert "answered_at 2024-01-03T08:59:00 is before offered_at 2024-01-03T09:00:00" in problem.message


def test_ordered_dates_and_a_bad_cell_are_not_compared(tmp_path: Path) -> None:
    spec = DatasetSpec(
        "cases",
        [Column("case_id", K.STR), Column("referred_on", K.DATE), Column("done_at", K.DATETIME, nullable=True)],
        ordered=[("referred_on", "done_at")],
    )
    rows = ["A,2024-01-03,2024-01-03T00:00", "B,2024-01-03,", "C,2024-01-03,junk", "D,2024-01-04,2024-01-03T23:59"]
    found = fault(tmp_path / "cases.csv", *rows, header="case_id,referred_on,done_at", spec=spec)
    assert [(p.line, p.field) for p in found] == [(4, "done_at"), (5, "done_at")]
    assert "is not a timestamp" in found[0].message and "negative duration" in found[1].message


def test_several_problems_come_together(tmp_path: Path) -> None:
    rows = [
        GOOD_ROWS[0].replace("lrsp", "nope"),
        GOOD_ROWS[1].rsplit(",", 1)[0].replace("TRUE", "maybe") + ",2024-13-03",
        GOOD_ROWS[2].replace("C3", "C1"),
    ]
    with pytest.raises(InputError) as excinfo:
        load_dataset(CALLS, write(tmp_path / "calls.csv", *rows))
    found = {(p.line, p.field) for p in problems(excinfo)}
    assert found == {(2, "queue"), (3, "abandoned"), (3, "logged_on"), (4, "call_id")}
    assert str(excinfo.value).startswith("4 problems:")
    assert isinstance(excinfo.value, ValueError)


def test_problems_per_column_are_capped(tmp_path: Path) -> None:
    rows = [f"C{i},lrsp,2024-01-03T09:00,,maybe,1,,2024-01-03" for i in range(50)]
    found = fault(tmp_path / "calls.csv", *rows)
    assert len(found) == MAX_PROBLEMS_PER_CHECK + 1
    assert [p.line for p in found[:3]] == [2, 3, 4]
    assert found[-1].line is None and found[-1].field == "abandoned"
    assert found[-1].message.startswith(f"... and {50 - MAX_PROBLEMS_PER_CHECK} more")


def test_header_repeating_a_name_is_an_error(tmp_path: Path) -> None:
    found = fault(tmp_path / "calls.csv", GOOD_ROWS[0] + ",x", header=HEADER + ",queue")
    assert [(p.line, p.field) for p in found] == [(1, "queue")]
    assert "more than once (columns 2 and 9)" in found[0].message


# ------------------------------------------------------------------------------------------------ CSV layout


def test_csv_row_numbers_count_blank_lines_and_multiline_values(tmp_path: Path) -> None:
    header = "notes," + HEADER
    rows = ["plain," + GOOD_ROWS[0], "", '"two\nlines",' + GOOD_ROWS[1], '"x, y",' + GOOD_ROWS[2].replace("no", "nah")]
    found = fault(tmp_path / "calls.csv", *rows, header=header)
    # header 1, C1 2, blank 3, C2 4-5, C3 6
    assert [(p.line, p.field) for p in found] == [(6, "abandoned")]
    loaded = load_dataset(CALLS, write(tmp_path / "ok.csv", *rows[:3], header=header))
    assert loaded.row_numbers.to_list() == [2, 4]


def test_short_and_long_rows_are_reported(tmp_path: Path) -> None:
    short = GOOD_ROWS[1].rsplit(",", 1)[0]
    found = fault(tmp_path / "calls.csv", GOOD_ROWS[0], short)
    assert [(p.line, p.message) for p in found] == [(3, "has 7 fields but the header has 8")]
    found = fault(tmp_path / "long.csv", GOOD_ROWS[0], GOOD_ROWS[1] + ",extra", GOOD_ROWS[2])
    assert [(p.line, p.message) for p in found] == [(3, "has 9 fields but the header has 8")]


def test_a_quoted_separator_is_not_a_field(tmp_path: Path) -> None:
    rows = ['"a, b",' + GOOD_ROWS[0].replace(",12.50,", ",,")]
    loaded = load_dataset(CALLS, write(tmp_path / "calls.csv", *rows, header="notes," + HEADER))
    assert loaded.frame["notes"].to_list() == ["a, b"]


def test_unreadable_csv(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        load_dataset(CALLS, empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "\n").encode() + GOOD_ROWS[0].replace("C1", "caf\xe9").encode("latin-1") + b"\n")
    with pytest.raises(InputError, match="UTF-8") as excinfo:
        load_dataset(CALLS, latin)
    assert excinfo.value.file == str(latin)
    with pytest.raises(InputError, match="no such file"):
        load_dataset(CALLS, tmp_path / "absent.csv")


# ------------------------------------------------------------------------------------------------ Parquet, frames


def typed_reference(tmp_path: Path) -> pl.DataFrame:
    return load_dataset(CALLS, write(tmp_path / "ref.csv", *GOOD_ROWS)).frame


def test_parquet_loads_the_same_as_csv(tmp_path: Path) -> None:
    reference = typed_reference(tmp_path)
    reference.write_parquet(tmp_path / "calls.parquet")
    loaded = load_dataset(CALLS, tmp_path / "calls.parquet")
    assert loaded.frame.equals(reference) and loaded.row_label == "row"
    pl.read_csv(write(tmp_path / "text.csv", *GOOD_ROWS), infer_schema=False).write_parquet(tmp_path / "text.parquet")
    assert load_dataset(CALLS, tmp_path / "text.parquet").frame.equals(reference)


def test_polars_and_arrow_frames_load_the_same_as_csv(tmp_path: Path) -> None:
    reference = typed_reference(tmp_path)
    text = pl.read_csv(write(tmp_path / "text.csv", *GOOD_ROWS), infer_schema=False)
    for source in (text, reference, text.to_arrow(), reference.to_arrow(), text.lazy()):
        loaded = load_dataset(CALLS, source)
        assert loaded.frame.equals(reference), type(source)
        assert loaded.source == FRAME_SOURCE and loaded.row_numbers.to_list() == [0, 1, 2]


def test_pandas_frame_loads_the_same_as_csv(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    reference = typed_reference(tmp_path)
    frame = pd.read_csv(tmp_path / "ref.csv", dtype=str, keep_default_na=False)
    assert load_dataset(CALLS, frame).frame.equals(reference)
    native = reference.to_pandas()
    assert load_dataset(CALLS, native).frame.equals(reference)


def test_a_frame_column_of_nothing_but_nulls() -> None:
    spec = DatasetSpec("t", [Column("id", K.STR), Column("paid_on", K.DATE, nullable=True), Column("n", K.INT)])
    frame = pl.DataFrame({"id": ["a", "b"], "paid_on": [None, None], "n": [None, None]})
    with pytest.raises(InputError) as excinfo:
        load_dataset(spec, frame)
    assert [(p.line, p.field, p.message) for p in problems(excinfo)] == [
        (0, "n", "empty cell in a required column"),
        (1, "n", "empty cell in a required column"),
    ]
    loaded = load_dataset(spec, frame.with_columns(n=pl.lit(1)))
    assert loaded.frame.schema["paid_on"] == pl.Date


def test_an_unknown_source_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="give a path or a DataFrame"):
        load_dataset(CALLS, [["C1"]])


def test_frame_errors_name_the_zero_based_row(tmp_path: Path) -> None:
    frame = pl.read_csv(write(tmp_path / "text.csv", *GOOD_ROWS), infer_schema=False)
    frame = frame.with_columns(pl.when(pl.col("call_id") == "C3").then(pl.lit("x")).otherwise("wait_s").alias("wait_s"))
    with pytest.raises(InputError) as excinfo:
        load_dataset(CALLS, frame)
    (problem,) = problems(excinfo)
    assert (problem.file, problem.line, problem.field) == (FRAME_SOURCE, 2, "wait_s")


def test_native_frame_types_are_checked_too() -> None:
    spec = DatasetSpec(
        "t", [Column("n", K.INT), Column("on", K.DATE), Column("at", K.DATETIME), Column("m", K.DECIMAL)]
    )
    good = pl.DataFrame(
        {
            "n": [1.0, 2.0],
            "on": [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)],
            "at": pl.Series([dt.datetime(2024, 7, 1, 8, 0)] * 2).dt.replace_time_zone("UTC"),
            "m": [1.25, 3.0],
        }
    )
    frame = load_dataset(spec, good).frame
    assert frame["n"].to_list() == [1, 2] and frame["on"].to_list() == [dt.date(2024, 1, 1), dt.date(2024, 1, 2)]
    assert frame["at"].to_list() == [dt.datetime(2024, 7, 1, 9, 0)] * 2  # UTC 08:00 is 09:00 BST
    assert frame["m"].to_list() == [Decimal("1.25"), Decimal("3.00")]
    bad = good.with_columns(
        n=pl.Series([1.0, 2.5]),
        on=pl.Series([dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2, 5)]),  # a time of day in a date column
        m=pl.Series([1.255, 3.0]),  # more places than a penny
    )
    with pytest.raises(InputError) as excinfo:
        load_dataset(spec, bad)
    assert [(p.line, p.field) for p in problems(excinfo)] == [(1, "n"), (1, "on"), (0, "m")]


# ------------------------------------------------------------------------------------------------ Excel


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]], start_row: int = 1) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.cell(row=start_row + r, column=2 + c, value=value)
    book.save(path)
    return path


def excel_rows() -> list[list[Any]]:
    return [
        HEADER.split(","),
        ["C1", "lrsp", dt.datetime(2024, 1, 3, 9, 0), dt.datetime(2024, 1, 3, 9, 1, 30), False, 90, 12.5,
         dt.date(2024, 1, 3)],
        [],
        ["C2", "main", "2024-01-03 10:00:05", None, "TRUE", 0, None, "2024-01-03"],
        ["C3", "main", dt.datetime(2024, 1, 4, 23, 59, 59), dt.datetime(2024, 1, 5), "no", -1, 3,
         dt.datetime(2024, 1, 4)],
    ]


def test_excel_sheet_loads_the_same_as_csv(tmp_path: Path) -> None:
    reference = typed_reference(tmp_path)
    path = write_xlsx(tmp_path / "book.xlsx", {"other": [["a"], [1]], "calls": excel_rows()}, start_row=3)
    loaded = load_dataset(CALLS, path)
    assert loaded.frame.equals(reference)
    assert loaded.source == f"{path}[calls]" and loaded.row_label == "row"
    assert loaded.row_numbers.to_list() == [4, 6, 7]  # header on sheet row 3, a blank row 5


def test_excel_errors_name_the_sheet_row(tmp_path: Path) -> None:
    rows = excel_rows()
    rows[3][5] = "lots"
    rows[4][7] = dt.datetime(2024, 1, 4, 12, 0)  # a time of day in a date column
    path = write_xlsx(tmp_path / "book.xlsx", {"calls": rows})
    with pytest.raises(InputError) as excinfo:
        load_dataset(CALLS, path)
    assert [(p.file, p.line, p.field) for p in problems(excinfo)] == [
        (f"{path}[calls]", 4, "wait_s"),
        (f"{path}[calls]", 5, "logged_on"),
    ]


def test_excel_without_the_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", {"other": [["a"], [1]]})
    with pytest.raises(InputError, match="the workbook has no sheet 'calls' \\(sheets: 'other'\\)") as excinfo:
        load_dataset(CALLS, path)
    assert excinfo.value.file == str(path)


# ------------------------------------------------------------------------------------------------ folders


SPECS = {"calls": CALLS, "surveys": SURVEYS}


def test_folder_loads_present_and_lists_absent_and_ignored(tmp_path: Path) -> None:
    write(tmp_path / "calls.csv", *GOOD_ROWS)
    (tmp_path / "README.txt").write_text("hello")
    write_xlsx(tmp_path / "extra.xlsx", {"Sheet9": [["a"], [1]]})
    folder = load_data_folder(tmp_path, SPECS)
    assert isinstance(folder, DataFolder)
    assert set(folder.datasets) == {"calls"} and "calls" in folder and "surveys" not in folder
    assert folder.absent == ("surveys",)
    assert folder.ignored == ("README.txt", "extra.xlsx")
    assert folder["calls"].frame.height == 3 and set(folder.frames()) == {"calls"}


def test_folder_reads_excel_sheets_and_frames(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["kind", "response_id", "responded_on", "rating"],
        ["csc_customer", "R1", dt.date(2024, 1, 2), "good"],
    ]
    write_xlsx(tmp_path / "returns.xlsx", {"surveys": rows, "notes": [["x"], [1]]})
    calls = pl.read_csv(write(tmp_path / "elsewhere.txt", *GOOD_ROWS), infer_schema=False)
    folder = load_data_folder(tmp_path, SPECS, frames={"calls": calls})
    assert folder.absent == ()
    assert folder["surveys"].source == f"{tmp_path / 'returns.xlsx'}[surveys]"
    assert folder["calls"].source == FRAME_SOURCE
    assert folder.ignored == ("elsewhere.txt", "returns.xlsx[notes]")


def test_folder_with_two_files_for_one_dataset_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "calls.csv", *GOOD_ROWS)
    typed_reference(tmp_path / "..").write_parquet(tmp_path / "calls.parquet")
    with pytest.raises(InputError) as excinfo:
        load_data_folder(tmp_path, SPECS)
    (problem,) = problems(excinfo)
    assert str(tmp_path / "calls.csv") in problem.message and str(tmp_path / "calls.parquet") in problem.message


def test_folder_collects_problems_of_every_dataset(tmp_path: Path) -> None:
    write(tmp_path / "calls.csv", GOOD_ROWS[0].replace("lrsp", "x"))
    write(tmp_path / "surveys.csv", "k,R1,2024-01-02,Good", header="kind,response_id,responded_on,rating")
    with pytest.raises(InputError) as excinfo:
        load_data_folder(tmp_path, SPECS)
    assert [(Path(p.file or "").name, p.field) for p in problems(excinfo)] == [
        ("calls.csv", "queue"),
        ("surveys.csv", "rating"),
    ]


@pytest.mark.parametrize("bad", [False, True])
def test_folder_loads_alike_one_or_several_at_a_time(tmp_path: Path, bad: bool) -> None:
    # surveys.csv is the larger, so with workers it is loaded first; what comes back keeps the datasets' order.
    surveys = [f"csc_customer,R{i},2024-01-02,good" for i in range(2000)] + (["k,R0,2024-01-02,Good"] if bad else [])
    write(tmp_path / "surveys.csv", *surveys, header="kind,response_id,responded_on,rating")
    write(tmp_path / "calls.csv", *([GOOD_ROWS[0].replace("lrsp", "x")] if bad else GOOD_ROWS))
    outcomes = []
    for workers in (1, 2, 3):
        try:
            folder = load_data_folder(tmp_path, SPECS, workers=workers)
        except InputError as error:
            outcomes.append([(Path(p.file or "").name, p.line, p.field, p.message) for p in error.problems])
        else:
            outcomes.append([(name, loaded.frame.rows(), loaded.row_numbers.to_list(), loaded.findings)
                             for name, loaded in folder.datasets.items()])
    assert outcomes[0] == outcomes[1] == outcomes[2]
    if bad:
        assert [(name, field) for name, _, field, _ in outcomes[0]] == [
            ("calls.csv", "queue"), ("surveys.csv", "rating"), ("surveys.csv", "response_id"),
        ]
    else:
        assert [name for name, *_ in outcomes[0]] == ["calls", "surveys"]


def test_a_file_read_in_batches_is_read_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from csskpi.data import batched, load

    write(tmp_path / "surveys.csv", *[f"csc_customer,R{i},2024-01-02,good" for i in range(200)],
          header="kind,response_id,responded_on,rating")
    write(tmp_path / "calls.csv", *GOOD_ROWS)
    monkeypatch.setattr(batched, "BATCH_BYTES", (tmp_path / "surveys.csv").stat().st_size)  # surveys: batched
    lock, running = threading.Lock(), set()
    beside: dict[str, set[str]] = {"calls": set(), "surveys": set()}  # the loads under way during each
    real = load.load_dataset

    def watched(spec: DatasetSpec, *args: Any, **kwargs: Any) -> LoadedDataset:
        with lock:
            for other in running:
                beside[other].add(spec.name)
                beside[spec.name].add(other)
            running.add(spec.name)
        try:
            return real(spec, *args, **kwargs)
        finally:
            with lock:
                running.discard(spec.name)

    monkeypatch.setattr(load, "load_dataset", watched)
    folder = load_data_folder(tmp_path, SPECS, workers=2)
    assert set(folder.datasets) == {"calls", "surveys"} and beside == {"calls": set(), "surveys": set()}


@given(st.lists(st.integers(0, 4), min_size=1, max_size=6), st.booleans())
def test_row_numbers_follow_the_frame_chunks(lengths: list[int], misaligned: bool) -> None:
    # Cut as the frame is, the numbers never make a filter of it copy the frame whole first.
    parts = [pl.DataFrame({"a": list(range(n)), "b": [str(i) for i in range(n)]}, schema={"a": pl.Int64, "b": pl.String})
             for n in lengths]
    frame = pl.concat(parts, rechunk=False)
    if misaligned:  # one column chunked otherwise: the numbers are left whole
        frame = frame.with_columns(frame["b"].rechunk())
    numbers = pl.Series(range(100, 100 + frame.height), dtype=pl.Int64)
    loaded = LoadedDataset(name="x", frame=frame, source="x.csv", row_numbers=numbers)
    shown = loaded.with_row_numbers()
    assert shown[ROW_COLUMN].to_list() == numbers.to_list() and shown.drop(ROW_COLUMN).equals(frame)
    if not misaligned and frame["a"].n_chunks() > 1 and 0 not in frame["a"].chunk_lengths():
        assert shown[ROW_COLUMN].chunk_lengths() == frame["a"].chunk_lengths()


def test_a_hook_failing_in_a_folder_fails_the_load(tmp_path: Path) -> None:
    write(tmp_path / "calls.csv", *GOOD_ROWS)
    write(tmp_path / "surveys.csv", "csc_customer,R1,2024-01-02,good", header="kind,response_id,responded_on,rating")
    for workers in (1, 2):
        with pytest.raises(PluginError, match="not a Finding"):
            load_data_folder(tmp_path, SPECS, findings={"calls": lambda frame: ["odd"]}, workers=workers)  # type: ignore[list-item, dict-item]


def test_folder_problems(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a folder"):
        load_data_folder(tmp_path / "nope", SPECS)
    with pytest.raises(InputError, match="no dataset named 'cals'"):
        load_data_folder(tmp_path, SPECS, frames={"cals": pl.DataFrame()})


# ------------------------------------------------------------------------------------------------ findings


def test_findings_hook_sees_rows_and_is_filled_in(tmp_path: Path) -> None:
    def odd(frame: pl.DataFrame) -> list[Finding]:
        assert ROW_COLUMN in frame.columns
        both = frame.filter(pl.col("abandoned") & pl.col("answered_at").is_not_null())
        return finding_for(both, "answered and abandoned", column="abandoned") + finding_for(frame.clear(), "none")

    rows = [GOOD_ROWS[0], GOOD_ROWS[1], GOOD_ROWS[2].replace(",no,", ",yes,")]
    loaded = load_dataset(CALLS, write(tmp_path / "calls.csv", *rows), findings=odd)
    path = str(tmp_path / "calls.csv")
    assert loaded.findings == (
        Finding(dataset="calls", file=path, row=4, column="abandoned", message="answered and abandoned", count=1),
    )
    assert str(loaded.findings[0]) == f"{path}:4: 'abandoned': answered and abandoned"
    folder = load_data_folder(tmp_path, SPECS, findings={"calls": odd})
    assert folder.findings == loaded.findings


def test_a_spec_may_carry_its_findings_hook(tmp_path: Path) -> None:
    if "findings" not in attrs.fields_dict(DatasetSpec):
        pytest.skip("this DatasetSpec has no findings hook")
    hook = lambda frame: finding_for(frame.filter(pl.col("abandoned")), "abandoned")  # noqa: E731
    loaded = load_dataset(attrs.evolve(CALLS, findings=hook), write(tmp_path / "calls.csv", *GOOD_ROWS))
    assert [(f.row, f.count, f.dataset) for f in loaded.findings] == [(3, 1, "calls")]


def test_a_hook_returning_something_else_is_a_plugin_error(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match="not a Finding"):
        load_dataset(CALLS, write(tmp_path / "calls.csv", *GOOD_ROWS), findings=lambda frame: ["odd"])  # type: ignore[list-item]


# ------------------------------------------------------------------------------------------------ surveys

SURVEY_HEADER = "kind,response_id,responded_on,rating"


def test_surveys_ratings(tmp_path: Path) -> None:
    ratings = ["very poor", "poor", "fair", "good", "very good", "1", "2", "3", "4", "5"]
    rows = [f"csc_customer,R{i},2024-01-02,{r}" for i, r in enumerate(ratings)]
    frame = load_dataset(SURVEYS, write(tmp_path / "surveys.csv", *rows, header=SURVEY_HEADER)).frame
    assert dict(frame.schema) == {"kind": pl.String, "response_id": pl.String, "responded_on": pl.Date,
                                  "rating": pl.String}
    scored = frame.select(score=rating_score(pl.col("rating")), good=good_or_better(pl.col("rating")))
    assert scored["score"].to_list() == [1, 2, 3, 4, 5] * 2
    assert scored["good"].to_list() == [False, False, False, True, True] * 2
    with pytest.raises(InputError, match="unknown value 'Very Good'"):
        load_dataset(SURVEYS, write(tmp_path / "bad.csv", "k,R1,2024-01-02,Very Good", header=SURVEY_HEADER))


# ------------------------------------------------------------------------------------------------ property

NOTES = st.text(alphabet=st.sampled_from(list('ab ,"\n')), max_size=6)  # quotes, separators, line breaks
ROW = st.tuples(
    st.sampled_from(["lrsp", "main"]),
    st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1)),
    st.one_of(st.none(), st.integers(0, 10_000)),
    st.booleans(),
    st.one_of(st.none(), st.decimals(min_value=-1000, max_value=1000, places=2)),
    NOTES,
)


def write_rows(path: Path, rows: list[tuple[int, tuple[Any, ...]]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        out = csv.writer(stream, lineterminator="\n")
        out.writerow([*HEADER.split(","), "notes"])
        for i, (queue, at, wait, abandoned, cost, notes) in rows:
            at = at.replace(microsecond=0)
            answered = "" if wait is None else f"{at + dt.timedelta(seconds=wait):%Y-%m-%d %H:%M:%S}"
            out.writerow([f"C{i}", queue, f"{at:%Y-%m-%dT%H:%M:%S}", answered, str(abandoned).lower(), wait or 0,
                          "" if cost is None else f"{cost:f}", f"{at:%Y-%m-%d}", notes])
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, max_size=12), data=st.data())
def test_shuffling_rows_loads_the_same_multiset(
    tmp_path: Path, rows: list[tuple[Any, ...]], data: st.DataObject
) -> None:
    numbered = list(enumerate(rows))
    shuffled = data.draw(st.permutations(numbered))
    first = load_dataset(CALLS, write_rows(tmp_path / "a.csv", numbered))
    second = load_dataset(CALLS, write_rows(tmp_path / "b.csv", shuffled))
    assert first.height == second.height == len(rows)
    for loaded in (first, second):  # each record's line: after the header, increasing (notes may span lines)
        numbers = loaded.row_numbers.to_list()
        assert numbers == sorted(set(numbers)) and all(n >= 2 for n in numbers)
    assert first.frame.sort("call_id").equals(second.frame.sort("call_id"))
