"""Building the plugin manager: csskpi's own plugins, then every installed ``csskpi`` entry point."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType

import pluggy

from csskpi.plugin import hookspecs

__all__ = ["ENTRY_POINT_GROUP", "DEFAULT_PLUGINS", "get_plugin_manager"]

ENTRY_POINT_GROUP = "csskpi"

# csskpi's own plugins, registered by name like pytest's and datasette's defaults. The service-area plugins
# are separate distributions and arrive through the entry-point group like any third party's.
DEFAULT_PLUGINS: tuple[str, ...] = ("csskpi.builtin",)


def get_plugin_manager(
    *, load_entry_points: bool = True, extra: Iterable[object | ModuleType] = ()
) -> pluggy.PluginManager:
    """A new plugin manager with csskpi's hooks, its default plugins, the installed plugins and ``extra``.

    ``load_entry_points=False`` gives a manager with only the defaults and ``extra`` (for tests and for an
    application that chooses its plugins itself).
    """
    pm = pluggy.PluginManager("csskpi")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    if load_entry_points:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in extra:
        pm.register(plugin)
    pm.check_pending()
    return pm
