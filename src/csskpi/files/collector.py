"""Gathering the problems of one file, so that its every fault is reported at once with file, line and field."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from csskpi.errors import Problem

__all__ = ["Collector", "kind_of"]


T = TypeVar("T")


class Collector:
    """Gathers problems so that a file's every fault is reported at once."""

    def __init__(self, file: str | None, text: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self._lines = text.splitlines()

    def line_of(self, reference: str | None) -> int | None:
        if not reference or not isinstance(reference, str):
            return None
        pattern = re.compile(r'^\s*reference\s*=\s*["\']' + re.escape(reference) + r'["\']')
        for number, line in enumerate(self._lines, start=1):
            if pattern.match(line):
                return number
        return None

    def line_of_table(self, header: str) -> int | None:
        """The line of the ``[header]`` or ``[[header]]`` table (for problems in a parameters table)."""
        pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(header) + r"\s*\]\]?")
        for number, line in enumerate(self._lines, start=1):
            if pattern.match(line):
                return number
        return None

    def add(self, message: str, *, field: str | None = None, kpi: str | None = None, line: int | None = None) -> None:
        kpi = kpi if isinstance(kpi, str) else None  # a reference of the wrong type is itself reported elsewhere
        where = line if line is not None else self.line_of(kpi)
        self.problems.append(Problem(message, file=self.file, line=where, field=field, kpi=kpi))

    def attempt(
        self, build: Callable[[], T], *, field: str | None = None, kpi: str | None = None, line: int | None = None
    ) -> T | None:
        try:
            return build()
        except KeyError as exc:  # a required key of a table is absent
            message = f"missing {exc.args[0]!r}" if exc.args else "a required key is missing"
            self.add(message, field=field, kpi=kpi, line=line)
            return None
        except (ValueError, TypeError, ArithmeticError) as exc:
            # attrs validators raise (message, attribute, ...): the message alone is what a reader needs.
            message = exc.args[0] if len(exc.args) > 1 and isinstance(exc.args[0], str) else str(exc)
            self.add(message, field=field, kpi=kpi, line=line)
            return None

    def tables(
        self, value: Any, field: str, *, kpi: str | None = None, line: int | None = None
    ) -> list[Mapping[str, Any]]:
        """``value`` as a list of tables (``[[field]]``); anything else, or an entry that is no table, is a problem."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(f"must be an array of tables [[{field}]], not {kind_of(value)}", field=field, kpi=kpi, line=line)
            return []
        good = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                good.append(item)
            else:
                self.add(f"must be a table, not {kind_of(item)}", field=f"{field}[{i}]", kpi=kpi, line=line)
        return good

    def unknown_keys(
        self, table: Mapping[str, Any], allowed: set[str], where: str, kpi: str | None = None, line: int | None = None
    ) -> None:
        for key in sorted(set(table) - allowed):
            self.add(f"unknown key in {where} (allowed: {', '.join(sorted(allowed))})", field=key, kpi=kpi, line=line)


def kind_of(value: Any) -> str:
    """What a TOML value is, in a message: ``the integer 5``, ``an array``, ``a table``."""
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    return f"{type(value).__name__} {str(value)[:40]}"
