"""Fuzzing the import-profile reader: whatever the text, a Profile or an InputError naming the file — never a crash."""

from __future__ import annotations

import csv
import io
import string

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csskpi.data.exports import read_export
from csskpi.errors import InputError
from csskpi.files.profile import Profile, parse_profile

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_names = st.text(string.ascii_lowercase + "_", min_size=1, max_size=12)
_cells = st.text(max_size=15)
_formats = st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%q", "%", "%d %B %Y",
                            "%H:%M", "", "%Y%m%d%H%M%S", "%d/%m/%y %I:%M %p"])
_zones = st.sampled_from(["UTC", "Europe/London", "Europe/Lundun", "", "America/New_York", "+01:00"])
_scalars = st.one_of(st.booleans(), st.integers(-10, 10), _cells, st.floats(allow_nan=False, allow_infinity=False))
_dataset = st.fixed_dictionaries({}, optional={
    "files": st.one_of(st.lists(_cells, max_size=3), _cells, st.integers()),
    "delimiter": st.one_of(st.sampled_from([",", ";", "\t", "|", '"', "ab", ""]), st.integers()),
    "encoding": st.sampled_from(["utf-8", "cp1252", "latin-1", "klingon", ""]),
    "timestamp_format": _formats,
    "date_format": _formats,
    "timezone": _zones,
    "columns": st.dictionaries(_names, st.one_of(_cells, st.integers()), max_size=4),
    "values": st.dictionaries(_names, st.one_of(st.dictionaries(_cells, _cells, max_size=4), _cells), max_size=2),
    "constants": st.dictionaries(_names, _scalars, max_size=3),
    "database": st.dictionaries(st.sampled_from(["url", "url_env", "query", "other"]), _cells, max_size=3),
    "surprise": _cells,
})
_profiles = st.fixed_dictionaries({"datasets": st.dictionaries(_names, _dataset, max_size=3)},
                                  optional={"name": _cells, "description": _scalars})


@FUZZ
@given(st.text(max_size=400))
def test_any_text_is_a_profile_or_an_input_error(text: str) -> None:
    try:
        profile = parse_profile(text, file="fuzz.toml")
    except InputError as error:
        assert all(p.file == "fuzz.toml" for p in error.problems)
    else:
        assert isinstance(profile, Profile) and profile.datasets


@FUZZ
@given(_profiles)
def test_any_toml_table_is_a_profile_or_input_errors_with_lines_and_keys(data: dict[str, object]) -> None:
    text = tomli_w.dumps(data)
    try:
        profile = parse_profile(text, file="fuzz.toml")
    except InputError as error:
        for problem in error.problems:
            assert problem.file == "fuzz.toml" and problem.field
            assert problem.line is not None and 1 <= problem.line <= len(text.splitlines())
    else:
        tables = data["datasets"]
        assert isinstance(tables, dict) and set(profile.datasets) == set(tables)
        for name, dp in profile.datasets.items():
            assert dict(dp.columns) == tables[name].get("columns", {})
            assert len(dp.delimiter) == 1


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([",", ";", "\t", "|"]), st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_any_bytes_read_as_an_export_or_an_input_error_naming_the_file(data: bytes, delimiter: str, encoding: str) -> None:
    try:
        cells = read_export(data, "export.csv", delimiter=delimiter, encoding=encoding)
    except InputError as error:
        assert all(p.file == "export.csv" for p in error.problems)
    else:
        numbers = cells.where.numbers.to_list()
        assert len(numbers) == cells.frame.height
        assert all(n is None or n >= 2 for n in numbers)  # the header is line 1


@FUZZ
@given(st.lists(st.lists(st.text(alphabet='ab;," \n\u00e9', max_size=6), min_size=3, max_size=3), max_size=6))
def test_a_well_formed_export_keeps_every_record_and_its_line(rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows([["x", "y", "z"], *rows])
    text = buffer.getvalue()
    cells = read_export(text.encode("cp1252"), "e.csv", delimiter=";", encoding="cp1252")
    kept = [r for r in rows if any(r)]  # a record of empty cells is a blank line: no record
    assert cells.frame.height == len(kept)
    assert [[v or "" for v in row] for row in cells.frame.iter_rows()] == kept
    starts, line = [], 1
    for row in rows:
        starts.append(line + 1)
        line += sum(cell.count("\n") for cell in row) + 1
    assert cells.where.numbers.to_list() == [s for s, r in zip(starts, rows, strict=True) if any(r)]
