"""Fuzzing the import-profile reader: whatever the text, a Profile or an InputError naming the file — never a crash."""

from __future__ import annotations

import string

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
