"""The csskpi command."""

from csskpi.cli.main import main

__all__ = ["main"]
