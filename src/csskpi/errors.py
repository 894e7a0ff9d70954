"""Errors raised by csskpi.

Every error csskpi raises on bad input derives from :class:`CsskpiError` and also from the builtin exception
a Python caller would expect (``ValueError``, ``KeyError``, ``LookupError``), so ``except ValueError`` keeps
working. Input errors carry where the problem is — file, line, field, KPI — and several problems found in one
pass are reported together in one exception rather than one at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import attrs

__all__ = [
    "Problem",
    "CsskpiError",
    "ContractError",
    "InputError",
    "UnknownKPIError",
    "UnknownNameError",
    "PluginError",
]


@attrs.frozen
class Problem:
    """One thing wrong with an input, and where it is.

    ``line`` is 1-based as an editor shows it; ``field`` is the column or key at fault.
    """

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    kpi: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        parts = []
        if self.kpi is not None:
            parts.append(self.kpi)
        if self.field is not None:
            parts.append(f"'{self.field}'")
        label = " ".join(parts)
        return f"{where}{label + ': ' if label else ''}{self.message}"


class CsskpiError(Exception):
    """Base class of every error csskpi raises about its input or its use.

    ``problems`` holds one or more :class:`Problem`; ``str()`` lists them all, one per line.
    """

    def __init__(self, problems: Problem | str | Iterable[Problem]) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("a CsskpiError needs at least one problem")
        # The text of every problem is built only when asked for (str()): a file of a million bad rows would
        # otherwise cost a message of a hundred megabytes whether or not anyone reads it.
        first = str(self.problems[0])
        super().__init__(first if len(self.problems) == 1 else f"{len(self.problems)} problems, the first: {first}")

    def _text(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines.extend(f"  {p}" for p in self.problems)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._text()

    # Convenience accessors for the common single-problem case.
    @property
    def file(self) -> str | None:
        return self.problems[0].file

    @property
    def line(self) -> int | None:
        return self.problems[0].line

    @property
    def field(self) -> str | None:
        return self.problems[0].field

    @property
    def kpi(self) -> str | None:
        return self.problems[0].kpi


class ContractError(CsskpiError, ValueError):
    """A contract definition (or a change notice layered over it) is invalid."""


class InputError(CsskpiError, ValueError):
    """A measurements, decisions, published-figures or raw data file is invalid."""


class UnknownKPIError(CsskpiError, KeyError):
    """A KPI reference is not in the contract's catalogue."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self._text()


class UnknownNameError(CsskpiError, LookupError):
    """A contract, example or other registered name is not known."""


class PluginError(CsskpiError, RuntimeError):
    """Plugins disagree (two claim one name) or a plugin returned something invalid."""


def display_path(path: str | Path | None) -> str | None:
    """The path as it should appear in a message: as given, without resolving it."""
    return None if path is None else str(path)
