"""The ``csskpi`` hook implementations of the Adult Care Finance plugin (entry point ``acf``)."""

from __future__ import annotations

import csskpi
from csskpi import Counts, DatasetSpec, Measure, MeasureInput
from csskpi.plugin.types import SynthFrame, SynthRequest

from . import synth
from .datasets import DATASETS
from .measures import BY_NAME, MEASURES


@csskpi.hookimpl
def csskpi_datasets() -> list[DatasetSpec]:
    return list(DATASETS)


@csskpi.hookimpl
def csskpi_measures() -> list[Measure]:
    return list(MEASURES)


@csskpi.hookimpl
def csskpi_compute_measure(measure: str, inputs: MeasureInput) -> Counts | None:
    compute = BY_NAME.get(measure)
    return None if compute is None else compute(inputs)


@csskpi.hookimpl
def csskpi_synthesize(request: SynthRequest) -> list[SynthFrame]:
    return synth.synthesize(request)
