"""The measurements file: ``period,kpi_id,value,annotation``, one row per KPI-month, ``#`` comment lines.

This is the format of the council's Appendix A as transcribed in the bundled example (``dec-2017/measurements.csv``).
``value`` is the reported figure (empty when there is none); ``annotation`` is empty or one of ``dna`` (data not
available), ``mitigated``, ``escalated``, ``disputed``. Mitigation, escalation and dispute are decisions, so the
reader returns them as :class:`~csskpi.Decisions` beside the measurements.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TextIO

import attrs

from csskpi.engine.rules import check_measurements
from csskpi.errors import InputError, Problem
from csskpi.files.output import safe_cell
from csskpi.files.text import csv_records, read_text, strict_decimal
from csskpi.model.contract import Contract
from csskpi.model.decisions import Decisions, Escalation, EscalationKind, Mitigation
from csskpi.model.measurement import Measurement, Source
from csskpi.model.period import Period

__all__ = ["MeasurementsFile", "read_measurements", "parse_measurements", "write_measurements", "ANNOTATIONS", "HEADER"]

HEADER = ("period", "kpi_id", "value", "annotation")
ANNOTATIONS = ("", "dna", "mitigated", "escalated", "disputed")


@attrs.frozen
class MeasurementsFile:
    """What a measurements file holds: the figures, and the decisions its annotations record."""

    measurements: tuple[Measurement, ...]
    decisions: Decisions = Decisions()
    file: str | None = None


def read_measurements(path: str | Path, contract: Contract | None = None) -> MeasurementsFile:
    """Read a measurements file; with ``contract``, also check every row against it. Every problem in the file
    is reported together in one :class:`InputError`."""
    return parse_measurements(read_text(path, "measurements file", InputError), file=str(path), contract=contract)


def parse_measurements(stream: TextIO | str, *, file: str | None = None, contract: Contract | None = None) -> MeasurementsFile:
    """Parse a measurements file's text (or an open text stream); ``file`` is used in messages."""
    text = stream if isinstance(stream, str) else stream.read()
    problems: list[Problem] = []
    measurements: list[Measurement] = []
    mitigations: list[Mitigation] = []
    escalations: list[Escalation] = []
    header_seen = False
    for number, cells in csv_records(text.removeprefix("\ufeff"), file, problems):
        if not header_seen:
            header_seen = True
            got = tuple(c.strip(" \t") for c in cells)
            if got != HEADER:
                problems.append(Problem(f"the header must be {','.join(HEADER)}, not {','.join(got)}", file=file, line=number))
                break
            continue

        def bad(message: str, field: str, kpi: str | None = None, number: int = number) -> None:
            problems.append(Problem(message, file=file, line=number, field=field, kpi=kpi))

        if len(cells) != len(HEADER):
            bad(f"expected {len(HEADER)} fields ({','.join(HEADER)}), found {len(cells)}", "row")
            continue
        period_text, kpi, value_text, annotation = (c.strip(" \t") for c in cells)
        source = Source("reported", file, number)
        period = None
        try:
            period = Period.parse(period_text)
        except ValueError as exc:
            bad(str(exc), "period", kpi or None)
        if not kpi:
            bad("is empty", "kpi_id")
        value = None
        if value_text:
            try:
                value = strict_decimal(value_text, "the figure")
            except ValueError as exc:
                bad(str(exc), "value", kpi or None)
                value = None
                period = None  # the row cannot be used
        if annotation not in ANNOTATIONS:
            bad(f"{annotation!r} is not an annotation (use one of: {', '.join(a for a in ANNOTATIONS if a)}, or leave it empty)", "annotation", kpi or None)
            continue
        if annotation == "dna" and value_text:
            bad("has a figure but the annotation says data not available ('dna')", "value", kpi)
            continue
        if not value_text and annotation in ("", "escalated", "disputed"):
            bad("is empty: give the figure, or annotate 'dna' (data not available) or 'mitigated'", "value", kpi or None)
            continue
        if period is None or not kpi:
            continue
        measurements.append(Measurement(kpi, period, value, source))
        if annotation == "mitigated":
            mitigations.append(Mitigation(kpi, period, period, reason="Mitigation Agreed", source=source))
        elif annotation in ("escalated", "disputed"):
            escalations.append(Escalation(kpi, period, EscalationKind(annotation), source=source))
    if not header_seen:
        problems.append(Problem(f"no header: the file must start with {','.join(HEADER)}", file=file))
    if contract is not None:
        # Rows that parsed are checked against the contract too, so that one run reports everything.
        problems.extend(check_measurements(contract, measurements))
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    return MeasurementsFile(tuple(measurements), Decisions(tuple(mitigations), (), tuple(escalations)), file)


def write_measurements(
    measurements: Iterable[Measurement], stream: IO[str], *, decisions: Decisions | None = None, comment: str = ""
) -> None:
    """Write measurements in the file format (the inverse of :func:`parse_measurements`)."""
    for line in comment.splitlines():
        stream.write(f"# {line}\n")
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(HEADER)
    decisions = decisions or Decisions()
    for m in measurements:
        annotation = ""
        if decisions.mitigations_for(m.kpi, m.period):
            annotation = "mitigated"
        elif m.value is None:
            annotation = "dna"
        else:
            esc = decisions.escalations_for(m.kpi, m.period)
            if esc:
                annotation = esc[0].kind.value
        writer.writerow([str(m.period), safe_cell(m.kpi), "" if m.value is None else f"{m.value:f}", annotation])
