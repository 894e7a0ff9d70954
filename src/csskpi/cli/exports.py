"""The ``csskpi`` commands about what the raw data must be and whether it is: ``datasets`` and ``check``.

Also the ``--profile FILE|NAME`` option other data commands share (``measure``, ``report --data``, ``synth``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TextIO

from csskpi.builtin.import_profiles import load_profile
from csskpi.cli.console import table
from csskpi.cli.settings import note_outcome
from csskpi.errors import InputError
from csskpi.files.output import to_json
from csskpi.files.profile import Profile
from csskpi.model.period import Period
from csskpi.pipeline.measure import MeasureRegistry
from csskpi.plugin.registry import DEFAULT_CONTRACT, load_contract

__all__ = ["add_export_commands", "add_profile_option", "cmd_check", "cmd_datasets", "profile_from"]

PROFILE_HELP = "an import profile mapping the council's exports onto csskpi's datasets: a .toml file or a bundled name"


def add_profile_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", metavar="FILE|NAME", help=PROFILE_HELP)


def profile_from(args: argparse.Namespace) -> Profile | None:
    """The ``--profile`` given, read and checked as a file (the mapping is checked against the datasets later)."""
    name = getattr(args, "profile", None)
    return None if not name else load_profile(name)


def add_export_commands(sub: Any, common: argparse.ArgumentParser, period: Callable[[str], Period]) -> None:
    p = sub.add_parser("datasets", parents=[common],
                       help="every raw dataset: its columns, their types and allowed values, and the KPIs reading it")
    p.add_argument("--contract", metavar="C", help=f"whose KPIs to list as readers (default: {DEFAULT_CONTRACT})")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")

    p = sub.add_parser("check", parents=[common],
                       help="check a data folder without measuring: datasets found, rows, months, problems, findings")
    p.add_argument("--data", metavar="DIR", required=True, help="folder of raw datasets or the council's exports")
    add_profile_option(p)
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")


def cmd_datasets(args: argparse.Namespace, out: TextIO) -> None:
    from csskpi.pipeline.datacheck import dataset_catalogue  # polars: only when the command runs

    registry = MeasureRegistry.from_plugins()  # one plugin manager for the contract and the datasets
    contract = load_contract(args.contract or DEFAULT_CONTRACT, registry.pm, changes=args.changes)
    infos = dataset_catalogue(registry, contract)
    if args.format == "json":
        out.write(to_json({"contract": contract.name, "datasets": [i.record() for i in infos]}))
        return
    for info in infos:
        spec = info.spec
        out.write(f"{spec.name}  ({info.plugin or 'unknown plugin'}; KPIs: {', '.join(info.kpis) or 'none'})\n")
        if spec.description:
            out.write(f"  {spec.description}\n")
        rows = [[c.name, c.kind.value + ("" if not c.nullable else ", may be empty"),
                 " | ".join(c.values), c.description] for c in spec.columns]
        out.write("".join(f"  {line}\n" for line in table(["Column", "Type", "Values", "Meaning"], rows).splitlines()))
        notes = ([f"unique: {spec.id_column}"] if spec.id_column else []) + \
            [f"{later} not before {earlier}" for earlier, later in spec.ordered]
        out.write(f"  {'; '.join(notes)}\n\n" if notes else "\n")


def cmd_check(args: argparse.Namespace, out: TextIO) -> None:
    """Report every dataset of the folder; exit 2 (after the report) if any problem was found."""
    from csskpi.pipeline.datacheck import check_data  # polars: only when the command runs

    profile = profile_from(args)
    result = check_data(args.data, MeasureRegistry.from_plugins(), profile)
    if args.format == "json":
        out.write(to_json(result.record()))
    else:
        rows = [[d.name, d.status, str(d.rows) if d.status == "ok" else "",
                 f"{d.months[0]} to {d.months[-1]} ({len(d.months)})" if d.months else "",
                 str(len(d.problems)), str(len(d.findings)), d.source or ""] for d in result.datasets]
        out.write(table(["Dataset", "Status", "Rows", "Months", "Problems", "Findings", "Source"], rows,
                        right=(2, 4, 5)))
        out.writelines(f"finding: {finding}\n" for finding in result.findings)
        if result.ignored:
            out.write(f"ignored (no dataset's): {', '.join(result.ignored)}\n")
        found = sum(d.status == "ok" for d in result.datasets)
        out.write(f"{found} datasets found; {len(result.problems)} problems; {len(result.findings)} findings.\n")
    out.flush()
    note_outcome(args, warnings=len(result.findings))  # for --fail-on warning
    if result.problems:
        raise InputError(result.problems)
