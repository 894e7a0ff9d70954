"""Names imported on first use (PEP 562), so that importing a package costs nothing until a name is needed:
``import csskpi`` and ``import csskpi.plugin`` load neither polars nor the plugins."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    module: str, namespace: dict[str, Any], home: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``module``, whose names live in the modules ``home`` gives."""

    def getattr_(name: str) -> object:
        where = home.get(name)
        if where is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where), name)
        namespace[name] = value  # found directly from now on
        return value

    def dir_() -> list[str]:
        return sorted(set(namespace) | set(home))

    return getattr_, dir_
