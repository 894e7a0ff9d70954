"""Rendering a report to a format and writing it to a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from csskpi.errors import InputError, Problem
from csskpi.files.atomic import write_atomic

if TYPE_CHECKING:
    from csskpi.report.model import Report

__all__ = ["BINARY", "FORMATS", "render", "write_report"]

FORMATS = ("html", "xlsx", "md", "json", "docx")
BINARY = ("xlsx", "docx")  # never to standard output


def _renderer(fmt: str) -> Callable[[Report], bytes]:
    if fmt == "html":
        from csskpi.report.html import render_html

        return lambda r: render_html(r).encode("utf-8")
    if fmt == "md":
        from csskpi.report.markdown import render_markdown

        return lambda r: render_markdown(r).encode("utf-8")
    if fmt == "json":
        from csskpi.report.jsonout import render_json

        return lambda r: render_json(r).encode("utf-8")
    if fmt == "xlsx":
        from csskpi.report.xlsx import render_xlsx

        return render_xlsx
    if fmt == "docx":
        from csskpi.report.docx import render_docx

        return render_docx
    raise InputError(Problem(f"no report format {fmt!r} (formats: {', '.join(FORMATS)})", field="--format"))


def render(report: Report, fmt: str) -> bytes:
    """The report in ``fmt`` (``html``, ``xlsx``, ``md``, ``json`` or ``docx``), as bytes (UTF-8 for the text formats)."""
    return _renderer(fmt)(report)


def write_report(report: Report, fmt: str, path: str | Path) -> Path:
    """Write the report in ``fmt`` to ``path`` (replacing it whole, never leaving half a file); return the path.

    The bytes go to a temporary file created exclusively beside the target (never through an existing file or
    link), flushed to disk, then renamed over the target."""
    data = render(report, fmt)
    target = Path(path)
    try:  # a unique temporary file created exclusively beside the target, never through a link, then renamed
        write_atomic(target, data)
    except OSError as exc:
        raise InputError(Problem(f"cannot write the report: {exc.strerror or exc}", file=str(target))) from None
    return target
