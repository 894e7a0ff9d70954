"""What a measure plugin declares: the raw datasets it reads and the measures it computes from them.

A :class:`DatasetSpec` is the interface of one raw dataset (``MEASURES.md``): its columns, their types, its
id column and the order its timestamps must keep. A :class:`Measure` names the KPI measure it computes, the
datasets and columns it needs and the function that turns one month of them into :class:`~csskpi.Counts`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from .measurement import Counts
from .period import Period

if TYPE_CHECKING:
    import polars as pl

    from .calendars import BusinessCalendar

__all__ = ["ColumnKind", "Column", "DatasetSpec", "Measure", "MeasureInput"]


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
    values: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if (self.kind is ColumnKind.ENUM) != bool(self.values):
            raise ValueError(f"'values' must be given for an enum column, and only then ({self.name})")


@attrs.frozen
class DatasetSpec:
    """A raw dataset's interface. A loader may accept more columns than ``columns``, never fewer.

    ``id_column`` must be unique; each ``(earlier, later)`` pair in ``ordered`` is a pair of columns where
    ``later`` may not be before ``earlier`` (a call resolved before it was opened is an error).
    """

    name: str
    columns: tuple[Column, ...] = attrs.field(converter=tuple)
    id_column: str | None = None
    ordered: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=tuple)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"'columns' of dataset {self.name!r} repeat a name")
        for name in ([self.id_column] if self.id_column else []) + [n for pair in self.ordered for n in pair]:
            if name not in names:
                raise ValueError(f"dataset {self.name!r} refers to column {name!r} it does not declare")

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


@attrs.frozen
class MeasureInput:
    """What a measure is given for one month: the month, its datasets, its contract parameters, the calendar.

    ``data`` maps each dataset the measure declared to the whole loaded dataset (every month); the measure
    selects its month by the rule of ``MEASURES.md``.
    """

    period: Period
    data: Mapping[str, pl.DataFrame] = attrs.field(converter=lambda d: MappingProxyType(dict(d)))
    parameters: Mapping[str, Any] = attrs.field(factory=dict, converter=lambda d: MappingProxyType(dict(d)))
    calendar: BusinessCalendar | None = None


@attrs.frozen
class Measure:
    """A measure: ``name`` is the KPI measure it computes (a KPI's ``measure``, by default its reference).

    ``columns`` maps each dataset the measure reads to the columns it uses. ``compute`` receives a
    :class:`MeasureInput` and returns :class:`Counts`.
    """

    name: str
    columns: Mapping[str, tuple[str, ...]] = attrs.field(converter=lambda d: MappingProxyType({k: tuple(v) for k, v in d.items()}))
    compute: Callable[[MeasureInput], Counts] = attrs.field(eq=False)
    description: str = ""
    unit: str = "records"

    @property
    def datasets(self) -> tuple[str, ...]:
        return tuple(self.columns)
