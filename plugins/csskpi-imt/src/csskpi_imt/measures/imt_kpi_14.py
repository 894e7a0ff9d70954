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
from csskpi.plugin import Counts, Measure, MeasureInput

from ..kit import backlog_counts, between, names, normalised, param


def compute(inputs: MeasureInput) -> Counts:
    systems = names(param(inputs, "os", "windows"))
    days = int(param(inputs, "within_days", 21))
    first, last = inputs.period.first_day, inputs.period.last_day
    # Due in the month (the month of every row that can count here), then the operating system.
    due_here = between("update_released_on", first - dt.timedelta(days), last + dt.timedelta(1 - days))
    devices = inputs.data["patching"].filter(due_here).filter(normalised("os").is_in(systems))
    devices = devices.with_columns(__due__=pl.col("update_released_on") + pl.duration(days=days))
    return backlog_counts(
        devices, inputs.period, month_by="__due__", deadline="__due__", completed="patched_on", unit="devices"
    )


MEASURE = Measure(
    name="IMT_KPI_14",
    columns={"patching": ("os", "update_released_on", "patched_on")},
    compute=compute,
    description="% of Windows devices patched within 21 days of the update's release (month of the due date)",
    unit="devices",
)
