"""The ``csskpi`` command: a thin layer over the public API. See ``docs/cli.md``.

Exit codes: 0 success; 2 bad input or usage (a message naming the file, line and field, at most 50 problems a file,
every one with ``--errors-json FILE``; never a traceback); 3 the ``--fail-on`` threshold was met (the output is
complete; the figures need someone's attention); 130 interrupted. Everything written to the terminal is passed
through :func:`csskpi.cli.console.clean` (no escape sequences from files, bidi controls shown).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from csskpi.cli.completion import add_completion_command, cmd_completion
from csskpi.cli.console import SafeStream
from csskpi.cli.credits import cmd_credits
from csskpi.cli.data import add_data_commands, cmd_appendix, cmd_measure, cmd_plugins, cmd_synth
from csskpi.cli.demo import cmd_demo
from csskpi.cli.evidence import add_evidence_command, cmd_evidence
from csskpi.cli.exports import add_export_commands, cmd_check, cmd_datasets
from csskpi.cli.ledger import add_ledger_commands, cmd_ledger
from csskpi.cli.report import add_report_commands, cmd_report
from csskpi.cli.results import cmd_changes, cmd_evaluate, cmd_explain, cmd_kpis, cmd_reconcile, cmd_summary
from csskpi.cli.settings import EXIT_FAIL_ON, add_fail_on, apply_settings, failed, logging_to_stderr, read_settings
from csskpi.errors import CsskpiError
from csskpi.files.atomic import write_atomic
from csskpi.files.output import to_json
from csskpi.model.period import Period
from csskpi.plugin.registry import DEFAULT_CONTRACT

__all__ = ["main", "MAX_SHOWN"]

#: The problems shown for each file in an error message; ``--errors-json FILE`` has them all.
MAX_SHOWN = 50


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked for (reading the metadata takes ~15 ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=str(kwargs.get("help", "")))

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        from csskpi._version import __version__

        sys.stdout.write(f"csskpi {__version__}\n")  # as argparse's own version action: on standard output
        parser.exit()


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_inputs(p: argparse.ArgumentParser, *, published: bool = False) -> None:
    p.add_argument("--contract", metavar="C", help=f"contract name or .toml path (default: {DEFAULT_CONTRACT})")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--measurements", metavar="FILE", help="measurements CSV (period,kpi_id,value,annotation)")
    src.add_argument("--example", metavar="NAME", help="a bundled example, e.g. dec-2017")
    p.add_argument("--decisions", metavar="FILE", action="append", default=[], help="decisions TOML (repeatable)")
    p.add_argument(
        "--missing", choices=("warn", "dna"), default="warn",
        help="KPIs in force but absent from the file: list them (warn, default) or judge them data not available (dna)",
    )
    if published:
        p.add_argument("--published", metavar="FILE", help="published summary counts CSV to reconcile with")
        p.add_argument("--source", metavar="S", help="reconcile only the published rows of this source")


def _format(p: argparse.ArgumentParser, choices: Sequence[str]) -> None:
    p.add_argument("--format", choices=choices, default="table", help="output format (default: table)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csskpi", description="Judge an outsourcing contract's monthly KPI performance."
    )
    parser.add_argument("--version", action=_Version, help="show csskpi's version and exit")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour tables by status (default: auto)")
    common.add_argument(
        "--changes", metavar="FILE", action="append", default=[],
        help="a council's change notice (TOML of [[changes]]) layered over the contract (repeatable)",
    )
    common.add_argument("-v", "--verbose", action="count", default=0, help="more messages on stderr (-vv: debug)")
    common.add_argument("-q", "--quiet", action="store_true", help="only errors on stderr (no findings or warnings)")
    add_fail_on(common)
    common.add_argument(
        "--errors-json", metavar="FILE",
        help=f"on bad input, also write every problem as JSON to FILE (the message shows {MAX_SHOWN} a file)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("changes", parents=[common], help="the contract's change history: each change, its date and reason")
    p.add_argument("--contract", metavar="C", help=f"contract name or .toml path (default: {DEFAULT_CONTRACT})")
    _format(p, ("table", "json"))

    p = sub.add_parser("kpis", parents=[common], help="the KPI catalogue with the targets and points in force at a month")
    p.add_argument("--contract", metavar="C", help=f"contract name or .toml path (default: {DEFAULT_CONTRACT})")
    p.add_argument("--at", type=_period, metavar="YYYY-MM", help="month (default: this month, within the contract)")
    _format(p, ("table", "json", "csv"))

    p = sub.add_parser("evaluate", parents=[common], help="judge each KPI-month: status, target applied and why")
    _add_inputs(p)
    _format(p, ("table", "json", "csv"))

    p = sub.add_parser("summary", parents=[common], help="monthly counts by status, overall and per service area (Tables 1-7)")
    _add_inputs(p, published=True)
    _format(p, ("table", "json", "csv"))

    p = sub.add_parser("reconcile", parents=[common], help="compare recomputed summaries with published figures and explain differences")
    _add_inputs(p, published=True)
    _format(p, ("table", "json"))

    p = sub.add_parser("explain", parents=[common], help="the whole reasoning for one KPI in one month")
    p.add_argument("kpi", metavar="KPI", help="the KPI reference, e.g. F_KPI_01")
    p.add_argument("period", metavar="PERIOD", type=_period, help="the month, YYYY-MM")
    _add_inputs(p)

    p = sub.add_parser("credits", parents=[common], help="abatement points, service credits under the cap, watch rules")
    _add_inputs(p)
    p.add_argument("--charges", metavar="FILE", help="monthly charges CSV (area,from,monthly_charge)")
    _format(p, ("table", "json", "csv"))

    p = sub.add_parser("demo", parents=[common], help="the main job end to end on a year of synthetic data: measure, "
                       "judge, credits, ledger, HTML and Excel report")
    p.add_argument("--out", metavar="DIR", default="csskpi-demo", help="where to write everything (default: ./csskpi-demo)")
    p.add_argument("--scale", type=float, default=1.0, help="1.0 is a county council's month (default)")
    p.add_argument("--seed", type=int, default=2015, help="random seed of the synthetic data (default: 2015)")

    add_data_commands(sub, common, _period)
    add_export_commands(sub, common, _period)
    add_evidence_command(sub, common, _period)
    add_report_commands(sub, common, _period)
    add_ledger_commands(sub, common, _period)
    add_completion_command(sub)
    return parser


_COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], None]] = {
    "kpis": cmd_kpis,
    "changes": cmd_changes,
    "evaluate": cmd_evaluate,
    "summary": cmd_summary,
    "reconcile": cmd_reconcile,
    "explain": cmd_explain,
    "credits": cmd_credits,
    "demo": cmd_demo,
    "measure": cmd_measure,
    "plugins": cmd_plugins,
    "synth": cmd_synth,
    "appendix": cmd_appendix,
    "datasets": cmd_datasets,
    "check": cmd_check,
    "evidence": cmd_evidence,
    "report": cmd_report,
    "ledger": cmd_ledger,
}


def _error_text(exc: CsskpiError) -> str:
    """The problems of an error, one a line, at most :data:`MAX_SHOWN` for each file, then how many more."""
    problems = exc.problems
    if len(problems) == 1:
        return str(problems[0])
    lines = [f"{len(problems):,} problems:"]
    shown: dict[str | None, int] = {}
    for p in problems:
        shown[p.file] = shown.get(p.file, 0) + 1
        if shown[p.file] <= MAX_SHOWN:
            lines.append(f"  {p}")
    for file, count in shown.items():
        if count > MAX_SHOWN:
            lines.append(f"  {file or 'the input'}: ... and {count - MAX_SHOWN:,} more like this "
                         "(--errors-json FILE writes every problem)")
    return "\n".join(lines)


def _write_errors_json(path: str, exc: CsskpiError) -> None:
    """Every problem, uncapped, as JSON: ``{"count": N, "problems": [{file, line, field, kpi, message}, ...]}``."""
    records = [{"file": p.file, "line": p.line, "field": p.field, "kpi": p.kpi, "message": p.message}
               for p in exc.problems]
    write_atomic(path, to_json({"error": type(exc).__name__, "count": len(records), "problems": records}))


def _human(args: argparse.Namespace) -> bool:
    """Whether the command's output is for people (a table, an explanation) rather than data (CSV, JSON)."""
    return getattr(args, "format", None) in (None, "table") or sys.stdout.isatty()


def main(argv: Sequence[str] | None = None) -> int:
    stderr = sys.stderr
    sys.stderr = SafeStream(stderr)  # messages quote names and reasons from files
    try:
        return _main(argv)
    finally:
        sys.stderr = stderr


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    try:  # csskpi.toml / CSSKPI_CONFIG and CSSKPI_* variables: defaults below the command line
        apply_settings(parser, read_settings())
    except CsskpiError as exc:
        print(f"csskpi: error: {_error_text(exc)}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    out: TextIO = SafeStream(sys.stdout) if _human(args) else sys.stdout  # type: ignore[assignment]
    try:
        with logging_to_stderr(getattr(args, "verbose", 0), getattr(args, "quiet", False)):
            if args.command == "completion":
                cmd_completion(args, out, parser)
            else:
                _COMMANDS[args.command](args, out)
            sys.stdout.flush()
    except CsskpiError as exc:
        print(f"csskpi: error: {_error_text(exc)}", file=sys.stderr)
        if getattr(args, "errors_json", None):
            try:
                _write_errors_json(args.errors_json, exc)
            except OSError as error:
                print(f"csskpi: error: {args.errors_json}: cannot write the problems: {error.strerror or error}",
                      file=sys.stderr)
        return 2
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return 0
        print(f"csskpi: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    reason = failed(args)
    if reason is not None:
        print(f"csskpi: {reason}", file=sys.stderr)
        return EXIT_FAIL_ON
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
