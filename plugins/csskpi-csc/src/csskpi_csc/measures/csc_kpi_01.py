"""CSC_KPI_01: % of all contacts received through digital access channels per month.

Formula (docs/measures.md): of the ``contacts`` received in the month (month by ``received_at``), the % whose
``channel`` is a digital channel. The digital channels are the parameter ``digital_channels`` (*assumed*:
web, email, webchat, online_form, self_service, app, social).
"""

from __future__ import annotations

import polars as pl
from csskpi.plugin import Measure, RecordRule, RuleContext, names_parameter, text

from ..datasets import DIGITAL_CHANNELS
from ..kit import contact_rule

NAME = "CSC_KPI_01"


def rule(ctx: RuleContext) -> RecordRule:
    digital = names_parameter(ctx, NAME, "digital_channels", DIGITAL_CHANNELS)
    return contact_rule(pl.col("channel").is_in(list(digital)), text("channel {}", pl.col("channel").cast(pl.String)))


MEASURE = Measure.from_rule(
    NAME,
    {"contacts": ("contact_id", "received_at", "channel")},
    rule,
    description="% of the month's contacts (by received_at) through a digital channel (parameter digital_channels)",
    unit="records",
)
compute = MEASURE.compute
