"""csskpi-csc: the Customer Service Centre (CSC) KPIs of the CSS contract, measured from raw data.

The plugin (entry point ``csc`` in the ``csskpi`` group, module :mod:`csskpi_csc.plugin`) declares the datasets
``contacts``, ``calls`` and ``carers_assessments`` (:mod:`csskpi_csc.datasets`), reads the core's shared
``surveys`` dataset for kind ``csc_customer``, measures CSC_KPI_01, 03, 04, 05, 06, 07, 09 and 10
(:mod:`csskpi_csc.measures`, one module per KPI) and generates synthetic data for them (:mod:`csskpi_csc.synth`).

Importing the package imports none of its modules: csskpi loads :mod:`.plugin` (its hooks), and the hooks load
the rest when they are asked.
"""

from __future__ import annotations

from importlib import metadata

__all__ = ["__version__"]

__version__: str = metadata.version("csskpi-csc")  # one source: the distribution's metadata
