"""A council's own KPI, added at a contract extension: Freedom of Information requests answered in time.

csskpi finds the plugin through the ``csskpi`` entry point ``foi`` (:mod:`csskpi_foi.plugin`); the dataset and
the measure are in :mod:`csskpi_foi.measures`.
"""
