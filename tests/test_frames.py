"""Results as data: to_polars()/to_pandas() with exact numbers, Arrow streams as input, short notebook displays."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest

import csskpi
from csskpi.frames import ledger_frame, summary_frame
from csskpi.ledger import Ledger
from csskpi.model.tabular import frame, html_table
from csskpi.pipeline.measure import MeasureRegistry, load_data, measure
from csskpi.pipeline.synth import synthesize
from csskpi.pipeline.tables import findings_columns


@pytest.fixture(scope="module")
def run(contract: csskpi.Contract) -> csskpi.MeasureRun:
    registry = MeasureRegistry.from_plugins()
    months = list(csskpi.Period.range(csskpi.Period(2017, 5), csskpi.Period(2017, 6)))
    frames = synthesize(csskpi.SynthRequest(months[0], months[-1], 0.02, 5, frozenset({"IMT_KPI_01"})), registry)
    return measure(contract, load_data(None, registry, frames=frames), months, registry)


def test_an_evaluation_as_a_polars_frame_keeps_every_figure_exact(dec2017: csskpi.Evaluation) -> None:
    frame = dec2017.to_polars()
    assert frame.height == len(dec2017.results)
    assert isinstance(frame.schema["value"], pl.Decimal) and isinstance(frame.schema["tsl"], pl.Decimal)
    assert frame.schema["month"] == pl.Date and frame.schema["numerator"] == pl.Int64
    for row, result in zip(frame.iter_rows(named=True), dec2017.results, strict=True):
        assert row["kpi"] == result.reference and row["value"] == result.value and row["status"] == result.status.value
        assert row["month"] == dt.date(result.period.year, result.period.month, 1) and row["period"] == str(result.period)
        assert row["tsl"] == (None if result.step is None else result.step.tsl)
    assert frame.filter(pl.col("value").is_not_null())["value"].dtype.scale >= 2  # type: ignore[attr-defined]


def test_to_pandas_gives_decimals_and_a_clear_error_without_pandas(
    dec2017: csskpi.Evaluation, monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = dec2017.to_pandas()
    value = next(v for v in frame["value"] if v is not None)
    assert len(frame) == len(dec2017.results) and isinstance(value, Decimal)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ModuleNotFoundError, match="pip install pandas"):
        dec2017.to_pandas()


def test_a_notebook_shows_a_short_repr_and_a_bounded_escaped_table(dec2017: csskpi.Evaluation) -> None:
    text = repr(dec2017)
    assert text.startswith("<Evaluation lincolnshire-css: ") and len(text) < 120
    assert f"{len(dec2017.results)} results" in text and "2017-05 to 2017-10" in text
    page = dec2017._repr_html_()
    assert page.count("<tr>") == 21 and "more rows" in page and len(page) < 20_000
    nasty = pl.DataFrame({"a": ["<script>alert(1)</script>"]})
    assert "<script>" not in html_table("<b>", nasty) and "&lt;script&gt;" in html_table("<b>", nasty)


def test_a_measure_run_as_frames(run: csskpi.MeasureRun) -> None:
    measured = run.to_polars()
    assert measured.height == len(run.measurements) and isinstance(measured.schema["value"], pl.Decimal)
    assert measured["value"].to_list() == [m.value for m in run.measurements]
    assert measured["denominator"].to_list() == [m.denominator for m in run.measurements]
    findings = run.to_polars("findings")
    assert findings.height == len(run.findings) and findings.columns[:2] == ["dataset", "file"]
    assert frame(findings_columns(())).height == 0
    assert repr(run).startswith("<MeasureRun: ") and "records" in repr(run)
    with pytest.raises(ValueError, match="'table'"):
        run.to_polars("nonsense")


def test_a_credit_run_and_summary_rows_as_frames(dec2017: csskpi.Evaluation) -> None:
    credits = csskpi.compute_credits(dec2017, charges_required=False)
    areas, kpis = credits.to_polars(), credits.to_polars("kpis")
    assert areas["credit"].to_list() == [a.credit for a in credits.areas]
    assert kpis["points"].to_list() == [k.points for k in credits.kpis] and kpis.height == len(credits.kpis)
    assert isinstance(kpis.schema["points"], pl.Decimal) and repr(credits).startswith("<CreditRun: ")
    rows = csskpi.summarise(dec2017)
    table = summary_frame(rows)
    assert table.height == len(rows) and table["total"].to_list() == [r.total for r in rows]
    assert table.schema["green"] == pl.Int64


def test_the_ledgers_current_figures_as_a_frame(dec2017: csskpi.Evaluation, tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger:
        ledger.publish(dec2017, recorded_by="A. Analyst")
        frame = ledger_frame(ledger)
        assert ledger.to_polars().equals(frame)  # the same as a method of the ledger
    assert frame.height == len(dec2017.results) and set(frame["version"]) == {1}
    assert sorted(frame["value"].drop_nulls().to_list()) == sorted(r.value for r in dec2017.results if r.value is not None)


def test_arrow_streams_are_accepted_as_input_frames(run: csskpi.MeasureRun) -> None:
    registry = MeasureRegistry.from_plugins()
    incidents = run.data["incidents"].frame
    table = incidents.to_arrow()
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
    data = load_data(None, registry, frames={"incidents": reader})
    assert data["incidents"].frame.equals(incidents)

    class Stream:  # anything speaking Arrow's PyCapsule stream protocol (a DuckDB relation does)
        def __arrow_c_stream__(self, requested_schema: object = None) -> object:
            return table.__arrow_c_stream__(requested_schema)

    assert load_data(None, registry, frames={"incidents": Stream()})["incidents"].frame.equals(incidents)
    with pytest.raises(TypeError, match="cannot load a dataset from object"):
        load_data(None, registry, frames={"incidents": object()})


def test_the_conversion_modules_import_neither_polars_nor_pandas_until_called() -> None:
    import subprocess

    root = Path(__file__).resolve().parent.parent / "src" / "csskpi"
    code = (
        "import importlib.util, sys\n"
        "sys.modules['polars'] = None; sys.modules['pandas'] = None  # any import of them would now fail\n"
        f"for name, path in (('frames', {str(root / 'frames.py')!r}), ('tabular', {str(root / 'model' / 'tabular.py')!r})):\n"
        "    spec = importlib.util.spec_from_file_location(name, path)\n"
        "    spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_assessment_gives_each_of_its_tables(dec2017: csskpi.Evaluation) -> None:
    assessment = csskpi.assess(dec2017.contract, [r.measurement for r in dec2017.results if r.measurement is not None])
    assert assessment.to_polars().height == len(assessment.evaluation.results)
    summary = assessment.to_polars("summary")
    assert summary["total"].to_list() == [r.total for r in assessment.summary]
    assert assessment.to_polars("areas")["credit"].to_list() == [a.credit for a in assessment.credits.areas]
    assert assessment.to_polars("measurements").height == len(assessment.measurements)
    with pytest.raises(ValueError, match="'table' must be"):
        assessment.to_polars("nope")
    assert repr(assessment).startswith("<Assessment lincolnshire-css: ") and "<table>" in assessment._repr_html_()
