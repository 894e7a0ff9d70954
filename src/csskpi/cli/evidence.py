"""``csskpi evidence``: the records behind one KPI's figure for one month, and a dispute settled record by record.

    csskpi evidence --data DIR --kpi KPI --period YYYY-MM [--failing] [--format csv|json|xlsx] [--out F]
    csskpi evidence ... --compare SUPPLIER.csv [--reported VALUE]

Only the datasets the KPI's measure reads are loaded. Files are written whole or not at all.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from csskpi.cli.exports import add_profile_option, profile_from
from csskpi.errors import InputError, Problem
from csskpi.files.output import to_csv, to_json
from csskpi.model.period import Period
from csskpi.pipeline.assessment import Assessment
from csskpi.pipeline.measure import MeasureRegistry, load_data
from csskpi.plugin.registry import DEFAULT_CONTRACT, load_contract

if TYPE_CHECKING:
    from csskpi.pipeline.dispute import Dispute, RecordDifference
    from csskpi.pipeline.evidence import Evidence

__all__ = ["add_evidence_command", "cmd_evidence", "write_evidence_beside"]

FORMATS = ("csv", "json", "xlsx")


def add_evidence_command(sub: Any, common: argparse.ArgumentParser, period: Callable[[str], Period]) -> None:
    p = sub.add_parser("evidence", parents=[common], help="the records behind a KPI's figure for a month, and why each counts")
    p.add_argument("--contract", metavar="C", help=f"contract name or .toml path (default: {DEFAULT_CONTRACT})")
    p.add_argument("--data", metavar="DIR", required=True, help="folder of raw datasets (<name>.csv/.parquet/.xlsx)")
    add_profile_option(p)
    p.add_argument("--kpi", metavar="KPI", required=True, help="the KPI whose figure the records stand behind")
    p.add_argument("--period", metavar="YYYY-MM", type=period, required=True, help="the month")
    p.add_argument("--failing", action="store_true", help="only the records that fail (or, in a count KPI, are counted)")
    p.add_argument("--format", choices=FORMATS, default="csv", help="default: csv (xlsx needs --out)")
    p.add_argument("--out", metavar="FILE", help="write to FILE (whole, or not at all) rather than standard output")
    p.add_argument("--compare", metavar="SUPPLIER.csv", help="the supplier's own list of records (id, verdict)")
    p.add_argument("--reported", metavar="VALUE", help="with --compare: the figure the supplier reported")


def _reported(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InputError(Problem(f"must be a number, not {text!r}", field="--reported"))
    return value


def cmd_evidence(args: argparse.Namespace, out: TextIO) -> None:
    from csskpi.pipeline.dispute import compare_with_supplier_list, read_supplier_list
    from csskpi.pipeline.evidence import check_request, kpi_evidence, record_lookup

    if args.format == "xlsx" and not args.out:
        raise InputError(Problem("an Excel workbook needs --out FILE", field="--format"))
    if args.reported is not None and not args.compare:
        raise InputError(Problem("--reported only goes with --compare", field="--reported"))
    reported = _reported(args.reported)
    registry = MeasureRegistry.from_plugins()  # one plugin manager for the contract and the measures
    contract = load_contract(args.contract or DEFAULT_CONTRACT, registry.pm, changes=args.changes)
    measure = check_request(contract, args.kpi, args.period, registry.measures)
    # Load only what the KPI's measure reads (a data folder may hold every dataset of the contract) and, unless
    # the supplier's list is to be matched against every record, only the records that can count in the month.
    needed = [d for d in measure.datasets if d in registry.datasets]
    months = None if args.compare else (contract, [args.period])
    frames = load_data(args.data, registry, only=needed, profile=profile_from(args), months=months).frames()
    found = kpi_evidence(contract, frames, args.kpi, args.period, registry.measures, folder=str(args.data))
    if args.compare:
        spec = registry.datasets[measure.datasets[0]]
        lookup = record_lookup(contract, measure, frames, spec.id_column)
        supplier = read_supplier_list(args.compare, set(lookup["id"].to_list()), found.kind)
        dispute = compare_with_supplier_list(found, supplier, lookup, decimals=contract.parameters.decimals,
                                             reported=reported)
        _emit(args, out, _dispute_json(dispute), _dispute_rows(dispute), _dispute_xlsx(dispute))
        return
    table = found.failing() if args.failing else found.records
    rows = table.to_dicts()
    _emit(args, out, _evidence_json(found, rows), rows, lambda: _workbook(found, rows))


def _summary(found: Evidence) -> dict[str, Any]:
    counts = found.counts
    return {
        "kpi": found.kpi,
        "period": str(found.period),
        "measure": found.measure,
        "unit": found.unit,
        "passing": counts.passing,
        "population": counts.population,
        "value": None if found.value is None else f"{found.value:f}",
    }


def _evidence_json(found: Evidence, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {**_summary(found), "records": rows}


def _difference(d: RecordDifference) -> dict[str, Any]:
    return {"id": d.id, "csskpi": d.csskpi, "supplier": d.supplier, "reason": d.reason, "line": d.line}


def _dispute_json(dispute: Dispute) -> dict[str, Any]:
    theirs = dispute.supplier_counts
    return {
        **_summary(dispute.evidence),
        "supplier": {"passing": theirs.passing, "population": theirs.population,
                     "value": None if dispute.supplier_value is None else f"{dispute.supplier_value:f}",
                     "reported": None if dispute.reported is None else f"{dispute.reported:f}"},
        "disagree": [_difference(d) for d in dispute.disagree],
        "only_csskpi": [_difference(d) for d in dispute.only_csskpi],
        "only_supplier": [_difference(d) for d in dispute.only_supplier],
        "explains": dispute.explains,
        "explanation": dispute.explanation(),
    }


def _dispute_rows(dispute: Dispute) -> list[dict[str, Any]]:
    return [{"difference": kind, **_difference(d)}
            for kind, items in (("disagree", dispute.disagree), ("only_csskpi", dispute.only_csskpi),
                                ("only_supplier", dispute.only_supplier))
            for d in items]


def _safe_row(row: dict[str, Any]) -> dict[str, Any]:
    """Text from the data files, made safe for a spreadsheet opening the CSV (never read as a formula)."""
    from csskpi.report.xlsx import safe_text

    return {k: safe_text(v) if isinstance(v, str) and k in ("id", "reason", "group") else v for k, v in row.items()}


def _emit(args: argparse.Namespace, out: TextIO, document: dict[str, Any], rows: list[dict[str, Any]],
          workbook: Callable[[], bytes]) -> None:
    from csskpi.pipeline.evidence import COLUMNS

    if args.format == "json":
        data = to_json(document).encode("utf-8")
    elif args.format == "csv":
        columns = list(rows[0]) if rows else (list(COLUMNS) if "records" in document else
                                             ["difference", "id", "csskpi", "supplier", "reason", "line"])
        data = to_csv([_safe_row(r) for r in rows], columns).encode("utf-8")
    else:
        data = workbook()
    if args.out:
        _write_whole(Path(args.out), data)
    else:
        out.write(data.decode("utf-8"))


def _write_whole(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically: a unique temporary file beside it, created exclusively (never
    following a link), then renamed over it."""
    try:
        fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent or Path("."))
    except OSError as exc:
        raise InputError(Problem(f"cannot write: {exc.strerror or exc}", file=str(target))) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(partial, target)
    except OSError as exc:
        Path(partial).unlink(missing_ok=True)
        raise InputError(Problem(f"cannot write: {exc.strerror or exc}", file=str(target))) from None


def _sheet(wb: Any, title: str, header: list[str], rows: list[list[Any]]) -> None:
    from csskpi.report.xlsx import safe_text

    ws = wb.create_sheet(title)
    ws.append([safe_text(h) for h in header])
    for row in rows:
        ws.append([safe_text(v) if isinstance(v, str) else v for v in row])
    ws.freeze_panes = "A2"


def _workbook(found: Evidence, rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    from csskpi.pipeline.evidence import COLUMNS

    wb = Workbook()
    wb.remove(wb.active)
    summary = _summary(found)
    _sheet(wb, "Figure", ["", ""], [[k, "" if v is None else v] for k, v in summary.items()])
    _sheet(wb, "Records", list(COLUMNS), [[r.get(c) for c in COLUMNS] for r in rows])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _dispute_xlsx(dispute: Dispute) -> Callable[[], bytes]:
    def build() -> bytes:
        from openpyxl import Workbook

        wb = Workbook()
        wb.remove(wb.active)
        document = _dispute_json(dispute)
        figures = [[k, "" if v is None else v] for k, v in _summary(dispute.evidence).items()]
        figures += [[f"supplier {k}", "" if v is None else v] for k, v in document["supplier"].items()]
        figures += [["explanation", document["explanation"]]]
        _sheet(wb, "Figure", ["", ""], figures)
        header = ["difference", "id", "csskpi", "supplier", "reason", "line"]
        _sheet(wb, "Differences", header, [[r.get(c) for c in header] for r in _dispute_rows(dispute)])
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    return build


def write_evidence_beside(assessment: Assessment, report: Path, start: Period, end: Period) -> Path | None:
    """Write the evidence workbook of the report's KPI-months below MSL beside ``report``
    (``<name>.evidence.xlsx``); None when no KPI-month is below MSL."""
    from csskpi.report.evidence import below_msl_evidence, evidence_workbook

    found = below_msl_evidence(assessment, MeasureRegistry.from_plugins(), start, end)
    if not found:
        return None
    target = report.with_name(f"{report.stem}.evidence.xlsx")
    _write_whole(target, evidence_workbook(found))
    print(f"csskpi: wrote the failing records of {len(found)} KPI-months below MSL to {target}", file=sys.stderr)
    return target
