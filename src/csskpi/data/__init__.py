"""Raw data: dataset specifications, loading and checking CSV/Parquet/Excel/DataFrames with polars, the shared
surveys dataset, and the business-day and business-hours calendars measures count time with.
"""
