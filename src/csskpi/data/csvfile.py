"""Where the records of a CSV file are: the line each starts on, and those with more or fewer fields than its
header — in the common case from a search for a quote (:func:`csv_layout`) and, when a last cell is empty, a count
of the commas (:func:`csv_counts`), so the file is parsed once, by polars, and never held whole in memory as
bytes. Used by :mod:`csskpi.data.readers` and :mod:`csskpi.data.batched`."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import polars as pl

from csskpi.data.checks import Locator, first_line
from csskpi.errors import Problem
from csskpi.files.text import decode_text

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Counts", "Layout", "OddLines", "csv_counts", "csv_layout", "csv_lines", "odd_lines", "unreadable_csv"]

CHUNK = 1 << 24  # bytes read at a time: memory stays bounded whatever the file's size
COUNT_CHUNK = 1 << 22  # bytes counted at a time, in the processor's cache
_NEWLINE, _CR, _COMMA = 10, 13, 44


@attrs.frozen
class Layout:
    """What a quick look at a CSV file's bytes says of it: ``blank``, nothing but whitespace; ``quoted``, a ``"``
    somewhere (a record may then span lines and a field hold a comma, so fields cannot be told by counting
    commas)."""

    blank: bool
    quoted: bool


@attrs.frozen
class Counts:
    """``lines``: how many records a file holds if each is one line (newlines, plus an unterminated last line);
    ``commas``: how many commas it holds."""

    lines: int
    commas: int


@attrs.frozen
class OddLines:
    """The first non-blank line's number of fields (``header``) and the 0-based lines, not blank, with another
    number (``lines``) and theirs (``fields``), of a file without quotes."""

    header: int | None
    lines: tuple[int, ...] = ()
    fields: tuple[int, ...] = ()


class _Counter:
    """Fields per line, chunk by chunk (each chunk ends at a newline, or is the file's unterminated end)."""

    def __init__(self) -> None:
        self.lines = 0
        self.header: int | None = None
        self.odd_lines: list[np.ndarray] = []
        self.odd_fields: list[np.ndarray] = []

    def add(self, whole: bytes, *, last: bool = False) -> None:
        import numpy as np  # only a file that fails the quick count comes here

        if not whole:
            return
        arr = np.frombuffer(whole, np.uint8)
        ends = np.flatnonzero(arr == _NEWLINE)
        if last:  # the unterminated last line ends where the file does
            ends = np.append(ends, len(arr))
        starts = np.concatenate(([0], ends[:-1] + 1))
        # Fields are commas + 1: the commas before each line's end, by a search of their positions (a
        # per-line reduction over the bytes costs ~25x more).
        before = np.searchsorted(np.flatnonzero(arr == _COMMA), ends)
        fields = np.diff(np.concatenate(([0], before))) + 1
        ends_cr = (ends > starts) & (arr[np.maximum(ends - 1, 0)] == _CR)
        blank = (ends - starts - ends_cr) == 0
        if self.header is None:
            present = np.flatnonzero(~blank)
            if len(present):
                self.header = int(fields[present[0]])
        if self.header is not None:
            odd = np.flatnonzero(~blank & (fields != self.header))
            if len(odd):
                self.odd_lines.append(odd + self.lines)
                self.odd_fields.append(fields[odd])
        self.lines += len(ends)


def csv_layout(path: Path) -> Layout:
    """Whether the file is blank or holds a quote: a search of it :data:`COUNT_CHUNK` bytes at a time, into one
    reused buffer (a mapping of the whole file would count its pages as the process's memory)."""
    blank, quoted = True, False
    with path.open("rb", buffering=0) as stream:
        buffer = bytearray(_buffer_size(stream.fileno()))
        while not quoted and (size := stream.readinto(buffer)):
            quoted = buffer.find(b'"', 0, size) != -1
            blank = blank and not bytes(buffer[:size]).strip()
    return Layout(blank=blank, quoted=quoted)


def _buffer_size(descriptor: int) -> int:
    """:data:`COUNT_CHUNK`, or less for a smaller file (one byte more, so that its end is read as such)."""
    return max(1, min(COUNT_CHUNK, os.fstat(descriptor).st_size + 1))


def csv_counts(path: Path) -> Counts:
    """The file's lines and commas, counted by numpy :data:`COUNT_CHUNK` bytes at a time in one reused buffer: a
    slice that stays in the processor's cache makes the two counts ~4x faster than ``bytes.count``, and the file
    is neither held nor mapped (a mapped page would count as the process's memory)."""
    import numpy as np

    lines = commas = 0
    last = _NEWLINE
    with path.open("rb", buffering=0) as stream:
        buffer = np.empty(_buffer_size(stream.fileno()), np.uint8)
        while size := stream.readinto(buffer.data):
            part = buffer[:size]
            lines += int(np.count_nonzero(part == _NEWLINE))
            commas += int(np.count_nonzero(part == _COMMA))
            last = int(part[-1])
    return Counts(lines + (last != _NEWLINE), commas)  # an unterminated last line counts


def odd_lines(path: Path) -> OddLines:
    """The lines of a file without quotes whose number of fields is not the header's, chunk by chunk."""
    counter = _Counter()
    carry = b""
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            buffer = carry + chunk
            cut = buffer.rfind(b"\n") + 1
            counter.add(buffer[:cut])
            carry = buffer[cut:]
    counter.add(carry, last=True)
    import numpy as np

    odd = np.concatenate(counter.odd_lines) if counter.odd_lines else np.empty(0, np.int64)
    widths = np.concatenate(counter.odd_fields) if counter.odd_fields else np.empty(0, np.int64)
    return OddLines(counter.header, tuple(odd.tolist()), tuple(widths.tolist()))


def csv_lines(path: Path, grid: pl.DataFrame, source: str, layout: Layout) -> tuple[pl.Series, list[Problem]]:
    """The line each record of ``grid`` (polars' reading of the file at ``path``, header included) starts on, and
    the records with more or fewer fields than the header (polars pads a short one with nulls: a silent guess).

    In the common case — no quote in the file, so each record is one line — a few byte counts say it all. A
    short record is padded with nulls, so if the last column has none, no record is short (nor blank) and nothing
    more is read. Otherwise polars refuses a record longer than the first, so when the file holds ``width - 1``
    commas a line no line is short either. Only a file failing that is counted line by line (:func:`odd_lines`);
    one with quotes is walked.
    """
    if not layout.quoted:
        lines = pl.int_range(1, grid.height + 1, dtype=pl.Int64, eager=True)  # one record a line
        if grid.width and grid[:, -1].null_count() == 0:
            return lines, []
        counts = csv_counts(path)
        if grid.height == counts.lines:
            if counts.commas == (grid.width - 1) * grid.height:  # no record has more: so each has exactly that
                return lines, []
            odd = odd_lines(path)
            if odd.header == grid.width:
                rows, widths = pl.Series(odd.lines, dtype=pl.Int64), pl.Series(odd.fields, dtype=pl.Int64)
                return lines, _ragged(Locator(source, lines, "line", 1), rows, widths, grid.width)
    data = path.read_bytes()  # a quoted file: the slower walks below need its text
    if grid.height == data.count(b"\n") + (not data.endswith(b"\n")):
        lines = pl.int_range(1, grid.height + 1, dtype=pl.Int64, eager=True)  # one record a line
        rows, widths = _short_rows(data, grid)
    else:  # a quoted value spans lines: walk the file to know where each record starts
        lines, widths = _walk_csv(data)
        if len(lines) != grid.height:  # the csv module and polars disagree: better no number than a wrong one
            lines = widths = pl.Series([None] * grid.height, dtype=pl.Int64)
        rows = pl.int_range(0, grid.height, eager=True)
    wrong = widths.is_not_null() & (widths != grid.width)
    return lines, _ragged(Locator(source, lines, "line", 1), rows.filter(wrong), widths.filter(wrong), grid.width)


def unreadable_csv(data: bytes, source: str, error: Exception) -> list[Problem]:
    """What is wrong with a file polars could not read: it is not UTF-8, or which records are too long."""
    text, problems = decode_text(data, source)
    if text is None:  # say what the bytes look like (UTF-16, Latin-1, binary) and what is expected
        return problems
    try:
        lines, widths = _walk_csv(data)
    except (UnicodeDecodeError, csv.Error) as walk_error:
        return [Problem(f"cannot read as UTF-8 CSV: {first_line(walk_error)}", file=source)]
    present = widths.drop_nulls()
    if present.is_empty():
        return [Problem(f"cannot read as CSV: {first_line(error)}", file=source)]
    # The header is the first line that is not blank (a blank first line has no width to compare with).
    header_width = int(present[0])
    wrong = widths.is_not_null() & (widths != header_width)
    where = Locator(source, lines, "line", 1)
    ragged = _ragged(where, wrong.arg_true(), widths.filter(wrong), header_width)
    return ragged or [Problem(f"cannot read as CSV: {first_line(error)}", file=source)]


def _ragged(where: Locator, rows: pl.Series, widths: pl.Series, expected: int) -> list[Problem]:
    counts = widths.to_list()
    return where.capped(None, rows, lambda shown: [f"has {n} fields but the header has {expected}"
                                                   for n in counts[: len(shown)]])


def _short_rows(data: bytes, grid: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """The records that may be short and their number of fields, when each record is one line.

    Only a record whose last cell is null can be short (a long one is polars' error): those lines alone are
    read as text, and their separators outside quotes counted.
    """
    blank = pl.all_horizontal(pl.all().is_null())
    rows = grid.select(pl.col(grid.columns[-1]).is_null() & ~blank).to_series().arg_true()
    if not len(rows):
        return rows, pl.Series([], dtype=pl.Int64)
    if b"\x1f" in data:  # the one character the line reader below splits on: walk the file instead
        return rows, _walk_csv(data)[1].gather(rows)
    text = pl.read_csv(data, has_header=False, separator="\x1f", quote_char=None, infer_schema=False,
                       new_columns=["line"])["line"].gather(rows)
    unquoted = text.str.replace_all('"[^"]*"', "")  # "a, b" and "say ""hi""" hold no separator
    return rows, (unquoted.str.count_matches(",", literal=True) + 1).cast(pl.Int64)


def _walk_csv(data: bytes) -> tuple[pl.Series, pl.Series]:
    """For each record (the header included): the line it starts on and its number of fields (null if blank).

    Python's csv module is slow but knows where each record starts; it is used only when a quoted value spans
    lines or polars cannot read the file.
    """
    starts: list[int] = []
    counts: list[int | None] = []
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    end = 0
    for row in reader:
        starts.append(end + 1)
        counts.append(len(row) or None)
        end = reader.line_num
    return pl.Series(starts, dtype=pl.Int64), pl.Series(counts, dtype=pl.Int64)

