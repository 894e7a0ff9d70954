"""The engine: the contract's rules as pure functions of model values — judging (rules), the council's summary
tables, reconciliation, abatement points, service credits and their regimes, watch rules, the comparison
with the supplier's figures, and the stable records results are written as.
"""
