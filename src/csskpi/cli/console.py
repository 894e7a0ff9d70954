"""What the CLI prints for people: status with its symbol (colour only when the terminal allows) and aligned
plain-text tables, the council's Tables 1-7 among them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from csskpi.engine.summary import SummaryRow
from csskpi.model.contract import Contract
from csskpi.model.result import Status

__all__ = ["paint", "summary_tables", "table"]

_COLOURS = {Status.GREEN: "32", Status.AMBER: "33", Status.RED: "31", Status.BLUE: "34"}
_SYMBOLS = {Status.GREEN: "●", Status.AMBER: "◐", Status.RED: "✖", Status.BLUE: "◆"}


def paint(status: Status, text: str, colour: bool) -> str:
    """Status text with its symbol (never colour alone), coloured when the terminal allows."""
    shown = f"{_SYMBOLS[status]} {text}"
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
    rows = [list(r) for r in rows]
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
