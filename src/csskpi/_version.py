"""csskpi's version, in one place: the installed distribution's metadata, i.e. ``version`` in ``pyproject.toml``.

Everything that shows the version (``csskpi --version``, the reports' footers) imports ``__version__`` from here.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__: str = version("csskpi")
except PackageNotFoundError:  # imported from a source tree that was never installed: say so rather than guess
    __version__ = "0+unknown"
