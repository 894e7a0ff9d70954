"""File formats: the contract and change-notice TOML, measurements, decisions, published figures and charges —
text read into model values with every problem named by file, line and field, and records written out.
"""
