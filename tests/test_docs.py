"""The documentation cannot drift: its examples run, its command reference matches the parser, it links nothing
outside the repository, and CI runs the README's own test command."""

from __future__ import annotations

import argparse
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import csskpi
from csskpi.cli import main
from csskpi.cli.main import _parser

from .conftest import EXAMPLE

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
README = REPO / "README.md"
CLI_MD = DOCS / "cli.md"
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def _section(markdown: str, heading: str) -> str:
    """The text under a ``## `` heading that starts with ``heading``, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"no section '## {heading}'"
    return match.group(1)


def _code_blocks(markdown: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", markdown, re.M | re.S)


# -- the README ---------------------------------------------------------------------------------------------------

def _quick_start() -> list[str]:
    return [block.strip() for block in _code_blocks(_section(README.read_text(encoding="utf-8"), "Quick start"), "sh")]


def test_quick_start_is_two_commands_each_in_a_virtual_environment() -> None:
    commands = _quick_start()
    assert len(commands) == 2 and all("\n" not in c for c in commands), commands
    venv = "python3 -m venv .venv && . .venv/bin/activate && python -m pip install -r requirements/"
    assert commands[0].startswith(venv + "run.txt && ") and commands[0].endswith("csskpi demo --out csskpi-demo")
    assert commands[1] == venv + "dev.txt && python -m pytest"
    for command in commands:
        assert "pip install" not in command.split("&& . .venv/bin/activate &&")[0]  # never before the venv is active


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_command = _quick_start()[1]
    assert any(line.startswith(test_command) for line in ci.splitlines()), "'.ci/run' runs another test command"
    assert "mypy --strict src/csskpi plugins/" in ci and "ruff check src plugins tests" in ci


@pytest.fixture
def readme_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The files the README's Python example names, made as its reader would: the bundled December 2017 example
    (m.csv, d.toml, published.csv), a small month of synthetic raw data (raw/) and a change notice."""
    shutil.copy(EXAMPLE / "measurements.csv", tmp_path / "m.csv")
    shutil.copy(EXAMPLE / "decisions.toml", tmp_path / "d.toml")
    shutil.copy(EXAMPLE / "published.csv", tmp_path / "published.csv")
    (tmp_path / "ccn-2021-07.toml").write_text(
        '[[changes]]\nid = "CCN-2021-07"\nfrom = "2021-07"\nreason = "Avoidable contact no longer measured."\n'
        'retire = ["CSC_KPI_03"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    synth = ["synth", "--out", "raw/", "--from", "2017-09", "--to", "2017-09", "--scale", "0.02", "--seed", "7"]
    assert main(synth) == 0
    return tmp_path


def test_the_readme_python_example_runs(readme_files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = _code_blocks(_section(README.read_text(encoding="utf-8"), "The Python API"), "python")[0]
    namespace: dict[str, object] = {"__name__": "readme_example"}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - the README's own example, run as written
    capsys.readouterr()

    # The output the README shows, as a comment under the expression, is what it gives.
    shown = re.search(r"^r\.status, r\.value, r\.step\.tsl, r\.explanation\n# (.*)$", code, re.M)
    assert shown, "the README's example no longer shows r.status, r.value, r.step.tsl, r.explanation"
    r = namespace["r"]
    assert isinstance(r, csskpi.Result)
    documented = shown.group(1)
    first_three = documented[: documented.index(", '")] + ")"
    assert repr((r.status, r.value, r.step.tsl if r.step else None)) == first_three
    explanation = documented[documented.index(", '") + 3 :].removesuffix("')").removesuffix(" ...")
    assert r.explanation.startswith(explanation), r.explanation

    run = namespace["run"]
    assert isinstance(run, csskpi.MeasureRun) and run.measurements  # measured from raw/, through the plugins
    assert namespace["rec"].compared == 36  # type: ignore[attr-defined]
    with_notice = namespace["with_notice"]
    assert isinstance(with_notice, csskpi.Contract)
    assert not with_notice.kpi("CSC_KPI_03").in_force(csskpi.Period(2021, 7))  # the notice was applied


# -- docs/testing.md ------------------------------------------------------------------------------------------------

def test_the_testing_kit_examples_run() -> None:
    blocks = _code_blocks((DOCS / "testing.md").read_text(encoding="utf-8"), "python")
    assert len(blocks) == 3
    ran = []
    for i, code in enumerate(blocks):
        namespace: dict[str, object] = {"__name__": f"testing_md_{i}"}
        exec(compile(code, f"docs/testing.md (example {i + 1})", "exec"), namespace)  # noqa: S102
        tests = {name: value for name, value in namespace.items() if name.startswith("test_") and callable(value)}
        assert tests, f"example {i + 1} defines no test"
        for name, test in tests.items():
            test()
            ran.append(name)
    assert ran == ["test_mitigation_never_costs_more", "test_f_kpi_01_conforms", "test_the_plugin_module_is_cheap"]


# -- docs/cli.md against the parser ---------------------------------------------------------------------------------

def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _commands() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command as ``name`` or ``group sub`` (e.g. ``ledger show``), with its parser."""
    for name, parser in _subcommands(_parser()).items():
        subs = _subcommands(parser)
        if subs:
            yield from ((f"{name} {sub}", p) for sub, p in subs.items())
        else:
            yield name, parser


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for a in parser._actions for s in a.option_strings if s.startswith("--") and s != "--help"}


def _cli_sections() -> tuple[str, dict[str, str]]:
    text = CLI_MD.read_text(encoding="utf-8")
    preamble = text[: text.index("\n## ")]
    sections = {}
    for match in re.finditer(r"^## `csskpi ([a-z-]+)(.*?)$(.*?)(?=^## |\Z)", text, re.M | re.S):
        name, heading, body = match.groups()
        subs = re.match(r" ([a-z|-]+)", heading)
        names = [f"{name} {s}" for s in subs.group(1).split("|")] if subs and "|" in subs.group(1) else [name]
        for n in names:
            sections[n] = heading + body
    return preamble, sections


def test_every_command_is_documented() -> None:
    _, sections = _cli_sections()
    commands = dict(_commands())
    assert len(commands) >= 20
    assert sorted(set(commands) - set(sections)) == []
    assert sorted(set(sections) - set(commands)) == []  # nor a command that does not exist


def test_every_option_is_documented_and_every_documented_option_exists() -> None:
    preamble, sections = _cli_sections()
    commands = dict(_commands())
    general = set(OPTION.findall(preamble))  # described once for the commands that take them
    problems = []
    for name, parser in commands.items():
        group = name.split()[0]
        text = sections[name]
        undocumented = _options(parser) - general - set(OPTION.findall(text))
        if undocumented:
            problems.append(f"`csskpi {name}` has {sorted(undocumented)}, undocumented")
        owners = [p for n, p in commands.items() if n.split()[0] == group]  # a group's section covers its commands
        unknown = set(OPTION.findall(text)) - set().union(*(_options(p) for p in owners))
        if unknown:
            problems.append(f"`csskpi {name}` is documented with {sorted(unknown)}, which it does not have")
    everywhere = set().union(*(_options(p) for p in commands.values())) | _options(_parser()) | {"--help"}
    if general - everywhere:
        problems.append(f"the introduction documents {sorted(general - everywhere)}, which no command has")
    assert not problems, "docs/cli.md: " + "; ".join(problems)


def test_every_option_and_command_has_help_text() -> None:
    missing = []
    top = _parser()
    for name, parser in [("", top), *_commands()]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                missing += [f"{name} {c.dest}".strip() for c in action._choices_actions if not (c.help or "").strip()]
            elif not (action.help or "").strip():
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}".strip())
    for group, parser in _subcommands(top).items():
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                missing += [f"{group} {c.dest}" for c in action._choices_actions if not (c.help or "").strip()]
    assert not missing, f"no help text: {missing}"


def test_the_explain_example_is_what_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    block = _code_blocks(_section(CLI_MD.read_text(encoding="utf-8"), "`csskpi explain"), "console")[0]
    command, *expected = block.strip().splitlines()
    assert command.startswith("$ csskpi ")
    assert main(command.removeprefix("$ csskpi ").split()) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    # The figure's source is a path on the reader's machine: the page shortens it.
    printed = [re.sub(r"\(from .*?(/examples/)", r"(from ...\1", line) for line in printed]
    assert printed == expected


# -- nothing outside the repository ---------------------------------------------------------------------------------

def _pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md")), *sorted((REPO / "plugins").glob("*/README.md"))]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(REPO)))
def test_pages_link_only_inside_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for name in ("../shared", "DOMAIN.md", "MEASURES.md", "seeds/"):
        assert name not in text, f"{page.name} refers to {name}, which is not in the repository"
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        resolved = (page.parent / target).resolve()
        assert resolved.is_relative_to(REPO) and resolved.exists(), f"{page.name} links to {target}"


# -- docs/measures.md against the installed plugins -------------------------------------------------------------------

def test_measures_page_names_every_dataset_column_and_kpi() -> None:
    text = (DOCS / "measures.md").read_text(encoding="utf-8")
    registry = csskpi.MeasureRegistry.from_plugins()
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z_]+)`.*$", _section(text, "The datasets"), re.M)}
    assert set(rows) == set(registry.datasets), "docs/measures.md: the datasets table is not the plugins' datasets"
    for name, spec in registry.datasets.items():
        for column in spec.columns:
            assert f"`{column.name}`" in rows[name], f"docs/measures.md: {name} lacks its column {column.name}"
            optional = f"`{column.name}` (*optional*" in rows[name]
            assert optional == column.nullable, f"docs/measures.md: {name}.{column.name} optional is {column.nullable}"
    documented = set(re.findall(r"^\| ([A-Z]+_KPI_\d\d) ", text, re.M))
    assert documented == set(registry.measures), "docs/measures.md: the KPI tables are not the plugins' measures"
