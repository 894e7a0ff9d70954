"""The hook implementations of the Finance plugin (entry point ``finance`` in the ``csskpi`` group)."""

from __future__ import annotations

from types import MappingProxyType

import csskpi
from csskpi import Counts, DatasetSpec, Measure, MeasureInput
from csskpi.plugin.types import SynthFrame, SynthRequest

from . import synth
from .datasets import DATASETS
from .measures import MEASURES

_BY_NAME = MappingProxyType({m.name: m for m in MEASURES})


@csskpi.hookimpl
def csskpi_datasets() -> list[DatasetSpec]:
    return list(DATASETS)


@csskpi.hookimpl
def csskpi_measures() -> list[Measure]:
    return list(MEASURES)


@csskpi.hookimpl
def csskpi_compute_measure(measure: str, inputs: MeasureInput) -> Counts | None:
    found = _BY_NAME.get(measure)
    return None if found is None else found.compute(inputs)


@csskpi.hookimpl
def csskpi_synthesize(request: SynthRequest) -> list[SynthFrame]:
    return synth.synthesize(request)
