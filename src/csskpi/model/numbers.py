"""Numbers as a file writes them: ASCII digits only, in a range an exact computation can hold.

Python's ``Decimal`` and ``int`` read far more than a council's file should hold: Arabic-Indic (``٢٠١٧``) and
fullwidth (``２０１７``) digits, ``1_000``, superscripts through ``str.isdigit`` (``²``), and magnitudes
(``1e26``) that later overflow a quantize. Every reader of numbers from text goes through here, so a number is
either read exactly as written or refused with a message saying why.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["MAX_MAGNITUDE", "MAX_DIGITS", "strict_decimal", "strict_int", "check_magnitude"]

#: The largest magnitude csskpi reads from a file (a thousand billion: far above any figure, count or charge).
MAX_MAGNITUDE = Decimal("1e15")
#: The most digits a number may be written with (a figure with more is a corrupted cell, not a measurement).
MAX_DIGITS = 40

_DECIMAL_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)
_INT_RE = re.compile(r"[+-]?\d+", re.ASCII)


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


def check_magnitude(value: Decimal, what: str, text: object = None) -> Decimal:
    """``value`` unless it is not finite or its magnitude is over :data:`MAX_MAGNITUDE`."""
    written = _shown(str(value if text is None else text))
    if not value.is_finite():
        raise ValueError(f"{written} is not a finite number ({what})")
    if abs(value) > MAX_MAGNITUDE:
        raise ValueError(f"{written} is out of range: {what} is at most {MAX_MAGNITUDE:,f} either side of zero")
    if value != 0 and value.adjusted() < -MAX_DIGITS:
        raise ValueError(f"{written} is too small to be {what} (more than {MAX_DIGITS} decimal places)")
    return value


def strict_decimal(text: str, what: str = "a number") -> Decimal:
    """The exact Decimal ``text`` writes in ASCII digits (``-2.5``, ``97.50``, ``1e3``), or ``ValueError``."""
    stripped = text.strip(" \t")  # not str.strip(): it would also drop U+001C-U+001F and Unicode spaces
    if len(stripped) > MAX_DIGITS + 8 or not _DECIMAL_RE.fullmatch(stripped):
        if any(ch.isdigit() and not ch.isascii() for ch in stripped):
            raise ValueError(f"{_shown(text)} is not a number: {what} must be written in ASCII digits 0-9")
        raise ValueError(f"{_shown(text)} is not a number")
    try:
        value = Decimal(stripped)
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        raise ValueError(f"{what} must be a number, not {_shown(text)}") from None
    return check_magnitude(value, what, text)


def strict_int(text: str, what: str = "a whole number") -> int:
    """The int ``text`` writes in ASCII digits (no ``_``, no ``²``, at most :data:`MAX_DIGITS` digits)."""
    stripped = text.strip(" \t")
    if len(stripped) > MAX_DIGITS or not _INT_RE.fullmatch(stripped):
        if any(ch.isdigit() and not ch.isascii() for ch in stripped):
            raise ValueError(f"{_shown(text)} is not a whole number: {what} must be written in ASCII digits 0-9")
        raise ValueError(f"{_shown(text)} is not a whole number")
    value = int(stripped)
    check_magnitude(Decimal(value), what, text)
    return value
