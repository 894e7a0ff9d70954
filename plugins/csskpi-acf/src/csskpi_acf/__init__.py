"""csskpi plugin for the Adult Care Finance (ACF) KPIs of the Lincolnshire CSS contract.

It declares the raw datasets the ACF KPIs are measured from (``acf_contacts``, ``financial_assessments``,
``direct_payments``, ``acf_income``, ``legal_charges``, ``court_protection``, ``acf_service_users``; the
``acf_user`` survey is in the core's shared ``surveys``), computes ACF_KPI_01 and 03-10 from them as exact counts,
and generates realistic synthetic data. csskpi finds it through the ``csskpi`` entry point ``acf``.

Importing the package imports none of its modules: csskpi loads :mod:`.plugin` (its hooks), and the hooks load
the rest when they are asked.
"""

from __future__ import annotations

from importlib import metadata

__all__ = ["__version__"]

__version__: str = metadata.version("csskpi-acf")  # one source: the distribution's metadata
