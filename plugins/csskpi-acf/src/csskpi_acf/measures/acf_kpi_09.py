"""ACF_KPI_09 — "% of Adult Care Finance Users rating their experience of contact with the Council as Good or
better per month".

docs/measures.md: ``surveys`` (kind=acf_user; response_id, kind, responded_on, rating), month by ``responded_on``:
% of the month's responses rated good or better (``good``, ``very good``, 4 or 5).

Parameters (``[parameters.measures.ACF_KPI_09]``): ``kind`` (default ``acf_user``; not in the bundled contract).
"""

from __future__ import annotations

from csskpi.plugin import GOOD_OR_BETTER, Counts, Measure, MeasureInput, text_parameter

from ..kit import known, month_mask

NAME = "ACF_KPI_09"
KIND = "acf_user"


def compute(inputs: MeasureInput) -> Counts:
    kind = text_parameter(inputs, NAME, "kind", KIND)
    # csskpi.plugin.kit.survey_counts' rule, in Series arithmetic (far cheaper on the shared multi-month file).
    surveys = inputs.data["surveys"]
    rows = known(surveys["kind"] == kind) & month_mask(surveys, "responded_on", inputs.period)
    ratings = surveys["rating"].filter(rows)
    return Counts(int(known(ratings.is_in(GOOD_OR_BETTER)).sum()), ratings.len(), "responses")


MEASURE = Measure(
    name=NAME,
    columns={"surveys": ("kind", "responded_on", "rating")},
    compute=compute,
    description="% of Adult Care Finance users rating their contact good or better",
    unit="responses",
)
