"""The IMT plugin's hook implementations (registered through the ``csskpi`` entry point ``imt``)."""

from __future__ import annotations

from csskpi.model.measurement import Counts
from csskpi.plugin.hookspecs import hookimpl
from csskpi.plugin.types import DatasetSpec, Measure, MeasureInput, SynthFrame, SynthRequest

from . import synth
from .datasets import DATASETS
from .measures import BY_NAME, MEASURES


@hookimpl
def csskpi_datasets() -> list[DatasetSpec]:
    return list(DATASETS)


@hookimpl
def csskpi_measures() -> list[Measure]:
    return list(MEASURES)


@hookimpl
def csskpi_compute_measure(measure: str, inputs: MeasureInput) -> Counts | None:
    found = BY_NAME.get(measure)
    return None if found is None else found.compute(inputs)


@hookimpl
def csskpi_synthesize(request: SynthRequest) -> list[SynthFrame]:
    return synth.synthesize(request)
