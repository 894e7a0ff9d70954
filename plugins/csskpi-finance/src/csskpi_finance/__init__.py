"""csskpi-finance: the Finance (Exchequer) KPIs of the CSS contract, measured from raw data.

The plugin (entry point ``finance`` in the ``csskpi`` group, module :mod:`csskpi_finance.plugin`) declares the
datasets ``invoices``, ``payment_runs`` and ``debtors`` (:mod:`csskpi_finance.datasets`), measures F_KPI_01, 02
and 03 (:mod:`csskpi_finance.measures`, one module per KPI) and generates synthetic data for them
(:mod:`csskpi_finance.synth`).

Importing the package imports none of its modules: csskpi loads :mod:`.plugin` (its hooks), and the hooks load
the rest when they are asked.
"""

from __future__ import annotations

from importlib import metadata

__all__ = ["__version__"]

__version__: str = metadata.version("csskpi-finance")  # one source: the distribution's metadata
