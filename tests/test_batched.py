"""A large CSV file read batch by batch (csskpi.data.batched) loads exactly as when read whole: the same typed
records, the same lines, the same records kept for some months, and — since any fault sends it back to the whole
reading — the same problems."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import csskpi
from csskpi.data import batched
from csskpi.data.load import LoadedDataset, load_dataset
from csskpi.data.spec import Column, ColumnKind, DatasetSpec
from csskpi.errors import InputError
from csskpi.model.period import Period
from csskpi.pipeline.measure import contract_clocks, load_data, measure
from csskpi.pipeline.rules import rows_needed
from csskpi.pipeline.synth import synthesize, write_data

from .synthetic_years import registry as _registry


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("year")
    frames = synthesize(csskpi.SynthRequest(Period(2017, 4), Period(2018, 3), 0.03, 5), _registry())
    write_data(frames, folder)
    return folder


def _same(a: LoadedDataset, b: LoadedDataset) -> None:
    assert a.frame.equals(b.frame)
    assert a.row_numbers.to_list() == b.row_numbers.to_list()
    assert (a.dated is None) == (b.dated is None)
    if a.dated is not None and b.dated is not None:
        assert a.dated.equals(b.dated)
    assert a.findings == b.findings


def _batches(monkeypatch: pytest.MonkeyPatch, rows: int) -> None:
    monkeypatch.setattr(batched, "BATCH_BYTES", 0)
    monkeypatch.setattr(batched, "BATCH_ROWS", rows)


@pytest.mark.parametrize("months", [None, [Period(2017, 9)], [Period(2018, 1), Period(2018, 2), Period(2018, 3)]])
def test_every_dataset_loads_alike_whole_and_in_batches(
    year: Path, monkeypatch: pytest.MonkeyPatch, contract: csskpi.Contract, months: list[Period] | None
) -> None:
    registry = _registry()
    from csskpi.data.calendars import ENGLAND_AND_WALES

    tests = rows_needed(contract, months, registry.measures, ENGLAND_AND_WALES, contract_clocks(contract),
                        registry.datasets) if months else {}
    whole = {n: load_dataset(s, year / f"{n}.csv", rows=tests.get(n)) for n, s in registry.datasets.items()}
    _batches(monkeypatch, 97)
    for name, spec in registry.datasets.items():
        _same(load_dataset(spec, year / f"{name}.csv", rows=tests.get(name)), whole[name])


def test_a_month_measured_in_batches_counts_as_read_whole(
    year: Path, monkeypatch: pytest.MonkeyPatch, contract: csskpi.Contract
) -> None:
    months = [Period(2017, 11), Period(2017, 12)]
    whole = measure(contract, load_data(year, _registry(), months=(contract, months)), months, _registry())
    _batches(monkeypatch, 50)
    parts = measure(contract, load_data(year, _registry(), months=(contract, months)), months, _registry())
    assert parts.measurements == whole.measurements


THINGS = DatasetSpec("things", (Column("thing_id", ColumnKind.STR), Column("n", ColumnKind.INT, nullable=True),
                                Column("on", ColumnKind.DATE)), id_column="thing_id")
cell = st.sampled_from(["1", "2", "x", "", "2017-01-02", "2017-13-01"])
record = st.tuples(st.sampled_from(["a", "b", "c", "d", "e", "f", "g"]), cell, cell).map(",".join)
lines = st.lists(st.one_of(record, st.sampled_from(["", "h,1", "i,2,2017-01-01,9"])), max_size=12)


def _outcome(path: Path) -> tuple[str, object]:
    try:
        loaded = load_dataset(THINGS, path)
    except InputError as error:
        return "problems", [str(p) for p in error.problems]
    except pl.exceptions.PolarsError as error:  # never expected: a failure of the test's own making
        return "polars", str(error)
    return "loaded", (loaded.frame.rows(), loaded.row_numbers.to_list())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines, st.integers(1, 4))
def test_any_file_gives_the_same_records_or_the_same_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: list[str], size: int
) -> None:
    path = tmp_path / "things.csv"
    path.write_text("\n".join(["thing_id,n,on", *body]) + "\n")
    whole = _outcome(path)
    with monkeypatch.context() as patched:
        _batches(patched, size)
        assert _outcome(path) == whole


def test_an_id_repeated_in_two_batches_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "things.csv"
    path.write_text("thing_id,n,on\na,1,2017-01-01\nb,2,2017-01-02\nc,3,2017-01-03\na,4,2017-01-04\n")
    _batches(monkeypatch, 2)
    with pytest.raises(InputError, match=r"things.csv:5: 'thing_id': duplicate id 'a' \(first on line 2\)"):
        load_dataset(THINGS, path)
