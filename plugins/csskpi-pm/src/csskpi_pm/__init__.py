"""csskpi-pm: the People Management measures of the Corporate Support Services contract, recomputed from raw data.

KPIs PM_KPI_01, 02, 03, 05, 06, 07, 08, 11 and 12 (``docs/measures.md``), from the datasets ``payroll_payments``,
``payment_errors``, ``third_party_deductions``, ``pm_contacts``, ``spot_checks``, ``recruitments`` and
``pm_transactions`` (declared here) and the core's shared ``surveys`` (kinds ``pm_manager_contact`` and
``pm_my_helpdesk``); the ``payroll-contacts`` appendix (the council's Appendix C); and synthetic data for all of
them. csskpi finds the plugin through the ``csskpi`` entry point ``pm`` (:mod:`csskpi_pm.plugin`).

Importing the package imports none of its modules: csskpi loads :mod:`.plugin` (its hooks), and the hooks load
the rest when they are asked.
"""

from __future__ import annotations

from importlib import metadata

__all__ = ["__version__"]

__version__: str = metadata.version("csskpi-pm")  # one source: the distribution's metadata
