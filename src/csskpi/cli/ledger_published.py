"""The council's published summaries in ``csskpi ledger``: ``record-published`` (a published figures file, or a
bundled example's, into the ledger) and the "as published by the council" section of ``ledger history``.
See ``docs/ledger.md``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from csskpi.cli.console import clean, table
from csskpi.engine.reconcile import FIELDS
from csskpi.errors import InputError, Problem
from csskpi.files.published import read_published
from csskpi.plugin.registry import DEFAULT_CONTRACT, example, load_contract

if TYPE_CHECKING:
    from csskpi.ledger import PublishedEntry, PublishedFigure, PublishedHistory

__all__ = ["add_record_published", "published_section", "record_published"]

_HEADINGS = {"tsl_achieved": "TSL achieved", "msl_achieved": "MSL achieved", "below_msl": "Below MSL",
             "mitigation": "Mitigation", "total": "Total"}


def add_record_published(p: argparse.ArgumentParser, by_help: str) -> None:
    """The options of ``ledger record-published``."""
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--published", metavar="FILE", help="published figures CSV with a published_on column (docs/formats.md)")
    src.add_argument("--example", metavar="NAME", help="a bundled example's published figures, e.g. dec-2017")
    p.add_argument("--contract", metavar="C",
                   help=f"contract name or .toml path (default: the example's contract, else {DEFAULT_CONTRACT})")
    p.add_argument("--by", metavar="NAME", help=by_help)


def record_published(args: argparse.Namespace, out: TextIO) -> None:
    """``csskpi ledger record-published``: every figure of the file recorded, or none (exit 2 saying why)."""
    from csskpi.ledger import Ledger

    if args.example:
        ex = example(args.example)
        if ex.published is None:
            raise InputError(Problem(f"the example {args.example} has no published figures"))
        path, default = str(ex.published), ex.contract
    else:
        path, default = str(args.published), DEFAULT_CONTRACT
    contract = load_contract(args.contract or default)
    rows = read_published(path)
    with Ledger.open(args.db, create=True) as ledger:
        written = ledger.record_published(rows, recorded_by=args.by or "", contract=contract.name)
        out.write(clean(f"recorded {len(written)} published figure(s) of {contract.name} from {path} in {ledger.location} "
                        f"({len(written.unchanged)} already held, unchanged)") + "\n")
        if written.recorded:
            sources: dict[tuple[str, str], list[str]] = {}
            for f in written.recorded:
                sources.setdefault((f.source, f.published_on.isoformat()), []).append(str(f.period))
            rows_out = [[s, d, str(len(ps)), f"{min(ps)} to {max(ps)}" if len(set(ps)) > 1 else ps[0]]
                        for (s, d), ps in sources.items()]
            out.write("\n" + table(["Source", "Published", "Figures", "Months"], rows_out, right=(2,)))
        out.write(f"\nhead {written.head}\n")


def _cell(entry: PublishedEntry, field: str) -> str:
    value = entry.figure.as_dict()[field]
    if value is None:
        return "-"
    changed = next((c for c in entry.changes if c.field == field), None)
    return f"{value} (was {changed.old})" if changed is not None else str(value)


def _compared(entry: PublishedEntry) -> str:
    if entry.first:
        return "first published"
    if not entry.changes:
        return "no count changed"
    return "restates " + ", ".join(entry.restates)


def published_section(history: PublishedHistory) -> str:
    """The month's figures as the council published them, area by area, oldest first, restated counts marked."""
    if not history.entries:
        return f"\n{history.period}: no figures published by the council are recorded in this ledger\n"
    restated = len(history.restatements)
    text = (f"\n{history.period} as published by the council: {len(history)} figure(s) from "
            f"{len({e.figure.source for e in history})} source(s), {restated} restating an earlier one\n\n")
    rows = []
    for area in history.areas():
        for e in history:
            if e.figure.area == area:
                rows.append([area, e.figure.source, e.figure.published_on.isoformat(),
                             *(_cell(e, f) for f in FIELDS), _compared(e)])
    text += table(["Area", "Source", "Published", *(_HEADINGS[f] for f in FIELDS), "Compared with before"], rows)
    text += "\n" if history.restatements else ""
    for e in history.restatements:
        f = e.figure
        text += clean(f"{f.area} {f.period}: {f.source} ({f.published_on.isoformat()}) restates "
                      + "; ".join(f"{c.field} {c.old} ({c.old_source}, {c.old_published_on.isoformat()}) → {c.new}" for c in e.changes)) + "\n"
    def author(f: PublishedFigure) -> str:  # as the versions show it: the database's user where it differs
        return f.recorded_by + (f" (database user {f.db_user})" if f.db_user and f.db_user != f.recorded_by else "")

    who = sorted({(author(e.figure), e.figure.recorded_at.strftime("%Y-%m-%d %H:%M") if e.figure.recorded_at else "")
                  for e in history})
    text += clean("recorded " + "; ".join(f"by {b} at {a} UTC" for b, a in who)) + "\n"
    return text
