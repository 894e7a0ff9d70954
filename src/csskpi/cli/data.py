"""The ``csskpi`` commands that work on raw data through the plugins: measure, plugins, synth, appendix."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from csskpi.cli.console import paint, table
from csskpi.cli.exports import add_profile_option, profile_from
from csskpi.cli.results import use_colour
from csskpi.cli.settings import note_outcome
from csskpi.engine.compare import compare_with_supplier
from csskpi.engine.records import comparison_record
from csskpi.engine.rules import judge
from csskpi.errors import InputError, Problem
from csskpi.files.measurements import read_measurements, write_measurements
from csskpi.files.output import to_csv, to_json
from csskpi.model.measurement import Measurement
from csskpi.model.period import Period
from csskpi.model.result import Status
from csskpi.pipeline.availability import check_data
from csskpi.pipeline.measure import MeasureRegistry, MeasureRun, build_appendix, load_data, measure
from csskpi.pipeline.synth import FORMATS, synthesize, write_data
from csskpi.plugin.registry import DEFAULT_CONTRACT, load_contract
from csskpi.plugin.types import SynthRequest

__all__ = ["add_data_commands", "cmd_measure", "cmd_plugins", "cmd_synth", "cmd_appendix"]


def add_data_commands(sub: Any, common: argparse.ArgumentParser, period: Callable[[str], Period]) -> None:
    p = sub.add_parser("measure", parents=[common], help="recompute every KPI from raw data through the plugins")
    p.add_argument("--contract", metavar="C", help="contract name or .toml path (default: lincolnshire-css)")
    p.add_argument("--data", metavar="DIR", required=True, help="folder of raw datasets (<name>.csv/.parquet/.xlsx)")
    p.add_argument("--period", metavar="YYYY-MM", type=period, required=True, help="the (first) month to measure")
    p.add_argument("--to", metavar="YYYY-MM", type=period, help="last month (default: --period)")
    p.add_argument("--compare", metavar="FILE", help="the supplier's reported measurements, to reconcile KPI by KPI")
    p.add_argument("--format", choices=("csv", "json", "table"), help="default: csv (table with --compare)")
    add_profile_option(p)
    p.add_argument(
        "--missing", choices=("error", "dna"), default="error",
        help="a dataset a KPI needs that is absent or ends before the month: an error (default), "
             "or judge those KPIs data not available (dna)",
    )

    p = sub.add_parser("plugins", parents=[common], help="the installed plugins and what they measure")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")

    p = sub.add_parser("synth", parents=[common], help="generate realistic synthetic raw data for every dataset")
    p.add_argument("--out", metavar="DIR", required=True, help="folder to write one file per dataset into")
    p.add_argument("--from", dest="start", metavar="YYYY-MM", type=period, required=True, help="first month generated")
    p.add_argument("--to", dest="end", metavar="YYYY-MM", type=period, required=True, help="last month generated")
    p.add_argument("--scale", type=float, default=1.0, help="1.0 is a county council's month (default)")
    p.add_argument("--seed", type=int, default=0, help="random seed: the same arguments give the same data (default: 0)")
    p.add_argument("--degrade", metavar="KPI[,KPI]", default="", help="measures to generate failing (below MSL)")
    p.add_argument("--file-format", choices=FORMATS, default="csv", help="file type written (default: csv)")
    p.add_argument("--profile", metavar="FILE|NAME",
                   help="write the profile's datasets in the shape of the council's exports it reads (CSV)")

    p = sub.add_parser("appendix", parents=[common], help="a plugin's extra table, by name (csskpi plugins --format json lists them)")
    p.add_argument("name", metavar="NAME", help="the appendix, as `csskpi plugins` lists them")
    p.add_argument("--data", metavar="DIR", required=True, help="folder of raw datasets (<name>.csv/.parquet/.xlsx)")
    p.add_argument("--from", dest="start", metavar="YYYY-MM", type=period, required=True, help="first month shown")
    p.add_argument("--to", dest="end", metavar="YYYY-MM", type=period, required=True, help="last month shown")
    p.add_argument("--as-at", type=dt.date.fromisoformat, help="the snapshot date (default: today)")
    add_profile_option(p)
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help="output format (default: table)")


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
    registry = MeasureRegistry.from_plugins()  # one plugin manager for the contract and the measures
    contract = load_contract(args.contract or DEFAULT_CONTRACT, registry.pm, changes=args.changes)
    months = _months(args.period, args.to)
    started = time.perf_counter()
    data = load_data(args.data, registry, profile=profile_from(args), months=(contract, months))
    problems, folder_findings = check_data(contract, data, months, registry)
    if problems and args.missing != "dna":
        raise InputError([*problems, Problem("or say --missing dna to judge the KPIs that need it data not available",
                                             field="--missing")])
    run = measure(contract, data, months, registry, progress=_progress("measuring"))
    elapsed = time.perf_counter() - started  # the findings went to the csskpi logger (stderr: csskpi.cli.settings)
    for finding in folder_findings:
        logging.getLogger("csskpi").warning("finding: %s", finding)
    note_outcome(args, statuses=tuple(judge(contract, m).status for m in run.measurements),
                 warnings=len(run.findings) + len(folder_findings))  # for --fail-on
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
    reported = read_measurements(args.compare, contract)
    comparison = compare_with_supplier(contract, reported.measurements, run.measurements)
    records = [comparison_record(r) for r in comparison.rows]
    fmt = args.format or "table"
    if fmt == "json":
        out.write(to_json({"comparisons": records, "disagreements": comparison.disagreements}))
    elif fmt == "csv":
        out.write(to_csv(records))
    else:
        colour = use_colour(args, out)

        def shown(status: Status | None) -> str:
            return "-" if status is None else paint(status, status.name, colour)

        rows = [[str(r.period), r.kpi, "-" if r.reported is None else f"{r.reported:f}",
                 "-" if r.recomputed is None else f"{r.recomputed:f}", "" if r.difference is None else f"{r.difference:f}",
                 shown(r.reported_status), shown(r.recomputed_status), "" if r.agrees else "DIFFERS"]
                for r in comparison.rows]
        out.write(table(["Period", "KPI", "Reported", "Recomputed", "Diff", "Reported status", "Recomputed status", ""],
                        rows, right=(2, 3, 4)))
        out.write(f"\n{len(comparison.rows)} KPI-months; {comparison.disagreements} figures differ; "
                  f"{comparison.status_disagreements} statuses differ.\n")


def cmd_plugins(args: argparse.Namespace, out: TextIO) -> None:
    registry = MeasureRegistry.from_plugins()
    infos = registry.plugins()
    specs = registry.datasets
    if args.format == "json":
        out.write(to_json({"plugins": [{
            "name": p.name, "version": p.version, "kpis": list(p.kpis), "appendices": list(p.appendices),
            "datasets": list(p.datasets),
            "columns": {d: [c.name for c in specs[d].columns] for d in p.datasets if d in specs},
        } for p in infos]}))
        return
    rows = [[p.name, p.version or "", ", ".join(p.kpis) or "-", ", ".join(p.datasets) or "-"] for p in infos]
    out.write(table(["Plugin", "Version", "KPIs", "Datasets"], rows))
    # The columns each dataset needs (csskpi datasets gives their types, allowed values and meaning).
    columns = [[d, ", ".join(c.name + ("?" if c.nullable else "") for c in specs[d].columns)]
               for p in infos for d in p.datasets if d in specs]
    out.write("\n" + table(["Dataset", "Columns (? may be empty; see csskpi datasets)"], columns))


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
    profile = profile_from(args)
    if profile is not None:
        from csskpi.data.profile import check_profile  # polars: only when a profile is used

        check_profile(profile, registry.datasets)
        from csskpi.data.export_write import write_exports  # polars: only when writing

        paths = write_exports(frames, dict(registry.datasets), profile, args.out)
    else:
        paths = write_data(frames, args.out, args.file_format)
    total = sum(f.height for f in frames.values())
    out.write(f"wrote {total:,} records in {len(paths)} datasets for {request.start} to {request.end} "
              f"to {args.out} in {time.perf_counter() - started:.1f} s\n")


def cmd_appendix(args: argparse.Namespace, out: TextIO) -> None:
    registry = MeasureRegistry.from_plugins()
    appendix = registry.appendix(args.name)
    # Load only what the appendix reads: a data folder may hold every dataset of the contract.
    data = load_data(args.data, registry, only=appendix.datasets, profile=profile_from(args))
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
