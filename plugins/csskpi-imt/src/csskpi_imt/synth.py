"""Synthetic IMT raw data: realistic months that come out near the published 2017 figures (mostly GREEN).

Every month of every dataset draws from its own generator, ``numpy.random.default_rng([seed, key, month])`` with
a fixed ``key`` per dataset, so the output depends on the request only (months, scale, seed, degraded measures);
a month's rows do not change when more months are asked for, except that completions after the last month asked
for are left empty (the data is "as at" the end of the last month, so some records are still open).

Volumes per month at scale 1.0: incidents ~5,000 (P1 0-2, P2 1-3, the rest P3/P4), service requests ~8,000,
CMDB changes ~1,000, outages ~20 (minutes long), milestones ~20, response samples ~10,000, patching rows ~4,000
(device x update release), ``it_incident`` survey responses ~500. Working-hours timestamps fall mostly within
08:00-18:00 on business days, and completions are counted on the Core Support Hours clock, so the supplier's
staff do nothing on bank holidays. A measure named in ``request.degrade`` gets data that puts it below its MSL.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Final

import numpy as np
import polars as pl
from csskpi.plugin import CORE_SUPPORT_HOURS, ENGLAND_AND_WALES, Period, SynthFrame, SynthRequest

__all__ = ["synthesize", "DATASET_KEYS", "SURVEY_KIND", "PLATINUM_APPLICATIONS"]

#: A fixed number per dataset for its random generator (never Python's hash(), which changes between runs).
DATASET_KEYS: Final = {
    "outages": 4_901_001,
    "incidents": 4_901_002,
    "service_requests": 4_901_003,
    "cmdb_changes": 4_901_004,
    "milestones": 4_901_005,
    "app_response": 4_901_006,
    "patching": 4_901_007,
    "surveys": 4_901_012,
}

SURVEY_KIND: Final = "it_incident"
PLATINUM_APPLICATIONS: Final = ("agresso", "mosaic", "email", "network", "telephony", "intranet")
OTHER_SERVICES: Final = ("citrix", "printing", "wifi_guest", "sharepoint", "business_objects")
ACTIVITIES: Final = {"login": 5000, "search": 3000, "open_record": 2000, "save": 2000}  # required response, ms
PROJECTS: Final = (
    "Service Catalogue",
    "Mosaic upgrade",
    "Agresso finance module",
    "Office moves 2017",
    "Windows 10 rollout",
    "Telephony refresh",
    "Network resilience",
    "Achieve forms migration",
    "CLIPS replacement",
    "Email archive",
    "Schools broadband",
    "Data centre decommission",
)
TARGET_HOURS: Final = (4.0, 7.5, 8.0, 16.0, 24.0, 40.0, 80.0)
RATINGS: Final = ("very good", "good", "fair", "poor", "very poor")

_US: Final = pl.Datetime("us")
_HOUR: Final = 3600
_OPEN, _CLOSE = 8 * _HOUR, 18 * _HOUR
_DAY: Final = 24 * _HOUR


# --- small building blocks ------------------------------------------------------------------------------------


def _rng(request: SynthRequest, dataset: str, period: Period) -> np.random.Generator:
    return np.random.default_rng([request.seed % 2**64, DATASET_KEYS[dataset], period.index])


def _volume(rng: np.random.Generator, per_month: float, scale: float) -> int:
    """A month's number of records: Poisson around ``per_month * scale``, at least one."""
    return max(1, int(rng.poisson(per_month * scale)))


def _small(rng: np.random.Generator, choices: Sequence[int], scale: float) -> int:
    """A small count (P1 incidents): one of ``choices`` at scale 1, scaled with random rounding otherwise."""
    value = float(rng.choice(choices)) * scale
    return int(value) + int(rng.random() < value - int(value))


@functools.cache
def _holidays() -> np.ndarray:
    return np.array(ENGLAND_AND_WALES.holidays, dtype="datetime64[D]")


def _days(period: Period) -> tuple[np.ndarray, np.ndarray]:
    """The month's days and which of them are business days."""
    days = np.arange(np.datetime64(period.first_day), np.datetime64(period.last_day) + 1)
    return days, np.is_busday(days, holidays=_holidays())


def _pick_days(
    rng: np.random.Generator, period: Period, n: int, off_weight: float, last_day: int | None = None
) -> np.ndarray:
    """``n`` days of the month, a non-business day ``off_weight`` times as likely as a business day."""
    days, business = _days(period)
    if last_day is not None:
        days, business = days[:last_day], business[:last_day]
    weights = np.where(business, 1.0, off_weight)
    return rng.choice(days, size=n, p=weights / weights.sum())


def _seconds_of_day(rng: np.random.Generator, n: int, in_hours: float) -> np.ndarray:
    """Seconds after midnight: within 08:00-18:00 with probability ``in_hours``, otherwise at any time."""
    inside = rng.random(n) < in_hours
    return np.where(inside, rng.integers(_OPEN, _CLOSE, n), rng.integers(0, _DAY, n))


def _timestamps(days: np.ndarray, seconds: np.ndarray) -> pl.Series:
    stamps = days.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return pl.Series(stamps.astype("datetime64[us]"), dtype=_US)


def _after_working(start: pl.Series, seconds: np.ndarray) -> pl.Series:
    """The instants ``seconds`` of Core Support Hours after ``start`` (whole seconds, so CSV keeps them exact)."""
    amount = pl.Series(seconds.astype(np.int64) * 1_000_000, dtype=pl.Int64).cast(pl.Duration("us"))
    frame = pl.DataFrame({"start": start})
    return frame.select(CORE_SUPPORT_HOURS.deadline_expr("start", amount)).to_series()


def _open_after(stamps: pl.Series, as_at: dt.datetime) -> pl.Series:
    """Completions after the data's "as at" instant have not happened yet: empty."""
    return pl.select(pl.when(pl.lit(stamps) < as_at).then(pl.lit(stamps))).to_series().alias(stamps.name)


def _ids(prefix: str, period: Period, n: int, width: int) -> pl.Series:
    """``<prefix><YYYYMM><sequence>``: unique across months."""
    head = f"{prefix}{period.year:04d}{period.month:02d}"
    return pl.select(pl.lit(head) + pl.int_range(1, n + 1).cast(pl.String).str.zfill(width)).to_series()


def _as_at(request: SynthRequest) -> dt.datetime:
    following = request.end.next()
    return dt.datetime(following.year, following.month, 1)


# --- one generator per dataset --------------------------------------------------------------------------------


def _incidents(request: SynthRequest, period: Period) -> pl.DataFrame:
    rng = _rng(request, "incidents", period)
    scale, degrade = request.scale, request.degrade
    n_p1, n_p2 = _small(rng, (0, 1, 1, 1, 2), scale), _small(rng, (1, 2, 2, 3, 3, 3), scale)
    n_rest = max(1, _volume(rng, 5000, scale) - n_p1 - n_p2)
    # Each part: priorities, VIP flags, working seconds to resolve, weight of a non-business day, last day opened.
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, float, int | None]] = []

    def add(
        priority: str | np.ndarray, vip: np.ndarray, seconds: np.ndarray, off_weight: float, last_day: int | None = None
    ) -> None:
        parts.append(
            (np.broadcast_to(np.asarray(priority, dtype=object), vip.shape), vip, seconds, off_weight, last_day)
        )

    def timed(n: int, target_h: float, late_share: float) -> np.ndarray:
        late = rng.random(n) < late_share
        on_time = rng.integers(int(0.1 * target_h * _HOUR), int(0.97 * target_h * _HOUR), n)
        overdue = rng.integers(int(1.05 * target_h * _HOUR), int(3 * target_h * _HOUR), n)
        return np.where(late, overdue, on_time)

    add("P1", rng.random(n_p1) < 0.3, timed(n_p1, 4, 0.12), 0.3)
    add("P2", rng.random(n_p2) < 0.05, timed(n_p2, 8, 0.12), 0.3)
    burst = max(1, round(7 * scale))
    # Degraded counts: incidents opened on business days of the first 20 days, so their deadlines fall in the month.
    if "IMT_KPI_02" in degrade:
        add("P1", np.zeros(burst, bool), timed(burst, 4, 1.0), 0.0, 20)
    if "IMT_KPI_04" in degrade:
        add("P1", np.ones(burst, bool), timed(burst, 4, 1.0), 0.0, 20)
    if "IMT_KPI_03" in degrade:
        add("P2", np.zeros(burst, bool), timed(burst, 8, 1.0), 0.0, 20)
    if "IMT_KPI_05" in degrade:
        add("P1", rng.random(burst) < 0.3, timed(burst, 4, 0.0), 0.0, 20)
    if "IMT_KPI_06" in degrade:
        add("P2", np.zeros(burst, bool), timed(burst, 8, 0.0), 0.0, 20)
    # P3 (35%): resolved within about three working days; P4: within about six.
    p3 = rng.random(n_rest) < 0.35
    rest_seconds = np.where(p3, rng.integers(600, 24 * _HOUR, n_rest), rng.integers(1800, 60 * _HOUR, n_rest))
    add(np.where(p3, "P3", "P4"), rng.random(n_rest) < 0.02, rest_seconds, 0.03)

    frames = []
    for priority, vip, seconds, off_weight, last_day in parts:
        n = len(vip)
        if n == 0:
            continue
        opened = _timestamps(_pick_days(rng, period, n, off_weight, last_day), _seconds_of_day(rng, n, 0.9))
        frames.append(
            pl.DataFrame(
                {"priority": priority, "vip": vip, "opened_at": opened, "resolved_at": _after_working(opened, seconds)},
                schema_overrides={"priority": pl.String},
            )
        )
    frame = pl.concat(frames).sort("opened_at")
    stuck = pl.lit(pl.Series(rng.random(frame.height) < 0.001)) & pl.col("priority").is_in(["P3", "P4"])
    frame = frame.with_columns(resolved_at=pl.when(stuck).then(None).otherwise(pl.col("resolved_at")))
    return frame.select(
        incident_id=_ids("INC", period, frame.height, 7),
        priority="priority",
        vip="vip",
        opened_at="opened_at",
        resolved_at=_open_after(frame["resolved_at"], _as_at(request)),
    )


def _service_requests(request: SynthRequest, period: Period) -> pl.DataFrame:
    rng = _rng(request, "service_requests", period)
    n = _volume(rng, 8000, request.scale)
    target = rng.choice(np.array(TARGET_HOURS), size=n, p=[0.1, 0.1, 0.3, 0.2, 0.15, 0.1, 0.05])
    late = rng.random(n) < (0.28 if "IMT_KPI_09" in request.degrade else 0.035)
    share = np.where(late, rng.uniform(1.05, 2.5, n), rng.uniform(0.02, 0.98, n))
    opened = _timestamps(_pick_days(rng, period, n, 0.02), _seconds_of_day(rng, n, 0.97))
    fulfilled = _after_working(opened, np.floor(share * target * _HOUR))
    frame = pl.DataFrame({"opened_at": opened, "fulfilled_at": fulfilled, "target_hours": target}).sort("opened_at")
    stuck = pl.lit(pl.Series(rng.random(n) < 0.001))
    return frame.select(
        request_id=_ids("SR", period, n, 7),
        opened_at="opened_at",
        fulfilled_at=_open_after(
            frame.select(pl.when(stuck).then(None).otherwise("fulfilled_at")).to_series(), _as_at(request)
        ),
        target_hours=pl.col("target_hours").cast(pl.Decimal(38, 2)),
    )


def _cmdb_changes(request: SynthRequest, period: Period) -> pl.DataFrame:
    rng = _rng(request, "cmdb_changes", period)
    n = _volume(rng, 1000, request.scale)
    late = rng.random(n) < (0.25 if "IMT_KPI_10" in request.degrade else 0.0)
    seconds = np.where(late, rng.integers(15 * _HOUR, 60 * _HOUR, n), rng.integers(600, int(13.5 * _HOUR), n))
    changed = _timestamps(_pick_days(rng, period, n, 0.02), _seconds_of_day(rng, n, 0.95))
    frame = pl.DataFrame({"changed_at": changed, "applied_at": _after_working(changed, seconds)}).sort("changed_at")
    return frame.select(
        change_id=_ids("CHG", period, n, 6),
        changed_at="changed_at",
        applied_at=_open_after(frame["applied_at"], _as_at(request)),
    )


def _outages(request: SynthRequest, period: Period) -> pl.DataFrame:
    rng = _rng(request, "outages", period)
    scale = request.scale
    n_desk = int(rng.poisson(1.5 * scale))
    n_platinum = int(rng.poisson(10 * scale))
    n_other = max(1, int(rng.poisson(8 * scale)))
    services = np.concatenate(
        [
            np.full(n_desk, "service_desk", dtype=object),
            rng.choice(np.array(PLATINUM_APPLICATIONS, dtype=object), n_platinum),
            rng.choice(np.array(OTHER_SERVICES, dtype=object), n_other),
        ]
    )
    n = len(services)
    mean_minutes = np.where(services == "service_desk", 5.0, 10.0)
    minutes = np.clip(np.ceil(rng.exponential(mean_minutes)), 1, 240).astype(np.int64)
    started = _timestamps(_pick_days(rng, period, n, 0.6), _seconds_of_day(rng, n, 0.5) // 60 * 60)
    ended = started + pl.Series(minutes * 60_000_000, dtype=pl.Int64).cast(pl.Duration("us"))
    # Degraded availability: one long outage, in working hours, from 09:00 on a business day of the first 20 days.
    long_ones = [
        (s, h)
        for kpi, s, h in (("IMT_KPI_01", "service_desk", 5), ("IMT_KPI_07", "mosaic", 20))
        if kpi in request.degrade
    ]
    if long_ones:
        k = len(long_ones)
        services = np.concatenate([services, np.array([s for s, _ in long_ones], dtype=object)])
        long_start = _timestamps(_pick_days(rng, period, k, 0.0, 20), np.full(k, 9 * _HOUR))
        started = pl.concat([started, long_start])
        ended = pl.concat([ended, _after_working(long_start, np.array([h * _HOUR for _, h in long_ones]))])
    frame = pl.DataFrame(
        {"service": services, "started_at": started, "ended_at": ended}, schema_overrides={"service": pl.String}
    ).sort("started_at")
    return frame.select(
        outage_id=_ids("OUT", period, frame.height, 4),
        service="service",
        started_at="started_at",
        ended_at=_open_after(frame["ended_at"], _as_at(request)),
    )


def _milestones(request: SynthRequest, period: Period) -> pl.DataFrame:
    rng = _rng(request, "milestones", period)
    n = _volume(rng, 20, request.scale)
    odds = [0.2, 0.15, 0.55, 0.1] if "IMT_KPI_11" in request.degrade else [0.46, 0.45, 0.03, 0.06]
    outcome = rng.choice(np.array(["met", "exception", "fail", "excluded"], dtype=object), n, p=odds)
    due = pl.Series(_pick_days(rng, period, n, 0.0), dtype=pl.Date)
    frame = pl.DataFrame(
        {"project": rng.choice(np.array(PROJECTS, dtype=object), n), "due_on": due, "outcome": outcome},
        schema_overrides={"project": pl.String, "outcome": pl.String},
    ).sort("due_on", "project")
    return frame.select(milestone_id=_ids("MS", period, n, 4), project="project", due_on="due_on", outcome="outcome")


def _app_response(request: SynthRequest, period: Period) -> pl.DataFrame:
    rng = _rng(request, "app_response", period)
    n = _volume(rng, 10000, request.scale)
    applications = np.array(PLATINUM_APPLICATIONS + OTHER_SERVICES[:2], dtype=object)
    activity_names = np.array(list(ACTIVITIES), dtype=object)
    pick = rng.integers(0, len(activity_names), n)
    required = np.array(list(ACTIVITIES.values()), dtype=np.int64)[pick]
    slow = rng.random(n) < (0.3 if "IMT_KPI_13" in request.degrade else 0.02)
    factor = np.where(slow, rng.uniform(1.01, 3.0, n), rng.beta(2.0, 5.0, n))
    measured = _timestamps(_pick_days(rng, period, n, 0.15), _seconds_of_day(rng, n, 0.9))
    frame = pl.DataFrame(
        {
            "application": rng.choice(applications, n),
            "activity": activity_names[pick],
            "measured_at": measured,
            "response_ms": np.maximum(np.floor(required * factor), 1).astype(np.int64),
            "required_ms": required,
        },
        schema_overrides={"application": pl.String, "activity": pl.String},
    ).sort("measured_at")
    return frame.insert_column(0, _ids("AR", period, n, 7).alias("sample_id"))


def _patching(request: SynthRequest, period: Period) -> pl.DataFrame:
    """Rows of the update releases *due* in the month: the Tuesdays ``within_days`` (21) before its days."""
    rng = _rng(request, "patching", period)
    first, last = np.datetime64(period.first_day) - 21, np.datetime64(period.last_day) - 21
    days = np.arange(first, last + 1)
    releases = days[(days.astype("datetime64[D]").view("int64") - 5) % 7 == 0]  # 1970-01-06 was a Tuesday
    total = _volume(rng, 4000, request.scale)
    per_release = rng.multinomial(total, np.full(len(releases), 1 / len(releases)))
    fleet = int(max(per_release.max(), 1) * 1.25) + 10
    devices = np.concatenate([rng.choice(fleet, size=k, replace=False) for k in per_release])
    released = np.repeat(releases, per_release)
    n = len(devices)
    os_draw = (devices.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(100)  # a device keeps its OS
    os = np.where(os_draw < 85, "windows", np.where(os_draw < 92, "macos", "linux")).astype(object)
    late = rng.random(n) < (0.4 if "IMT_KPI_14" in request.degrade else 0.04)
    # Patching is staff work: a number of business days after the release (12 business days is within 21 days).
    steps = np.where(late, rng.integers(16, 40, n), rng.integers(0, 13, n))
    frame = pl.DataFrame(
        {"device": devices, "os": os, "update_released_on": released.astype("datetime64[D]"), "steps": steps},
        schema_overrides={"os": pl.String},
    ).with_columns(pl.col("update_released_on").cast(pl.Date))
    patched = ENGLAND_AND_WALES.add_business_days_expr("update_released_on", pl.col("steps"))
    as_at = _as_at(request).date()
    return frame.select(
        device_id=pl.lit("LCC-PC") + pl.col("device").cast(pl.String).str.zfill(6),
        os="os",
        update_released_on="update_released_on",
        patched_on=pl.when(patched < as_at).then(patched),
    )


def _surveys(request: SynthRequest, period: Period) -> pl.DataFrame:
    rng = _rng(request, "surveys", period)
    n = _volume(rng, 500, request.scale)
    odds = [0.2, 0.25, 0.25, 0.15, 0.15] if "IMT_KPI_12" in request.degrade else [0.42, 0.38, 0.11, 0.06, 0.03]
    frame = pl.DataFrame(
        {
            "responded_on": pl.Series(_pick_days(rng, period, n, 0.1), dtype=pl.Date),
            "rating": rng.choice(np.array(RATINGS, dtype=object), n, p=odds),
        },
        schema_overrides={"rating": pl.String},
    ).sort("responded_on")
    return frame.select(
        kind=pl.lit(SURVEY_KIND),
        response_id=_ids(f"{SURVEY_KIND}-", period, n, 5),
        responded_on="responded_on",
        rating="rating",
    )


_GENERATORS: Final[dict[str, Callable[[SynthRequest, Period], pl.DataFrame]]] = {
    "outages": _outages,
    "incidents": _incidents,
    "service_requests": _service_requests,
    "cmdb_changes": _cmdb_changes,
    "milestones": _milestones,
    "app_response": _app_response,
    "patching": _patching,
    "surveys": _surveys,
}


def synthesize(request: SynthRequest) -> list[SynthFrame]:
    """Every IMT dataset (and the ``it_incident`` surveys) for every month of ``request``."""
    return [
        SynthFrame(name, pl.concat([generate(request, period) for period in request.periods]))
        for name, generate in _GENERATORS.items()
    ]
