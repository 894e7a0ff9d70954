"""Raw datasets shared by several measure plugins: the ``surveys`` dataset.

One ``surveys`` file holds every satisfaction survey response of the contract; each KPI that reports a survey
selects its ``kind`` (``MEASURES.md``: PM_KPI_08 ``pm_manager_contact``, PM_KPI_12 ``pm_my_helpdesk``,
IMT_KPI_12 ``it_incident``, CSC_KPI_07 ``csc_customer``, ACF_KPI_09 ``acf_user``). ``kind`` is free text rather
than an enumeration so that a file may carry responses to surveys no KPI measures; a response of an unknown kind
simply counts towards no KPI.

A rating is on the five-point scale ``very poor, poor, fair, good, very good``, or its number ``1``-``5``, written
exactly so (lowercase); "good or better" is ``good``, ``very good``, ``4`` or ``5``.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

import polars as pl

from csskpi.data.spec import Column, ColumnKind, DatasetSpec

__all__ = [
    "RATING_WORDS",
    "RATINGS",
    "GOOD_OR_BETTER",
    "SURVEY_KINDS",
    "SURVEYS",
    "COMMON_DATASETS",
    "rating_score",
    "good_or_better",
]

RATING_WORDS: Final = ("very poor", "poor", "fair", "good", "very good")
RATINGS: Final = RATING_WORDS + tuple(str(n) for n in range(1, 6))
GOOD_OR_BETTER: Final = ("good", "very good", "4", "5")
SURVEY_KINDS: Final = ("pm_manager_contact", "pm_my_helpdesk", "it_incident", "csc_customer", "acf_user")

SURVEYS: Final = DatasetSpec(
    name="surveys",
    columns=(
        Column("kind", ColumnKind.STR, description="which survey: " + ", ".join(SURVEY_KINDS)),
        Column("response_id", ColumnKind.STR, description="unique per response"),
        Column("responded_on", ColumnKind.DATE, description="the day of the response: its month"),
        Column("rating", ColumnKind.ENUM, values=RATINGS, description="very poor..very good, or 1-5"),
    ),
    id_column="response_id",
    description="Satisfaction survey responses of every kind",
)

COMMON_DATASETS: Final = MappingProxyType({SURVEYS.name: SURVEYS})

_SCORES: Final = {word: n for n, word in enumerate(RATING_WORDS, start=1)} | {str(n): n for n in range(1, 6)}


def rating_score(rating: pl.Expr) -> pl.Expr:
    """The rating as a number 1 (very poor) to 5 (very good); null where the rating is."""
    return rating.replace_strict(_SCORES, default=None, return_dtype=pl.Int8)


def good_or_better(rating: pl.Expr) -> pl.Expr:
    """True where the rating is good or very good (4 or 5); null where the rating is."""
    return pl.when(rating.is_null()).then(None).otherwise(rating.is_in(GOOD_OR_BETTER))
