"""Reading the published figures file: the counts a council published per area and month (Tables 1-7),
to reconcile the recomputed figures with (format in ``docs/formats.md``)."""

from __future__ import annotations

from pathlib import Path

from csskpi.engine.reconcile import FIELDS, HEADER, PublishedRow
from csskpi.errors import InputError, Problem
from csskpi.files.text import csv_records, read_text, strict_int
from csskpi.model.period import Period

__all__ = ["read_published"]


def read_published(path: str | Path) -> tuple[PublishedRow, ...]:
    """Read published summary counts; every malformed row is reported together."""
    name = str(path)
    text = read_text(path, "published figures", InputError)
    problems: list[Problem] = []
    rows: list[PublishedRow] = []
    header = False
    seen: dict[tuple[str, str, Period], int] = {}
    for number, raw in csv_records(text, name, problems):
        cells = [c.strip(" \t") for c in raw]
        if not header:
            header = True
            if tuple(cells) != HEADER:
                problems.append(Problem(f"the header must be {','.join(HEADER)}", file=name, line=number))
                break
            continue
        if len(cells) != len(HEADER):
            problems.append(Problem(f"expected {len(HEADER)} fields, found {len(cells)}", file=name, line=number, field="row"))
            continue
        source, area, period_text, *numbers = cells
        try:
            period = Period.parse(period_text)
        except ValueError as exc:
            problems.append(Problem(str(exc), file=name, line=number, field="period"))
            continue
        counts: list[int | None] = []
        for field, cell in zip(FIELDS, numbers, strict=True):
            try:
                count = None if cell == "" else strict_int(cell, "a count")
                if count is not None and count < 0:
                    raise ValueError(f"a count must not be negative, not {cell!r}")
            except ValueError as exc:
                problems.append(Problem(str(exc), file=name, line=number, field=field))
                count = None
            counts.append(count)
        *parts, total = counts
        if total is not None and None not in parts and sum(p for p in parts if p is not None) != total:
            shown = " + ".join(str(p) for p in parts)
            added = sum(p for p in parts if p is not None)
            problems.append(Problem(f"the counts do not add up to the total: {shown} = {added}, not {total}", file=name,
                                    line=number, field="total"))
        key = (source, area, period)
        if key in seen:
            problems.append(Problem(f"{source} {area} {period} is given twice (first on line {seen[key]})", file=name, line=number, field="period"))
        seen[key] = number
        rows.append(PublishedRow(source, area, period, tuple(counts), name, number))
    if not header:
        problems.append(Problem(f"no header: the file must start with {','.join(HEADER)}", file=name))
    if problems:
        raise InputError(problems)
    return tuple(rows)
