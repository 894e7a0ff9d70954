"""Reading a charges file: each service area's monthly charge, effective-dated (``area,from,monthly_charge``),
the amounts service credits are capped against (format in ``docs/formats.md``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from csskpi.errors import InputError, Problem
from csskpi.files.text import csv_records, read_text, strict_decimal
from csskpi.model.period import Period
from csskpi.model.terms import Charges, ChargeStep

__all__ = ["read_charges"]

_HEADER = ("area", "from", "monthly_charge")


def read_charges(path: str | Path, areas: Sequence[str] | None = None) -> Charges:
    """Read a charges CSV ``area,from,monthly_charge``; every bad row is reported together. With ``areas`` (the
    contract's area codes), an area not among them is a problem too."""
    name = str(path)
    text = read_text(path, "charges file", InputError)
    problems: list[Problem] = []
    steps: list[ChargeStep] = []
    rows = list(csv_records(text, name, problems))
    if not rows or [c.strip(" \t") for c in rows[0][1]] != list(_HEADER):
        line = rows[0][0] if rows else None
        problems.insert(0, Problem(f"the header must be {','.join(_HEADER)}", file=name, line=line))
        raise InputError(problems)
    seen: dict[tuple[str, Period], int] = {}
    for number, raw in rows[1:]:
        cells = [c.strip(" \t") for c in raw]
        if len(cells) != len(_HEADER):
            problems.append(Problem(f"expected 3 fields, found {len(cells)}", file=name, line=number, field="row"))
            continue
        area, start, amount = cells
        if areas is not None and area not in areas:
            problems.append(Problem(f"unknown service area {area!r} (the contract has {', '.join(areas)})", file=name,
                                    line=number, field="area"))
        try:
            period = Period.parse(start)
        except ValueError as exc:
            problems.append(Problem(str(exc), file=name, line=number, field="from"))
            continue
        if (area, period) in seen:
            problems.append(Problem(f"{area} has two amounts from {period} (first on line {seen[area, period]}): "
                                    "keep one", file=name, line=number, field="from"))
        seen.setdefault((area, period), number)
        try:
            steps.append(ChargeStep(area, period, strict_decimal(amount, "a monthly charge")))
        except ValueError as exc:
            problems.append(Problem(f"{exc} (an amount in pounds, e.g. 125000.00)", file=name, line=number,
                                    field="monthly_charge"))
    if problems:
        raise InputError(problems)
    return Charges(tuple(steps), name)
