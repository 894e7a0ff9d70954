"""Property: any profile's export of csskpi's records reads back through that profile as exactly those records —
whatever the delimiter, encoding, formats, time zone, column names and value spellings."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

import polars as pl
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import csskpi
from csskpi.data.export_write import write_exports
from csskpi.data.profile import load_profiled
from csskpi.files.profile import parse_profile
from csskpi.pipeline.measure import MeasureRegistry
from csskpi.pipeline.synth import synthesize

DATASETS = ("incidents", "calls", "financial_assessments", "acf_income", "surveys")
_TIMESTAMPS = ["%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%d.%m.%Y %H:%M:%S",
               "%Y%m%dT%H%M%S", "%d %b %Y %H:%M:%S"]
_DATES = ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d", "%d %B %Y"]
_names = st.text(string.ascii_letters + " _.#", min_size=1, max_size=10).filter(lambda s: s.strip() == s)


@pytest.fixture(scope="module")
def records() -> tuple[MeasureRegistry, dict[str, pl.DataFrame]]:
    registry = MeasureRegistry.from_plugins()
    request = csskpi.SynthRequest(csskpi.Period(2018, 3), csskpi.Period(2018, 3), 0.01, 11, frozenset())
    frames = synthesize(request, registry)
    return registry, {name: frames[name] for name in DATASETS}


@st.composite
def profiles(draw: st.DrawFn, registry: MeasureRegistry) -> dict[str, object]:
    tables: dict[str, object] = {}
    for name in draw(st.lists(st.sampled_from(DATASETS), min_size=1, max_size=3, unique=True)):
        spec = registry.datasets[name]
        table: dict[str, object] = {
            "files": [f"{name}_{draw(st.sampled_from(['export', 'x']))}*.txt"],
            "delimiter": draw(st.sampled_from([",", ";", "\t", "|"])),
            "encoding": draw(st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16"])),
            "timestamp_format": draw(st.sampled_from(_TIMESTAMPS)),
            "date_format": draw(st.sampled_from(_DATES)),
            "timezone": draw(st.sampled_from(["Europe/London", "UTC", "Europe/Dublin", "Asia/Kolkata"])),
        }
        renamed = draw(st.lists(st.sampled_from([c.name for c in spec.columns]), unique=True))
        exports = draw(st.lists(_names, min_size=len(renamed), max_size=len(renamed), unique=True))
        taken = {c.name for c in spec.columns} - set(renamed)
        table["columns"] = {c: e for c, e in zip(renamed, exports, strict=True) if e not in taken}
        values = {}
        for column in (c for c in spec.columns if c.values):
            if draw(st.booleans()):
                spellings = draw(st.lists(_names, min_size=len(column.values), max_size=len(column.values),
                                          unique_by=lambda s: " ".join(s.split()).casefold()))
                values[column.name] = dict(zip(spellings, column.values, strict=True))
        table["values"] = values
        tables[name] = table
    return {"name": "generated", "datasets": tables}


def _keep_real_local_times(frame: pl.DataFrame) -> pl.DataFrame:
    """Records whose UK local times exist (a zone's export can never hold the hour the clocks skip)."""
    stamps = [c for c, t in frame.schema.items() if isinstance(t, pl.Datetime)]
    exists = [pl.col(c).is_null() | pl.col(c).dt.replace_time_zone("Europe/London", non_existent="null",
                                                                   ambiguous="earliest").is_not_null() for c in stamps]
    return frame.filter(*exists) if exists else frame


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_profiles_export_reads_back_as_the_same_records(
    records: tuple[MeasureRegistry, dict[str, pl.DataFrame]], data: st.DataObject,
) -> None:
    registry, frames = records
    raw = data.draw(profiles(registry))
    profile = parse_profile(tomli_w.dumps(raw), file="generated.toml")
    chosen = {name: _keep_real_local_times(frames[name]) for name in profile.datasets}
    specs = {name: registry.datasets[name] for name in chosen}
    with tempfile.TemporaryDirectory() as tmp:
        write_exports(chosen, specs, profile, tmp)
        loaded = load_profiled(Path(tmp), specs, profile)
    for name, frame in chosen.items():
        assert loaded[name].frame.select(frame.columns).equals(frame), name
