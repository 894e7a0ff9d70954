"""What the ``csskpi`` command takes from around it: a configuration file, environment variables, logging, the
``--fail-on`` exit code.

Defaults for the options a council types every month — the contract, its change notices, the data folder, the
import profile and the ledger's URL — come from, in order of precedence: the command line, then the environment
(``CSSKPI_CONTRACT``, ``CSSKPI_CHANGES`` (several separated by ``os.pathsep``), ``CSSKPI_DATA``,
``CSSKPI_PROFILE``, ``CSSKPI_LEDGER``), then a configuration file: ``csskpi.toml`` in the working folder, or the
file ``CSSKPI_CONFIG`` names. So a scheduled run needs no password on its command line: the ledger's URL is in
the environment or in a file only its owner can read. Relative paths in the file are relative to the file.

Library messages (the data-quality findings among them) go through :mod:`logging` under the ``csskpi`` logger;
the command shows them on stderr: warnings by default, more with ``-v``, errors only with ``-q``.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Self

from csskpi.engine.rules import Evaluation
from csskpi.errors import InputError, Problem
from csskpi.model.result import Status

__all__ = [
    "CONFIG_FILE",
    "EXIT_FAIL_ON",
    "Settings",
    "add_fail_on",
    "apply_settings",
    "failed",
    "logging_to_stderr",
    "note_outcome",
    "read_settings",
]

CONFIG_FILE = "csskpi.toml"
EXIT_FAIL_ON = 3  # the --fail-on threshold was met: the run worked, the figures need someone's attention

#: config-file key -> (environment variable, the options' ``dest``)
_KEYS = {
    "contract": ("CSSKPI_CONTRACT", "contract"),
    "changes": ("CSSKPI_CHANGES", "changes"),
    "data": ("CSSKPI_DATA", "data"),
    "profile": ("CSSKPI_PROFILE", "profile"),
    "ledger": ("CSSKPI_LEDGER", "db"),
}
_PATHS = {"changes", "data"}  # always paths; contract and profile are paths only when they look like one


Settings = Mapping[str, Any]


def _looks_like_path(value: str) -> bool:
    return value.endswith(".toml") or "/" in value or os.sep in value


def read_settings(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> dict[str, Any]:
    """The defaults from the configuration file, overridden by the environment. Raise InputError for a bad file."""
    env = os.environ if environ is None else environ
    folder = Path.cwd() if cwd is None else cwd
    named = env.get("CSSKPI_CONFIG")
    path = Path(named) if named else folder / CONFIG_FILE
    settings: dict[str, Any] = {}
    if named or path.is_file():
        settings = _read_file(path)
    for key, (variable, _) in _KEYS.items():
        if env.get(variable):
            value = env[variable]
            settings[key] = [v for v in value.split(os.pathsep) if v] if key == "changes" else value
    return settings


def _read_file(path: Path) -> dict[str, Any]:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise InputError(Problem("no such configuration file (CSSKPI_CONFIG)", file=shown)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        match = re.search(r"line (\d+)", str(error))
        raise InputError(Problem(f"not valid TOML: {error}", file=shown,
                                 line=int(match.group(1)) if match else None)) from None
    lines = {m.group(1): n for n, line in enumerate(text.splitlines(), 1) if (m := re.match(r"\s*(\w+)\s*=", line))}
    problems = []
    settings: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _KEYS:
            problems.append(Problem(f"unknown setting (known: {', '.join(_KEYS)})", file=shown, line=lines.get(key),
                                    field=key))
        elif key == "changes" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append(Problem("'changes' must be a list of file names", file=shown, line=lines.get(key),
                                    field=key))
        elif key != "changes" and not isinstance(value, str):
            problems.append(Problem(f"'{key}' must be text", file=shown, line=lines.get(key), field=key))
        elif key == "changes":
            settings[key] = [str(path.parent / v) for v in value]
        else:
            relative = key in _PATHS or (key != "ledger" and _looks_like_path(value))
            settings[key] = str(path.parent / value) if relative else value
    if problems:
        raise InputError(problems)
    return settings


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:  # argparse has no public walk of its subcommands
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from _parsers(sub)


def apply_settings(parser: argparse.ArgumentParser, settings: Settings) -> None:
    """Make each setting the default of every option (or ``DB`` argument) it is for, no longer required."""
    by_dest = {_KEYS[key][1]: value for key, value in settings.items()}
    for sub in _parsers(parser):
        exclusive = {id(a) for group in sub._mutually_exclusive_groups for a in group._group_actions}
        for action in sub._actions:
            if action.dest not in by_dest or id(action) in exclusive:
                continue  # an option of a required either-or group (report's --data) stays the user's choice
            value = by_dest[action.dest]
            action.default = list(value) if isinstance(value, list) else value
            action.required = False
            if not action.option_strings:  # the ledger's DB argument becomes optional
                action.nargs = "?"


class _Stderr(logging.Handler):
    """Writes to whatever ``sys.stderr`` is when a record comes (a test's capture, a redirected stream)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except (OSError, ValueError):  # a closed or broken stream: logging must never break the command
            self.handleError(record)


class logging_to_stderr:
    """For one command: the ``csskpi`` logger's messages on stderr as ``csskpi: ...``, at the level -v/-q give."""

    def __init__(self, verbose: int = 0, quiet: bool = False) -> None:
        self.level = logging.ERROR if quiet else logging.DEBUG if verbose > 1 else logging.INFO if verbose else \
            logging.WARNING
        self.handler = _Stderr(self.level)
        self.handler.setFormatter(logging.Formatter("csskpi: %(message)s"))
        self.logger = logging.getLogger("csskpi")
        self.saved = self.logger.level

    def __enter__(self) -> Self:
        self.logger.addHandler(self.handler)
        self.logger.setLevel(self.level)
        return self

    def __exit__(self, *_: object) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.setLevel(self.saved)


# ---------------------------------------------------------------------------------------------- --fail-on


def add_fail_on(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fail-on", choices=("red", "amber", "warning"), metavar="red|amber|warning",
                   help=f"exit {EXIT_FAIL_ON} (after the output) if a KPI-month is red; red or amber; or red, amber, "
                        "or any warning or finding")


def note_outcome(args: argparse.Namespace, *, evaluation: Evaluation | None = None,
                 statuses: tuple[Status, ...] = (), warnings: int = 0) -> None:
    """Record what a command judged, for ``--fail-on`` (several calls add up)."""
    outcome = getattr(args, "_outcome", None) or {"statuses": [], "warnings": 0}
    if evaluation is not None:
        outcome["statuses"].extend(r.status for r in evaluation.results)
        outcome["warnings"] += len(evaluation.missing)
    outcome["statuses"].extend(statuses)
    outcome["warnings"] += warnings
    args._outcome = outcome


def failed(args: argparse.Namespace) -> str | None:
    """Why ``--fail-on`` is met (a sentence for stderr), or None."""
    level = getattr(args, "fail_on", None)
    outcome = getattr(args, "_outcome", None)
    if level is None or outcome is None:
        return None
    statuses: list[Status] = outcome["statuses"]
    red = statuses.count(Status.RED)
    amber = statuses.count(Status.AMBER)
    warnings: int = outcome["warnings"]
    if red or (level in ("amber", "warning") and amber) or (level == "warning" and warnings):
        return f"--fail-on {level}: {red} red, {amber} amber, {warnings} warnings or findings"
    return None
