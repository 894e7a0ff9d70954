"""The ``csskpi report`` command: the council's scrutiny report as HTML, Excel, Markdown or JSON.

Inputs as ``evaluate`` (``--measurements`` or ``--example``), or ``--data DIR``: raw data measured through the
plugins first, with the payroll-contacts appendix (Appendix C) when the PM plugin and its data are there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import Any, TextIO

from csskpi.cli.results import load_inputs
from csskpi.files.charges import read_charges
from csskpi.files.decisions import read_decisions_files
from csskpi.errors import CsskpiError, InputError, Problem
from csskpi.plugin.types import AppendixTable
from csskpi.pipeline.measure import MeasureRegistry, build_appendix, check_data, load_data, measure
from csskpi.model.period import Period
from csskpi.files.published import read_published
from csskpi.plugin.registry import DEFAULT_CONTRACT, load_contract
from csskpi.report import FORMATS, build_report, write_report
from csskpi.engine.rules import Evaluation, evaluate

__all__ = ["PAYROLL_APPENDIX", "add_report_commands", "cmd_report"]

PAYROLL_APPENDIX = "payroll-contacts"


def add_report_commands(sub: Any, common: argparse.ArgumentParser, period: Callable[[str], Period]) -> None:
    p = sub.add_parser("report", parents=[common], help="the scrutiny report: HTML, Excel, Markdown or JSON")
    p.add_argument("--contract", metavar="C", help=f"contract name or .toml path (default: {DEFAULT_CONTRACT})")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--measurements", metavar="FILE", help="measurements CSV (period,kpi_id,value,annotation)")
    src.add_argument("--example", metavar="NAME", help="a bundled example, e.g. dec-2017")
    src.add_argument("--data", metavar="DIR", help="raw datasets, measured through the plugins first")
    p.add_argument("--decisions", metavar="FILE", action="append", default=[], help="decisions TOML (repeatable)")
    p.add_argument("--charges", metavar="FILE", help="monthly charges CSV (area,from,monthly_charge)")
    p.add_argument("--published", metavar="FILE", help="published summary counts CSV to reconcile with")
    p.add_argument("--source", metavar="S", help="reconcile only the published rows of this source")
    p.add_argument("--from", dest="start", metavar="YYYY-MM", type=period, required=True, help="first month reported")
    p.add_argument("--to", dest="end", metavar="YYYY-MM", type=period, required=True, help="last month reported")
    p.add_argument("--trend-from", metavar="YYYY-MM", type=period, help="trend window start (default: --from)")
    p.add_argument("--trend-to", metavar="YYYY-MM", type=period, help="trend window end (default: --to)")
    p.add_argument("--history-from", metavar="YYYY-MM", type=period,
                   help="with --data, also measure from this month (abatement points since then; default: --from)")
    p.add_argument("--as-at", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                   help="Appendix C's snapshot date with --data (default: today)")
    p.add_argument("--title", help="the report's title")
    p.add_argument("--format", choices=FORMATS, required=True, help="html, xlsx, md or json")
    p.add_argument("--out", metavar="FILE", required=True, help="the file to write ('-' for standard output, text formats)")
    p.add_argument(
        "--missing", choices=("warn", "dna"), default="warn",
        help="KPIs in force but absent: list them (warn, default) or judge them data not available (dna)",
    )


def _from_data(args: argparse.Namespace) -> tuple[Evaluation, tuple[AppendixTable, ...]]:
    """Measure every month of the report (and of the trend window) from raw data, then judge it."""
    contract = load_contract(args.contract or DEFAULT_CONTRACT, changes=args.changes)
    registry = MeasureRegistry.from_plugins()
    first = min(p for p in (args.start, args.trend_from, args.history_from) if p is not None)
    last = max(p for p in (args.end, args.trend_to) if p is not None)
    data = load_data(args.data, registry)
    if (missing := check_data(contract, data, Period.range(args.start, args.end), registry)[0]) and args.missing != "dna":
        raise InputError(missing)  # data not available is RED with full points: never because of a file name
    run = measure(contract, data, list(Period.range(first, last)), registry)
    for f in run.findings:
        print(f"csskpi: finding: {f}", file=sys.stderr)
    decisions = read_decisions_files(args.decisions, contract)
    evaluation = evaluate(contract, run.measurements, decisions, missing=args.missing)
    appendices: tuple[AppendixTable, ...] = ()
    if PAYROLL_APPENDIX in registry.appendices:
        try:
            appendices = (build_appendix(registry, PAYROLL_APPENDIX, data, args.start, args.end, args.as_at or dt.date.today()),)
        except CsskpiError as exc:
            print(f"csskpi: warning: no Appendix C: {exc}", file=sys.stderr)
    return evaluation, appendices


def cmd_report(args: argparse.Namespace, out: TextIO) -> None:
    if args.end < args.start:
        raise InputError(Problem(f"--to ({args.end}) is before --from ({args.start})", field="--to"))
    if args.out == "-" and args.format == "xlsx":
        raise InputError(Problem("an Excel workbook cannot go to standard output: give --out FILE", field="--out"))
    published_path = args.published
    source = args.source
    appendices: tuple[AppendixTable, ...] = ()
    if args.data:
        evaluation, appendices = _from_data(args)
    else:
        inputs = load_inputs(args)
        evaluation = inputs.evaluation
        published_path, source = inputs.published, inputs.source
    charges = read_charges(args.charges, evaluation.contract.area_codes) if args.charges else None
    published = read_published(published_path) if published_path else None
    report = build_report(
        evaluation, start=args.start, end=args.end, charges=charges, published=published, source=source,
        appendices=appendices, trend_start=args.trend_from, trend_end=args.trend_to, title=args.title,
    )
    if args.out == "-":
        from csskpi.report import render

        out.write(render(report, args.format).decode("utf-8"))
        return
    path = write_report(report, args.format, args.out)
    rec = report.reconciliation
    agreed = f"; {rec.compared - len(rec.differences)} of {rec.compared} published rows agree" if rec else ""
    print(f"csskpi: wrote the {args.format} report for {report.start} to {report.end} to {path}{agreed}", file=sys.stderr)
