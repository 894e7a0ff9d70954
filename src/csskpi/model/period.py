"""Calendar months (the unit a KPI is judged in) and the contract calendar that numbers them.

A :class:`Period` is a plain calendar month. What a month *means* in a contract — contract month 30, contract
year 3, the second half-year — depends on the contract's start, so those are derived by a
:class:`ContractCalendar`, never stored on the period.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from collections.abc import Iterator

import attrs

__all__ = ["Period", "ContractCalendar", "Extension"]

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)  # ASCII: never ٢٠١٧-٠٥ or fullwidth digits


def _check_month(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not 1 <= value <= 12:
        raise ValueError(f"'month' must be 1-12, not {value!r}")


def _check_year(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not 1900 <= value <= 2999:
        raise ValueError(f"'year' must be between 1900 and 2999, not {value!r}")


@attrs.frozen(order=True)
class Period:
    """A calendar month, e.g. ``Period(2017, 9)``; written ``2017-09``."""

    year: int = attrs.field(validator=[attrs.validators.instance_of(int), _check_year])
    month: int = attrs.field(validator=[attrs.validators.instance_of(int), _check_month])

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``YYYY-MM``; raise ``ValueError`` naming what was wrong."""
        if isinstance(text, Period):
            return text
        if isinstance(text, dt.date):
            return cls(text.year, text.month)
        if not isinstance(text, str):
            raise ValueError(f"a period must be written YYYY-MM, not {text!r}")
        m = _PERIOD_RE.match(text.strip())
        if not m:
            raise ValueError(f"a period must be written YYYY-MM, not {text!r}")
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r} has no month {month}")
        if not 1900 <= year <= 2999:
            raise ValueError(f"{text!r} is not a month csskpi can judge (years 1900 to 2999)")
        return cls(year, month)

    @classmethod
    def of(cls, day: dt.date) -> Period:
        """The month a date falls in."""
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def index(self) -> int:
        """Months since year 0: consecutive months have consecutive indexes."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Period:
        return cls(index // 12, index % 12 + 1)

    def __add__(self, months: int) -> Period:
        if not isinstance(months, int):
            return NotImplemented
        return Period.from_index(self.index + months)

    def __sub__(self, other: Period | int) -> Period | int:
        if isinstance(other, Period):
            return self.index - other.index
        if isinstance(other, int):
            return Period.from_index(self.index - other)
        return NotImplemented

    def next(self) -> Period:
        return self + 1

    def previous(self) -> Period:
        return Period.from_index(self.index - 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, _calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        """The council's column heading, e.g. ``Sep-17``."""
        return self.first_day.strftime("%b-%y")

    @staticmethod
    def range(start: Period, end: Period) -> Iterator[Period]:
        """Every month from ``start`` to ``end``, both included."""
        for i in range(start.index, end.index + 1):
            yield Period.from_index(i)


@attrs.frozen
class Extension:
    """A contract extension: a named stretch of time added to the term."""

    name: str
    start: dt.date
    end: dt.date
    assumed: bool = False


@attrs.frozen
class ContractCalendar:
    """The contract's term, and the numbering of its months, years and half-years.

    Contract month 1 is the month of ``start``; contract year N is the N-th twelve months from it; half-years
    are its first and last six months.
    """

    start: dt.date
    end: dt.date
    extensions: tuple[Extension, ...] = ()

    @property
    def first_period(self) -> Period:
        return Period.of(self.start)

    @property
    def last_period(self) -> Period:
        return Period.of(self.end)

    def contains(self, period: Period) -> bool:
        return self.first_period <= period <= self.last_period

    def contract_month(self, period: Period) -> int:
        """1 for the first month of the contract (April 2015 in Lincolnshire)."""
        return period.index - self.first_period.index + 1

    def contract_year(self, period: Period) -> int:
        return (self.contract_month(period) - 1) // 12 + 1

    def half_year(self, period: Period) -> int:
        """1 for the first six months of the contract year, 2 for the last six."""
        return ((self.contract_month(period) - 1) % 12) // 6 + 1

    def describe(self, period: Period) -> str:
        """``2017-09: contract month 30, year 3, half-year 1``."""
        return (
            f"{period}: contract month {self.contract_month(period)}, year {self.contract_year(period)}, "
            f"half-year {self.half_year(period)}"
        )
