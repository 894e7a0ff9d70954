"""Reading the published figures file: the counts a council published per area and month (Tables 1-7),
to reconcile the recomputed figures with (format in ``docs/formats.md``)."""

from __future__ import annotations

import csv
from pathlib import Path

from csskpi.engine.reconcile import FIELDS, HEADER, PublishedRow
from csskpi.errors import InputError, Problem
from csskpi.model.period import Period

__all__ = ["read_published"]


def read_published(path: str | Path) -> tuple[PublishedRow, ...]:
    """Read published summary counts; every malformed row is reported together."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(Problem(f"cannot read the published figures: {exc.strerror or exc}", file=name)) from None
    problems: list[Problem] = []
    rows: list[PublishedRow] = []
    header = False
    seen: dict[tuple[str, str, Period], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in next(csv.reader([line]))]
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
        for field, cell in zip(FIELDS, numbers, strict=False):
            if cell == "":
                counts.append(None)
            elif cell.isdigit():
                counts.append(int(cell))
            else:
                problems.append(Problem(f"{cell!r} is not a whole number", file=name, line=number, field=field))
                counts.append(None)
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
