"""What importing a module, or running a csskpi command, loads: for start-up tests of csskpi and its plugins.

csskpi imports every installed plugin's entry-point module whenever it asks its plugins anything, so a plugin's
``plugin.py`` must import nothing heavy (polars, its measures, its synthetic-data generator) until a hook needs
it. :func:`modules_loaded` runs Python code in a fresh interpreter and returns the names of every module it
loaded, so a test can say what must not be among them::

    from csskpi.testing.imports import modules_loaded

    def test_the_plugin_module_is_cheap():
        loaded = modules_loaded("import shire_kpis.plugin")
        assert "polars" not in loaded and "shire_kpis.synth" not in loaded
"""

from __future__ import annotations

import json
import subprocess
import sys

__all__ = ["HEAVY", "modules_loaded", "modules_loaded_by_command"]

#: What a command that only applies the contract's rules must not load.
HEAVY = ("holidays", "numpy", "polars")

_REPORT = "\nimport json as _j, sys as _s\n_s.__stderr__.write('\\n' + _j.dumps(sorted(_s.modules)) + '\\n')\n"


def _run(code: str) -> frozenset[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AssertionError(f"python -c failed ({done.returncode}):\n{done.stderr}")
    return frozenset(json.loads(done.stderr.strip().splitlines()[-1]))


def modules_loaded(code: str) -> frozenset[str]:
    """Every module loaded by running ``code`` in a new Python process (``python -c``)."""
    return _run(code + _REPORT)


def modules_loaded_by_command(*args: str) -> frozenset[str]:
    """Every module loaded by the command ``csskpi ARGS...`` (its output discarded; it must succeed)."""
    code = (
        "import contextlib, io, sys\n"
        "from csskpi.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main({list(args)!r})\n"
        "if code:\n"
        "    raise SystemExit(code)\n"
    )
    return _run(code + _REPORT)
