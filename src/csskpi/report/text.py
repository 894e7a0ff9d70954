"""Words, symbols and number formats shared by the report's renderers (so HTML, Excel and Markdown agree)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from csskpi.model.period import Period
from csskpi.model.result import Status
from csskpi.model.targets import Comparison

__all__ = [
    "FILLS",
    "LONG_WORDS",
    "SYMBOLS",
    "WORDS",
    "circled",
    "decimal_text",
    "money",
    "month_runs",
    "percent",
    "points",
    "status_symbol",
    "status_word",
    "target",
]

# Status is never shown by colour alone: each has a symbol and a word (the same as `csskpi evaluate`).
SYMBOLS = {Status.GREEN: "●", Status.AMBER: "◐", Status.RED: "✖", Status.BLUE: "◆"}
WORDS = {Status.GREEN: "Green", Status.AMBER: "Amber", Status.RED: "Red", Status.BLUE: "Blue"}
LONG_WORDS = {
    Status.GREEN: "Green: TSL achieved",
    Status.AMBER: "Amber: MSL achieved, TSL missed",
    Status.RED: "Red: below MSL",
    Status.BLUE: "Blue: mitigation agreed",
}
# Light fills with dark text (contrast above 7:1 for the text on each), as the council's tables colour cells.
FILLS = {Status.GREEN: "C6EFCE", Status.AMBER: "FFE699", Status.RED: "F8B4B4", Status.BLUE: "BDD7EE"}
INKS = {Status.GREEN: "1E6B34", Status.AMBER: "8A5A00", Status.RED: "9C1C1C", Status.BLUE: "1F4E79"}


def status_symbol(status: Status | None) -> str:
    return "" if status is None else SYMBOLS[status]


def status_word(status: Status | None) -> str:
    return "Not judged" if status is None else WORDS[status]


def decimal_text(value: Decimal, places: int = 2) -> str:
    """A figure to ``places`` decimals, half-up (the council prints 99.90 and 1.00); never a negative zero."""
    shown = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{abs(shown) if shown == 0 else shown:f}"


def money(value: Decimal) -> str:
    """Pounds with thousands separators and pence: £6,400.00."""
    return f"£{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def points(value: Decimal) -> str:
    """Abatement points to 2 decimals, or exactly when a contract's weights need more."""
    cents = value.quantize(Decimal("0.01"))
    return f"{cents:f}" if cents == value else f"{value.normalize():f}"


def percent(share: Fraction, places: int = 0) -> str:
    """A share as a percentage, rounded half-up: ``Fraction(13, 15)`` -> ``87%``."""
    scaled = Fraction(share) * 100
    as_decimal = Decimal(scaled.numerator) / Decimal(scaled.denominator)
    return f"{as_decimal.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}%"


def target(comparison: Comparison | None, level: Decimal | None) -> str:
    """``≥ 99.9`` / ``≤ 5`` / ``> 35``."""
    if comparison is None or level is None:
        return ""
    return f"{comparison.symbol} {level:f}"


def month_runs(periods: Iterable[Period]) -> str:
    """Months as the council writes them: ``May-17 – Jul-17, Sep-17``."""
    ordered = sorted(set(periods))
    runs: list[list[Period]] = []
    for p in ordered:
        if runs and runs[-1][-1] + 1 == p:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(r[0].label if len(r) == 1 else f"{r[0].label} – {r[-1].label}" for r in runs)


def circled(number: int) -> str:
    """The council's footnote marks: ①, ②, ... (bracketed beyond 20)."""
    return chr(0x2460 + number - 1) if 1 <= number <= 20 else f"[{number}]"


def slope_text(value: Fraction, places: int = 3) -> str:
    """A slope per month with its sign: ``+0.125`` / ``-1.500``."""
    as_decimal = Decimal(value.numerator) / Decimal(value.denominator)
    shown = as_decimal.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if shown == 0:
        shown = abs(shown)  # a slope that rounds to nothing has no sign: never "-0.000"
    return f"{'+' if shown > 0 else ''}{shown:f}"
