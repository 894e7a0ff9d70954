"""Reading the council's commentary file: the words of its report that the engine cannot compute (``docs/formats.md``).

A TOML file keyed by section, service area and KPI: the summary and actions, the background, commentary per area,
for each KPI below MSL the effect on council services and the estimated time to resolve (Table 8), the overview
and conclusion, the IT projects' milestone table (an appendix) and figures the text states about the contract
(targets, points), which the report checks against it. Every problem is reported at once with file, line and field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from csskpi.engine.reconcile import MilestoneMonth, Statement
from csskpi.errors import InputError, Problem
from csskpi.model.contract import Contract
from csskpi.model.period import Period

__all__ = ["SECTIONS", "BelowMslNote", "Commentary", "Milestones", "parse_commentary", "read_commentary"]

# The council's sections, in the order its report prints them.
SECTIONS = ("summary", "actions", "background", "performance", "overview", "projects", "conclusion")
_TOP = {"source", "sections", "areas", "below_msl", "milestones", "stated"}
_NOTE_KEYS = {"kpi", "months", "effect", "resolution", "description"}
_MILESTONE_KEYS = {"title", "kpi", "note", "months"}
_MONTH_KEYS = {"period", "total", "kpi_milestones", "met", "exception", "fail", "excluded", "kpi_percent"}
_STATED_KEYS = {"period", "kpi", "tsl", "msl", "points", "quote", "source"}


@attrs.frozen
class BelowMslNote:
    """The council's words on a KPI below MSL: its effect on council services and the estimated time to resolve."""

    kpi: str
    months: tuple[Period, ...]
    effect: str
    resolution: str = ""
    description: str = ""  # the short description as the council printed it, when it differs
    line: int | None = None


@attrs.frozen
class Milestones:
    """The IT projects' milestone table (Appendix D of the December 2017 report)."""

    title: str
    kpi: str | None
    note: str
    months: tuple[MilestoneMonth, ...]


@attrs.frozen
class Commentary:
    """The council's commentary for one report; empty strings where it gives none."""

    source: str = ""
    sections: tuple[tuple[str, str], ...] = ()
    areas: tuple[tuple[str, str], ...] = ()
    below_msl: tuple[BelowMslNote, ...] = ()
    milestones: Milestones | None = None
    statements: tuple[Statement, ...] = ()
    file: str | None = None

    def section(self, name: str) -> str:
        return next((t for n, t in self.sections if n == name), "")

    def area(self, code: str) -> str:
        return next((t for a, t in self.areas if a == code), "")

    def notes_for(self, kpi: str, period: Period) -> BelowMslNote | None:
        return next((n for n in self.below_msl if n.kpi == kpi and period in n.months), None)


class _Lines:
    """Line numbers of tables and keys in the TOML text (tomllib gives none)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def header(self, name: str, index: int = 0) -> int | None:
        pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(name) + r"\s*\]\]?\s*(#.*)?$")
        found = [n for n, line in enumerate(self.lines, start=1) if pattern.match(line)]
        return found[index] if index < len(found) else None

    def key(self, key: str, after: int | None = None) -> int | None:
        pattern = re.compile(r"^\s*(\"?)" + re.escape(key) + r"\1\s*=")
        start = after or 1
        return next((n for n, line in enumerate(self.lines[start - 1:], start=start) if pattern.match(line)), after)


class _Reader:
    def __init__(self, file: str, text: str, contract: Contract | None) -> None:
        self.file, self.at, self.contract = file, _Lines(text), contract
        self.problems: list[Problem] = []

    def bad(self, message: str, field: str, line: int | None, kpi: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.file, line=line, field=field, kpi=kpi))

    def text(self, table: Mapping[str, Any], key: str, field: str, line: int | None, *, required: bool = False) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.bad("missing: give it as a string", field, line)
            return ""
        if not isinstance(value, str):
            self.bad(f"must be a string, not {type(value).__name__}", field, self.at.key(key, line))
            return ""
        return value.strip()

    def count(self, table: Mapping[str, Any], key: str, field: str, line: int | None, *, required: bool = True) -> int | None:
        value = table.get(key)
        if value is None:
            if required:
                self.bad("missing: give a whole number", field, line)
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.bad(f"must be a whole number, 0 or more, not {value!r}", field, self.at.key(key, line))
            return None
        return value

    def decimal(self, value: Any, field: str, line: int | None) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.bad(f"must be a number (as a string, e.g. \"87.50\"), not {value!r}", field, line)
            return None
        try:
            number = Decimal(str(value).strip().rstrip("%"))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.bad(f"{value!r} is not a number", field, line)
            return None
        return number

    def period(self, value: Any, field: str, line: int | None) -> Period | None:
        try:
            p = Period.parse(value) if isinstance(value, str) else None
        except ValueError as exc:
            self.bad(str(exc), field, line)
            return None
        if p is None:
            self.bad(f"must be a month as \"YYYY-MM\", not {value!r}", field, line)
        elif self.contract is not None and not self.contract.calendar.contains(p):
            self.bad(f"{p} is outside the contract", field, line)
            return None
        return p

    def kpi(self, value: Any, field: str, line: int | None) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.bad(f"must be a KPI reference, not {value!r}", field, line)
            return None
        ref = value.strip()
        if self.contract is not None and ref not in {k.reference for k in self.contract.kpis}:
            self.bad(f"{ref} is not a KPI of the contract", field, line, ref)
            return None
        return ref

    def unknown(self, table: Mapping[str, Any], allowed: set[str], where: str, line: int | None) -> None:
        for key in table:
            if key not in allowed:
                self.bad(f"unknown key (expected one of {', '.join(sorted(allowed))})", f"{where}{key}",
                         self.at.key(key, line))

    def tables(self, data: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any], int | None]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            self.bad("must be an array of tables ([[" + key + "]])", key, self.at.header(key) or self.at.key(key))
            return []
        return [(i, v, self.at.header(key, i)) for i, v in enumerate(value)]


def _sections(r: _Reader, data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    table = data.get("sections", {})
    line = r.at.header("sections")
    if not isinstance(table, Mapping):
        r.bad("must be a table of section texts", "sections", r.at.key("sections"))
        return ()
    r.unknown(table, set(SECTIONS), "sections.", line)
    return tuple((n, t) for n in SECTIONS if (t := r.text(table, n, f"sections.{n}", line)))


def _areas(r: _Reader, data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    table = data.get("areas", {})
    if not isinstance(table, Mapping):
        r.bad("must be a table of areas ([areas.PM] ...)", "areas", r.at.key("areas"))
        return ()
    codes = r.contract.area_codes if r.contract is not None else tuple(table)
    out = []
    for code, area in table.items():
        line = r.at.header(f"areas.{code}")
        if code not in codes:
            r.bad(f"unknown service area {code!r} (the contract's: {', '.join(codes)})", f"areas.{code}", line)
        elif not isinstance(area, Mapping):
            r.bad("must be a table with 'commentary'", f"areas.{code}", line or r.at.key(code))
        else:
            r.unknown(area, {"commentary"}, f"areas.{code}.", line)
            out.append((code, r.text(area, "commentary", f"areas.{code}.commentary", line, required=True)))
    order = {c: i for i, c in enumerate(codes)}
    return tuple(sorted(out, key=lambda a: order.get(a[0], len(order))))


def _notes(r: _Reader, data: Mapping[str, Any]) -> tuple[BelowMslNote, ...]:
    out = []
    seen: dict[tuple[str, Period], int] = {}
    for i, note, line in r.tables(data, "below_msl"):
        where = f"below_msl[{i}]."
        r.unknown(note, _NOTE_KEYS, where, line)
        kpi = r.kpi(note.get("kpi"), where + "kpi", r.at.key("kpi", line))
        raw = note.get("months")
        if not isinstance(raw, list) or not raw:
            r.bad("must be a list of months, e.g. [\"2017-09\"]", where + "months", r.at.key("months", line) or line)
            raw = []
        months = [r.period(m, where + "months", r.at.key("months", line)) for m in raw]
        effect = r.text(note, "effect", where + "effect", line, required=True)
        resolution = r.text(note, "resolution", where + "resolution", line)
        description = r.text(note, "description", where + "description", line)
        for m in months:
            if kpi and m is not None and (kpi, m) in seen:
                r.bad(f"{kpi} {m} already has words (line {seen[(kpi, m)]}): give each KPI-month once",
                      where + "months", r.at.key("months", line) or line, kpi)
            elif kpi and m is not None:
                seen[(kpi, m)] = line or 0
        if kpi and all(m is not None for m in months) and months:
            out.append(BelowMslNote(kpi, tuple(m for m in months if m is not None), effect, resolution, description,
                                    line))
    return tuple(out)


def _milestones(r: _Reader, data: Mapping[str, Any]) -> Milestones | None:
    if "milestones" not in data:
        return None
    table = data["milestones"]
    line = r.at.header("milestones")
    if not isinstance(table, Mapping):
        r.bad("must be a table", "milestones", r.at.key("milestones"))
        return None
    r.unknown(table, _MILESTONE_KEYS, "milestones.", line)
    kpi = r.kpi(table["kpi"], "milestones.kpi", r.at.key("kpi", line)) if "kpi" in table else None
    months = []
    for i, m, mline in r.tables(table, "months"):
        mline = r.at.header("milestones.months", i)
        where = f"milestones.months[{i}]."
        r.unknown(m, _MONTH_KEYS, where, mline)
        period = r.period(m.get("period"), where + "period", r.at.key("period", mline))
        counts = {k: r.count(m, k, where + k, mline, required=k not in ("total", "excluded"))
                  for k in ("total", "kpi_milestones", "met", "exception", "fail", "excluded")}
        percent = r.decimal(m["kpi_percent"], where + "kpi_percent", r.at.key("kpi_percent", mline)) \
            if "kpi_percent" in m else None
        if period is None or any(counts[k] is None for k in ("kpi_milestones", "met", "exception", "fail")):
            continue
        months.append(MilestoneMonth(period, counts["total"], counts["kpi_milestones"] or 0, counts["met"] or 0,
                                     counts["exception"] or 0, counts["fail"] or 0, counts["excluded"], percent,
                                     r.file, mline))
    return Milestones(r.text(table, "title", "milestones.title", line) or "IT projects: milestones per month", kpi,
                      r.text(table, "note", "milestones.note", line), tuple(months))


def _statements(r: _Reader, data: Mapping[str, Any], source: str) -> tuple[Statement, ...]:
    out = []
    for i, s, line in r.tables(data, "stated"):
        where = f"stated[{i}]."
        r.unknown(s, _STATED_KEYS, where, line)
        period = r.period(s.get("period"), where + "period", r.at.key("period", line) or line)
        given = [k for k in ("tsl", "msl", "points") if k in s]
        if len(given) != 1:
            r.bad("give exactly one of tsl, msl or points", where + "tsl", line)
            continue
        what = given[0]
        kpi = r.kpi(s.get("kpi"), where + "kpi", r.at.key("kpi", line) or line) if what != "points" or "kpi" in s else None
        value = r.decimal(s[what], where + what, r.at.key(what, line))
        quote = r.text(s, "quote", where + "quote", line)
        said = r.text(s, "source", where + "source", line) or source
        if period is not None and value is not None and (kpi is not None or what == "points"):
            out.append(Statement(what, period, value, kpi, quote, said, r.file, line))
    return tuple(out)


def parse_commentary(text: str, *, file: str = "<commentary>", contract: Contract | None = None) -> Commentary:
    """A commentary from TOML text; with ``contract``, KPI references, areas and months are checked against it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise InputError(Problem(f"not valid TOML: {exc}", file=file, line=int(match.group(1)) if match else None)) from None
    r = _Reader(file, text, contract)
    r.unknown(data, _TOP, "", None)
    source = r.text(data, "source", "source", r.at.key("source"))
    commentary = Commentary(source, _sections(r, data), _areas(r, data), _notes(r, data), _milestones(r, data),
                            _statements(r, data, source), file)
    if r.problems:
        raise InputError(r.problems)
    return commentary


def read_commentary(path: str | Path, contract: Contract | None = None) -> Commentary:
    """Read a commentary file (UTF-8 TOML); every problem in it is reported together."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(Problem(f"cannot read the commentary: {why}", file=name)) from None
    return parse_commentary(text, file=name, contract=contract)
