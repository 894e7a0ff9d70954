"""The ``csskpi credits`` command: abatement points per KPI-month, service credits per area-month, watch rules."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any, TextIO

from csskpi.cli.results import load_inputs, use_colour
from csskpi.engine.credits import compute_credits
from csskpi.files.charges import read_charges
from csskpi.engine.records import area_credit_record, kpi_points_record, points_text, warning_record
from csskpi.files.output import to_csv, to_json
from csskpi.cli.console import paint, table

__all__ = ["cmd_credits"]


def cmd_credits(args: argparse.Namespace, out: TextIO) -> None:
    inputs = load_inputs(args)
    charges = read_charges(args.charges, inputs.contract.area_codes) if args.charges else None
    run = compute_credits(inputs.evaluation, charges)
    if args.format == "json":
        out.write(to_json({
            "contract": inputs.contract.name,
            "kpis": [kpi_points_record(k) for k in run.kpis],
            "areas": [area_credit_record(a) for a in run.areas],
            "warnings": [warning_record(w) for w in run.warnings],
        }))
        return
    if args.format == "csv":
        records: list[dict[str, Any]] = [kpi_points_record(k) for k in run.kpis]
        out.write(to_csv(records))
        return
    colour = use_colour(args, out)
    for period in inputs.evaluation.periods:
        out.write(f"{period} (contract month {inputs.contract.calendar.contract_month(period)})\n")
        failing = [k for k in run.kpis if k.period == period and (k.points or k.status.value == "blue")]
        if failing:
            rows = [[k.kpi, paint(k.status, k.status.name, colour), points_text(k.points), k.reason] for k in failing]
            out.write(table(["KPI", "Status", "Points", "Why"], rows, right=(2,)))
        areas = [a for a in run.areas if a.period == period]
        rows = [[a.area, points_text(a.points), str(a.allocated), f"£{a.cap:,}", f"£{a.credit:,}" + (" (at cap)" if a.capped else "")]
                for a in areas]
        total_points = sum((a.points for a in areas), Decimal(0))
        total = sum((a.credit for a in areas), Decimal(0))
        rows.append(["Total", points_text(total_points), "", "", f"£{total:,}"])
        out.write(table(["Area", "Points", "Allocated", "Cap", "Credit"], rows, right=(1, 2, 3, 4)))
        out.write("\n")
    for w in run.warnings:
        out.write(f"WARNING ({w.rule}): {w.message}\n")
