"""Measurements: a KPI's figure for a month, or the fact that the supplier gave none.

A measurement is what was *reported* (or recomputed from raw data, with the counts behind it). Judging it is
:mod:`csskpi.engine.rules`' job; whether a month is mitigated is a council decision (:mod:`csskpi.model.decisions`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import attrs

from csskpi.model.period import Period

__all__ = ["Source", "Counts", "Measurement", "round_half_up"]


def round_half_up(value: Decimal | Fraction | int, places: int = 2, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round exactly to ``places`` decimals (half-up, ties away from zero, by default) from a Decimal or an
    exact Fraction — the same result as ``Decimal.quantize`` on the exact value."""
    quantum = Decimal(1).scaleb(-places)
    if isinstance(value, Fraction):
        scaled = abs(value) * (10**places)
        whole, remainder = divmod(scaled.numerator, scaled.denominator)
        if rounding == ROUND_HALF_UP:
            # Ties go away from zero, as Decimal's ROUND_HALF_UP does; the sign is put back afterwards.
            whole += 2 * remainder >= scaled.denominator
            result = Decimal(whole).scaleb(-places).quantize(quantum)
            return -result if value < 0 else result
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(quantum, rounding=rounding)
    return Decimal(value).quantize(quantum, rounding=rounding)


@attrs.frozen
class Source:
    """Where a figure came from: a file and line, or a named process ("python", "recomputed")."""

    kind: str = "python"
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return self.kind
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@attrs.frozen
class Counts:
    """What a measure returns: exact counts, never a percentage.

    For a percentage KPI, ``passing`` of ``population`` (records, minutes or pence — ``unit`` says which);
    for a count KPI, ``population`` is None and ``passing`` is the count. The core turns counts into values.
    """

    passing: int = attrs.field(validator=attrs.validators.instance_of(int))
    population: int | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.instance_of(int)))
    unit: str = "records"

    def __attrs_post_init__(self) -> None:
        if self.passing < 0:
            raise ValueError(f"'passing' must not be negative, not {self.passing}")
        if self.population is not None:
            if self.population < 0:
                raise ValueError(f"'population' must not be negative, not {self.population}")
            if self.passing > self.population:
                raise ValueError(f"'passing' ({self.passing}) must not exceed 'population' ({self.population})")

    @property
    def is_count(self) -> bool:
        return self.population is None

    def exact(self) -> Fraction | None:
        """The exact value: the count, or 100 × passing / population; None for an empty population."""
        if self.population is None:
            return Fraction(self.passing)
        if self.population == 0:
            return None
        return Fraction(100 * self.passing, self.population)

    def __add__(self, other: Counts) -> Counts:
        if not isinstance(other, Counts):
            return NotImplemented
        if self.is_count != other.is_count or self.unit != other.unit:
            raise ValueError("only counts of the same kind and unit can be added")
        population = None if self.population is None else self.population + (other.population or 0)
        return Counts(self.passing + other.passing, population, self.unit)


def _decimal_or_none(value: object) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, (bool, float)):
        raise TypeError(f"'value' must be a Decimal, int or numeric string, not {value!r}")
    return Decimal(str(value))


def _period(value: Period | str) -> Period:
    return value if isinstance(value, Period) else Period.parse(value)


@attrs.frozen
class Measurement:
    """A KPI's figure for a month.

    ``value=None`` means no figure: the supplier gave none (judged as data not available) or the month was
    not measured under an agreed mitigation. ``numerator``/``denominator`` are the counts behind a recomputed
    figure, kept so that it can be audited.
    """

    kpi: str
    period: Period = attrs.field(converter=_period)
    value: Decimal | None = attrs.field(default=None, converter=_decimal_or_none)
    source: Source = attrs.field(factory=Source)
    numerator: int | None = None
    denominator: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.value is not None and not self.value.is_finite():
            raise ValueError(f"'value' must be a finite number, not {self.value}")

    @property
    def has_value(self) -> bool:
        return self.value is not None

    @classmethod
    def from_counts(
        cls, kpi: str, period: Period, counts: Counts | None, *, source: Source | None = None, decimals: int = 2
    ) -> Measurement:
        """The measurement a measure's counts give: None counts or an empty population is data not available."""
        source = source or Source("recomputed")
        if counts is None:
            return cls(kpi, period, None, source)
        exact = counts.exact()
        value = None if exact is None else round_half_up(exact, decimals)
        return cls(kpi, period, value, source, counts.passing, counts.population)
