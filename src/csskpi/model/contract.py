"""A contract: its calendar, service areas, KPI catalogue and the parameters its rules run on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from csskpi.errors import Problem, UnknownKPIError
from csskpi.model.decisions import Suspension
from csskpi.model.kpi import KPI, RetiredReference, ServiceArea
from csskpi.model.period import ContractCalendar, Period
from csskpi.model.terms import Charges, ClockHours, CreditTerms, PointsRules, WatchRule

if TYPE_CHECKING:
    from csskpi.model.changes import Change

__all__ = ["Parameters", "Contract"]

ROUNDING_MODES = {"half-up": ROUND_HALF_UP}


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


def _str_frozenset(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen
class Parameters:
    """The contract's parameters and commercial terms. Those named in ``assumed`` are decisions where the record is
    silent.

    ``decimals`` and ``rounding``: the figure judged is the value as reported, rounded this way.
    ``points``, ``credits``, ``charges``, ``watch``, ``clocks``: the typed terms (:mod:`csskpi.model.terms`),
    checked when the contract is loaded.
    ``measures``: per-measure parameters (deadlines, channel lists…) read by the measure plugins.
    ``other``: any further parameter, for a council's own plugins.
    """

    # At most 10: a figure is rounded to it exactly, and no KPI is reported finer.
    decimals: int = attrs.field(
        default=2, validator=[attrs.validators.instance_of(int), attrs.validators.ge(0), attrs.validators.le(10)]
    )
    rounding: str = attrs.field(default="half-up", validator=attrs.validators.in_(ROUNDING_MODES))
    measures: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping)
    other: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping)
    points: PointsRules = attrs.field(factory=PointsRules, validator=attrs.validators.instance_of(PointsRules))
    credits: CreditTerms = attrs.field(factory=CreditTerms, validator=attrs.validators.instance_of(CreditTerms))
    charges: Charges = attrs.field(factory=Charges, validator=attrs.validators.instance_of(Charges))
    watch: tuple[WatchRule, ...] = attrs.field(default=(), converter=tuple)
    clocks: tuple[ClockHours, ...] = attrs.field(default=(), converter=tuple)
    assumed: frozenset[str] = attrs.field(factory=frozenset, converter=_str_frozenset)

    @property
    def rounding_mode(self) -> str:
        return ROUNDING_MODES[self.rounding]


@attrs.frozen(repr=False)  # short: the whole catalogue is not what a notebook wants to print
class Contract:
    """A contract definition, as loaded from its TOML file (see ``docs/contract_format.md``).

    ``kpis`` is the catalogue over the contract's whole life, every change applied (each KPI with its dates,
    targets and points as they stood month by month); ``base_kpis`` the catalogue as first agreed, before
    ``changes``; ``suspensions`` the blanket reliefs the changes declare.
    """

    name: str
    title: str
    calendar: ContractCalendar
    areas: tuple[ServiceArea, ...]
    kpis: tuple[KPI, ...]
    retired: tuple[RetiredReference, ...] = ()
    parameters: Parameters = attrs.field(factory=Parameters)
    council: str = ""
    supplier: str = ""
    notes: str = ""
    source: str | None = attrs.field(default=None, eq=False)
    changes: tuple[Change, ...] = ()
    base_kpis: tuple[KPI, ...] = attrs.field(default=attrs.Factory(lambda self: self.kpis, takes_self=True))
    suspensions: tuple[Suspension, ...] = ()
    _by_ref: Mapping[str, KPI] = attrs.field(init=False, eq=False, repr=False)
    _areas: Mapping[str, ServiceArea] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_ref", MappingProxyType({k.reference: k for k in self.kpis}))
        object.__setattr__(self, "_areas", MappingProxyType({a.code: a for a in self.areas}))

    def __repr__(self) -> str:
        cal = self.calendar
        return (f"<Contract {self.name}: {len(self.kpis)} KPIs over its life, {len(self.areas)} service areas, "
                f"{cal.first_period} to {cal.last_period}>")

    def with_kpis(self, kpis: tuple[KPI, ...]) -> Contract:
        """The same contract with its catalogue (after changes) replaced, ``base_kpis`` kept."""
        return attrs.evolve(self, kpis=kpis, base_kpis=self.base_kpis)

    # --- look-ups -------------------------------------------------------------------------------------------
    def kpi(self, reference: str) -> KPI:
        """The KPI with this reference; :class:`UnknownKPIError` (a ``KeyError``) if it has none."""
        try:
            return self._by_ref[reference]
        except KeyError:
            retired = self.retired_reference(reference)
            why = "is not in use (KPI REFERENCE NOT IN USE)" if retired else "is not in the contract's catalogue"
            raise UnknownKPIError(Problem(f"{reference} {why}", kpi=reference, file=self.source)) from None

    def has_kpi(self, reference: str) -> bool:
        return reference in self._by_ref

    def retired_reference(self, reference: str) -> RetiredReference | None:
        return next((r for r in self.retired if r.reference == reference), None)

    def area(self, code: str) -> ServiceArea:
        try:
            return self._areas[code]
        except KeyError:
            raise UnknownKPIError(Problem(f"no service area {code!r} in the contract", field="area")) from None

    @property
    def area_codes(self) -> tuple[str, ...]:
        return tuple(a.code for a in self.areas)

    def kpis_in_force(self, period: Period, area: str | None = None) -> tuple[KPI, ...]:
        """The KPIs in force in ``period`` (optionally of one area), in catalogue order."""
        if not self.calendar.contains(period):
            return ()
        return tuple(k for k in self.kpis if k.in_force(period) and (area is None or k.area == area))

    def retired_at(self, period: Period) -> tuple[KPI, ...]:
        """The KPIs whose references were in use once but are no longer in force in ``period``."""
        return tuple(k for k in self.kpis if k.end is not None and k.end < period)

    def references(self) -> tuple[str, ...]:
        """Every reference of the catalogue, in use or not, in catalogue order."""
        return tuple(k.reference for k in self.kpis) + tuple(r.reference for r in self.retired)

    def points_in_force(self, period: Period, area: str | None = None) -> int:
        return sum(k.points_at(period) for k in self.kpis_in_force(period, area))
