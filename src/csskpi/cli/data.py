"""The ``csskpi`` commands that work on raw data through the plugins: measure, plugins, synth, appendix."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

import attrs

from csskpi.errors import InputError, Problem
from csskpi.model.measurement import Measurement
from csskpi.files.measurements import read_measurements, write_measurements
from csskpi.plugin.types import SynthRequest
from csskpi.pipeline.measure import MeasureRegistry, MeasureRun, build_appendix, check_data, load_data, measure
from csskpi.model.period import Period
from csskpi.plugin.registry import DEFAULT_CONTRACT, load_contract
from csskpi.files.output import to_csv, to_json
from csskpi.cli.console import paint, table
from csskpi.model.result import Status
from csskpi.engine.rules import judge
from csskpi.pipeline.synth import FORMATS, synthesize, write_data

__all__ = ["add_data_commands", "cmd_measure", "cmd_plugins", "cmd_synth", "cmd_appendix"]


def add_data_commands(sub: Any, common: argparse.ArgumentParser, period: Callable[[str], Period]) -> None:
    p = sub.add_parser("measure", parents=[common], help="recompute every KPI from raw data through the plugins")
    p.add_argument("--contract", metavar="C")
    p.add_argument("--data", metavar="DIR", required=True, help="folder of raw datasets (<name>.csv/.parquet/.xlsx)")
    p.add_argument("--period", metavar="YYYY-MM", type=period, required=True)
    p.add_argument("--to", metavar="YYYY-MM", type=period, help="last month (default: --period)")
    p.add_argument("--compare", metavar="FILE", help="the supplier's reported measurements, to reconcile KPI by KPI")
    p.add_argument("--format", choices=("csv", "json", "table"), help="default: csv (table with --compare)")
    p.add_argument(
        "--missing", choices=("error", "dna"), default="error",
        help="a dataset a KPI needs that is absent or ends before the month: an error (default), "
             "or judge those KPIs data not available (dna)",
    )

    p = sub.add_parser("plugins", parents=[common], help="the installed plugins and what they measure")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("synth", parents=[common], help="generate realistic synthetic raw data for every dataset")
    p.add_argument("--out", metavar="DIR", required=True)
    p.add_argument("--from", dest="start", metavar="YYYY-MM", type=period, required=True)
    p.add_argument("--to", dest="end", metavar="YYYY-MM", type=period, required=True)
    p.add_argument("--scale", type=float, default=1.0, help="1.0 is a county council's month (default)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--degrade", metavar="KPI[,KPI]", default="", help="measures to generate failing (below MSL)")
    p.add_argument("--file-format", choices=FORMATS, default="csv")

    p = sub.add_parser("appendix", parents=[common], help="a plugin's extra table, e.g. payroll-contacts")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--data", metavar="DIR", required=True)
    p.add_argument("--from", dest="start", metavar="YYYY-MM", type=period, required=True)
    p.add_argument("--to", dest="end", metavar="YYYY-MM", type=period, required=True)
    p.add_argument("--as-at", type=dt.date.fromisoformat, help="the snapshot date (default: today)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")


def _progress(label: str) -> Callable[[Period, int, int], None] | None:
    """A one-line progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    # The bar is csskpi's own text and redraws with a carriage return, which the terminal-safe stderr removes.
    stream = getattr(sys.stderr, "stream", sys.stderr)

    def show(period: Period, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done + 1 == total else ""
        stream.write(f"\r{label} {period} [{'#' * filled}{'.' * (width - filled)}] {done + 1}/{total}{end}")
        stream.flush()

    return show


def _months(start: Period, end: Period | None) -> list[Period]:
    end = end or start
    if end < start:
        raise InputError(Problem(f"--to ({end}) is before the first month ({start})", field="--to"))
    return list(Period.range(start, end))


def _measurement_record(m: Measurement) -> dict[str, Any]:
    return {
        "period": str(m.period),
        "kpi": m.kpi,
        "value": None if m.value is None else f"{m.value:f}",
        "numerator": m.numerator,
        "denominator": m.denominator,
        "annotation": "dna" if m.value is None else "",
    }


def cmd_measure(args: argparse.Namespace, out: TextIO) -> None:
    contract = load_contract(args.contract or DEFAULT_CONTRACT, changes=args.changes)
    registry = MeasureRegistry.from_plugins()
    months = _months(args.period, args.to)
    started = time.perf_counter()
    data = load_data(args.data, registry)
    problems, folder_findings = check_data(contract, data, months, registry)
    if problems and args.missing != "dna":
        raise InputError([*problems, Problem("or say --missing dna to judge the KPIs that need it data not available",
                                             field="--missing")])
    run = measure(contract, data, months, registry, progress=_progress("measuring"))
    elapsed = time.perf_counter() - started
    for f in folder_findings:
        print(f"csskpi: finding: {f}", file=sys.stderr)
    for f in run.findings:
        print(f"csskpi: finding: {f}", file=sys.stderr)
    if args.compare:
        _compare(args, run, out)
        return
    fmt = args.format or "csv"
    if fmt == "json":
        out.write(to_json({
            "contract": contract.name,
            "measurements": [_measurement_record(m) for m in run.measurements],
            "findings": [{"dataset": f.dataset, "file": f.file, "row": f.row, "column": f.column,
                          "message": f.message, "count": f.count} for f in run.findings],
            "records": run.records,
            "seconds": round(elapsed, 3),
        }))
    elif fmt == "csv":
        buffer = io.StringIO()
        write_measurements(run.measurements, buffer)
        out.write(buffer.getvalue())
    else:
        rows = [[str(m.period), m.kpi, "Data not available" if m.value is None else f"{m.value:f}",
                 "" if m.numerator is None else str(m.numerator), "" if m.denominator is None else str(m.denominator)]
                for m in run.measurements]
        out.write(table(["Period", "KPI", "Value", "Passing", "Population"], rows, right=(2, 3, 4)))


def _compare(args: argparse.Namespace, run: MeasureRun, out: TextIO) -> None:
    """The council's verification step: the supplier's figure against the recomputed one, KPI by KPI."""
    contract = load_contract(args.contract or DEFAULT_CONTRACT, changes=args.changes)
    reported_file = read_measurements(args.compare, contract)
    reported = {(m.kpi, m.period): m for m in reported_file.measurements}
    recomputed = {(m.kpi, m.period): m for m in run.measurements}
    records: list[dict[str, Any]] = []
    for key in sorted(set(reported) | set(recomputed), key=lambda k: (k[1], contract.references().index(k[0]))):
        rep, rec = reported.get(key), recomputed.get(key)
        rep_status = judge(contract, rep).earned if rep else None
        rec_status = judge(contract, rec).earned if rec else None
        difference = None
        if rep and rec and rep.value is not None and rec.value is not None:
            difference = rec.value - rep.value
        records.append({
            "period": str(key[1]), "kpi": key[0],
            "reported": None if rep is None or rep.value is None else f"{rep.value:f}",
            "recomputed": None if rec is None or rec.value is None else f"{rec.value:f}",
            "difference": None if difference is None else f"{difference:f}",
            "reported_status": rep_status.value if rep_status else None,
            "recomputed_status": rec_status.value if rec_status else None,
            "agrees": rep is not None and rec is not None and rep.value == rec.value,
            "status_agrees": rep_status is not None and rep_status is rec_status,
        })
    fmt = args.format or "table"
    if fmt == "json":
        out.write(to_json({"comparisons": records, "disagreements": sum(not r["agrees"] for r in records)}))
    elif fmt == "csv":
        out.write(to_csv(records))
    else:
        colour = sys.stdout.isatty() and args.color != "never" or args.color == "always"

        def shown(status: str | None) -> str:
            return "-" if status is None else paint(Status(status), status.upper(), colour)

        rows = [[r["period"], r["kpi"], r["reported"] or "-", r["recomputed"] or "-", r["difference"] or "",
                 shown(r["reported_status"]), shown(r["recomputed_status"]), "" if r["agrees"] else "DIFFERS"]
                for r in records]
        out.write(table(["Period", "KPI", "Reported", "Recomputed", "Diff", "Reported status", "Recomputed status", ""],
                        rows, right=(2, 3, 4)))
        bad = sum(not r["status_agrees"] for r in records)
        out.write(f"\n{len(records)} KPI-months; {sum(not r['agrees'] for r in records)} figures differ; "
                  f"{bad} statuses differ.\n")


def cmd_plugins(args: argparse.Namespace, out: TextIO) -> None:
    registry = MeasureRegistry.from_plugins()
    infos = registry.plugins()
    if args.format == "json":
        out.write(to_json({"plugins": [{"name": p.name, "version": p.version, "kpis": list(p.kpis),
                                        "datasets": list(p.datasets), "appendices": list(p.appendices)} for p in infos]}))
        return
    rows = [[p.name, p.version or "", ", ".join(p.kpis) or "-", ", ".join(p.datasets) or "-"] for p in infos]
    out.write(table(["Plugin", "Version", "KPIs", "Datasets"], rows))


def cmd_synth(args: argparse.Namespace, out: TextIO) -> None:
    registry = MeasureRegistry.from_plugins()
    degrade = frozenset(k.strip() for k in args.degrade.split(",") if k.strip())
    unknown = sorted(degrade - set(registry.measures))
    if unknown:
        raise InputError(Problem(f"no installed plugin measures {', '.join(unknown)}", field="--degrade"))
    try:
        request = SynthRequest(args.start, args.end, args.scale, args.seed, degrade)
    except ValueError as exc:
        field = "--scale" if "scale" in str(exc) else "--from" if "'start' and" in str(exc) else "--to"
        raise InputError(Problem(str(exc), field=field)) from None
    started = time.perf_counter()
    frames = synthesize(request, registry)
    paths = write_data(frames, args.out, args.file_format)
    total = sum(f.height for f in frames.values())
    out.write(f"wrote {total:,} records in {len(paths)} datasets for {request.start} to {request.end} "
              f"to {args.out} in {time.perf_counter() - started:.1f} s\n")


def cmd_appendix(args: argparse.Namespace, out: TextIO) -> None:
    registry = MeasureRegistry.from_plugins()
    appendix = registry.appendix(args.name)
    # Load only what the appendix reads: a data folder may hold every dataset of the contract.
    needed = attrs.evolve(registry, datasets={d: registry.datasets[d] for d in appendix.datasets})
    data = load_data(args.data, needed)
    tbl = build_appendix(registry, args.name, data, args.start, args.end, args.as_at or dt.date.today())
    records = [dict(zip(tbl.columns, (None if v is None else str(v) for v in row), strict=False)) for row in tbl.rows]
    if args.format == "json":
        out.write(to_json({"appendix": args.name, "title": tbl.title, "columns": list(tbl.columns), "rows": records,
                           "notes": list(tbl.notes)}))
    elif args.format == "csv":
        out.write(to_csv(records, tbl.columns))
    else:
        out.write(f"{tbl.title}\n\n")
        out.write(table(list(tbl.columns), [["" if v is None else str(v) for v in row] for row in tbl.rows]))
        for note in tbl.notes:
            out.write(f"\n{note}")
        out.write("\n" if tbl.notes else "")
