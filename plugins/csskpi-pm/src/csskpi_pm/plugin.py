"""The csskpi hook implementations of the People Management plugin (entry point ``pm``)."""

from __future__ import annotations

from csskpi.model.measurement import Counts
from csskpi.plugin.hookspecs import hookimpl
from csskpi.plugin.types import Appendix, DatasetSpec, Measure, MeasureInput, SynthFrame, SynthRequest

from . import appendix, datasets, synth
from .measures import BY_NAME, MEASURES

__all__ = [
    "csskpi_datasets",
    "csskpi_measures",
    "csskpi_compute_measure",
    "csskpi_appendices",
    "csskpi_synthesize",
]


@hookimpl
def csskpi_datasets() -> list[DatasetSpec]:
    return list(datasets.DATASETS)


@hookimpl
def csskpi_measures() -> list[Measure]:
    return list(MEASURES)


@hookimpl
def csskpi_compute_measure(measure: str, inputs: MeasureInput) -> Counts | None:
    spec = BY_NAME.get(measure)
    return None if spec is None else spec.compute(inputs)


@hookimpl
def csskpi_appendices() -> list[Appendix]:
    return [appendix.APPENDIX]


@hookimpl
def csskpi_synthesize(request: SynthRequest) -> list[SynthFrame]:
    return synth.synthesize(request)
