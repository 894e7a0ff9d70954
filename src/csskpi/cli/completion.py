"""``csskpi completion bash|zsh|fish``: a shell completion script, made from the command's own parser.

The script lists every command (and the ledger's subcommands), their options and the choices of the options that
have them, so it cannot drift from the command. Install it once::

    csskpi completion bash > ~/.local/share/bash-completion/completions/csskpi
    csskpi completion zsh  > "${fpath[1]}/_csskpi"       # then: autoload -U compinit && compinit
    csskpi completion fish > ~/.config/fish/completions/csskpi.fish
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any, TextIO

__all__ = ["SHELLS", "add_completion_command", "cmd_completion", "completion_script"]

SHELLS = ("bash", "zsh", "fish")


def add_completion_command(sub: Any) -> None:
    p = sub.add_parser("completion", help="print a shell completion script (bash, zsh or fish)")
    p.add_argument("shell", choices=SHELLS, help="the shell: bash, zsh or fish")


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every command path (``measure``, ``ledger show``) and its parser."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:  # argparse has no public walk of its subcommands
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                path = f"{prefix}{name}"
                found[path] = sub
                found.update(_commands(sub, path + " "))
    return found


def _options(parser: argparse.ArgumentParser) -> tuple[list[str], dict[str, list[str]]]:
    options: list[str] = []
    choices: dict[str, list[str]] = {}
    for action in parser._actions:
        options.extend(action.option_strings)
        if action.option_strings and action.choices:
            for option in action.option_strings:
                choices[option] = [str(c) for c in action.choices]
    return sorted(options), choices


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script for ``shell``."""
    commands = _commands(parser)
    top = [c for c in commands if " " not in c]
    if shell == "bash":
        return _bash(commands, top)
    if shell == "zsh":
        return "#compdef csskpi\nautoload -U bashcompinit && bashcompinit\n" + _bash(commands, top)
    if shell == "fish":
        return _fish(commands, top)
    raise ValueError(f"'shell' must be one of {', '.join(SHELLS)}, not {shell!r}")


def _bash(commands: dict[str, argparse.ArgumentParser], top: list[str]) -> str:
    cases = []
    for path, sub in commands.items():
        options, choices = _options(sub)
        subs = [c.split(" ", 1)[1] for c in commands if c.startswith(path + " ") and c.count(" ") == 1]
        words = " ".join(shlex.quote(w) for w in subs + options)
        prev = "".join(f"            {shlex.quote(o)}) COMPREPLY=($(compgen -W {shlex.quote(' '.join(c))} -- \"$cur\"));"
                       " return;;\n" for o, c in choices.items())
        cases.append(f"        {shlex.quote(path)})\n"
                     f"            case \"$prev\" in\n{prev}            esac\n"
                     f"            COMPREPLY=($(compgen -W {shlex.quote(words)} -- \"$cur\"));;\n")
    return (
        "# csskpi completion for bash (csskpi completion bash)\n"
        "_csskpi() {\n"
        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path='' w\n"
        "    for w in \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"; do\n"
        "        case \"$w\" in -*) ;; *) case \"$path\" in '') path=$w;; ledger) path=\"ledger $w\";; esac;; esac\n"
        "    done\n"
        "    case \"$path\" in\n"
        f"        '') COMPREPLY=($(compgen -W {shlex.quote(' '.join(top + ['--help', '--version']))} -- \"$cur\"));;\n"
        + "".join(cases)
        + "    esac\n"
        "    [ ${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- \"$cur\"))\n"
        "}\n"
        "complete -F _csskpi csskpi\n"
    )


def _fish(commands: dict[str, argparse.ArgumentParser], top: list[str]) -> str:
    lines = ["# csskpi completion for fish (csskpi completion fish)", "complete -c csskpi -f",
             f"complete -c csskpi -n __fish_use_subcommand -a {shlex.quote(' '.join(top))}"]
    for path, sub in commands.items():
        condition = " && ".join(f"__fish_seen_subcommand_from {w}" for w in path.split(" "))
        options, choices = _options(sub)
        for option in options:
            if not option.startswith("--"):
                continue
            values = f" -r -a {shlex.quote(' '.join(choices[option]))}" if option in choices else " -r -F"
            flag = sub._option_string_actions[option]
            takes = flag.nargs != 0
            lines.append(f"complete -c csskpi -n {shlex.quote(condition)} -l {option[2:]}{values if takes else ''}")
        nested = [c.split(" ", 1)[1] for c in commands if c.startswith(path + " ") and c.count(" ") == 1]
        if nested:
            lines.append(f"complete -c csskpi -n {shlex.quote(condition)} -a {shlex.quote(' '.join(nested))}")
    return "\n".join(lines) + "\n"


def cmd_completion(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> None:
    out.write(completion_script(parser, args.shell))
