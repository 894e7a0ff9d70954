"""The measure engine: datasets loaded and checked, measures run per month, counts turned into measurements."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import csskpi
from csskpi import Column, ColumnKind, Counts, DatasetSpec, Measure, MeasureInput, Period, hookimpl
from csskpi.data.load import ROW_COLUMN, Finding, finding_for
from csskpi.pipeline.measure import MeasureRegistry, build_appendix, load_data, measure
from csskpi.pipeline.synth import synthesize, write_data
from csskpi.plugin.kit import deadline_counts, in_month, ratio
from csskpi.plugin.types import Appendix, AppendixInput, AppendixTable, SynthFrame, SynthRequest

CONTRACT = """
format = 1
[contract]
name = "tiny"
start = 2017-01-01
end = 2018-12-31
[[areas]]
code = "X"
name = "Calls"
[[kpis]]
reference = "X_KPI_01"
area = "X"
unit = "percent"
direction = "lower"
points = 10
targets = [{ from = "2017-01", tsl = 7, msl = 10 }]
[[kpis]]
reference = "X_KPI_02"
area = "X"
unit = "count"
direction = "lower"
points = 10
targets = [{ from = "2017-01", tsl = 1, msl = 3 }]
"""


def _odd(frame: pl.DataFrame) -> list[Finding]:
    return finding_for(frame.filter(pl.col("abandoned") & pl.col("answered")), "answered and abandoned", column="answered")


CALLS = DatasetSpec(
    "calls",
    (Column("call_id", ColumnKind.STR), Column("offered_on", ColumnKind.DATE), Column("answered", ColumnKind.BOOL),
     Column("abandoned", ColumnKind.BOOL)),
    id_column="call_id",
    findings=_odd,
)


def _abandoned(inputs: MeasureInput) -> Counts:
    month = inputs.data["calls"].filter(in_month(pl.col("offered_on"), inputs.period))
    return ratio(month, pl.col("abandoned") & ~pl.col("answered"))


class CallsPlugin:
    @hookimpl
    def csskpi_datasets(self) -> list[DatasetSpec]:
        return [CALLS]

    @hookimpl
    def csskpi_measures(self) -> list[Measure]:
        return [Measure("X_KPI_01", {"calls": ("offered_on", "answered", "abandoned")}, _abandoned)]

    @hookimpl
    def csskpi_appendices(self) -> list[Appendix]:
        def build(inputs: AppendixInput) -> AppendixTable:
            frame = inputs.data["calls"].filter(pl.col("offered_on") <= inputs.as_at)
            return AppendixTable("Calls offered", ("calls",), [(frame.height,)])

        return [Appendix("call-count", "Calls offered", {"calls": ("offered_on",)}, build)]

    @hookimpl
    def csskpi_synthesize(self, request: SynthRequest) -> list[SynthFrame]:
        rows = [
            {"call_id": f"{p}-{i}", "offered_on": p.first_day, "answered": i % 10 != 0, "abandoned": i % 10 == 0}
            for p in request.periods
            for i in range(int(20 * request.scale))
        ]
        return [SynthFrame("calls", pl.DataFrame(rows))]


@pytest.fixture
def registry() -> MeasureRegistry:
    return MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[CallsPlugin()]))


@pytest.fixture
def contract() -> csskpi.Contract:
    return csskpi.parse_contract(CONTRACT)


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "calls.csv").write_text(text, encoding="utf-8")
    return folder


def test_measure_recomputes_from_raw_data(tmp_path: Path, registry: MeasureRegistry, contract: csskpi.Contract) -> None:
    folder = _write(tmp_path / "data", "call_id,offered_on,answered,abandoned\n"
                    "a,2017-05-02,true,false\nb,2017-05-31,false,true\nc,2017-06-01,true,true\nd,2017-05-09,yes,no\n")
    data = load_data(folder, registry)
    run = measure(contract, data, [Period(2017, 5), Period(2017, 6)], registry)
    by = {(m.kpi, str(m.period)): m for m in run.measurements}
    may = by[("X_KPI_01", "2017-05")]
    assert (may.value, may.numerator, may.denominator) == (csskpi.round_half_up(csskpi.model.measurement.Fraction(100, 3)), 1, 3)
    assert by[("X_KPI_01", "2017-06")].value == 0  # c was answered: not abandoned, but odd
    assert by[("X_KPI_02", "2017-05")].value is None  # no plugin measures X_KPI_02: data not available
    messages = [str(f) for f in run.findings]
    assert any("calls.csv:4: 'answered': answered and abandoned" in m for m in messages)
    assert any("X_KPI_02 2017-05: no installed plugin provides measure" in m for m in messages)
    assert run.records == 4
    results = csskpi.evaluate(contract, [m for m in run.measurements if m.kpi == "X_KPI_01"])
    assert results.result("X_KPI_01", "2017-05").status is csskpi.Status.RED


def test_absent_dataset_and_empty_month_are_data_not_available(tmp_path: Path, registry: MeasureRegistry, contract: csskpi.Contract) -> None:
    run = measure(contract, load_data(tmp_path, registry), [Period(2017, 5)], registry)
    assert run.measurements[0].value is None
    assert any("dataset calls absent" in f.message for f in run.findings)
    folder = _write(tmp_path / "d", "call_id,offered_on,answered,abandoned\na,2017-04-02,true,false\n")
    run = measure(contract, load_data(folder, registry), [Period(2017, 5)], registry)
    assert run.measurements[0].value is None and any("no records in the population" in f.message for f in run.findings)


def test_bad_raw_data_is_an_input_error(tmp_path: Path, registry: MeasureRegistry) -> None:
    folder = _write(tmp_path / "data", "call_id,offered_on,answered,abandoned\na,2017-05-32,true,false\na,2017-05-02,maybe,false\n")
    with pytest.raises(csskpi.InputError) as info:
        load_data(folder, registry)
    text = str(info.value)
    assert "calls.csv:2" in text and "'offered_on'" in text and "'answered'" in text and "duplicate" in text.lower()


def test_month_outside_the_contract(tmp_path: Path, registry: MeasureRegistry, contract: csskpi.Contract) -> None:
    with pytest.raises(csskpi.ContractError, match="outside the contract"):
        measure(contract, load_data(tmp_path, registry), [Period(2019, 1)], registry)


def test_a_plugin_returning_a_percentage_is_refused(tmp_path: Path, contract: csskpi.Contract) -> None:
    class Sloppy(CallsPlugin):
        @hookimpl
        def csskpi_measures(self) -> list[Measure]:
            return [Measure("X_KPI_01", {"calls": ("abandoned",)}, lambda inputs: 97.5)]  # type: ignore[arg-type,return-value]

    registry = MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[Sloppy()]))
    folder = _write(tmp_path / "data", "call_id,offered_on,answered,abandoned\na,2017-05-02,true,false\n")
    with pytest.raises(csskpi.PluginError, match="returned float, not Counts"):
        measure(contract, load_data(folder, registry), [Period(2017, 5)], registry)


def test_measure_reading_an_undeclared_dataset_is_refused() -> None:
    class Orphan:
        @hookimpl
        def csskpi_measures(self) -> list[Measure]:
            return [Measure("Y_KPI_01", {"nowhere": ("x",)}, _abandoned)]

    with pytest.raises(csskpi.PluginError, match="'nowhere', which no plugin declares"):
        MeasureRegistry.from_plugins(csskpi.get_plugin_manager(load_entry_points=False, extra=[Orphan()]))


def test_csskpi_synthesize_writes_a_loadable_folder(tmp_path: Path, registry: MeasureRegistry, contract: csskpi.Contract) -> None:
    frames = synthesize(SynthRequest(Period(2017, 5), Period(2017, 6), 0.5, 1), registry)
    assert frames["calls"].height == 20
    write_data(frames, tmp_path / "out")
    run = measure(contract, load_data(tmp_path / "out", registry), [Period(2017, 5)], registry)
    assert run.measurements[0].value == 10  # every tenth call abandoned


def test_csskpi_appendices_build(tmp_path: Path, registry: MeasureRegistry) -> None:
    folder = _write(tmp_path / "data", "call_id,offered_on,answered,abandoned\na,2017-05-02,true,false\nb,2017-06-02,true,false\n")
    table = build_appendix(registry, "call-count", load_data(folder, registry), Period(2017, 5), Period(2017, 6), dt.date(2017, 5, 31))
    assert table.rows == ((1,),)
    with pytest.raises(csskpi.PluginError, match="no appendix named 'nope'"):
        build_appendix(registry, "nope", load_data(folder, registry), Period(2017, 5), Period(2017, 6), dt.date(2017, 5, 31))


def test_plugins_listing(registry: MeasureRegistry) -> None:
    infos = {p.name: p for p in registry.plugins()}
    mine = next(p for p in infos.values() if "X_KPI_01" in p.kpis)
    assert mine.datasets == ("calls",) and mine.appendices == ("call-count",)
    assert infos["csskpi.builtin"].datasets == ("surveys",)


# The backlog rule (docs/measures.md): a record counts once, in its month — unless still open at the end of the
# month its deadline fell in, when it counts as a failure in the deadline's month instead.
BACKLOG = pl.DataFrame(
    {
        "id": ["on time", "late same month", "open past deadline", "late next month", "done before deadline"],
        "deadline": [dt.date(2017, 5, 10), dt.date(2017, 5, 10), dt.date(2017, 5, 25), dt.date(2017, 5, 30), dt.date(2017, 6, 5)],
        "done": [dt.date(2017, 5, 9), dt.date(2017, 5, 12), None, dt.date(2017, 6, 2), dt.date(2017, 5, 31)],
    }
)


@pytest.mark.parametrize(("month", "passing", "population"), [(5, 2, 5), (6, 0, 0), (4, 0, 0)])
def test_backlog_rule(month: int, passing: int, population: int) -> None:
    counts = deadline_counts(
        BACKLOG, Period(2017, month), month_by=pl.col("done"), deadline=pl.col("deadline"), completed=pl.col("done")
    )
    # May: on time, late same month, open past deadline (failure, May), late next month (open at the end of May,
    # its deadline month: failure in May, never again in June), done before deadline (May, by completion).
    assert (counts.passing, counts.population) == (passing, population)


def test_backlog_rule_with_month_by_receipt() -> None:
    frame = BACKLOG.with_columns(received=pl.lit(dt.date(2017, 4, 28)))
    counts = deadline_counts(frame, Period(2017, 4), month_by=pl.col("received"), deadline=pl.col("deadline"), completed=pl.col("done"))
    assert (counts.passing, counts.population) == (2, 3)  # the two backlog records count in May instead
    assert ROW_COLUMN == "__row__"
