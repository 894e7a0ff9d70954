"""Mutation fuzzing of every loader, through the public API and the CLI: never a traceback, never a silent change.

Each test starts from a good file of its kind and mutates its bytes (hostile tokens, other encodings, cut or
doubled slices, over-long fields, deep nesting). The loader must either read the file or raise a ``CsskpiError``
naming the file; the CLI must exit 0 or 2. When a mutated file is read, what was read must be what the file says:
no row dropped, no value changed.

Bounded for CI (``CSSKPI_FUZZ_EXAMPLES``, default 60, a loader); a release check raises it, e.g.
``CSSKPI_FUZZ_EXAMPLES=5000 python -m pytest -q tests/test_fuzz_loaders.py`` (see ``docs/refusals.md``).
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import csskpi
from csskpi.cli import main
from csskpi.data.load import load_dataset
from csskpi.files.charges import read_charges
from csskpi.files.contract import dump_contract, with_change_notices
from csskpi.files.published import read_published
from csskpi.files.text import csv_records, decode_text
from csskpi.pipeline.measure import MeasureRegistry

EXAMPLES = int(os.environ.get("CSSKPI_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
CLI_FUZZ = settings(max_examples=max(10, EXAMPLES // 3), deadline=None, suppress_health_check=list(HealthCheck))

BUILTIN = Path(csskpi.__file__).parent / "builtin"
EXAMPLE = BUILTIN / "examples" / "dec-2017"
SEEDS = {
    "contract": (BUILTIN / "contracts" / "lincolnshire-css.toml").read_bytes(),
    "decisions": (EXAMPLE / "decisions.toml").read_bytes(),
    "measurements": (EXAMPLE / "measurements.csv").read_bytes(),
    "published": (EXAMPLE / "published.csv").read_bytes(),
    "charges": b"area,from,monthly_charge\nPM,2015-04,125000.00\nCSC,2015-04,98000.50\nIMT,2017-04,210000\n",
    "notice": b'[[changes]]\nid = "CN-7"\nfrom = "2018-04"\nreason = "annual review"\n'
              b'targets = [{ kpi = "PM_KPI_01", tsl = 99.5, msl = 98 }]\npoints = [{ kpi = "PM_KPI_01", points = 45 }]\n'
              b'suspend = [{ to = "2018-06", areas = ["CSC"] }]\nretire = ["PM_KPI_03"]\n',
    "incidents": b"incident_id,priority,vip,opened_at,resolved_at\nINC1,P3,false,2017-05-03T11:20:00,2017-05-05T13:48:18\n"
                 b"INC2,P1,true,2017-05-04T09:00,2017-05-04T12:00\nINC3,P4,false,2017-05-05T10:00:00,\n",
}
TOKENS = [
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xe9", b"\x1b[2J", b"\xe2\x80\xae", "٢٠١٧".encode(), "２０１７-０５".encode(),
    b"1_000", "²".encode(), b"1e26", b"1e28", b"-1", b"NaN", b"inf", b"9" * 5000, b"x" * 140_000, b'"', b",", b";",
    b"\n", b"\r", b"\t", b"=cmd|' /C calc'!A0", b"[", b"]", b"[[", b"{", b"}", b"= [1]", b"= 5", b'= "ALL"', b"= {}",
    b"[" * 1000, b"2999-12", b"1900-01", b"2017-13", b"2017-03-26T01:30", b"#", b"''", b"true", b"0.0000001",
]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with one to four mutations: a token inserted or put in place of a slice, a slice cut or doubled,
    or the whole re-encoded."""
    data = seed
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "replace", "cut", "double", "encode", "bytes"]))
        at = draw(st.integers(0, len(data)))
        end = min(len(data), at + draw(st.integers(0, 40)))
        if op == "insert":
            data = data[:at] + draw(st.sampled_from(TOKENS)) + data[at:]
        elif op == "replace":
            data = data[:at] + draw(st.sampled_from(TOKENS)) + data[end:]
        elif op == "cut":
            data = data[:at] + data[end:]
        elif op == "double":
            data = data[:end] + data[at:end] + data[end:]
        elif op == "encode":
            text = data.decode("utf-8", errors="replace")
            data = text.encode(draw(st.sampled_from(["utf-16", "utf-16-le", "latin-1", "cp1252"])), errors="replace")
        else:
            data = data[:at] + draw(st.binary(max_size=24)) + data[at:]
    return data


_VALUES = st.recursive(
    st.one_of(st.integers(-10, 10**6), st.booleans(), st.sampled_from(["", "ALL", "PM", "PM_KPI_01", "2017-05", "x", "1e28"]),
              st.dates(), st.decimals(allow_nan=False, allow_infinity=False, places=3, max_value=10**6, min_value=-10**6)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(
        ["kpi", "from", "to", "reason", "areas", "points", "tsl", "msl", "reference", "code", "name", "rule", "id"]),
        inner, max_size=3)),
    max_leaves=6,
)


@st.composite
def retyped(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` (TOML) with one to three values replaced by values of another type (a table where an array is
    expected, a number where a text is, a key removed): what byte mutation rarely reaches."""
    data = tomllib.loads(seed.decode())
    for _ in range(draw(st.integers(1, 3))):
        node: Any = data
        while True:  # walk down to a random table or array
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            child = node[key]
            if isinstance(child, (dict, list)) and child and draw(st.booleans()):
                node = child
                continue
            if isinstance(node, dict) and draw(st.integers(0, 4)) == 0:
                del node[key]
            else:
                node[key] = draw(_VALUES)
            break
    return tomli_w.dumps(data).encode()


@contextlib.contextmanager
def written(name: str, data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


def refused_or_read(read: Callable[[], object], path: Path) -> object | None:
    """What ``read`` returns, or None when it refuses with a CsskpiError naming the file."""
    try:
        return read()
    except csskpi.CsskpiError as error:
        assert any(p.file and Path(p.file).name == path.name for p in error.problems) or not error.problems[0].file, error
        return None


def cli(args: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    assert code in (0, 2), err.getvalue()
    assert "Traceback" not in err.getvalue()
    return code, err.getvalue()


def data_lines(data: bytes) -> list[list[str]] | None:
    """The records of a CSV file as the shared reader sees them (None if it is not text)."""
    text, _ = decode_text(data, "f")
    if text is None:
        return None
    problems: list[csskpi.Problem] = []
    return [cells for _, cells in csv_records(text, "f", problems)][1:]


@pytest.fixture(scope="module")
def contract() -> csskpi.Contract:
    return csskpi.load_contract("lincolnshire-css")


# --- through the public API ------------------------------------------------------------------------------------


@FUZZ
@given(mutated(SEEDS["contract"]))
def test_contract_files(data: bytes) -> None:
    with written("c.toml", data) as path:
        read = refused_or_read(lambda: csskpi.read_contract(path), path)
        if isinstance(read, csskpi.Contract):  # what was read is what the file says: it writes back the same
            assert csskpi.parse_contract(dump_contract(read)) == read


@FUZZ
@given(mutated(SEEDS["notice"]))
def test_change_notices(contract: csskpi.Contract, data: bytes) -> None:
    with written("n.toml", data) as path:
        refused_or_read(lambda: with_change_notices(contract, [str(path)]), path)


@FUZZ
@given(mutated(SEEDS["decisions"]))
def test_decisions_files(contract: csskpi.Contract, data: bytes) -> None:
    with written("d.toml", data) as path:
        read = refused_or_read(lambda: csskpi.read_decisions(path, contract), path)
        if isinstance(read, csskpi.Decisions):  # every decision read names the file and a line of it
            items = [*read.mitigations, *read.suspensions, *read.escalations]
            assert all(i.source.file == str(path) for i in items)


@FUZZ
@given(mutated(SEEDS["measurements"]))
def test_measurements_files(contract: csskpi.Contract, data: bytes) -> None:
    with written("m.csv", data) as path:
        read = refused_or_read(lambda: csskpi.read_measurements(path, contract), path)
        if isinstance(read, csskpi.MeasurementsFile):  # nothing dropped, no figure changed
            rows = data_lines(data)
            assert rows is not None and len(read.measurements) == len(rows)
            for m, cells in zip(read.measurements, rows, strict=True):
                assert m.value == (Decimal(cells[2].strip()) if cells[2].strip() else None)


@FUZZ
@given(mutated(SEEDS["published"]))
def test_published_files(data: bytes) -> None:
    with written("p.csv", data) as path:
        read = refused_or_read(lambda: read_published(path), path)
        if isinstance(read, tuple):
            rows = data_lines(data)
            assert rows is not None and len(read) == len(rows)
            for row, cells in zip(read, rows, strict=True):
                assert row.counts == tuple(int(c) if c.strip() else None for c in cells[-5:])  # with or without published_on


@FUZZ
@given(mutated(SEEDS["charges"]))
def test_charges_files(contract: csskpi.Contract, data: bytes) -> None:
    with written("ch.csv", data) as path:
        read = refused_or_read(lambda: read_charges(path, contract.area_codes), path)
        if isinstance(read, csskpi.Charges):
            rows = data_lines(data)
            assert rows is not None and len(read.steps) == len(rows)
            assert [s.monthly_charge for s in read.steps] == [Decimal(cells[2].strip()) for cells in rows]


@FUZZ
@given(mutated(SEEDS["incidents"]))
def test_raw_csv(data: bytes) -> None:
    spec = MeasureRegistry.from_plugins().datasets["incidents"]
    with written("incidents.csv", data) as path:
        refused_or_read(lambda: load_dataset(spec, path), path)


def _outcome(read: Callable[[], Any]) -> tuple[str, object]:
    try:
        loaded = read()
    except csskpi.CsskpiError as error:
        return "refused", [str(p) for p in getattr(error, "problems", [error])]
    return "read", (loaded.frame.rows(), loaded.row_numbers.to_list(), loaded.findings)


@FUZZ
@given(mutated(SEEDS["incidents"]), st.integers(1, 3))
def test_raw_csv_in_batches_reads_as_whole(monkeypatch: pytest.MonkeyPatch, data: bytes, rows: int) -> None:
    """Read batch by batch (as a large file is), a file gives exactly the records or the problems it gives whole."""
    from csskpi.data import batched

    spec = MeasureRegistry.from_plugins().datasets["incidents"]
    with written("incidents.csv", data) as path:
        whole = _outcome(lambda: load_dataset(spec, path))
        with monkeypatch.context() as patched:
            patched.setattr(batched, "BATCH_BYTES", 0)
            patched.setattr(batched, "BATCH_ROWS", rows)
            assert _outcome(lambda: load_dataset(spec, path)) == whole


@FUZZ
@given(mutated(SEEDS["incidents"]))
def test_raw_csv_read_for_some_months_never_reads_otherwise(data: bytes) -> None:
    """Reading only the records a month needs never reads a record differently from the whole reading, and never
    keeps a record the month's test would not (it may refuse less: faults in records no month needs are not read)."""
    import datetime as dt

    import polars as pl

    spec = MeasureRegistry.from_plugins().datasets["incidents"]
    may = (pl.col("opened_at") >= dt.date(2017, 5, 4)) & (pl.col("opened_at") < dt.date(2017, 6, 1))
    with written("incidents.csv", data) as path:
        part: Any = refused_or_read(lambda: load_dataset(spec, path, rows=may), path)
        whole = _outcome(lambda: load_dataset(spec, path))
        if part is None or whole[0] != "read":
            return
        frame, numbers, _ = whole[1]  # type: ignore[misc]
        by_line = dict(zip(numbers, frame, strict=True))
        assert [by_line[n] for n in part.row_numbers.to_list()] == part.frame.rows()
        assert part.frame.select(may.fill_null(False).all()).item()


@FUZZ
@given(st.sampled_from(["contract", "notice", "decisions"]), st.data())
def test_toml_values_of_the_wrong_type(contract: csskpi.Contract, kind: str, draw: st.DataObject) -> None:
    data = draw.draw(retyped(SEEDS[kind]))
    with written("f.toml", data) as path:
        read: Callable[[], object] = {
            "contract": lambda: csskpi.read_contract(path),
            "notice": lambda: with_change_notices(contract, [str(path)]),
            "decisions": lambda: csskpi.read_decisions(path, contract),
        }[kind]
        refused_or_read(read, path)


# --- through the CLI ----------------------------------------------------------------------------------------------


@CLI_FUZZ
@given(st.sampled_from(["contract", "notice", "decisions", "measurements", "published", "charges"]), st.data())
def test_the_cli_exits_0_or_2(kind: str, draw: st.DataObject) -> None:
    data = draw.draw(mutated(SEEDS[kind]))
    with written("f", data) as path:
        args = {
            "contract": ["summary", "--contract", str(path), "--example", "dec-2017"],
            "notice": ["kpis", "--changes", str(path), "--at", "2018-05", "--format", "csv"],
            "decisions": ["evaluate", "--example", "dec-2017", "--decisions", str(path), "--format", "csv"],
            "measurements": ["evaluate", "--measurements", str(path), "--format", "json"],
            "published": ["reconcile", "--example", "dec-2017", "--published", str(path), "--format", "json"],
            "charges": ["credits", "--example", "dec-2017", "--charges", str(path), "--format", "json"],
        }[kind]
        code, err = cli(args)
        assert code == 0 or (err.startswith("csskpi: error: ") and "\x1b" not in err)


@settings(max_examples=max(5, EXAMPLES // 6), deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated(SEEDS["incidents"]))
def test_the_cli_reads_raw_csv_with_exit_0_or_2(data: bytes) -> None:
    with written("incidents.csv", data) as path:
        code, err = cli(["measure", "--data", str(path.parent), "--period", "2017-05", "--missing", "dna"])
        assert code == 0 or err.startswith("csskpi: error: ")
