"""The version of csskpi: one source, the installed distribution's metadata (set in ``pyproject.toml``)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("csskpi")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
