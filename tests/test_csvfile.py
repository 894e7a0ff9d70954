"""The one streaming pass over a CSV file (csskpi.data.csvfile) finds what a line-by-line reading finds: the
number of lines, the header's width and every line, not blank, with another number of fields — whatever the
chunk size, so records split across chunks are counted right."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csskpi.data import csvfile
from csskpi.data.csvfile import csv_counts, csv_layout, odd_lines
from csskpi.data.load import load_dataset
from csskpi.data.spec import Column, ColumnKind, DatasetSpec
from csskpi.errors import InputError

cells = st.text(alphabet="ab1 \t;x", max_size=4)
line = st.lists(cells, min_size=0, max_size=5).map(",".join)
files = st.tuples(st.lists(line, max_size=12), st.sampled_from(["\n", "\r\n"]), st.booleans())


def _expected(text: str) -> tuple[int, int | None, list[int], list[int]]:
    rows = text.split("\n") if text else []
    if text.endswith("\n"):
        rows.pop()
    header = None
    odd_lines, odd_fields = [], []
    for i, row in enumerate(rows):
        if row.removesuffix("\r") == "":
            continue
        fields = row.count(",") + 1
        if header is None:
            header = fields
        elif fields != header:
            odd_lines.append(i)
            odd_fields.append(fields)
    return len(rows), header, odd_lines, odd_fields


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files, st.sampled_from([1, 2, 3, 7, 64, 1 << 24]))
def test_layout_matches_reading_line_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drawn: tuple[list[str], str, bool], chunk: int
) -> None:
    monkeypatch.setattr(csvfile, "CHUNK", chunk)
    monkeypatch.setattr(csvfile, "COUNT_CHUNK", chunk)
    rows, ending, terminated = drawn
    text = ending.join(rows) + (ending if terminated and rows else "")
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode())
    layout = csv_layout(path)
    lines, header, odd, odd_fields = _expected(text)
    assert csv_counts(path).lines == lines
    assert csv_counts(path).commas == text.count(",")
    assert layout.blank == (text.strip() == "")
    assert not layout.quoted
    found = odd_lines(path)
    assert found.header == header
    if header is not None:
        assert list(found.lines) == odd
        assert list(found.fields) == odd_fields


@pytest.mark.parametrize("chunk", [1, 2, 5, 1 << 22])
def test_the_layout_is_found_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(csvfile, "COUNT_CHUNK", chunk)
    path = tmp_path / "f.csv"
    for text, blank, quoted in [(" \r\n\t\n  ", True, False), ("   \n\n a", False, False), ("a,b\n1,2\n\"3\",4", False, True),
                                ("", True, False), ("\n\n\"", False, True)]:
        path.write_bytes(text.encode())
        assert csv_layout(path) == csvfile.Layout(blank=blank, quoted=quoted), text


def test_a_quote_leaves_fields_to_the_csv_walk(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b'a,b\n"x,y",1\n2\n')
    layout = csv_layout(path)
    assert layout.quoted and csv_counts(path).lines == 3


SPEC = DatasetSpec("things", (Column("thing_id", ColumnKind.STR), Column("n", ColumnKind.INT, nullable=True)),
                   id_column="thing_id")


@pytest.mark.parametrize("quoted", [False, True])
def test_short_records_are_found_either_way(tmp_path: Path, quoted: bool) -> None:
    """The same short record is refused whether the file has a quote (the walk) or not (the streaming pass)."""
    first = b'"a",1\n' if quoted else b"a,1\n"
    path = tmp_path / "things.csv"
    path.write_bytes(b"thing_id,n\n" + first + b"b\n\nc,3\n")
    with pytest.raises(InputError) as info:
        load_dataset(SPEC, path)
    assert [str(p) for p in info.value.problems] == [f"{path}:3: has 1 fields but the header has 2"]
    path.write_bytes(b"thing_id,n\n" + first + b"b,\n\nc,3")
    assert load_dataset(SPEC, path).frame["n"].to_list() == [1, None, 3]
    assert load_dataset(SPEC, path).row_numbers.to_list() == [2, 3, 5]
    assert isinstance(load_dataset(SPEC, path).frame, pl.DataFrame)


THREE = DatasetSpec("things", [Column(n, ColumnKind.STR, nullable=True) for n in ("a", "b", "c")])
record = st.lists(st.sampled_from(["", "x", "yy"]), min_size=0, max_size=3).map(",".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(record, max_size=10), st.booleans())
def test_every_short_record_is_refused_and_no_other(tmp_path: Path, rows: list[str], crlf: bool) -> None:
    """Whatever mix of full, short, blank and all-empty records: exactly the short ones are refused, each by its
    line (the quick comma count must never hide one)."""
    ending = "\r\n" if crlf else "\n"
    path = tmp_path / "things.csv"
    path.write_bytes((ending.join(["a,b,c", *rows]) + ending).encode())
    short = [f"{path}:{i + 2}: has {r.count(',') + 1} fields but the header has 3"
             for i, r in enumerate(rows) if r != "" and r.count(",") < 2]
    try:
        loaded = load_dataset(THREE, path)
    except InputError as error:
        assert [str(p) for p in error.problems] == short[:20] + ([f"{path}: ... and {len(short) - 20} more like this"]
                                                                 if len(short) > 20 else [])
    else:
        assert short == []
        assert loaded.height == sum(1 for r in rows if r.strip(",") != "")


@settings(max_examples=200, deadline=None)
@given(st.lists(record, max_size=10), st.sampled_from([",", ";", "\t"]), st.booleans())
def test_an_export_refuses_exactly_its_short_records(rows: list[str], delimiter: str, quoted: bool) -> None:
    """The same for a council's export through a profile (its own delimiter; a quoted field or not)."""
    from csskpi.data.exports import read_export

    body = [r.replace(",", delimiter) for r in rows]
    header = delimiter.join(["a", '"b"' if quoted else "b", "c"])
    data = ("\n".join([header, *body]) + "\n").encode()
    # A record of nothing but empty cells is a blank line to an export's reading, however many separators it has.
    short = [f"e.csv:{i + 2}: has {r.count(',') + 1} fields but the header has 3"
             for i, r in enumerate(rows) if r.strip(",") != "" and r.count(",") < 2]
    try:
        cells = read_export(data, "e.csv", delimiter=delimiter)
    except InputError as error:
        assert [str(p) for p in error.problems] == short
    else:
        assert short == []
        assert cells.frame.height == sum(1 for r in rows if r.strip(",") != "")
