"""The People Management measures: one module per KPI, listed explicitly."""

from __future__ import annotations

from typing import Final

from csskpi.plugin import Measure

from . import pm_kpi_01, pm_kpi_02, pm_kpi_03, pm_kpi_05, pm_kpi_06, pm_kpi_07, pm_kpi_08, pm_kpi_11, pm_kpi_12

__all__ = ["MEASURES"]

MEASURES: Final[tuple[Measure, ...]] = (
    pm_kpi_01.MEASURE,
    pm_kpi_02.MEASURE,
    pm_kpi_03.MEASURE,
    pm_kpi_05.MEASURE,
    pm_kpi_06.MEASURE,
    pm_kpi_07.MEASURE,
    pm_kpi_08.MEASURE,
    pm_kpi_11.MEASURE,
    pm_kpi_12.MEASURE,
)
