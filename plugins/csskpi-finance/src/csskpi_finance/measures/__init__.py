"""The Finance measures, one module per KPI; :data:`MEASURES` lists them explicitly (no filesystem scanning)."""

from __future__ import annotations

from typing import Final

from csskpi.plugin import Measure

from . import f_kpi_01, f_kpi_02, f_kpi_03

__all__ = ["MEASURES"]

MEASURES: Final[tuple[Measure, ...]] = (f_kpi_01.MEASURE, f_kpi_02.MEASURE, f_kpi_03.MEASURE)
