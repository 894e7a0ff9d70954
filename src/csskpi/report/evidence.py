"""The evidence workbook written beside a report built from raw data: each KPI-month below MSL, linked to the
records that fail it.

A figure below MSL is the one a supplier disputes first ("show us the records"). For every KPI-month of the
report whose own figure earns RED and whose measure gives evidence, the workbook has a sheet of its failing records
(in a count KPI, those counted) with why each counts and the reason in words, and an index sheet naming them all.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from csskpi.model.period import Period
from csskpi.model.result import Status
from csskpi.pipeline.assessment import Assessment
from csskpi.pipeline.evidence import COLUMNS, Evidence, kpi_evidence
from csskpi.pipeline.measure import MeasureRegistry
from csskpi.report.xlsx import safe_text

__all__ = ["below_msl_evidence", "evidence_workbook"]


def below_msl_evidence(assessment: Assessment, registry: MeasureRegistry, start: Period, end: Period) -> list[Evidence]:
    """The evidence of every KPI-month from ``start`` to ``end`` whose figure earns RED (below MSL), for the KPIs
    whose measure gives evidence, in catalogue and month order; empty unless measured from raw data."""
    run = assessment.measure_run
    if run is None:
        return []
    frames = run.data.frames()
    found = []
    for result in assessment.evaluation:
        if not start <= result.period <= end or result.earned is not Status.RED or result.value is None:
            continue
        measure = registry.measures.get(result.kpi.measure)
        if measure is None or (measure.rule is None and measure.evidence is None):
            continue
        if any(d not in frames for d in measure.datasets):
            continue
        found.append(kpi_evidence(assessment.contract, frames, result.kpi.reference, result.period, registry.measures))
    return found


def evidence_workbook(evidences: Sequence[Evidence]) -> bytes:
    """An Excel workbook: an index of the KPI-months below MSL, then a sheet of each one's failing records."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    wb = Workbook()
    index = wb.active
    index.title = "Below MSL"
    index.append(["KPI", "month", "value", "passing", "population", "failing records", "sheet"])
    for ev in evidences:
        failing = ev.failing()
        sheet_name = f"{ev.kpi} {ev.period}"[:31]
        index.append([ev.kpi, str(ev.period), ev.value, ev.counts.passing,
                      ev.counts.population, failing.height, sheet_name])
        link = index.cell(row=index.max_row, column=7)
        link.hyperlink = f"#'{sheet_name}'!A1"
        ws = wb.create_sheet(sheet_name)
        ws.append(list(COLUMNS))
        for row in failing.iter_rows():
            ws.append([safe_text(v) if isinstance(v, str) else v for v in row])
        ws.freeze_panes = "A2"
    index.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
