"""Records written out: JSON and CSV text, the formats other tools read csskpi's results in."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

__all__ = ["to_csv", "to_json"]


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_csv(records: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    out = io.StringIO()
    columns = list(columns or (records[0].keys() if records else []))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for rec in records:
        writer.writerow(["" if rec.get(c) is None else rec.get(c) for c in columns])
    return out.getvalue()
