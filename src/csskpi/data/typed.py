"""Typing a frame of raw cells against its :class:`~csskpi.data.spec.DatasetSpec` and finding every fault: the
checks of :mod:`csskpi.data.checks` and :mod:`csskpi.data.sanity` in the loader's order. Used for a whole file
(:mod:`csskpi.data.load`) and for each batch of a large one (:mod:`csskpi.data.batched`)."""

from __future__ import annotations

import polars as pl

from csskpi.data.checks import Locator, check_cells, check_duplicates, check_ordered, parse_columns
from csskpi.data.sanity import check_local_times
from csskpi.data.spec import DatasetSpec
from csskpi.errors import Problem

__all__ = ["parse_and_check"]


def parse_and_check(
    cells: pl.DataFrame, where: Locator, spec: DatasetSpec, checked: pl.DataFrame | None = None, *,
    lenient_dates: bool = False,
) -> tuple[pl.DataFrame, list[Problem]]:
    """The typed frame of ``cells`` (declared columns in order, then the others as they came) and every fault of
    them: cells that do not read, empty required cells, repeated ids, negative durations, times the UK clock never
    showed. The columns of ``checked`` are taken from it as they are (typed and checked already)."""
    if checked is None:
        typed = parse_columns(cells, spec, lenient_dates=lenient_dates)
        problems = check_cells(cells, typed, spec, where) + check_duplicates(typed, spec, where)
        return typed, problems + check_ordered(typed, spec, where) + check_local_times(typed, spec, where)
    done = set(checked.columns)
    rest = DatasetSpec(spec.name, [c for c in spec.columns if c.name not in done],
                       id_column=None if spec.id_column in done else spec.id_column)
    cells = cells.drop(list(done))
    part = parse_columns(cells, rest, lenient_dates=lenient_dates)
    problems = check_cells(cells, part, rest, where) + check_duplicates(part, rest, where)
    problems += check_local_times(part, rest, where)
    both = pl.concat([checked, part], how="horizontal")
    declared = [c.name for c in spec.columns if c.name in both.columns]
    typed = both.select(*declared, *[n for n in part.columns if n not in declared])
    return typed, problems + check_ordered(typed, spec, where)
