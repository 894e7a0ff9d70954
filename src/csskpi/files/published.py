"""Reading the published figures file: the counts a council published per area and month (Tables 1-7),
to reconcile the recomputed figures with and to keep in the ledger (format in ``docs/formats.md``).

An optional ``published_on`` column, after ``source``, says when each source was published (YYYY-MM-DD): one
date per source, the same on every row of it. Files without the column stay valid; their rows have no date.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from csskpi.engine.reconcile import DATED_HEADER, FIELDS, HEADER, PublishedRow
from csskpi.errors import InputError, Problem
from csskpi.files.text import csv_records, read_text, strict_int
from csskpi.model.period import Period

__all__ = ["read_published", "published_date"]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def published_date(text: str) -> dt.date:
    """A publication date written YYYY-MM-DD (ASCII digits, a real day); ValueError saying what is wrong."""
    if not _DATE.fullmatch(text):
        raise ValueError(f"'published_on' must be a date written YYYY-MM-DD, e.g. 2017-12-21, not {text!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'published_on' must be a real date, not {text!r}") from None


def read_published(path: str | Path) -> tuple[PublishedRow, ...]:
    """Read published summary counts; every malformed row is reported together."""
    name = str(path)
    text = read_text(path, "published figures", InputError)
    problems: list[Problem] = []
    rows: list[PublishedRow] = []
    header: tuple[str, ...] | None = None
    seen: dict[tuple[str, str, Period], int] = {}
    dates: dict[str, tuple[dt.date | None, int]] = {}
    for number, raw in csv_records(text, name, problems):
        cells = [c.strip(" \t") for c in raw]
        if header is None:
            if tuple(cells) not in (HEADER, DATED_HEADER):
                problems.append(Problem(f"the header must be {','.join(HEADER)} (or, saying when each source was "
                                        f"published, {','.join(DATED_HEADER)})", file=name, line=number))
                header = ()
                break
            header = tuple(cells)
            continue
        if len(cells) != len(header):
            problems.append(Problem(f"expected {len(header)} fields, found {len(cells)}", file=name, line=number, field="row"))
            continue
        published_on: dt.date | None = None
        if header == DATED_HEADER:
            source, date_text, area, period_text, *numbers = cells
            if date_text:
                try:
                    published_on = published_date(date_text)
                except ValueError as exc:
                    problems.append(Problem(str(exc), file=name, line=number, field="published_on"))
                    continue
            held = dates.setdefault(source, (published_on, number))
            if held[0] != published_on:
                said = "no date" if held[0] is None else f"published on {held[0].isoformat()}"
                problems.append(Problem(f"{source} is {said} on line {held[1]}: a source has one publication date",
                                        file=name, line=number, field="published_on"))
        else:
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
        rows.append(PublishedRow(source, area, period, tuple(counts), name, number, published_on))
    if header is None:
        problems.append(Problem(f"no header: the file must start with {','.join(HEADER)}", file=name))
    if problems:
        raise InputError(problems)
    return tuple(rows)
