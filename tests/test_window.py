"""Reading only the records some months need (csskpi.data.window, pipeline.rules.rows_needed): the same counts as
reading everything, for any month or run of months of two synthetic years (one with deadlines missed and
backlogs counted); faults outside the months are reported when they are in a column that decides which records
count, and not looked for otherwise."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import csskpi
from csskpi.data.load import load_dataset
from csskpi.errors import InputError
from csskpi.model.period import Period
from csskpi.pipeline.availability import check_data
from csskpi.pipeline.measure import load_data, measure
from csskpi.pipeline.synth import write_data

from .synthetic_years import YEARS
from .synthetic_years import raw_frames as _frames
from .synthetic_years import registry as _registry

_WHOLE: dict[int, dict[tuple[str, Period], tuple[int | None, int | None]]] = {}


def _whole(seed: int, contract: csskpi.Contract) -> dict[tuple[str, Period], tuple[int | None, int | None]]:
    if seed in _WHOLE:
        return _WHOLE[seed]
    start, end, _ = YEARS[seed]
    data = load_data(None, _registry(), frames=_frames(seed))
    run = measure(contract, data, Period.range(start, end), _registry())
    _WHOLE[seed] = {(m.kpi, m.period): (m.numerator, m.denominator) for m in run.measurements}
    return _WHOLE[seed]


@settings(max_examples=12, deadline=None)
@given(seed=st.sampled_from(sorted(YEARS)), first=st.integers(0, 11), length=st.integers(1, 4))
def test_any_months_read_alone_count_as_when_everything_is_read(
    contract: csskpi.Contract, seed: int, first: int, length: int
) -> None:
    start, end, _ = YEARS[seed]
    months = [m for m in Period.range(start + first, start + (first + length - 1)) if m <= end]
    registry = _registry()
    data = load_data(None, registry, frames=_frames(seed), months=(contract, months))
    assert any(not d.complete for d in data.datasets.values())  # some were read in part
    assert sum(d.height for d in data.datasets.values()) < sum(f.height for f in _frames(seed).values())
    run = measure(contract, data, months, registry)
    whole = _whole(seed, contract)
    assert {(m.kpi, m.period): (m.numerator, m.denominator) for m in run.measurements} == {
        k: v for k, v in whole.items() if k[1] in months}


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("year")
    write_data(_frames(11), folder)
    return folder


def _spoil(year: Path, tmp_path: Path, dataset: str, column: str, row: int, value: str) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for path in year.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    frame = pl.read_csv(folder / f"{dataset}.csv", infer_schema=False)
    frame = frame.with_columns(pl.when(pl.int_range(pl.len()) == row).then(pl.lit(value)).otherwise(pl.col(column)).alias(column))
    frame.write_csv(folder / f"{dataset}.csv")
    return folder


def _first_row_in(year: Path, dataset: str, column: str, month: str) -> int:
    frame = pl.read_csv(year / f"{dataset}.csv", infer_schema=False)
    return int(frame.with_row_index().filter(pl.col(column).str.starts_with(month))["index"][0])


def test_a_fault_in_a_column_that_decides_is_found_in_any_month(
    year: Path, tmp_path: Path, contract: csskpi.Contract
) -> None:
    row = _first_row_in(year, "calls", "offered_at", "2017-04")
    folder = _spoil(year, tmp_path, "calls", "offered_at", row, "2017-04-31T10:00:00")
    with pytest.raises(InputError) as info:
        load_data(folder, _registry(), months=(contract, [Period(2018, 2)]))
    assert f"{folder / 'calls.csv'}:{row + 2}: 'offered_at': '2017-04-31T10:00:00' is not a timestamp" in str(info.value)


def test_a_fault_elsewhere_in_a_record_no_month_asked_for_needs_is_not_read(
    year: Path, tmp_path: Path, contract: csskpi.Contract
) -> None:
    row = _first_row_in(year, "contacts", "received_at", "2017-04")
    folder = _spoil(year, tmp_path, "contacts", "channel", row, "pigeon")
    months = [Period(2018, 2)]
    data = load_data(folder, _registry(), months=(contract, months))
    assert not data["contacts"].complete
    assert measure(contract, data, months, _registry()).measurements
    with pytest.raises(InputError, match="unknown value 'pigeon'"):  # the month it is in finds it
        load_data(folder, _registry(), months=(contract, [Period(2017, 4)]))
    with pytest.raises(InputError, match="unknown value 'pigeon'"):  # and so does reading everything
        load_data(folder, _registry())


def test_a_repeated_id_anywhere_is_found(year: Path, tmp_path: Path, contract: csskpi.Contract) -> None:
    frame = pl.read_csv(year / "calls.csv", infer_schema=False)
    late = int(frame.with_row_index().filter(pl.col("offered_at").str.starts_with("2018-03"))["index"][0])
    folder = _spoil(year, tmp_path, "calls", "call_id", late, frame["call_id"][0])
    with pytest.raises(InputError, match="duplicate id"):
        load_data(folder, _registry(), months=(contract, [Period(2017, 9)]))


def test_the_folder_checks_see_every_record(year: Path, contract: csskpi.Contract) -> None:
    """Where a dataset's records end, and records far outside the months, are said of the file, not of the
    records read."""
    months = [Period(2017, 6)]
    part = load_data(year, _registry(), months=(contract, months))
    whole = load_data(year, _registry())
    assert part["calls"].dated is not None and part["calls"].dated.height == whole["calls"].height
    assert check_data(contract, part, months, _registry()) == check_data(contract, whole, months, _registry())
    late = [Period(2018, 5)]  # after the data: the records end before it, in either reading
    problems, _ = check_data(contract, load_data(year, _registry(), months=(contract, late)), late, _registry())
    assert any("the records end on 2018-03-31" in p.message for p in problems)


def test_a_test_naming_a_column_the_file_lacks_reads_everything(tmp_path: Path) -> None:
    spec = _registry().datasets["incidents"]
    path = write_data({"incidents": _frames(11)["incidents"]}, tmp_path)[0]
    loaded = load_dataset(spec, path, rows=pl.col("no_such_column") > 1)
    assert loaded.complete and loaded.height == _frames(11)["incidents"].height


@pytest.mark.parametrize("months", [[Period(2017, 9)], list(Period.range(Period(2017, 12), Period(2018, 2)))])
def test_a_parquet_folder_read_in_part_counts_as_when_everything_is_read(
    tmp_path: Path, contract: csskpi.Contract, months: list[Period]
) -> None:
    write_data(_frames(11), tmp_path, "parquet")
    data = load_data(tmp_path, _registry(), months=(contract, months))
    calls = data["calls"]
    assert not calls.complete and calls.dated is not None and calls.dated.height == _frames(11)["calls"].height
    whole = load_data(tmp_path, _registry())
    # Rows of a Parquet file are named by their 0-based index, whichever way the file was read.
    kept = whole["calls"].with_row_numbers().join(calls.with_row_numbers().select("__row__"), on="__row__")
    assert kept.drop("__row__").equals(calls.frame)
    run = measure(contract, data, months, _registry())
    assert {(m.kpi, m.period): (m.numerator, m.denominator) for m in run.measurements} == {
        k: v for k, v in _whole(11, contract).items() if k[1] in months}


def test_a_parquet_file_storing_its_times_as_text_is_read_in_part_too(tmp_path: Path) -> None:
    """The test cannot be pushed down to text columns: the records are kept by their mask instead."""
    frame = _frames(11)["calls"].with_columns(pl.col("offered_at").dt.strftime("%Y-%m-%dT%H:%M:%S"))
    frame = frame.with_columns(pl.when(pl.int_range(pl.len()) == 5).then(pl.lit("soon")).otherwise(pl.col("offered_at"))
                               .alias("offered_at"))
    frame.write_parquet(tmp_path / "calls.parquet")
    spec = _registry().datasets["calls"]
    september = (pl.col("offered_at") >= pl.date(2017, 9, 1)) & (pl.col("offered_at") < pl.date(2017, 10, 1))
    with pytest.raises(InputError, match=r"calls.parquet:5: 'offered_at': 'soon' is not a timestamp"):
        load_dataset(spec, tmp_path / "calls.parquet", rows=september)
    frame.with_columns(pl.col("offered_at").replace("soon", "2017-04-03T09:00:00")).write_parquet(tmp_path / "calls.parquet")
    loaded = load_dataset(spec, tmp_path / "calls.parquet", rows=september)
    assert not loaded.complete and 0 < loaded.height < frame.height
    assert loaded.frame["offered_at"].dt.month().unique().to_list() == [9]


@pytest.mark.parametrize("test", [pl.col("offered_at") >= pl.datetime(2017, 9, 1), pl.col("offered_at").is_not_null()])
def test_a_parquet_file_read_in_two_parts_keeps_its_columns_in_order(tmp_path: Path, test: pl.Expr) -> None:
    # Its first columns (tested, id, dating) and the others are read apart and put back in the file's order; an
    # extra column between them stays where it was. The second test keeps every record.
    frame = _frames(11)["calls"]
    frame = frame.select(frame.columns[0], pl.lit("note").alias("extra"), *frame.columns[1:])
    frame.write_parquet(tmp_path / "calls.parquet")
    spec = _registry().datasets["calls"]
    whole = load_dataset(spec, tmp_path / "calls.parquet")
    part = load_dataset(spec, tmp_path / "calls.parquet", rows=test)
    assert part.frame.columns == whole.frame.columns and part.extra_columns == ("extra",)
    kept = whole.with_row_numbers().join(part.with_row_numbers().select("__row__"), on="__row__")
    assert kept.drop("__row__").equals(part.frame) and part.height == whole.frame.filter(test).height
