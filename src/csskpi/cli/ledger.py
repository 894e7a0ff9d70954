"""The ``csskpi ledger`` commands: init, record, decide, restate, record-published, show, history, changes, verify.
See ``docs/ledger.md``.

``DB`` is an SQLite file path or an SQLAlchemy URL (``postgresql+psycopg://user@host/db``). The ledger package
(SQLAlchemy, Alembic) is imported only when a ledger command runs, so other commands start no slower.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING, Any, TextIO

from csskpi.cli.console import paint, table
from csskpi.cli.ledger_published import add_record_published, published_section, record_published
from csskpi.cli.results import use_colour
from csskpi.engine.credits import CreditRun
from csskpi.engine.records import points_text
from csskpi.engine.rules import Evaluation, unfinished_months
from csskpi.errors import InputError
from csskpi.files.charges import read_charges
from csskpi.files.decisions import read_decisions_files
from csskpi.files.inputs import read_inputs
from csskpi.files.output import to_json
from csskpi.model.contract import Contract
from csskpi.model.decisions import Decisions
from csskpi.model.period import Period
from csskpi.model.result import Status
from csskpi.pipeline.assessment import assess
from csskpi.plugin.registry import DEFAULT_CONTRACT, load_contract

if TYPE_CHECKING:
    from csskpi.ledger import Ledger, MonthChanges, MonthView, VersionInfo

__all__ = ["add_ledger_commands", "cmd_ledger"]

_DB_HELP = "the ledger: an SQLite file path, or a database URL such as postgresql+psycopg://user@host/db"
_BY_HELP = "who is recording this (required on SQLite; on PostgreSQL the database user is recorded too, and is the default)"


def add_ledger_commands(sub: Any, common: argparse.ArgumentParser, period: Callable[[str], Period]) -> None:
    ledger = sub.add_parser("ledger", help="the results ledger: publish, restate and show months, never overwriting a figure")
    actions = ledger.add_subparsers(dest="ledger_command", required=True, metavar="ACTION")

    def action(name: str, text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, parents=[common], help=text, description=text)
        p.add_argument("db", metavar="DB", help=_DB_HELP)
        return p

    p = action("init", "create a ledger (or upgrade an older one to this csskpi's schema), checking its guards")
    p.add_argument("--roles", action="store_true",
                   help="PostgreSQL: create a read-only role and a writer role (no UPDATE, DELETE or TRUNCATE)")
    p.add_argument("--role-prefix", metavar="NAME", default="csskpi_ledger",
                   help="the roles' names: NAME_reader and NAME_writer (default: csskpi_ledger)")

    def evaluation_inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("--contract", metavar="C", help=f"contract name or .toml path (default: {DEFAULT_CONTRACT})")
        p.add_argument("--measurements", metavar="FILE", required=True, help="measurements CSV (period,kpi_id,value,annotation)")
        p.add_argument("--decisions", metavar="FILE", action="append", default=[], help="decisions TOML (repeatable)")
        p.add_argument("--charges", metavar="FILE", help="monthly charges CSV (area,from,monthly_charge) for the credits")
        p.add_argument("--missing", choices=("warn", "dna"), default="warn",
                       help="KPIs in force but absent from the file: list them (warn) or judge them data not available (dna)")
        p.add_argument("--by", metavar="NAME", help=_BY_HELP)

    def which_contract(p: argparse.ArgumentParser) -> None:
        p.add_argument("--contract", metavar="NAME", help="the contract (needed where the ledger holds several)")

    p = action("record", "record measurements and decisions, evaluate them and publish each month as version 1")
    evaluation_inputs(p)
    p.add_argument("--reason", metavar="TEXT", default="first publication", help="note kept with the publication")

    p = action("decide", "record the council's decisions (mitigations, suspensions, escalations and settlements)")
    p.add_argument("--contract", metavar="C", help=f"contract name or .toml path (default: {DEFAULT_CONTRACT})")
    p.add_argument("--decisions", metavar="FILE", action="append", required=True, help="decisions TOML (repeatable)")
    p.add_argument("--by", metavar="NAME", help=_BY_HELP)

    p = action("restate", "re-evaluate months already published and add their next version, with the reason")
    evaluation_inputs(p)
    p.add_argument("--reason", metavar="TEXT", required=True, help="why the figures change (an escalation settled, an addendum)")

    p = action("record-published", "record the council's published summaries (RAG counts per area and month, with the "
                                   "date each source was published), never overwriting one")
    add_record_published(p, _BY_HELP)

    p = action("show", "a month as it stands now, as first published, or as at a date")
    p.add_argument("--period", metavar="YYYY-MM", type=period, required=True, help="the month")
    which_contract(p)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--as-at", metavar="WHEN", help="'first', a date YYYY-MM-DD (its end, UTC) or an ISO date and time")
    which.add_argument("--version", type=int, metavar="N", help="a given version")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")

    p = action("history", "every version of a month: who, when, why, under which terms, and what changed; then the "
                          "figures as the council published them, and what later sources restated")
    p.add_argument("--period", metavar="YYYY-MM", type=period, required=True, help="the month")
    which_contract(p)
    p.add_argument("--area", metavar="AREA", help="the council's published figures of this area only (ALL or an area code)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")

    p = action("changes", "what changed in a month between two versions (default: the last two)")
    p.add_argument("--period", metavar="YYYY-MM", type=period, required=True, help="the month")
    which_contract(p)
    p.add_argument("--from", dest="from_version", type=int, metavar="N", help="the earlier version (default: the one before --to)")
    p.add_argument("--to", dest="to_version", type=int, metavar="N", help="the later version (default: the latest)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")

    p = action("verify", "recompute the ledger's hash chain and check its guards: exit 0 only if the record is intact")
    p.add_argument("--expect-head", metavar="DIGEST", help="a head digest published earlier: it must still be in the chain")
    which_contract(p)
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")


def _contract(args: argparse.Namespace) -> Contract:
    """The contract, with any change notices given with ``--changes`` (where the command line has that option)."""
    changes = getattr(args, "changes", None) or ()
    if changes:
        return load_contract(args.contract or DEFAULT_CONTRACT, changes=changes)
    return load_contract(args.contract or DEFAULT_CONTRACT)


def _open(db: str, *, create: bool) -> Ledger:
    from csskpi.ledger import Ledger

    return Ledger.open(db, create=create)


def cmd_ledger(args: argparse.Namespace, out: TextIO) -> None:
    handler = {
        "init": _init, "record": _record, "decide": _decide, "restate": _restate, "record-published": record_published,
        "show": _show, "history": _history, "changes": _changes, "verify": _verify,
    }[args.ledger_command]
    handler(args, out)


def _init(args: argparse.Namespace, out: TextIO) -> None:
    from csskpi.ledger import HEAD
    from csskpi.ledger.roles import create_roles

    with _open(args.db, create=True) as ledger:  # opening checks the revision and the triggers, and refuses a damaged one
        months = ledger.periods()
        out.write(f"ledger at {ledger.location}: schema revision {ledger.revision} (this csskpi's newest: {HEAD}); "
                  f"{len(months)} month(s) published; append-only triggers in place; head {ledger.head()}\n")
        if args.roles:
            reader, writer = create_roles(ledger, args.role_prefix)
            out.write(f"roles: {reader} (read only), {writer} (SELECT and INSERT only: no UPDATE, DELETE or TRUNCATE); "
                      f"grant them to users with GRANT {writer} TO someone\n")


def _evaluate_and_write(args: argparse.Namespace, out: TextIO, kind: str) -> None:
    from csskpi.ledger import merge_decisions

    contract = _contract(args)
    mfile, given = read_inputs(args.measurements, args.decisions, contract)
    if unfinished := unfinished_months(mfile.measurements, dt.date.today()):
        raise InputError(unfinished)
    charges = read_charges(args.charges, contract.area_codes) if args.charges else None
    missing: list[int] = []

    def build(held: Decisions) -> tuple[Evaluation, CreditRun]:
        # Run inside the write transaction: ``held`` are the decisions the ledger holds for the contract now
        # (those recorded with `ledger decide` or earlier runs, and this file's), read under the write lock.
        decisions = merge_decisions(held, mfile.decisions, given)
        assessment = assess(contract, mfile.measurements, decisions, missing=args.missing, charges=charges)
        assessment.require_charges()  # the official record holds every area's credit
        missing[:] = [len(assessment.evaluation.missing)]
        return assessment.evaluation, assessment.credits

    with _open(args.db, create=kind == "publish") as ledger:
        written = ledger.write(
            kind, contract, build, reason=args.reason, recorded_by=args.by or "", measurements=mfile.measurements,
            decisions=mfile.decisions + given, source=str(args.measurements),
        )
        if missing and missing[0] and args.missing == "warn":
            print(f"csskpi: warning: {missing[0]} KPI-month(s) in force have no measurement in "
                  f"{args.measurements} (not judged; --missing dna judges them as data not available)", file=sys.stderr)
        verb = "published" if kind == "publish" else "restated"
        out.write(f"{verb} {len(written)} month(s) of {contract.name} in {ledger.location}")
        out.write(":\n\n" if written else "\n")
        views = [ledger.month(v.period, version=v.version, contract=contract.name) for v in written]
        if views:
            out.write(_versions_table(views))
        if written.unchanged:
            shown = ", ".join(str(p) for p in written.unchanged)
            out.write(f"\nunchanged, so no new version: {shown}\n")
        if kind == "restate":
            colour = use_colour(args, out)
            for v in written:
                notes = written.terms_changes.get(v.period)
                if notes:
                    out.write(f"\n{v.period}: restated under other contract terms than version {v.version - 1}: "
                              + "; ".join(notes) + "\n")
                _write_changes(ledger.changes(v.period, v.version - 1, v.version, contract=contract.name), out, colour)
        out.write(f"\nhead {written.head}\n")


def _record(args: argparse.Namespace, out: TextIO) -> None:
    _evaluate_and_write(args, out, "publish")


def _restate(args: argparse.Namespace, out: TextIO) -> None:
    _evaluate_and_write(args, out, "restate")


def _decide(args: argparse.Namespace, out: TextIO) -> None:
    contract = _contract(args)
    decisions = read_decisions_files(args.decisions, contract)
    given = len(decisions.mitigations) + len(decisions.suspensions) + len(decisions.escalations)
    with _open(args.db, create=False) as ledger:
        batch = ledger.record_decisions(decisions, recorded_by=args.by or "", source=", ".join(args.decisions),
                                        contract=contract.name)
        out.write(f"recorded {batch.count} decision(s) in {ledger.location} ({given - batch.count} already held); "
                  "restate the months they change to publish their effect\n")


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"£{value:,.2f}"


def _counts(view: MonthView) -> dict[Status, int]:
    counts = dict.fromkeys(Status, 0)
    for r in view.results:
        counts[r.status] += 1
    return counts


def _versions_table(views: list[MonthView]) -> str:
    rows = []
    for v in views:
        c = _counts(v)
        rows.append([str(v.period), str(v.version.version), str(len(v.results)), str(c[Status.GREEN]), str(c[Status.AMBER]),
                     str(c[Status.RED]), str(c[Status.BLUE]), _money(v.total_credit) if v.areas else "-"])
    return table(["Period", "Version", "KPIs", "Green", "Amber", "Red", "Blue", "Credit"], rows, right=range(1, 8))


def _author(info: VersionInfo) -> str:
    if info.db_user and info.db_user != info.recorded_by:
        return f"{info.recorded_by} (database user {info.db_user})"
    return info.recorded_by


def _describe(info: VersionInfo) -> str:
    what = "first published" if info.kind == "publish" else "restated"
    why = f": {info.reason}" if info.reason else ""
    return f"{what} {info.recorded_at:%Y-%m-%d %H:%M} UTC by {_author(info)}{why}"


def _terms(digest: str | None) -> str:
    return "not kept" if digest is None else digest[:12]


def _show(args: argparse.Namespace, out: TextIO) -> None:
    with _open(args.db, create=False) as ledger:
        view = ledger.month(args.period, args.as_at, version=args.version, contract=args.contract)
        head = ledger.head()
    if args.format == "json":
        out.write(to_json({**view.as_record(), "head": head}))
        return
    colour = use_colour(args, out)
    info = view.version
    out.write(f"{info.period}, version {info.version} of {view.latest} — {_describe(info)} (contract {info.contract})\n")
    out.write(f"terms {_terms(info.terms_digest)}; version digest {info.digest or '-'}\nledger head {head}\n")
    if args.as_at:
        out.write(f"as {'first published' if args.as_at.strip().lower() == 'first' else 'at ' + args.as_at}\n")
    out.write("\n")
    points = {k.kpi: k for k in view.kpis}
    rows = []
    for r in view.results:
        rec = r.record
        value = "Data not available" if rec.get("data_not_available") else ("-" if r.value is None else f"{r.value:f}")
        k = points.get(r.kpi)
        rows.append([r.kpi, r.area, value, paint(r.status, r.status.name, colour) + (" (provisional)" if rec.get("provisional") else ""),
                     "" if k is None else points_text(k.points), "" if k is None else f"×{k.multiplier.normalize():f}"])
    out.write(table(["KPI", "Area", "Value", "Status", "Points", "Multiplier"], rows, right=(2, 4, 5)))
    if view.areas:
        out.write("\n")
        arows = [[a.area, points_text(a.points), _money(a.credit), _money(a.cap)] for a in view.areas]
        arows.append(["Total", points_text(sum((a.points for a in view.areas), Decimal(0))), _money(view.total_credit), ""])
        out.write(table(["Area", "Points", "Credit", "Cap"], arows, right=(1, 2, 3)))
    if view.warnings:
        out.write("".join(f"\nwarning: {w.get('message', w)}" for w in view.warnings) + "\n")


def _write_changes(changes: MonthChanges, out: TextIO, colour: bool) -> None:
    head = f"\n{changes.period}: version {changes.old.version} → {changes.new.version}"
    if not changes:
        out.write(f"{head}: no status, value, points, credit or warning changed\n")
        return
    warned = len(changes.warnings_removed) + len(changes.warnings_added)
    out.write(f"{head}: {len(changes.kpis)} KPI(s), {len(changes.areas)} area(s)"
              + (f", {warned} warning(s)" if warned else "") + " changed\n")
    rows = []
    for k in changes.kpis:
        def st(s: Status | None) -> str:
            return "-" if s is None else paint(s, s.name, colour)

        def num(d: Decimal | None) -> str:
            return "-" if d is None else f"{d:f}"

        def prov(flag: bool | None) -> str:
            return "-" if flag is None else ("provisional" if flag else "final")

        rows.append([k.kpi, f"{st(k.old_status)} → {st(k.new_status)}", f"{num(k.old_value)} → {num(k.new_value)}",
                     f"{num(k.old_points)} → {num(k.new_points)}",
                     "" if k.old_provisional == k.new_provisional else f"{prov(k.old_provisional)} → {prov(k.new_provisional)}"])
    if rows:
        out.write(table(["KPI", "Status", "Value", "Points", "Escalation"], rows))
    arows = [[a.area, f"{_money(a.old_credit) or '-'} → {_money(a.new_credit) or '-'}"] for a in changes.areas]
    if arows:
        out.write(table(["Area", "Credit"], arows))
    out.writelines(f"warning no longer raised: {text}\n" for text in changes.warnings_removed)
    out.writelines(f"warning raised: {text}\n" for text in changes.warnings_added)


def _history(args: argparse.Namespace, out: TextIO) -> None:
    from csskpi.ledger import LedgerError

    with _open(args.db, create=False) as ledger:
        published = ledger.published_history(args.period, area=args.area, contract=args.contract)
        name = published.contract
        versions = ledger.history(args.period, contract=name) if args.period in ledger.periods(contract=name) else ()
        if not versions and not published.entries:
            raise LedgerError(f"{args.period} has not been published in this ledger")
        diffs = [None] * bool(versions) + [ledger.changes(args.period, a.version, b.version, contract=name)
                                           for a, b in pairwise(versions)]
    if args.format == "json":
        out.write(to_json({"period": str(args.period), "contract": name, "versions": [
            {**v.as_record(), "changes": d.as_record() if d is not None else None} for v, d in zip(versions, diffs, strict=True)
        ], "published": [e.as_record() for e in published]}))
        return
    if versions:
        _version_history(args, out, name, versions, diffs)
    else:
        out.write(f"{args.period} of {name}: no version in this ledger\n")
    out.write(published_section(published))


def _version_history(args: argparse.Namespace, out: TextIO, name: str, versions: Sequence[VersionInfo],
                     diffs: Sequence[MonthChanges | None]) -> None:
    rows = []
    for v, d in zip(versions, diffs, strict=True):
        changed = "" if d is None else (f"{len(d.kpis)} KPI(s), {len(d.areas)} area(s)" if d else "none")
        terms = _terms(v.terms_digest) + (" (changed)" if d is not None and d.terms_changed else "")
        rows.append([str(v.version), "published" if v.kind == "publish" else "restated", f"{v.recorded_at:%Y-%m-%d %H:%M:%S}",
                     _author(v), v.reason, terms, changed])
    out.write(f"{args.period} of {name}: {len(versions)} version(s)\n\n")
    out.write(table(["Version", "Kind", "Recorded (UTC)", "By", "Reason", "Terms", "Changed"], rows, right=(0,)))
    colour = use_colour(args, out)
    for v, d in zip(versions, diffs, strict=True):
        if d is not None and d.terms_changed:
            notices = "; ".join(f"{c.get('id')} from {c.get('from')}" for c in v.changes) or "none"
            out.write(f"\nversion {v.version} was computed under other contract terms ({_terms(v.terms_digest)}; "
                      f"change notices applied: {notices})\n")
        if d:
            _write_changes(d, out, colour)


def _changes(args: argparse.Namespace, out: TextIO) -> None:
    with _open(args.db, create=False) as ledger:
        history = ledger.history(args.period, contract=args.contract)
        latest = history[-1].version
        new = args.to_version or latest
        old = args.from_version or max(new - 1, 1)
        changes = ledger.changes(args.period, old, new, contract=history[0].contract)
    if args.format == "json":
        out.write(to_json(changes.as_record()))
    else:
        _write_changes(changes, out, use_colour(args, out))


def _verify(args: argparse.Namespace, out: TextIO) -> None:
    from csskpi.ledger import Ledger, LedgerError

    with Ledger.open(args.db, create=False, check=False) as ledger:  # opened as it is: verify says what is wrong
        result = ledger.verify(expect_head=args.expect_head, contract=args.contract)
    if args.format == "json":
        out.write(to_json({"ok": result.ok, "entries": result.entries, "versions": result.versions,
                           "batches": result.batches, "published": result.published, "head": result.head,
                           "contracts": list(result.contracts),
                           "problems": list(result.problems)}))
    elif result.ok:
        held = ", ".join(result.contracts) or "none"
        figures = f", {result.published} published figures" if result.published else ""
        out.write(f"verified: {result.entries} entries ({result.versions} versions, {result.batches} batches{figures}; contracts: "
                  f"{held}); every row matches the chain; triggers and revision in place\nhead {result.head}\n")
        if args.expect_head:
            out.write(f"the digest expected, {args.expect_head.strip().lower()}, is in the chain: the record it stood for is unchanged\n")
    if not result.ok:
        raise LedgerError("the ledger does not verify: " + "; ".join(result.problems))
