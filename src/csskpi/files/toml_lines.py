"""Where each table and key of a TOML text was written, for messages that name the line: tomllib does not say.
Used by :mod:`csskpi.files.profile`."""

from __future__ import annotations

import re

__all__ = ["key_lines"]

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")
_PART = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*\.?""")


def _parts(dotted: str) -> tuple[str, ...]:
    out = []
    for match in _PART.finditer(dotted):
        part = match.group(1)
        if part.startswith('"'):
            part = part[1:-1].encode("utf-8").decode("unicode_escape") if "\\" in part else part[1:-1]
        elif part.startswith("'"):
            part = part[1:-1]
        out.append(part)
    return tuple(out)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Where each table and key was written: ``("datasets", "incidents", "columns", "incident_id") -> 7``.

    tomllib does not say, and a message must; a table is found by its header line, a key by its ``key =`` line
    within the table last opened (inline tables and multi-line values are named by their first line).
    """
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _parts(header.group(1))
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            lines.setdefault(table + _parts(key.group(1)), number)
    return lines
