"""What the CLI prints for people: status with its symbol (colour only when the terminal allows) and aligned
plain-text tables, the council's Tables 1-7 among them.

Names, reasons and messages come from files a hostile party may have written: every table cell and everything the
CLI writes to a terminal goes through :func:`clean`, so an ANSI or OSC escape sequence in a reason cannot move the
cursor, retitle the window or forge a link, and a bidi control cannot reorder a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from csskpi.engine.summary import SummaryRow
from csskpi.model.contract import Contract
from csskpi.model.result import Status

__all__ = ["paint", "summary_tables", "table", "clean", "SafeStream"]

_COLOURS = {Status.GREEN: "32", Status.AMBER: "33", Status.RED: "31", Status.BLUE: "34"}
_SYMBOLS = {Status.GREEN: "●", Status.AMBER: "◐", Status.RED: "✖", Status.BLUE: "◆"}
# csskpi's own colours (what paint() writes): the only escape sequences a terminal is ever sent.
_OWN_SGR = re.compile(r"\033\[(?:3[1-4]|0)m")
# An escape sequence from untrusted text: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \\), or ESC + one char;
# also the 8-bit CSI and OSC introducers.
_ESCAPE = re.compile(
    r"(?:\033\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\033\]|\x9d)[^\x07\033\x9c]*(?:\x07|\033\\\\|\x9c)?|\033[@-_]?"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional controls can make a line read differently from what it holds ("Trojan Source"): shown, not obeyed.
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str, *, keep_colour: bool = False) -> str:
    """``text`` safe for a terminal: escape sequences and control characters removed (newline and tab kept),
    bidi controls shown as ``<U+202E>``; with ``keep_colour``, csskpi's own status colours are kept."""
    if keep_colour:
        parts = _OWN_SGR.split(text)
        codes = _OWN_SGR.findall(text)
        out = [clean(parts[0])]
        for code, part in zip(codes, parts[1:], strict=True):
            out += [code, clean(part)]
        return "".join(out)
    text = _CONTROL.sub("", _ESCAPE.sub("", text))
    return _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


class SafeStream:
    """A text stream for a terminal that passes everything written through :func:`clean` (colours kept)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(clean(text, keep_colour=True))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def paint(status: Status, text: str, colour: bool) -> str:
    """Status text with its symbol (never colour alone), coloured when the terminal allows."""
    shown = f"{_SYMBOLS[status]} {clean(text)}"
    return f"\033[{_COLOURS[status]}m{shown}\033[0m" if colour else shown


def _visible_len(text: str) -> int:
    length, i = 0, 0
    while i < len(text):
        if text[i] == "\033":
            i = text.index("m", i) + 1
            continue
        length += 1
        i += 1
    return length


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, right: Iterable[int] = ()) -> str:
    """An aligned plain-text table; ``right`` are the indexes of right-aligned (numeric) columns."""
    rows = [[clean(cell, keep_colour=True).replace("\n", " ").replace("\t", " ") for cell in r] for r in rows]
    headers = [clean(h) for h in headers]
    right = set(right)
    widths = [max([_visible_len(h)] + [_visible_len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _visible_len(cell))
            out.append(pad + cell if i in right else cell + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)]) + "\n"


def summary_tables(rows: Sequence[SummaryRow], contract: Contract) -> str:
    """The council's Tables 1-7: per area, the five rows against the months as columns."""
    out: list[str] = []
    areas = ["ALL", *contract.area_codes]
    names = {a.code: a.name for a in contract.areas} | {"ALL": "Overall (All Services)"}
    for area in areas:
        mine = [r for r in rows if r.area == area]
        if not mine:
            continue
        headers = [f"{names[area]} ({area})", *(r.period.label for r in mine)]
        body = [
            ["TSL achieved", *(str(r.green) for r in mine)],
            ["MSL achieved", *(str(r.amber) for r in mine)],
            ["Below MSL", *(str(r.red) for r in mine)],
            ["Mitigation", *(str(r.blue) for r in mine)],
            ["TOTAL", *(str(r.total) for r in mine)],
        ]
        out.append(table(headers, body, right=range(1, len(headers))))
    return "\n".join(out)
