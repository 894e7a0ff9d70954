"""Gathering the problems of one file, so that its every fault is reported at once with file, line and field."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from csskpi.errors import Problem

__all__ = ["Collector"]

T = TypeVar("T")


class Collector:
    """Gathers problems so that a file's every fault is reported at once."""

    def __init__(self, file: str | None, text: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self._lines = text.splitlines()

    def line_of(self, reference: str | None) -> int | None:
        if not reference:
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
        where = line if line is not None else self.line_of(kpi)
        self.problems.append(Problem(message, file=self.file, line=where, field=field, kpi=kpi))

    def attempt(
        self, build: Callable[[], T], *, field: str | None = None, kpi: str | None = None, line: int | None = None
    ) -> T | None:
        try:
            return build()
        except (ValueError, TypeError, ArithmeticError) as exc:
            self.add(str(exc), field=field, kpi=kpi, line=line)
            return None

    def unknown_keys(
        self, table: Mapping[str, Any], allowed: set[str], where: str, kpi: str | None = None, line: int | None = None
    ) -> None:
        for key in sorted(set(table) - allowed):
            self.add(f"unknown key in {where} (allowed: {', '.join(sorted(allowed))})", field=key, kpi=kpi, line=line)
