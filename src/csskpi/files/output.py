"""Records written out: JSON and CSV text, the formats other tools read csskpi's results in.

Text in a record may come from a hostile file (a KPI description, a decision's reason). A spreadsheet opening the
CSV would run a cell starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula, so
:func:`safe_cell` writes such a cell with a leading apostrophe — except a number such as ``-2.5``, which stays
as it is. The Excel report uses the same function.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

__all__ = ["to_csv", "to_json", "safe_cell", "FORMULA_START"]

#: What a spreadsheet reads as the start of a formula (or, for tab and CR, of a cell it may re-parse).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def safe_cell(value: Any) -> Any:
    """``value``, or a text that starts like a formula with an apostrophe before it; numbers are never changed."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_csv(records: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """The records as CSV, a header of ``columns`` (by default the first record's keys); cells made safe."""
    out = io.StringIO()
    columns = list(columns or (records[0].keys() if records else []))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])
    for rec in records:
        writer.writerow(["" if rec.get(c) is None else safe_cell(rec.get(c)) for c in columns])
    return out.getvalue()
