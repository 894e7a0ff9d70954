"""The ``csskpi`` commands that judge measurements: kpis, evaluate, summary, reconcile, explain."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import Any, TextIO

from csskpi.cli.console import paint, summary_tables, table
from csskpi.cli.settings import note_outcome
from csskpi.engine.records import (
    catalogue_records,
    missing_record,
    reconciliation_record,
    result_record,
    summary_record,
)
from csskpi.engine.rules import Evaluation
from csskpi.errors import InputError, Problem
from csskpi.files.charges import read_charges
from csskpi.files.inputs import read_inputs
from csskpi.files.output import to_csv, to_json
from csskpi.files.published import read_published
from csskpi.model.decisions import merge_decisions
from csskpi.model.period import Period
from csskpi.pipeline.assessment import Assessment, assess
from csskpi.plugin.registry import DEFAULT_CONTRACT, example, load_contract

__all__ = [
    "cmd_changes",
    "cmd_evaluate",
    "cmd_explain",
    "cmd_kpis",
    "cmd_reconcile",
    "cmd_summary",
    "load_inputs",
    "use_colour",
    "warn_missing",
]


def use_colour(args: argparse.Namespace, stream: TextIO) -> bool:
    if args.color == "always":
        return True
    if args.color == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def load_inputs(args: argparse.Namespace) -> Assessment:
    """The assessment of the command's inputs: ``--example`` or ``--measurements``, decisions, published figures
    and charges as given."""
    published = getattr(args, "published", None)
    source = getattr(args, "source", None)
    decisions_files = list(args.decisions)
    if args.example:
        ex = example(args.example)
        contract = load_contract(args.contract or ex.contract, changes=args.changes)
        measurements_path = str(ex.measurements)
        if ex.decisions:
            decisions_files.insert(0, str(ex.decisions))
        if published is None and ex.published is not None:
            published = str(ex.published)
            source = source or ex.source
    else:
        contract = load_contract(args.contract or DEFAULT_CONTRACT, changes=args.changes)
        measurements_path = args.measurements
    mfile, given = read_inputs(measurements_path, decisions_files, contract)
    charges_file = getattr(args, "charges", None)
    assessment = assess(
        contract, mfile.measurements, merge_decisions(mfile.decisions, given), missing=args.missing,
        charges=read_charges(charges_file, contract.area_codes) if charges_file else None,
        published=read_published(published) if published else None, source=source,
    )
    warn_missing(assessment.evaluation, measurements_path, args.missing)
    note_outcome(args, evaluation=assessment.evaluation)  # for --fail-on (csskpi.cli.settings)
    return assessment


def warn_missing(evaluation: Evaluation, where: str, missing: str) -> None:
    """Say on stderr which KPI-months in force had no measurement (unless they were judged data not available)."""
    if evaluation.missing and missing == "warn":
        shown = ", ".join(f"{m.kpi} {m.period}" for m in evaluation.missing[:10])
        more = f" and {len(evaluation.missing) - 10} more" if len(evaluation.missing) > 10 else ""
        print(
            f"csskpi: warning: {len(evaluation.missing)} KPI-month(s) in force have no measurement in {where}: "
            f"{shown}{more} (not judged; --missing dna judges them as data not available)",
            file=sys.stderr,
        )


def cmd_kpis(args: argparse.Namespace, out: TextIO) -> None:
    contract = load_contract(args.contract or DEFAULT_CONTRACT, changes=args.changes)
    at = args.at
    if at is None:
        today = Period.of(dt.date.today())
        cal = contract.calendar
        at = min(max(today, cal.first_period), cal.last_period)
    elif not contract.calendar.contains(at):  # as measure refuses: a month outside the contract has no catalogue
        cal = contract.calendar
        message = f"{at} is outside the contract ({cal.first_period} to {cal.last_period})"
        raise InputError(Problem(message, field="--at"))
    records = catalogue_records(contract, at)
    if args.format == "json":
        out.write(to_json({"contract": contract.name, "at": str(at), "kpis": records}))
    elif args.format == "csv":
        out.write(to_csv(records))
    else:
        out.write(f"{contract.council} - {contract.title}: catalogue at {at} ({contract.calendar.describe(at)})\n\n")
        rows = []
        for r in records:
            if r["in_use"]:
                sign = {">=": "≥", "<=": "≤"}
                tsl = f"{sign.get(r['tsl_comparison'], r['tsl_comparison'])}{r['tsl']}"
                msl = f"{sign.get(r['msl_comparison'], r['msl_comparison'])}{r['msl']}"
                pts = f"{r['points']}{'*' if r['points_assumed'] else ''}"
                rows.append([r["kpi"], r["area"], tsl, msl, pts, r["description"][:70]])
            else:
                retired = f" (retired from {Period.parse(r['end']) + 1})" if r["end"] else ""
                rows.append([r["kpi"], r["area"], "", "", "", f"KPI REFERENCE NOT IN USE{retired}"])
        out.write(table(["KPI", "Area", "TSL", "MSL", "Points", "Description"], rows, right=(4,)))
        in_use = sum(1 for r in records if r["in_use"])
        total = sum(r["points"] or 0 for r in records)
        out.write(f"\n{in_use} KPIs in use, {len(records) - in_use} references not in use; {total} points (* assumed).\n")


def cmd_evaluate(args: argparse.Namespace, out: TextIO) -> None:
    inputs = load_inputs(args)
    ev = inputs.evaluation
    if args.format == "json":
        out.write(to_json({"contract": inputs.contract.name, "results": [result_record(r) for r in ev.results],
                           "missing": [missing_record(m) for m in ev.missing]}))
        return
    records = [result_record(r) for r in ev.results]
    if args.format == "csv":
        out.write(to_csv(records))
        return
    colour = use_colour(args, out)
    rows = []
    for r in ev.results:
        value = "Data not available" if r.data_not_available else ("-" if r.value is None else f"{r.value:f}")
        step = r.step
        rows.append([
            str(r.period), r.reference, value,
            f"{step.tsl_comparison.symbol}{step.tsl}" if step else "", f"{step.msl_comparison.symbol}{step.msl}" if step else "",
            paint(r.status, r.status.name, colour) + (" (provisional)" if r.provisional else ""),
        ])
    out.write(table(["Period", "KPI", "Value", "TSL", "MSL", "Status"], rows, right=(2,)))


def cmd_summary(args: argparse.Namespace, out: TextIO) -> None:
    inputs = load_inputs(args)
    rows = inputs.summary
    rec = inputs.reconciliation
    if args.format == "json":
        data: dict[str, Any] = {"contract": inputs.contract.name, "summary": [summary_record(r) for r in rows]}
        if rec is not None:
            data["reconciliation"] = reconciliation_record(rec)
        out.write(to_json(data))
    elif args.format == "csv":
        out.write(to_csv([summary_record(r) for r in rows]))
    else:
        out.write(summary_tables(rows, inputs.contract))
        if rec is not None:
            out.write("\n")
            _write_reconciliation(rec, inputs.source, out)


def _write_reconciliation(rec: Any, source: str | None, out: TextIO) -> None:
    label = f" ({source})" if source else ""
    out.write(f"Reconciliation with the published figures{label}: {rec.compared} rows compared, "
              f"{len(rec.differences)} differ, {len(rec.not_compared)} not compared.\n")
    for d in rec.differences:
        pub = "/".join("-" if v is None else str(v) for v in d.published.values())
        new = "/".join(str(v) for v in d.recomputed.values())
        out.write(f"\n  {d.source} {d.area} {d.period}: published {pub}, recomputed {new} (TSL/MSL/below/mitigation/total)\n")
        out.write(f"    {d.explanation}\n")


def cmd_reconcile(args: argparse.Namespace, out: TextIO) -> None:
    inputs = load_inputs(args)
    rec = inputs.reconciliation
    if rec is None:
        raise InputError(Problem("give the published figures with --published FILE", field="--published"))
    if args.format == "json":
        out.write(to_json(reconciliation_record(rec)))
    else:
        _write_reconciliation(rec, inputs.source, out)


def cmd_explain(args: argparse.Namespace, out: TextIO) -> None:
    inputs = load_inputs(args)
    contract = inputs.contract
    kpi = contract.kpi(args.kpi)
    try:
        r = inputs.evaluation.result(kpi.reference, args.period)
    except KeyError:
        raise InputError(Problem(f"no measurement for {kpi.reference} in {args.period} (use --missing dna to judge it as data not available)", kpi=kpi.reference, field="period")) from None
    cal = contract.calendar
    out.write(f"{kpi.reference} ({contract.area(kpi.area).name}): {kpi.description}\n")
    out.write(f"{cal.describe(r.period)}\n")
    if r.step:
        note = f" — {r.step.note}" if r.step.note else ""
        out.write(f"Target step applied: {r.step.describe()}{note}\n")
    better = "higher" if kpi.direction.value == "higher" else "lower"
    out.write(f"{better.capitalize()} is better; {kpi.unit.value}; abatement points in force: {kpi.points_at(r.period)}\n")
    if r.measurement is not None:
        out.write(f"Figure: {'none' if r.measurement.value is None else r.measurement.value} (from {r.measurement.source})\n")
    out.write(f"Status: {paint(r.status, r.status.name, use_colour(args, out))}{' (provisional)' if r.provisional else ''}\n")
    out.write(f"Why: {r.explanation}\n")
    for m in r.mitigations:
        for label, text in (("Reason", m.reason), ("Impact", m.impact), ("Path to green", m.path_to_green)):
            if text:
                out.write(f"  {label}: {text}\n")




def cmd_changes(args: argparse.Namespace, out: TextIO) -> None:
    contract = load_contract(args.contract or DEFAULT_CONTRACT, changes=args.changes)
    records: list[dict[str, Any]] = [
        {"id": c.id, "from": str(c.period), "reason": c.reason, "source": c.source, "assumed": c.assumed,
         "actions": c.actions(), "file": c.file,
         "kpis_in_force": len(contract.kpis_in_force(c.period)), "points_in_force": contract.points_in_force(c.period)}
        for c in sorted(contract.changes, key=lambda c: c.period)
    ]
    if args.format == "json":
        out.write(to_json({"contract": contract.name, "changes": records}))
        return
    cal = contract.calendar
    out.write(f"{contract.council} - {contract.title}: {len(records)} changes ({cal.start} to {cal.end})\n")
    for r in records:
        assumed = " [assumed]" if r["assumed"] else ""
        out.write(f"\n{r['from']}  {r['id']}{assumed}: {r['kpis_in_force']} KPIs, {r['points_in_force']} points in force after it\n")
        out.write(f"  {r['reason']}\n")
        for action in r["actions"]:
            out.write(f"  - {action}\n")
        if r["source"]:
            out.write(f"  Source: {r['source']}\n")
