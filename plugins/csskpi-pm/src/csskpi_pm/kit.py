"""What several People Management measures share: parameters with their defaults. The month and backlog rules
are the core's (:mod:`csskpi.plugin.rules`)."""

from __future__ import annotations

from typing import Any

from csskpi.plugin import MeasureContext

__all__ = ["parameter"]


def parameter(inputs: MeasureContext, name: str, default: Any) -> Any:
    """The measure's contract parameter ``name``, or ``default`` (docs/measures.md's value) if the contract has none."""
    value = inputs.parameters.get(name)
    return default if value is None else value
