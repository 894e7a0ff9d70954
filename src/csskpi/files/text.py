"""Reading a text file safely: UTF-8 (a BOM allowed) or a clear refusal, CSV records and TOML that cannot crash.

Every text loader (contract, change notice, decisions, measurements, published figures, charges) reads through
here, so a file in another encoding, a binary file, a field of megabytes, TOML nested a thousand deep or an
integer of 5,000 digits is a :class:`~csskpi.errors.Problem` naming the file and line, never a traceback.
Numbers are read by :mod:`csskpi.model.numbers` (ASCII digits only, bounded), re-exported here.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from csskpi.errors import CsskpiError, Problem
from csskpi.model.numbers import strict_decimal, strict_int

__all__ = ["MAX_FIELD", "decode_text", "read_text", "csv_records", "load_toml", "strict_decimal", "strict_int"]

#: The longest line or field a CSV file may hold (the csv module's own default limit).
MAX_FIELD = 131_072
_UTF8_BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Control characters other than tab, LF, CR and form feed: text files do not hold them; binary files do.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# In a CSV record: any control character but tab, and the Unicode line and paragraph separators.
_HIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_EXPECTED = "csskpi reads UTF-8 text (a UTF-8 byte-order mark is fine): save the file as UTF-8"


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _diagnose(data: bytes, error: UnicodeDecodeError) -> tuple[str, int | None]:
    """What the bytes look like, when they are not UTF-8, and the line of the first bad byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "the file is UTF-16 (it starts with a UTF-16 byte-order mark)", None
    line = _line_at(data, error.start)
    byte = data[error.start]
    try:
        decoded = data.decode("cp1252")
    except UnicodeDecodeError:
        decoded = None
    if decoded is not None and not _CONTROL.search(decoded):
        return (f"byte 0x{byte:02X} is not UTF-8: the file looks Latin-1 / Windows-1252 (as Excel saves 'CSV'); "
                "in Excel choose 'CSV UTF-8'", line)
    return f"byte 0x{byte:02X} is not UTF-8 and the file looks binary, not text", line


def decode_text(data: bytes, file: str | None) -> tuple[str | None, list[Problem]]:
    """The text of ``data`` (UTF-8, BOM removed), or ``None`` and the problem saying what it looks like."""
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(f"the file is UTF-16 (it starts with a UTF-16 byte-order mark); {_EXPECTED}", file=file)]
    nul = data.find(b"\x00")
    if nul >= 0:
        pairs = data[:200]
        utf16 = len(pairs) >= 4 and (pairs[1::2].count(0) > len(pairs) // 4 or pairs[0::2].count(0) > len(pairs) // 4)
        looks = "UTF-16 without a byte-order mark" if utf16 else "binary, not text"
        message = f"the file holds NUL bytes: it looks {looks}; {_EXPECTED}"
        return None, [Problem(message, file=file, line=_line_at(data, nul))]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        message, line = _diagnose(data, error)
        return None, [Problem(f"{message}; {_EXPECTED}", file=file, line=line)]
    controls = _CONTROL.findall(text, 0, 4096)
    if len(controls) > 8:  # a stray escape in a reason is shown escaped on output; many mean binary data
        control = _CONTROL.search(text)
        assert control is not None
        line = text.count("\n", 0, control.start()) + 1
        return None, [Problem(f"the file holds control character U+{ord(control.group()):04X}: it looks binary, not "
                              f"text; {_EXPECTED}", file=file, line=line)]
    return text, []


def read_text(path: str | Path, what: str, error: type[CsskpiError]) -> str:
    """The text of the file at ``path`` (``what`` it is names it in messages); ``error`` if it cannot be read."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise error(Problem(f"cannot read the {what}: {exc.strerror or exc}", file=name)) from None
    text, problems = decode_text(data, name)
    if text is None:
        raise error(problems)
    return text


def csv_records(text: str, file: str | None, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for each record of a one-record-a-line CSV text; blank and ``#`` lines skipped, cells
    without the spaces and tabs around them.

    A line over :data:`MAX_FIELD` characters or one the csv module cannot read is a problem added to
    ``problems`` (and skipped), so that the rest of the file is still checked.
    """
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if len(line) > MAX_FIELD:
            problems.append(Problem(f"the line is {len(line):,} characters long; a line may hold at most {MAX_FIELD:,}",
                                    file=file, line=number, field="row"))
            continue
        hidden = _HIDDEN.search(line)
        if hidden is not None:  # str.strip() would silently drop some of these (U+001C-U+001F are "whitespace")
            problems.append(Problem(f"holds control character U+{ord(hidden.group()):04X} at column {hidden.start() + 1}: "
                                    "a CSV record holds text only", file=file, line=number, field="row"))
            continue
        try:
            cells = next(csv.reader([line], strict=True))
        except csv.Error as exc:
            problems.append(Problem(f"cannot be read as CSV: {exc}", file=file, line=number, field="row"))
            continue
        yield number, [cell.strip(" \t") for cell in cells]


def load_toml(text: str, file: str | None, error: type[CsskpiError], *, exact: bool = True) -> dict[str, Any]:
    """Parse TOML text (floats as exact Decimals when ``exact``); any fault is ``error`` with the line."""
    try:
        return tomllib.loads(text, parse_float=Decimal) if exact else tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise error(Problem(f"not valid TOML: {exc}", file=file, line=int(match.group(1)) if match else None)) from None
    except RecursionError:
        raise error(Problem("not valid TOML: arrays or tables are nested too deep to read", file=file)) from None
    except ArithmeticError:  # a float whose exponent Decimal cannot hold (1e99999...)
        raise error(Problem("not valid TOML: a number is too large to read", file=file)) from None
    except ValueError:  # an integer of thousands of digits: Python refuses to convert it
        message = "not valid TOML: a number has more digits than any figure can (over 4,300)"
        raise error(Problem(message, file=file)) from None
