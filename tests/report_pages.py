"""Reports for the layout tests: the December 2017 example (6 months, with its commentary) and a synthetic
12-month one (October 2019 - September 2020: a KPI added mid-range, credits suspended, mitigation, RED and AMBER
months, long figures), built from the contract's own targets so that every status appears."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import csskpi
from csskpi.files.commentary import read_commentary
from csskpi.model.targets import Direction
from csskpi.report import Report, build_report
from csskpi.report.commentary import with_commentary

from .test_report import dec2017_assessment

EXAMPLE = Path(csskpi.__file__).parent / "builtin" / "examples" / "dec-2017"


def six_month_report() -> Report:
    assessment = dec2017_assessment()
    report = build_report(assessment, start="2017-05", end="2017-10", generated=dt.date(2017, 12, 21))
    return with_commentary(report, read_commentary(EXAMPLE / "commentary.toml", assessment.contract))


def _value(step: csskpi.TargetStep, direction: Direction, roll: float) -> Decimal:
    tsl, msl = step.tsl, step.msl
    higher = direction is Direction.HIGHER
    if roll < 0.08:  # RED
        return msl - 3 if higher else msl + 3
    if roll < 0.2:  # AMBER (or GREEN when TSL equals MSL)
        return (tsl + msl) / 2
    better = Decimal("0.5") if higher else Decimal("-0.5")
    value = tsl + better * Decimal(int(roll * 10))
    return min(value, Decimal(100)) if higher else max(value, Decimal(0))


def twelve_month_report() -> Report:
    contract = csskpi.load_contract()
    rng = random.Random(2020)
    months = list(csskpi.Period.range(csskpi.Period(2019, 10), csskpi.Period(2020, 9)))
    measurements = []
    for p in months:
        for kpi in contract.kpis_in_force(p):
            step = kpi.step_at(p)
            assert step is not None
            value = _value(step, kpi.direction, rng.random()).quantize(Decimal("0.01"))
            if kpi.reference == "ACF_KPI_03":  # in mitigation all year: a mitigation relieves failing months only
                value = ((step.tsl + step.msl) / 2).quantize(Decimal("0.01"))
            measurements.append(csskpi.Measurement(kpi.reference, p, value))
    decisions = csskpi.Decisions(mitigations=[
        csskpi.Mitigation("ACF_KPI_03", "2019-10", "2020-09", reason="In mitigation since December 2016 as a result "
                          "of Mosaic implementation (a long reason that must wrap inside its cell, not spill out of it)."),
    ])
    return build_report(csskpi.assess(contract, measurements, decisions), start="2019-10", end="2020-09",
                        generated=dt.date(2020, 10, 29))
