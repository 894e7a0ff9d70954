"""Reading a charges file: each service area's monthly charge, effective-dated (``area,from,monthly_charge``),
the amounts service credits are capped against (format in ``docs/formats.md``)."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from csskpi.errors import InputError, Problem
from csskpi.model.period import Period
from csskpi.model.terms import Charges, ChargeStep

__all__ = ["read_charges"]


def read_charges(path: str | Path) -> Charges:
    """Read a charges CSV ``area,from,monthly_charge``; every bad row is reported together."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(Problem(f"cannot read the charges file: {exc.strerror or exc}", file=name)) from None
    problems: list[Problem] = []
    steps: list[ChargeStep] = []
    rows = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.startswith("#")]
    if not rows or [c.strip() for c in next(csv.reader([rows[0][1]]))] != ["area", "from", "monthly_charge"]:
        raise InputError(Problem("the header must be area,from,monthly_charge", file=name, line=rows[0][0] if rows else None))
    for number, line in rows[1:]:
        cells = [c.strip() for c in next(csv.reader([line]))]
        if len(cells) != 3:
            problems.append(Problem(f"expected 3 fields, found {len(cells)}", file=name, line=number, field="row"))
            continue
        area, start, amount = cells
        try:
            period = Period.parse(start)
        except ValueError as exc:
            problems.append(Problem(str(exc), file=name, line=number, field="from"))
            continue
        try:
            steps.append(ChargeStep(area, period, Decimal(amount)))
        except (ValueError, InvalidOperation):
            problems.append(Problem(f"{amount!r} is not an amount in pounds", file=name, line=number, field="monthly_charge"))
    if problems:
        raise InputError(problems)
    return Charges(tuple(steps), name)
