"""csskpi plugin for Information Management and Technology (IMT): the IMT KPIs measured from raw data.

Measures IMT_KPI_01-07 and 09-14 (IMT_KPI_08 is not in use) from the datasets ``outages``, ``incidents``,
``service_requests``, ``cmdb_changes``, ``milestones``, ``app_response``, ``patching`` and the core's ``surveys``
(kind ``it_incident``), and generates realistic synthetic data for them. csskpi finds it through the
``csskpi`` entry point ``imt`` (:mod:`csskpi_imt.plugin`).

Importing the package imports none of its modules: csskpi loads :mod:`.plugin` (its hooks), and the hooks load
the rest when they are asked.
"""

from __future__ import annotations

from importlib import metadata

__all__ = ["__version__"]

__version__: str = metadata.version("csskpi-imt")  # one source: the distribution's metadata
