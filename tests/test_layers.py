"""The package's layers only look down: each subpackage imports from its own layer or those below it.

Read bottom to top, data flows the same way: files and raw data become model values, the engine judges them,
the pipeline strings a month together, the ledger keeps it, the report shows it, the CLI asks. An import that
looks up (the engine importing the plugin manager, the ledger importing the CLI) is a failure here, as is any
cycle between subpackages.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "csskpi"

# Bottom to top. A module may import from its own layer and any layer with a lower number.
LAYERS: dict[str, int] = {
    "errors": 0,
    "_version": 0,
    "_lazy": 0,
    "model": 1,
    "engine": 2,
    "files": 3,
    "data": 4,
    "plugin": 5,
    "pipeline": 6,
    "builtin": 6,
    "ledger": 7,
    "report": 7,
    "frames": 7,
    "testing": 8,
    "demo": 8,
    "cli": 9,
    "__main__": 10,
    "__init__": 10,
}
# Layers that share a rank but must not know each other.
APART = {frozenset({"ledger", "report"}), frozenset({"pipeline", "builtin"})}


def _unit(module: str) -> str:
    """The layer a dotted module name (``csskpi.engine.credits``) belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports() -> dict[str, set[tuple[str, int, bool]]]:
    """For each module file: the csskpi modules it imports (name, line, only for type checking)."""
    found: dict[str, set[tuple[str, int, bool]]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.parts[-1] == "__init__" else rel.parts)
        if name == "csskpi":
            name = "csskpi.__init__"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                typing_only.update(id(n) for n in ast.walk(node))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path}:{node.lineno}: use absolute imports inside csskpi"
                if node.module and node.module.split(".")[0] == "csskpi":
                    # `from csskpi.ledger import schema` imports the module csskpi.ledger.schema
                    for alias in node.names:
                        sub = f"{node.module}.{alias.name}"
                        is_module = (PACKAGE.parent / (sub.replace(".", "/") + ".py")).exists() or (
                            PACKAGE.parent / sub.replace(".", "/") / "__init__.py"
                        ).exists()
                        targets.append(sub if is_module else node.module)
            elif isinstance(node, ast.Import):
                targets.extend(a.name for a in node.names if a.name.split(".")[0] == "csskpi")
            for target in targets:
                found[name].add((target, node.lineno, id(node) in typing_only))
    return found


IMPORTS = _imports()


def test_every_module_belongs_to_a_layer() -> None:
    units = {_unit(m) for m in IMPORTS} | {_unit(t) for deps in IMPORTS.values() for t, _, _ in deps if t != "csskpi"}
    assert units <= set(LAYERS), f"modules outside any layer: {sorted(units - set(LAYERS))}"


def test_layers_only_look_down() -> None:
    upward = []
    for module, deps in IMPORTS.items():
        mine = _unit(module)
        for target, line, _ in deps:
            theirs = "__init__" if target == "csskpi" else _unit(target)
            if theirs == mine:
                continue
            if LAYERS[theirs] > LAYERS[mine] or (LAYERS[theirs] == LAYERS[mine] and frozenset({mine, theirs}) in APART):
                upward.append(f"{module}:{line} imports {target} ({mine} -> {theirs})")
    assert not upward, "imports that look up a layer:\n" + "\n".join(sorted(upward))


def test_no_cycles_between_modules() -> None:
    graph = {m: {t for t, _, typing in deps if not typing and t in IMPORTS} for m, deps in IMPORTS.items()}
    # Importing a package runs its __init__: an edge to a package is an edge to its __init__ module.
    seen: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        seen[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if seen.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in seen:
                visit(nxt)
        stack.pop()
        seen[node] = 2

    for node in sorted(graph):
        if node not in seen:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _module_level(tree: ast.Module) -> list[ast.stmt]:
    """The statements run when a module is imported: its body, into ``if`` and ``try``, not into functions."""
    found: list[ast.stmt] = []
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue  # for the type checker only: never run
        if isinstance(node, (ast.If, ast.Try)):
            todo.extend(node.body + node.orelse + getattr(node, "finalbody", []))
            todo.extend(s for h in getattr(node, "handlers", []) for s in h.body)
    return found


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("engine", ("csskpi.plugin", "csskpi.cli", "csskpi.ledger", "csskpi.report", "pluggy", "polars")),
        ("model", ("polars", "pluggy", "csskpi.files")),
        ("ledger", ("csskpi.cli",)),
        ("report", ("csskpi.cli",)),
    ],
)
def test_what_a_layer_never_imports(layer: str, forbidden: tuple[str, ...]) -> None:
    bad = []
    for path in (PACKAGE / layer).rglob("*.py"):
        # What a module imports when it is imported; a function may import polars when a frame is asked for.
        for node in _module_level(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names] if isinstance(node, ast.Import) else []
            bad.extend(f"{path.name}:{node.lineno} {n}" for n in names if any(n == f or n.startswith(f + ".") for f in forbidden))
    assert not bad, f"the {layer} layer imports what it must not: {bad}"
