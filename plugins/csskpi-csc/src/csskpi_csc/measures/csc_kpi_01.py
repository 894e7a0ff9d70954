"""CSC_KPI_01: % of all contacts received through digital access channels per month.

Formula (docs/measures.md): of the ``contacts`` received in the month (month by ``received_at``), the % whose
``channel`` is a digital channel. The digital channels are the parameter ``digital_channels`` (*assumed*:
web, email, webchat, online_form, self_service, app, social).
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Counts, Measure, MeasureInput, names_parameter

from ..datasets import DIGITAL_CHANNELS
from ..kit import month_share

NAME = "CSC_KPI_01"


def compute(inputs: MeasureInput) -> Counts:
    digital = names_parameter(inputs, NAME, "digital_channels", DIGITAL_CHANNELS)
    return month_share(inputs.data["contacts"], inputs.period, "received_at", pl.col("channel").is_in(list(digital)))


MEASURE = Measure(
    name=NAME,
    columns={"contacts": ("received_at", "channel")},
    compute=compute,
    description="% of the month's contacts (by received_at) through a digital channel (parameter digital_channels)",
    unit="records",
)
