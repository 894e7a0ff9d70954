"""The trend analysis of the green KPIs: the least-squares fit, the classification rule, the projection."""

from __future__ import annotations

import math
import statistics
from decimal import Decimal
from fractions import Fraction

import pytest

import csskpi
from csskpi.model.period import Period
from csskpi.report.trend import TrendClass, analyse_trends, fit_line, t_critical

P = Period.parse
START = P("2017-05")


def test_fit_is_exact_least_squares() -> None:
    ys = [1, 3, 2, 5, 4]
    fit = fit_line([(x, Fraction(y)) for x, y in enumerate(ys)])
    assert fit.slope == Fraction(4, 5) and fit.intercept == Fraction(7, 5)
    assert fit.rss == Fraction(18, 5)
    assert fit.se_squared == Fraction(3, 25)
    assert fit.se == pytest.approx(math.sqrt(0.12))
    reference = statistics.linear_regression(range(5), ys)
    assert float(fit.slope) == pytest.approx(reference.slope)
    perfect = fit_line([(x, Fraction(2) + Fraction(x, 2)) for x in range(4)])
    assert (perfect.slope, perfect.rss, perfect.se) == (Fraction(1, 2), 0, 0.0)
    with pytest.raises(ValueError):
        fit_line([(1, Fraction(1))])


def test_t_critical_values() -> None:
    assert t_critical(4) == Fraction("2.776")
    assert t_critical(30) == Fraction("2.042")
    assert t_critical(200) == 2
    with pytest.raises(ValueError):
        t_critical(0)


def _results(contract: csskpi.Contract, series: dict[str, list[str]], start: Period = START) -> tuple[csskpi.Result, ...]:
    ms = [csskpi.Measurement(kpi, start + i, Decimal(v)) for kpi, values in series.items() for i, v in enumerate(values)]
    return csskpi.evaluate(contract, ms).results


def test_classification_is_direction_aware(contract: csskpi.Contract) -> None:
    results = _results(contract, {
        "PM_KPI_05": ["90", "91", "92", "93", "94", "95"],  # higher is better, rising 1/month: improving
        "PM_KPI_08": ["100", "99", "98", "97", "96", "96"],  # higher is better, falling: deteriorating (still >= 95)
        "PM_KPI_12": ["85", "84", "86", "85", "84", "85"],  # noise: stable
        "CSC_KPI_04": ["6.5", "6", "5.5", "5", "4.5", "4"],  # lower is better, falling: improving
        "ACF_KPI_06": ["1", "1.5", "2", "2.5", "3", "3.5"],  # lower is better, rising: deteriorating (TSL <= 5)
        "PM_KPI_07": ["100", "99.5", "100", "99.6", "100", "100"],  # small wobble below the material threshold
        "IMT_KPI_04": ["0", "0", "0", "0", "0", "3"],  # amber in the last month: not a green KPI
        "IMT_KPI_05": ["1", "1"],  # too few months
    })
    t = analyse_trends(contract, results, START, START + 5)
    got = {r.kpi: r.trend for r in t.rows}
    assert got == {
        "PM_KPI_05": TrendClass.IMPROVING, "PM_KPI_07": TrendClass.STABLE, "PM_KPI_08": TrendClass.DETERIORATING,
        "PM_KPI_12": TrendClass.STABLE, "CSC_KPI_04": TrendClass.IMPROVING, "ACF_KPI_06": TrendClass.DETERIORATING,
    }
    assert [r.kpi for r in t.rows][:4] == ["PM_KPI_05", "PM_KPI_07", "PM_KPI_08", "PM_KPI_12"]  # catalogue order
    assert t.not_green == ("IMT_KPI_04",) and t.too_few == ("IMT_KPI_05",)
    assert t.share_stable_or_improving == Fraction(4, 6)
    assert t.headline().startswith("67% of the green KPIs (4 of 6) are stable or improving; 2 are deteriorating")
    row = next(r for r in t.rows if r.kpi == "PM_KPI_05")
    assert row.slope == 1 and row.significant and row.material and row.projection == "line"
    assert row.threshold == 5  # the amber band |TSL - MSL| of 85/80


def test_projection_below_tsl(contract: csskpi.Contract) -> None:
    # 99 falling by 1 a month from May 2017: the line is below TSL 85 first at x = 15, August 2018.
    results = _results(contract, {"PM_KPI_05": ["99", "98", "97", "96", "95", "94"]})
    row = analyse_trends(contract, results, START, START + 5).rows[0]
    assert row.trend is TrendClass.DETERIORATING and row.projected_below_tsl == P("2018-08")
    # A stable KPI keeps its level (the median): CSC_KPI_01 at ~26% meets 25 now but not the 35 of April 2018.
    results = _results(contract, {"CSC_KPI_01": ["26", "26.5", "25.8", "26.2", "26.1", "26.05"]}, P("2017-10"))
    row = analyse_trends(contract, results, P("2017-10"), P("2018-03")).rows[0]
    assert row.trend is TrendClass.STABLE and row.projection == "level"
    assert row.projected_below_tsl == P("2018-04")
    # One bad month does not condemn a stable KPI: the median is at target.
    results = _results(contract, {"IMT_KPI_01": ["99.96", "100", "99.92", "97.50", "99.82", "100"]})
    assert analyse_trends(contract, results, START, START + 5).rows[0].projected_below_tsl is None


def test_no_green_kpi(contract: csskpi.Contract) -> None:
    t = analyse_trends(contract, _results(contract, {"IMT_KPI_04": ["3", "3", "3"]}), START, START + 2)
    assert t.share_stable_or_improving is None and "no trend" in t.headline()
    with pytest.raises(ValueError):
        analyse_trends(contract, (), START + 2, START)
