"""The measure_kit helpers that read a measure's contract parameters: values, defaults, and errors naming the field."""

from __future__ import annotations

from typing import Any

import pytest

import csskpi
from csskpi import MeasureInput, Period
from csskpi.data.calendars import ENGLAND_AND_WALES, BusinessCalendar
from csskpi.plugin.kit import (
    calendar_of,
    choice_parameter,
    count_parameter,
    days_by_name_parameter,
    names_parameter,
    text_parameter,
)

MAY = Period(2017, 5)
FIELD = "parameters.measures.X_KPI_01.p"


def given(**parameters: Any) -> MeasureInput:
    return MeasureInput(MAY, {}, parameters)


def refused(call: Any, value: object, what: str) -> None:
    """``call(inputs)`` with parameter ``p`` set to ``value`` is a ContractError on X_KPI_01's field ``p``."""
    with pytest.raises(csskpi.ContractError, match=f"must be {what}") as info:
        call(given(p=value))
    assert (info.value.field, info.value.kpi) == (FIELD, "X_KPI_01")
    assert FIELD in str(info.value) and repr(value) in str(info.value)


def test_calendar_of_defaults_to_england_and_wales() -> None:
    assert calendar_of(given()) is ENGLAND_AND_WALES
    own = BusinessCalendar(week_mask=(True,) * 6 + (False,))  # Monday to Saturday
    assert calendar_of(MeasureInput(MAY, {}, {}, own)) is own


def test_count_parameter() -> None:
    def read(inputs: MeasureInput) -> int:
        return count_parameter(inputs, "X_KPI_01", "p", 20)

    assert read(given()) == 20 and read(given(p=0)) == 0 and read(given(p=45)) == 45
    for bad in (-1, 2.0, "3", True, None):
        refused(read, bad, "a whole number, 0 or more")
    refused(lambda i: count_parameter(i, "X_KPI_01", "p", 20, unit="days"), -1, "a whole number of days, 0 or more")


def test_text_and_choice_parameters() -> None:
    def text(inputs: MeasureInput) -> str:
        return text_parameter(inputs, "X_KPI_01", "p", "lrsp")

    def choice(inputs: MeasureInput) -> str:
        return choice_parameter(inputs, "X_KPI_01", "p", "new", ("new", "change"))

    assert text(given()) == "lrsp" and text(given(p="main")) == "main"
    for bad in ("", 5, ["a"], None):
        refused(text, bad, "a non-empty text")
    assert choice(given()) == "new" and choice(given(p="change")) == "change"
    refused(choice, "New", "one of new, change")
    refused(choice, 1, "a non-empty text")


def test_names_parameter() -> None:
    def read(inputs: MeasureInput) -> tuple[str, ...]:
        return names_parameter(inputs, "X_KPI_01", "p", ["email", "web"])

    assert read(given()) == ("email", "web")
    assert read(given(p=["web"])) == ("web",) and read(given(p=())) == ()
    for bad in ("web", 3, ["web", 1], None):
        refused(read, bad, "a list of names")


def test_days_by_name_parameter() -> None:
    def read(inputs: MeasureInput) -> dict[str, int]:
        return days_by_name_parameter(inputs, "X_KPI_01", "p", {"email": 2, "letter": 10})

    assert read(given()) == {"email": 2, "letter": 10}
    assert read(given(p={"web": 0})) == {"web": 0}
    for bad in ({}, {"web": -1}, {"web": 1.5}, {"web": True}, {1: 2}, [("web", 2)], None):
        refused(read, bad, r"a table of whole numbers of days \(0 or more\) by name")
