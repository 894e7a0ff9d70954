"""IMT_KPI_14 — % of Windows devices patched within 21 days of an update's release (in force from 2020).

Formula (docs/measures.md): of the ``patching`` rows of the ``os`` (windows) whose due date
``update_released_on + within_days`` (21 calendar days) falls in the month::

    100 * (devices with patched_on <= due date) / devices due

A device still unpatched at the end of its due month counts, as a failure, in that month (the backlog rule with
the due date as both month and deadline). ``os`` is matched stripped and case-insensitively; it may be a list.
Parameters: ``os`` (windows), ``within_days`` (21). Not in the bundled 2017 contract yet.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, text

from ..kit import names, normalised, param


def rule(ctx: RuleContext) -> RecordRule:
    systems = names(param(ctx, "os", "windows"))
    days = int(param(ctx, "within_days", 21))
    released, patched = pl.col("update_released_on"), pl.col("patched_on")
    due = released + pl.duration(days=days)
    # Month of the due date: its own month and its deadline's month are one, so the backlog rule only decides
    # that a device not patched by then fails there, once.
    return RecordRule(
        dataset="patching", id="device_id", month=due, population=normalised("os").is_in(systems), start=released,
        deadline=due, completed=patched, lookback=dt.timedelta(days=max(days, 0)) if days >= 0 else None,
        reason=text("{}; released {}; due {}; patched {}", pl.col("os"), released.dt.strftime("%Y-%m-%d"),
                    due.dt.strftime("%Y-%m-%d"), patched.dt.strftime("%Y-%m-%d").fill_null("not yet")),
    )


MEASURE = Measure.from_rule(
    "IMT_KPI_14",
    {"patching": ("device_id", "os", "update_released_on", "patched_on")},
    rule,
    description="% of Windows devices patched within 21 days of the update's release (month of the due date)",
    unit="devices",
)
compute = MEASURE.compute
