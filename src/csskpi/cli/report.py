"""The ``csskpi report`` command: the council's scrutiny report as HTML, Excel, Markdown or JSON.

Inputs as ``evaluate`` (``--measurements`` or ``--example``), or ``--data DIR``: raw data measured through the
plugins first, with the appendices the plugins declare for the report (the PM plugin's payroll contacts,
Appendix C) when their data are there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import Any, TextIO

import attrs

from csskpi.cli.exports import add_profile_option, profile_from
from csskpi.cli.results import load_inputs
from csskpi.cli.settings import note_outcome
from csskpi.errors import CsskpiError, InputError, Problem
from csskpi.files.charges import read_charges
from csskpi.files.decisions import read_decisions_files
from csskpi.files.published import read_published
from csskpi.model.period import Period
from csskpi.pipeline.assessment import Assessment, assess_data
from csskpi.pipeline.availability import check_data
from csskpi.pipeline.measure import MeasureRegistry, build_appendix, load_data, report_appendices
from csskpi.plugin.registry import DEFAULT_CONTRACT, example, load_contract
from csskpi.report.output import FORMATS  # the report itself is imported when one is made

__all__ = ["add_report_commands", "cmd_report"]


def add_report_commands(sub: Any, common: argparse.ArgumentParser, period: Callable[[str], Period]) -> None:
    p = sub.add_parser("report", parents=[common], help="the scrutiny report: HTML, Excel, Markdown or JSON")
    p.add_argument("--contract", metavar="C", help=f"contract name or .toml path (default: {DEFAULT_CONTRACT})")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--measurements", metavar="FILE", help="measurements CSV (period,kpi_id,value,annotation)")
    src.add_argument("--example", metavar="NAME", help="a bundled example, e.g. dec-2017")
    src.add_argument("--data", metavar="DIR", help="raw datasets, measured through the plugins first")
    src.add_argument("--ledger", metavar="DB", help="the results ledger: the figures as recorded (see --as-at)")
    p.add_argument("--decisions", metavar="FILE", action="append", default=[], help="decisions TOML (repeatable)")
    add_profile_option(p)  # with --data: read the council's exports through an import profile
    p.add_argument("--charges", metavar="FILE", help="monthly charges CSV (area,from,monthly_charge)")
    p.add_argument("--published", metavar="FILE", help="published summary counts CSV to reconcile with")
    p.add_argument("--source", metavar="S", help="reconcile only the published rows of this source")
    p.add_argument("--from", dest="start", metavar="YYYY-MM", type=period, required=True, help="first month reported")
    p.add_argument("--to", dest="end", metavar="YYYY-MM", type=period, required=True, help="last month reported")
    p.add_argument("--trend-from", metavar="YYYY-MM", type=period, help="trend window start (default: --from)")
    p.add_argument("--trend-to", metavar="YYYY-MM", type=period, help="trend window end (default: --to)")
    p.add_argument("--history-from", metavar="YYYY-MM", type=period,
                   help="with --data, also measure from this month (abatement points since then; default: --from)")
    p.add_argument("--as-at", metavar="WHEN",
                   help="with --data: Appendix C's snapshot date YYYY-MM-DD (default: today); with --ledger: 'first', "
                        "a date or 'now' (default), the versions standing then")
    p.add_argument("--commentary", metavar="FILE", help="the council's commentary TOML (docs/formats.md) merged into the report")
    p.add_argument("--title", help="the report's title")
    p.add_argument("--format", choices=FORMATS, required=True, help="html, xlsx, md, json or docx")
    p.add_argument("--out", metavar="FILE", required=True, help="the file to write ('-' for standard output, text formats)")
    p.add_argument(
        "--missing", choices=("warn", "dna"), default="warn",
        help="KPIs in force but absent: list them (warn, default) or judge them data not available (dna)",
    )


def _from_data(args: argparse.Namespace) -> Assessment:
    """Measure every month of the report (and of the trend window) from raw data, then judge it."""
    registry = MeasureRegistry.from_plugins()  # one plugin manager for the contract and the measures
    contract = load_contract(args.contract or DEFAULT_CONTRACT, registry.pm, changes=args.changes)
    first = min(p for p in (args.start, args.trend_from, args.history_from) if p is not None)
    last = max(p for p in (args.end, args.trend_to) if p is not None)
    data = load_data(args.data, registry, profile=profile_from(args))
    if (missing := check_data(contract, data, Period.range(args.start, args.end), registry)[0]) and args.missing != "dna":
        raise InputError(missing)  # data not available is RED with full points: never because of a file name
    decisions = read_decisions_files(args.decisions, contract)
    assessment = assess_data(
        contract, data, Period.range(first, last), registry, decisions, missing=args.missing,
        charges=read_charges(args.charges, contract.area_codes) if args.charges else None,
        published=read_published(args.published) if args.published else None, source=args.source,
    )
    findings = assessment.measure_run.findings if assessment.measure_run else ()  # logged by csskpi.pipeline
    note_outcome(args, evaluation=assessment.evaluation, warnings=len(findings))  # for --fail-on
    tables = []
    for name in report_appendices(registry, data):
        try:
            tables.append(build_appendix(registry, name, data, args.start, args.end, _snapshot_date(args.as_at)))
        except CsskpiError as exc:
            print(f"csskpi: warning: no appendix {name}: {exc}", file=sys.stderr)
    return attrs.evolve(assessment, appendices=tuple(tables))


def _snapshot_date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(Problem(f"must be a date YYYY-MM-DD with --data, not {text!r}", field="--as-at")) from None


def _from_ledger(args: argparse.Namespace) -> tuple[Assessment, str]:
    """The months as the ledger records them (as at ``--as-at``), and the line saying which versions they are."""
    from csskpi.ledger import Ledger, read_record

    as_at = None if args.as_at in (None, "now") else args.as_at
    with Ledger.open(args.ledger, create=False) as ledger:
        record = read_record(ledger, args.start, args.end, contract=args.contract, as_at=as_at)
    return record.assessment(), f"Figures {record.describe()}."


def cmd_report(args: argparse.Namespace, out: TextIO) -> None:
    if args.end < args.start:
        raise InputError(Problem(f"--to ({args.end}) is before --from ({args.start})", field="--to"))
    if args.out == "-" and args.format in ("xlsx", "docx"):
        raise InputError(Problem(f"a {args.format} file cannot go to standard output: give --out FILE", field="--out"))
    notes: tuple[str, ...] = ()
    if args.ledger:
        assessment, provenance = _from_ledger(args)
        notes = (provenance,)
    else:
        assessment = _from_data(args) if args.data else load_inputs(args)
    from csskpi.report import build_report, write_report

    report = build_report(
        assessment, start=args.start, end=args.end, trend_start=args.trend_from, trend_end=args.trend_to,
        title=args.title, notes=notes,
    )
    # The council's words: the file given, else the example's own (the December 2017 report's, quoted).
    commentary = args.commentary or (example(args.example).commentary if getattr(args, "example", None) else None)
    if commentary:
        from csskpi.files.commentary import read_commentary
        from csskpi.report.commentary import with_commentary

        report = with_commentary(report, read_commentary(commentary, assessment.contract))
    if args.out == "-":
        from csskpi.report import render

        out.write(render(report, args.format).decode("utf-8"))
        return
    path = write_report(report, args.format, args.out)
    if args.data:  # each KPI below MSL linked to its failing records, in a workbook beside the report
        from csskpi.cli.evidence import write_evidence_beside

        write_evidence_beside(assessment, path, args.start, args.end)
    rec = report.reconciliation
    agreed = f"; {rec.compared - len(rec.differences)} of {rec.compared} published rows agree" if rec else ""
    print(f"csskpi: wrote the {args.format} report for {report.start} to {report.end} to {path}{agreed}", file=sys.stderr)
