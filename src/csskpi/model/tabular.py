"""The thin ``to_polars()``/``to_pandas()`` and notebook displays that csskpi's result classes share.

The conversions themselves are in one module, :mod:`csskpi.frames`, above the pipeline; these methods import it
(and so polars) only when called, so that ``import csskpi`` imports neither and the result classes stay plain
values. It is the one place a lower layer reaches up, lazily, for that reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Tabular"]


class Tabular:
    """A result that is also a table: ``to_polars()``, ``to_pandas()``, a short ``repr`` and an HTML one."""

    __slots__ = ()

    def to_polars(self, table: str | None = None) -> pl.DataFrame:
        """This result as a polars DataFrame, numbers as exact numbers (``table`` picks one of several)."""
        from csskpi.frames import frame_of

        return frame_of(self, table)

    def to_pandas(self, table: str | None = None) -> Any:
        """This result as a pandas DataFrame (pandas must be installed)."""
        from csskpi.frames import to_pandas

        return to_pandas(self.to_polars(table))

    def __repr__(self) -> str:
        from csskpi.frames import repr_of

        return repr_of(self)

    def _repr_html_(self) -> str:
        from csskpi.frames import html_of

        return html_of(self)
