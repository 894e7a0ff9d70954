"""The payroll-contacts appendix: contacts received, resolved and outstanding as at a date (the council's Appendix C).

For every month from ``start`` to ``end`` and each category (corporate staff, school staff) and both together: the
contacts received in the month, how many of them were resolved as at the as-at date (``resolved_at`` on or before
that day) and how many were still outstanding then, and the overall resolution rate ``100 * resolved / received``,
exact and rounded half-up to 2 decimals. A cell reads as the council prints it: ``135 (134/1)`` is 135 received,
134 resolved, 1 outstanding.

Choices the report leaves open: every ``pm_contacts`` record is a payroll contact; a contact received after the
as-at date is not counted (it was not known then); a month with no contact has no resolution rate (empty).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Final

import polars as pl
from csskpi.plugin import Appendix, AppendixInput, AppendixTable, Period, month_index, round_half_up

from .datasets import CATEGORIES

__all__ = ["APPENDIX", "NAME", "TITLE", "payroll_contact_counts", "build"]

NAME: Final = "payroll-contacts"
TITLE: Final = "Payroll contacts received, resolved and outstanding"

_LABELS: Final = {"corporate": "Corporate Contacts", "school": "School Contacts", "total": "Total Contacts"}


def payroll_contact_counts(contacts: pl.DataFrame, start: Period, end: Period, as_at: dt.date) -> pl.DataFrame:
    """The appendix's numbers: one row per month and category (``corporate``, ``school``, ``total``).

    Columns ``period`` (``YYYY-MM``), ``category``, ``received``, ``resolved``, ``outstanding`` (Int64), every month
    of ``start``..``end`` present, with zeros where nothing was received.
    """
    day_after = dt.datetime.combine(as_at + dt.timedelta(days=1), dt.time())
    month = month_index(pl.col("received_at"))
    counted = (
        contacts.lazy()
        .filter((month >= start.index) & (month <= end.index) & (pl.col("received_at") < day_after))
        .group_by(month.alias("index"), "category")
        .agg(
            received=pl.len().cast(pl.Int64),
            resolved=(pl.col("resolved_at") < day_after).fill_null(False).cast(pl.Int64).sum(),
        )
        .collect()
    )
    indexes = list(range(start.index, end.index + 1))
    grid = pl.DataFrame(
        {"index": [i for i in indexes for _ in CATEGORIES], "category": [c for _ in indexes for c in CATEGORIES]},
        schema={"index": pl.Int32, "category": pl.String},
    )
    by_category = grid.join(counted, on=["index", "category"], how="left").with_columns(
        pl.col("received", "resolved").fill_null(0)
    )
    total = (
        by_category.group_by("index").agg(pl.col("received", "resolved").sum()).with_columns(category=pl.lit("total"))
    )
    both = pl.concat([by_category, total.select(by_category.columns)])
    order = {c: n for n, c in enumerate((*CATEGORIES, "total"))}
    return (
        both.with_columns(
            outstanding=pl.col("received") - pl.col("resolved"),
            period=pl.col("index").replace_strict(
                {i: str(Period.from_index(i)) for i in indexes}, return_dtype=pl.String
            ),
            rank=pl.col("category").replace_strict(order, return_dtype=pl.Int8),
        )
        .sort("index", "rank")
        .select("period", "category", "received", "resolved", "outstanding")
    )


def _heading(period: Period) -> str:
    return period.first_day.strftime("%b %Y")


def build(inputs: AppendixInput) -> AppendixTable:
    """The appendix as the council prints it: months across, categories down, then the resolution rate."""
    counts = payroll_contact_counts(inputs.data["pm_contacts"], inputs.start, inputs.end, inputs.as_at)
    periods = list(Period.range(inputs.start, inputs.end))
    cells = {(r["period"], r["category"]): r for r in counts.iter_rows(named=True)}
    rows: list[tuple[object, ...]] = []
    for category, label in _LABELS.items():
        rows.append(
            (
                f"{label} (of which Resolved / Outstanding)",
                *("{received} ({resolved}/{outstanding})".format(**cells[(str(p), category)]) for p in periods),
            )
        )
    rates = []
    for p in periods:
        total = cells[(str(p), "total")]
        received, resolved = total["received"], total["resolved"]
        rates.append(None if received == 0 else round_half_up(Fraction(100 * resolved, received), 2))
    as_at = f"{inputs.as_at.day} {inputs.as_at.strftime('%b %Y')}"
    rows.append((f"Overall Resolution Rate % (Corporate + Schools) (correct as at {as_at})", *rates))
    return AppendixTable(
        title=f"{TITLE} ({_heading(inputs.start)} - {_heading(inputs.end)}), as at {as_at}",
        columns=("Payroll Contacts Received", *(_heading(p) for p in periods)),
        rows=rows,
        notes=(
            "Contacts made by corporate staff and by school staff, then both together: received in the month "
            "(resolved / outstanding).",
            f"Resolved and outstanding as at {as_at}: a contact is resolved if its resolved_at is on or before "
            "that day; contacts received after it are not counted.",
            "Overall resolution rate: 100 x resolved / received, rounded half-up to 2 decimal places; empty where "
            "no contact was received.",
        ),
    )


APPENDIX: Final = Appendix(
    name=NAME,
    title=TITLE,
    columns={"pm_contacts": ("received_at", "category", "resolved_at")},
    in_report=True,
    build=build,
)
