"""The ACF measures, one module per KPI; ``MEASURES`` lists them explicitly (no filesystem scanning)."""

from __future__ import annotations

from typing import Final

from csskpi.plugin import Measure

from . import (
    acf_kpi_01,
    acf_kpi_03,
    acf_kpi_04,
    acf_kpi_05,
    acf_kpi_06,
    acf_kpi_07,
    acf_kpi_08,
    acf_kpi_09,
    acf_kpi_10,
    acf_kpi_11,
)

__all__ = ["MEASURES"]

MEASURES: Final[tuple[Measure, ...]] = (
    acf_kpi_01.MEASURE,
    acf_kpi_03.MEASURE,
    acf_kpi_04.MEASURE,
    acf_kpi_05.MEASURE,
    acf_kpi_06.MEASURE,
    acf_kpi_07.MEASURE,
    acf_kpi_08.MEASURE,
    acf_kpi_09.MEASURE,
    acf_kpi_10.MEASURE,
    acf_kpi_11.MEASURE,
)
