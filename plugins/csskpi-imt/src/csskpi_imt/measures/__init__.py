"""The IMT measures, one module per KPI; ``MEASURES`` lists them explicitly (no discovery)."""

from __future__ import annotations

from typing import Final

from csskpi.plugin import Measure

from . import (
    imt_kpi_01,
    imt_kpi_02,
    imt_kpi_03,
    imt_kpi_04,
    imt_kpi_05,
    imt_kpi_06,
    imt_kpi_07,
    imt_kpi_09,
    imt_kpi_10,
    imt_kpi_11,
    imt_kpi_12,
    imt_kpi_13,
    imt_kpi_14,
)

__all__ = ["MEASURES"]

MEASURES: Final[tuple[Measure, ...]] = (
    imt_kpi_01.MEASURE,
    imt_kpi_02.MEASURE,
    imt_kpi_03.MEASURE,
    imt_kpi_04.MEASURE,
    imt_kpi_05.MEASURE,
    imt_kpi_06.MEASURE,
    imt_kpi_07.MEASURE,
    imt_kpi_09.MEASURE,
    imt_kpi_10.MEASURE,
    imt_kpi_11.MEASURE,
    imt_kpi_12.MEASURE,
    imt_kpi_13.MEASURE,
    imt_kpi_14.MEASURE,
)
