"""Reading a run's input files together: the measurements and the decisions files, every problem of all of them
reported in one error, so that a council fixes its files in one pass."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from csskpi.errors import InputError, Problem
from csskpi.files.decisions import read_decisions_files
from csskpi.files.measurements import MeasurementsFile, read_measurements
from csskpi.model.contract import Contract
from csskpi.model.decisions import Decisions

__all__ = ["read_inputs"]


def read_inputs(
    measurements: str | Path, decisions: Iterable[str | Path], contract: Contract
) -> tuple[MeasurementsFile, Decisions]:
    """The measurements file and the decisions of ``decisions`` files, each checked against ``contract``.

    The decisions returned are those of the decisions files only; the measurements file's own annotations are
    its ``decisions``.
    """
    problems: list[Problem] = []
    mfile = None
    given = Decisions()
    try:
        mfile = read_measurements(measurements, contract)
    except InputError as exc:
        problems.extend(exc.problems)
    try:
        given = read_decisions_files(list(decisions), contract)
    except InputError as exc:
        problems.extend(exc.problems)
    if problems or mfile is None:
        raise InputError(problems or [Problem("the measurements could not be read", file=str(measurements))])
    return mfile, given
