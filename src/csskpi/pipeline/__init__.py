"""The pipeline: measures run through the plugins on raw data, synthetic data generated, and the whole
assessment of a run of months (:mod:`csskpi.pipeline.assessment`) built once for every consumer.
"""
