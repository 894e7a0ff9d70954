"""Small HTML building blocks shared by the report's HTML sections; all text is escaped here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from csskpi.model.result import Status
from csskpi.report.text import LONG_WORDS, SYMBOLS

__all__ = ["e", "status_legend", "table_html"]


def e(text: object) -> str:
    """Escape any text for HTML, quotes included."""
    return escape("" if text is None else str(text), quote=True)


def table_html(caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]], *, numeric: Iterable[int] = (),
               label: str | None = None, raw: bool = False, compact: bool = False, long: Iterable[int] = ()) -> str:
    """A scrollable table. Cells are escaped unless ``raw`` (then the caller has escaped them); ``long`` columns
    hold prose and keep a reading width (the table scrolls in its frame rather than a cell growing tall)."""
    right = set(numeric)
    wide = set(long)

    def cls(i: int) -> str:
        return ' class="num"' if i in right else ' class="long"' if i in wide else ""

    head = "".join(f'<th scope="col"{cls(i)}>{e(h)}</th>' for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = "".join(f"<td{cls(i)}>{c if raw else e(c)}</td>" for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    css = ' class="compact"' if compact else ""
    return (f'<div class="scroll" role="region" tabindex="0" aria-label="{e(label or caption)}"><table{css}>'
            f"<caption>{e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def status_legend() -> str:
    items = "".join(
        f'<li><span class="chip st-{s.value}" aria-hidden="true">{SYMBOLS[s]}</span>{e(LONG_WORDS[s])}</li>' for s in Status
    )
    return f'<ul class="legend" aria-label="Status key">{items}</ul>'
