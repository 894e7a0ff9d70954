"""The model layer: the contract's values as attrs types — periods, KPIs and their time-stepped targets,
the contract and its commercial terms, measurements, decisions, results. No I/O, no polars, no plugins.
"""
