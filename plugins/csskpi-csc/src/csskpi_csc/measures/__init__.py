"""The CSC measures, one module per KPI; :data:`MEASURES` lists them explicitly (no filesystem scanning)."""

from __future__ import annotations

from typing import Final

from csskpi.plugin import Measure

from . import csc_kpi_01, csc_kpi_03, csc_kpi_04, csc_kpi_05, csc_kpi_06, csc_kpi_07, csc_kpi_09, csc_kpi_10

__all__ = ["MEASURES"]

MEASURES: Final[tuple[Measure, ...]] = (
    csc_kpi_01.MEASURE,
    csc_kpi_03.MEASURE,
    csc_kpi_04.MEASURE,
    csc_kpi_05.MEASURE,
    csc_kpi_06.MEASURE,
    csc_kpi_07.MEASURE,
    csc_kpi_09.MEASURE,
    csc_kpi_10.MEASURE,
)
