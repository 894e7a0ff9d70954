"""What a raw dataset must be: its columns, their kinds, its id column and the order its timestamps keep.

A :class:`DatasetSpec` is declared by a plugin and enforced by the loader (:mod:`csskpi.data.load`) before any
measure sees the data.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Column", "ColumnKind", "DatasetSpec"]


def _str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _columns_tuple(value: Iterable[Column]) -> tuple[Column, ...]:
    return tuple(value)


def _pairs(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in value)


class ColumnKind(enum.Enum):
    """How a raw column is parsed and checked."""

    STR = "str"  # free text or an identifier
    INT = "int"
    DECIMAL = "decimal"  # money or a measured quantity: exact, never float
    BOOL = "bool"  # true/false, 1/0, yes/no
    DATE = "date"  # YYYY-MM-DD
    DATETIME = "datetime"  # YYYY-MM-DDTHH:MM[:SS], local UK time
    ENUM = "enum"  # one of ``values``


@attrs.frozen
class Column:
    """A column a dataset must carry. ``nullable`` columns may hold empty cells (missing = empty)."""

    name: str
    kind: ColumnKind
    nullable: bool = False
    values: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if (self.kind is ColumnKind.ENUM) != bool(self.values):
            raise ValueError(f"'values' must be given for an enum column, and only then ({self.name})")


@attrs.frozen
class DatasetSpec:
    """A raw dataset's interface. A loader may accept more columns than ``columns``, never fewer.

    ``id_column`` must be unique; each ``(earlier, later)`` pair in ``ordered`` is a pair of columns where
    ``later`` may not be before ``earlier`` (a call resolved before it was opened is an error). ``findings``,
    if given, receives the checked frame (with its row numbers in ``__row__``) and returns the data-quality
    findings: records valid but odd, listed in the output, never dropped.
    """

    name: str
    columns: tuple[Column, ...] = attrs.field(converter=_columns_tuple)
    id_column: str | None = None
    ordered: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    description: str = ""
    findings: Callable[[pl.DataFrame], list[Any]] | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"'columns' of dataset {self.name!r} repeat a name")
        for name in ([self.id_column] if self.id_column else []) + [n for pair in self.ordered for n in pair]:
            if name not in names:
                raise ValueError(f"dataset {self.name!r} refers to column {name!r} it does not declare")

    @property
    def dated_by(self) -> str | None:
        """The column that dates the records: the first required date or datetime column (None if there is none)."""
        for column in self.columns:
            if column.kind in (ColumnKind.DATE, ColumnKind.DATETIME) and not column.nullable:
                return column.name
        return None

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)
