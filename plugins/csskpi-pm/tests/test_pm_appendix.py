"""The payroll-contacts appendix against Appendix C of the 21 December 2017 report (snapshot as at 27 Nov 2017).

The hand-built frame reproduces May-October 2017 of Appendix C: for each month and category, the contacts received,
of which resolved by 27 November 2017 and outstanding then. (Earlier months are not used: several of their printed
cells do not add up, e.g. January's corporate "163 (162/0)", and April's printed rate 99.94% is not 215/216.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from csskpi.model.period import Period
from csskpi.plugin.types import AppendixInput

from csskpi_pm.appendix import APPENDIX, NAME, build, payroll_contact_counts
from pm_testkit import frame

AS_AT = dt.date(2017, 11, 27)
# (month, category): (received, resolved, outstanding) as printed in Appendix C.
APPENDIX_C = {
    (5, "corporate"): (135, 134, 1), (5, "school"): (79, 78, 1),
    (6, "corporate"): (125, 124, 1), (6, "school"): (74, 72, 2),
    (7, "corporate"): (119, 117, 2), (7, "school"): (53, 51, 2),
    (8, "corporate"): (95, 86, 9), (8, "school"): (43, 36, 7),
    (9, "corporate"): (117, 94, 23), (9, "school"): (92, 37, 55),
    (10, "corporate"): (136, 87, 49), (10, "school"): (108, 48, 60),
}  # fmt: skip
TOTALS = ["214 (212/2)", "199 (196/3)", "172 (168/4)", "138 (122/16)", "209 (131/78)", "244 (135/109)"]
RATES = ["99.07", "98.49", "97.67", "88.41", "62.68", "55.33"]


def _contacts() -> pl.DataFrame:
    rows = []
    n = 0
    for (month, category), (received, resolved, _outstanding) in APPENDIX_C.items():
        for i in range(received):
            n += 1
            at = dt.datetime(2017, month, 1 + i % 28, 8 + i % 10, 15)
            if i < resolved:
                # Resolved on or before the as-at date; the last one late on the as-at day itself.
                done = dt.datetime(2017, 11, 27, 23, 0) if i == resolved - 1 else at + dt.timedelta(days=1)
            elif i % 2:
                done = dt.datetime(2017, 11, 28, 9, 0)  # resolved after the snapshot: outstanding as at 27 Nov
            else:
                done = None
            rows.append((f"C{n:05d}", at, "1" if i % 3 else "2", category, False, done))
    # Outside the table: April 2017 (before start), and received after the as-at date.
    rows.append(("X1", dt.datetime(2017, 4, 30, 23, 59), "1", "school", False, None))
    rows.append(("X2", dt.datetime(2017, 11, 28, 9, 0), "1", "school", False, None))
    return frame("pm_contacts", rows)


@pytest.fixture(scope="module")
def contacts() -> pl.DataFrame:
    return _contacts()


def test_the_appendix_reproduces_appendix_c(contacts: pl.DataFrame) -> None:
    table = build(AppendixInput(Period(2017, 5), Period(2017, 10), AS_AT, {"pm_contacts": contacts}))
    assert table.columns == ("Payroll Contacts Received", "May 2017", "Jun 2017", "Jul 2017", "Aug 2017",
                             "Sep 2017", "Oct 2017")  # fmt: skip
    corporate, school, total, rate = table.rows
    assert corporate[0] == "Corporate Contacts (of which Resolved / Outstanding)"
    assert corporate[1:] == tuple("{} ({}/{})".format(*APPENDIX_C[(m, "corporate")]) for m in range(5, 11))
    assert school[1:] == tuple("{} ({}/{})".format(*APPENDIX_C[(m, "school")]) for m in range(5, 11))
    assert list(total[1:]) == TOTALS
    assert rate[0].startswith("Overall Resolution Rate") and "27 Nov 2017" in rate[0]
    assert list(rate[1:]) == [Decimal(r) for r in RATES]
    assert all(isinstance(r, Decimal) for r in rate[1:])
    # October 2017 as the brief quotes it.
    assert (corporate[6], school[6], total[6], rate[6]) == ("136 (87/49)", "108 (48/60)", "244 (135/109)",
                                                            Decimal("55.33"))  # fmt: skip
    assert "27 Nov 2017" in table.title and table.notes


def test_the_numbers_behind_the_appendix(contacts: pl.DataFrame) -> None:
    counts = payroll_contact_counts(contacts, Period(2017, 4), Period(2017, 12), AS_AT)
    assert counts.columns == ["period", "category", "received", "resolved", "outstanding"]
    assert counts.height == 9 * 3  # every month and category, zeros included
    row = counts.filter((pl.col("period") == "2017-10") & (pl.col("category") == "total")).row(0)
    assert row == ("2017-10", "total", 244, 135, 109)
    april = counts.filter(pl.col("period") == "2017-04")["received"].to_list()
    assert april == [0, 1, 1]  # X1, a school contact received on 30 April
    november = counts.filter(pl.col("period") == "2017-11")["received"].to_list()
    assert november == [0, 0, 0]  # X2 was received after the as-at date


def test_an_as_at_date_later_resolves_more(contacts: pl.DataFrame) -> None:
    later = payroll_contact_counts(contacts, Period(2017, 10), Period(2017, 10), dt.date(2017, 11, 28))
    total = later.filter(pl.col("category") == "total").row(0, named=True)
    # The contacts resolved at 09:00 on 28 November (the odd-numbered outstanding ones) are resolved as at that day.
    resolved_28th = sum(i % 2 for i in range(87, 136)) + sum(i % 2 for i in range(48, 108))
    assert (resolved_28th, total["received"], total["resolved"]) == (55, 244, 135 + 55)


def test_a_month_with_no_contacts_has_no_rate() -> None:
    table = build(AppendixInput(Period(2017, 1), Period(2017, 2), AS_AT, {"pm_contacts": frame("pm_contacts", [])}))
    assert table.rows[2][1:] == ("0 (0/0)", "0 (0/0)")
    assert table.rows[3][1:] == (None, None)


def test_the_appendix_is_declared_and_built_by_the_core(contacts: pl.DataFrame) -> None:
    import csskpi
    from csskpi.pipeline.measure import MeasureRegistry, build_appendix, load_data

    import csskpi_pm.plugin

    assert (APPENDIX.name, APPENDIX.title) == (NAME, "Payroll contacts received, resolved and outstanding")
    registry = MeasureRegistry.from_plugins(
        csskpi.get_plugin_manager(load_entry_points=False, extra=[csskpi_pm.plugin])
    )
    data = load_data(None, registry, frames={"pm_contacts": contacts})
    table = build_appendix(registry, NAME, data, Period(2017, 5), Period(2017, 10), AS_AT)
    assert table.rows[2][1:] == tuple(TOTALS)
