"""Reading and writing contract definition files (TOML; format in ``docs/contract_format.md``).

Loading validates the whole file and reports every problem found in one :class:`ContractError`, each naming
the file, the line where it can be told, the KPI and the field. Writing (:func:`dump_contract`) is done by
:mod:`csskpi.files.contract_dump` and re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import attrs

from csskpi.errors import ContractError, Problem
from csskpi.files.collector import Collector
from csskpi.files.contract_dump import FORMAT_VERSION, dump_contract
from csskpi.files.contract_dump import contract_to_data as contract_to_data
from csskpi.files.terms import parse_terms
from csskpi.files.text import load_toml, read_text
from csskpi.model.changes import Change, apply_changes, parse_change_notice, parse_changes
from csskpi.model.contract import Contract, Parameters
from csskpi.model.decisions import Suspension
from csskpi.model.kpi import KPI, RetiredReference, ServiceArea, Unit
from csskpi.model.numbers import check_magnitude, strict_decimal
from csskpi.model.period import ContractCalendar, Extension, Period
from csskpi.model.targets import (
    Comparison,
    Direction,
    PointsSchedule,
    PointsStep,
    TargetSchedule,
    TargetStep,
    schedule_problems,
)

__all__ = ["read_contract", "parse_contract", "dump_contract", "with_change_notices", "FORMAT_VERSION"]

_TOP_KEYS = {"format", "contract", "parameters", "areas", "kpis", "retired", "changes"}
_CONTRACT_KEYS = {"name", "title", "council", "supplier", "start", "end", "notes", "extensions", "assumed"}
_KPI_KEYS = {"reference", "area", "description", "unit", "direction", "start", "end", "measure", "notes", "targets", "points"}
_STEP_KEYS = {"from", "to", "tsl", "msl", "tsl_comparison", "msl_comparison", "note"}
_POINTS_KEYS = {"from", "points", "assumed", "note"}



def read_contract(path: str | Path) -> Contract:
    """Load and validate a contract file; :class:`ContractError` lists every problem found."""
    return parse_contract(read_text(path, "contract file", ContractError), file=str(path))


def parse_contract(text: str, *, file: str | None = None) -> Contract:
    """Parse the text of a contract file (``file`` is used in messages)."""
    data = load_toml(text, file, ContractError)
    c = Collector(file, text)
    contract = _build(data, c)
    if c.problems or contract is None:
        raise ContractError(c.problems or [Problem("the contract could not be built", file=file)])
    return contract


def _period(value: Any) -> Period:
    if isinstance(value, dt.date):
        return Period.of(value)
    return Period.parse(value)


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"'{name}' must be a date YYYY-MM-DD, not {value!r}")


def _require(table: Mapping[str, Any], key: str, c: Collector, where: str, kpi: str | None = None) -> Any:
    if key not in table:
        c.add(f"missing in {where}", field=key, kpi=kpi)
    return table.get(key)


def _build(data: Mapping[str, Any], c: Collector) -> Contract | None:
    c.unknown_keys(data, _TOP_KEYS, "the file")
    version = data.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        c.add(f"this csskpi reads contract format {FORMAT_VERSION}, not {version!r}", field="format")
    head = data.get("contract")
    if not isinstance(head, Mapping):
        c.add("the file needs a [contract] table", field="contract")
        return None
    c.unknown_keys(head, _CONTRACT_KEYS, "[contract]")
    name = _require(head, "name", c, "[contract]")
    title = head.get("title", name)
    start = c.attempt(lambda: _date(head.get("start"), "start"), field="contract.start")
    end = c.attempt(lambda: _date(head.get("end"), "end"), field="contract.end")
    extensions = []
    for i, ext in enumerate(c.tables(head.get("extensions"), "contract.extensions")):
        extension = c.attempt(partial(_extension, ext), field=f"contract.extensions[{i}]")
        if extension:
            extensions.append(extension)
    calendar = None
    if start and end:
        if end < start:
            c.add(f"'end' ({end}) is before 'start' ({start})", field="contract.end")
        else:
            calendar = ContractCalendar(start, end, tuple(extensions))

    parameters = parse_terms(data.get("parameters", {}), c)
    areas = _areas(c.tables(data.get("areas"), "areas"), c)
    area_codes = {a.code for a in areas}
    kpis: list[KPI] = []
    seen: dict[str, str] = {}
    for i, table in enumerate(c.tables(data.get("kpis"), "kpis")):
        kpi = _kpi(table, f"kpis[{i}]", c, area_codes, calendar)
        if kpi is not None:
            if kpi.reference in seen:
                c.add(f"reference defined twice ({seen[kpi.reference]} and kpis[{i}])", field="reference", kpi=kpi.reference)
            seen[kpi.reference] = f"kpis[{i}]"
            kpis.append(kpi)
    retired: list[RetiredReference] = []
    for i, table in enumerate(c.tables(data.get("retired"), "retired")):
        ref = table.get("reference") if isinstance(table.get("reference"), str) else None
        c.unknown_keys(table, {"reference", "area", "note"}, f"retired[{i}]", kpi=ref)
        r = c.attempt(partial(_retired, table), field=f"retired[{i}]", kpi=ref)
        if r is not None:
            if not isinstance(r.area, str) or r.area not in area_codes:
                c.add(f"unknown service area {r.area!r} (the contract has {', '.join(sorted(area_codes))})", field="area", kpi=r.reference)
            if r.reference in seen:
                c.add(f"reference is both in use ({seen[r.reference]}) and retired", field="reference", kpi=r.reference)
            seen[r.reference] = f"retired[{i}]"
            retired.append(r)
    if not kpis:
        c.add("the catalogue has no KPI", field="kpis")
    changes: tuple[Change, ...] = ()
    effective: tuple[KPI, ...] = tuple(kpis)
    suspensions: tuple[Suspension, ...] = ()
    if calendar is not None:
        changes, found = parse_changes(
            data.get("changes", []), file=c.file, areas=[a.code for a in areas],
            build_kpi=lambda table, where: _kpi(table, where, c, area_codes, calendar),
        )
        c.problems.extend(found)
        if not c.problems:
            effective, suspensions, found = apply_changes(kpis, changes, calendar)
            c.problems.extend(found)
    if c.problems or calendar is None or not name:
        return None
    return Contract(
        name=str(name),
        title=str(title),
        calendar=calendar,
        areas=tuple(areas),
        kpis=tuple(kpis),
        retired=tuple(retired),
        parameters=parameters or Parameters(),
        council=str(head.get("council", "")),
        supplier=str(head.get("supplier", "")),
        notes=str(head.get("notes", "")),
        source=c.file,
        changes=changes,
        base_kpis=tuple(kpis),
        suspensions=suspensions,
    ).with_kpis(effective)


def _areas(tables: list[Mapping[str, Any]], c: Collector) -> list[ServiceArea]:
    areas: list[ServiceArea] = []
    for i, table in enumerate(tables):
        c.unknown_keys(table, {"code", "name"}, f"areas[{i}]")
        area = c.attempt(partial(_area, table), field=f"areas[{i}]")
        if area is None:
            continue
        if any(a.code == area.code for a in areas):
            c.add(f"service area {area.code!r} defined twice", field=f"areas[{i}].code")
        areas.append(area)
    if not areas:
        c.add("the contract needs at least one [[areas]] entry", field="areas")
    return areas


def _kpi(
    table: Mapping[str, Any], where: str, c: Collector, area_codes: set[str], calendar: ContractCalendar | None
) -> KPI | None:
    ref = table.get("reference")
    if not isinstance(ref, str):
        c.add(f"missing or not a string in {where}", field="reference")
        return None
    before = len(c.problems)
    c.unknown_keys(table, _KPI_KEYS, where, kpi=ref)
    area = _require(table, "area", c, where, ref)
    if area is not None and (not isinstance(area, str) or area not in area_codes):
        c.add(f"unknown service area {area!r} (the contract has {', '.join(sorted(area_codes))})", field="area", kpi=ref)
    unit = c.attempt(lambda: Unit(table.get("unit", "percent")), field="unit", kpi=ref)
    direction = c.attempt(lambda: Direction(_require(table, "direction", c, where, ref)), field="direction", kpi=ref)
    start = c.attempt(lambda: _period(table["start"]) if "start" in table else None, field="start", kpi=ref)
    end = c.attempt(lambda: _period(table["end"]) if table.get("end") else None, field="end", kpi=ref)
    if calendar is not None:
        start = start or calendar.first_period
        if start < calendar.first_period or start > calendar.last_period:
            c.add(f"in force from {start}, outside the contract ({calendar.first_period} to {calendar.last_period})", field="start", kpi=ref)
        if end is not None and end > calendar.last_period:
            c.add(f"in force to {end}, after the contract ends ({calendar.last_period})", field="end", kpi=ref)

    steps: list[TargetStep] = []
    raw_steps = table.get("targets")
    if not isinstance(raw_steps, list) or not raw_steps:
        c.add("a KPI in use needs at least one [[kpis.targets]] step", field="targets", kpi=ref)
        raw_steps = []
    elif not all(isinstance(raw, Mapping) for raw in raw_steps):
        c.tables(raw_steps, "targets", kpi=ref)  # each entry that is no table is a problem
        raw_steps = []
    for j, raw in enumerate(raw_steps):
        field = f"targets[{j}]"
        c.unknown_keys(raw, _STEP_KEYS, field, kpi=ref)
        default = direction.default_comparison if direction else Comparison.GE
        for key in ("from", "tsl", "msl"):
            if key not in raw:
                c.add(f"missing in {field}", field=f"{field}.{key}", kpi=ref)
        if any(key not in raw for key in ("from", "tsl", "msl")):
            continue
        step = c.attempt(partial(_target_step, raw, default), field=field, kpi=ref)
        if step is not None:
            if direction is not None and step.direction is not direction:
                c.add(f"comparisons say {step.direction.value} is better but 'direction' is {direction.value}", field=field, kpi=ref)
            steps.append(step)
    schedule = None
    if steps and len(steps) == len(raw_steps):
        for message in schedule_problems(steps):
            c.add(message, field="targets", kpi=ref)
        if not schedule_problems(steps) and start is not None:
            if steps[0].start > start:
                c.add(f"targets start {steps[0].start} but the KPI is in force from {start}", field="targets", kpi=ref)
            last = end or (calendar.last_period if calendar else None)
            if last is not None and steps[-1].end is not None and steps[-1].end < last:
                c.add(f"targets end {steps[-1].end} but the KPI is in force to {last}", field="targets", kpi=ref)
            schedule = c.attempt(lambda: TargetSchedule(tuple(steps)), field="targets", kpi=ref)

    points = _points(table.get("points"), c, ref, start)
    if len(c.problems) > before or None in (area, unit, direction, schedule, points, start):
        return None
    return c.attempt(
        lambda: KPI(
            reference=ref,
            area=area,
            description=str(table.get("description", "")),
            unit=unit,  # type: ignore[arg-type]
            direction=direction,  # type: ignore[arg-type]
            schedule=schedule,  # type: ignore[arg-type]
            points=points,  # type: ignore[arg-type]
            start=start,  # type: ignore[arg-type]
            end=end,
            measure=str(table.get("measure", "")),
            notes=str(table.get("notes", "")),
        ),
        kpi=ref,
    )


# --- one entry of a list each, built inside Collector.attempt (so a bad value is a problem) -----------------


def _extension(table: Mapping[str, Any]) -> Extension:
    return Extension(
        str(table["name"]),
        _date(table["start"], "start"),
        _date(table["end"], "end"),
        bool(table.get("assumed", False)),
    )


def _area(table: Mapping[str, Any]) -> ServiceArea:
    return ServiceArea(table["code"], table.get("name", table["code"]))


def _retired(table: Mapping[str, Any]) -> RetiredReference:
    return RetiredReference(table["reference"], table["area"], table.get("note", ""))


def _target_step(raw: Mapping[str, Any], default: Comparison) -> TargetStep:
    """A ``[[kpis.targets]]`` step; its comparisons default to the KPI's direction's (``default``)."""
    return TargetStep(
        start=_period(raw["from"]),
        end=_period(raw["to"]) if raw.get("to") else None,
        tsl=_exact(raw["tsl"], "tsl"),
        msl=_exact(raw["msl"], "msl"),
        tsl_comparison=raw.get("tsl_comparison", default.value),
        msl_comparison=raw.get("msl_comparison", default.value),
        note=raw.get("note", ""),
    )


def _points_step(item: Mapping[str, Any]) -> PointsStep:
    return PointsStep(
        _period(item["from"]), item["points"], bool(item.get("assumed", False)), str(item.get("note", ""))
    )


def _exact(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        raise ValueError(f"'{name}' must be a number, not {value!r}")
    if isinstance(value, str):
        return strict_decimal(value, f"'{name}'")
    return check_magnitude(Decimal(value), f"'{name}'")


def _points(raw: Any, c: Collector, ref: str, start: Period | None) -> PointsSchedule | None:
    if raw is None:
        c.add("missing: give the KPI's abatement points", field="points", kpi=ref)
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = [{"from": str(start) if start else None, "points": raw}]
    if not isinstance(raw, list) or not raw:
        c.add("must be a whole number or a list of {from, points} steps", field="points", kpi=ref)
        return None
    steps: list[PointsStep] = []
    for j, item in enumerate(raw):
        if not isinstance(item, Mapping):
            c.add("must be a table {from, points}", field=f"points[{j}]", kpi=ref)
            continue
        c.unknown_keys(item, _POINTS_KEYS, f"points[{j}]", kpi=ref)
        step = c.attempt(partial(_points_step, item), field=f"points[{j}]", kpi=ref)
        if step is not None:
            steps.append(step)
    if len(steps) != len(raw):
        return None
    schedule = c.attempt(lambda: PointsSchedule(tuple(steps)), field="points", kpi=ref)
    if schedule is not None and start is not None and steps[0].start > start:
        c.add(f"points start {steps[0].start} but the KPI is in force from {start}", field="points", kpi=ref)
    return schedule


def with_change_notices(contract: Contract, paths: list[str] | tuple[str, ...]) -> Contract:
    """The contract with the changes of council change notices (TOML files of ``[[changes]]``) layered over it."""
    if not paths:
        return contract
    c = Collector(None, "")
    codes = set(contract.area_codes)
    extra: list[Change] = []
    for path in paths:
        c.file = str(path)
        data = load_toml(read_text(path, "change notice", ContractError), str(path), ContractError)
        extra.extend(parse_change_notice(data, str(path), contract.area_codes,
                                         lambda t, w: _kpi(t, w, c, codes, contract.calendar)))
    if c.problems:
        raise ContractError(c.problems)
    changes = contract.changes + tuple(extra)
    effective, suspensions, problems = apply_changes(contract.base_kpis, changes, contract.calendar)
    if problems:
        raise ContractError(problems)
    return attrs.evolve(contract, changes=changes, suspensions=suspensions).with_kpis(effective)
