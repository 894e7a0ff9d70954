"""Synthetic Customer Service Centre data: contacts, calls, carers assessments and csc_customer surveys.

Volumes per month at scale 1.0: about 80,000 calls (5% to the LRSP queue), 60,000 contacts, 300 carers
assessments and 1,000 survey responses. Every month is drawn from its own generator,
``numpy.random.default_rng([seed, <dataset>, month])``, so the output depends on the request only, and a month's
rows are the same whichever range of months is asked for (the extract date aside, below).

The data read as an extract taken at the end of the last month requested: a response, completion or assessment
that would come after it is empty (still open), so the backlog rule has work to do. Staff work business days:
calls and contacts arrive mostly on business days in office hours (08:00-18:00), responses and assessments are
made on business days, and bank holidays are quiet.

By default the KPIs are near the published 2017 figures, but GREEN: about 4.5% of calls abandoned (the published
12-17% of 2017 was RED) and 12% of LRSP calls, the digital share a few points above each half-year's target,
3% avoidable, 97.5% resolved at first contact, 97% of email/web/letter contacts answered in time, 99.5% of carers
assessments accurate and in time, 96.5% of survey ratings good or better. A measure named in ``degrade`` is drawn
well below its MSL, with an exact number of failures so that even a tiny scale comes out RED.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Final

import numpy as np
import polars as pl
from csskpi.plugin import ENGLAND_AND_WALES, Period, SynthFrame, SynthRequest

from .datasets import CHANNELS, TIMESCALE_BUSINESS_DAYS

__all__ = ["VOLUMES", "calls", "carers_assessments", "contacts", "digital_share", "surveys", "synthesize"]

#: Rows per month at scale 1.0.
VOLUMES: Final = {"calls": 80_000, "contacts": 60_000, "carers_assessments": 300, "surveys": 1_000}

# Stable numbers for the generators' seeds: the area (0xC5C) and the dataset. Never Python's hash().
_STREAM: Final = {"calls": 0xC5C01, "contacts": 0xC5C02, "carers_assessments": 0xC5C03, "surveys": 0xC5C04}

_CAL = ENGLAND_AND_WALES
_HOLIDAYS = np.array(_CAL.holidays, dtype="datetime64[D]")
_WEEKMASK = [int(b) for b in _CAL.week_mask]
_DAY_S = 86_400
_OPEN_S, _CLOSE_S = 8 * 3_600, 18 * 3_600

# The channel shift: the share of contacts through digital channels, modelled a few points above the contract's
# half-yearly targets for CSC_KPI_01 (published: 22.69-26.05% in May-October 2017).
_DIGITAL_SHIFT: Final = (
    (Period(2015, 4), 0.13),
    (Period(2016, 4), 0.23),
    (Period(2017, 10), 0.28),
    (Period(2018, 4), 0.385),
    (Period(2019, 4), 0.43),
    (Period(2019, 10), 0.48),
)
_DIGITAL: Final = {"email": 0.35, "web": 0.25, "online_form": 0.15, "webchat": 0.10, "self_service": 0.08,
                   "app": 0.04, "social": 0.03}
_OTHER: Final = {"phone": 0.88, "letter": 0.07, "face_to_face": 0.05}
_LIVE: Final = ("phone", "face_to_face", "webchat")  # answered while the customer is there
_RESPONSE_DAYS: Final = {"email": 2, "web": 2, "letter": 10, "online_form": 3, "self_service": 3, "app": 3, "social": 3}
_QUEUE_NAMES: Final = ("lrsp", "general", "adult_care", "childrens_services", "highways", "blue_badge",
                        "registration", "libraries")
_QUEUES: Final = {"general": 0.30, "adult_care": 0.20, "childrens_services": 0.15, "highways": 0.12,
                  "blue_badge": 0.08, "registration": 0.06, "libraries": 0.04}
_LRSP_SHARE = 0.05
_RATINGS: Final = ("very good", "good", "fair", "poor", "very poor")
_RATING_P: Final = (0.62, 0.345, 0.02, 0.01, 0.005)


# ------------------------------------------------------------------------------------------------- helpers


def _rng(request: SynthRequest, dataset: str, period: Period) -> np.random.Generator:
    return np.random.default_rng([request.seed % 2**64, _STREAM[dataset], period.index])


def _volume(request: SynthRequest, dataset: str) -> int:
    return max(1, round(VOLUMES[dataset] * request.scale))


def _busday(days: np.ndarray, n: np.ndarray | int) -> np.ndarray:
    """``n`` business days after each day (day 0; a non-business day rolls forward), as the calendar counts."""
    return np.asarray(np.busday_offset(days, n, roll="forward", weekmask=_WEEKMASK, holidays=_HOLIDAYS))


def _days(rng: np.random.Generator, n: int, period: Period, closed_weight: float) -> np.ndarray:
    """``n`` days of ``period``: business days weigh 1, weekends and bank holidays ``closed_weight``."""
    first = np.datetime64(period.first_day, "D")
    days = first + np.arange((period.last_day - period.first_day).days + 1)
    weights = np.where(np.is_busday(days, weekmask=_WEEKMASK, holidays=_HOLIDAYS), 1.0, closed_weight)
    return np.asarray(rng.choice(days, size=n, p=weights / weights.sum()))


def _office_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight within 08:00-18:00, busier in the morning."""
    return np.asarray(_OPEN_S + rng.triangular(0.0, 0.25, 1.0, n) * (_CLOSE_S - _OPEN_S)).astype(np.int64)


def _stamp(days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    return np.asarray(days.astype("datetime64[s]") + seconds.astype("timedelta64[s]"))


def _failures(rng: np.random.Generator, n: int, rate: float, exact: bool) -> np.ndarray:
    """Which of ``n`` records fail: each with probability ``rate``, or (``exact``) exactly ceil(rate * n) of them."""
    if not exact:
        return rng.random(n) < rate
    fail = np.zeros(n, dtype=bool)
    fail[rng.permutation(n)[: math.ceil(rate * n)]] = True
    return fail


def _pick(rng: np.random.Generator, n: int, weights: dict[str, float], names: Sequence[str]) -> np.ndarray:
    """``n`` indexes into ``names``, drawn with ``weights`` (by name)."""
    codes = np.array([names.index(k) for k in weights])
    p = np.array(list(weights.values()))
    return codes[rng.choice(len(codes), size=n, p=p / p.sum())]


def _strings(names: Sequence[str], codes: np.ndarray) -> pl.Series:
    """The names of ``codes`` (numpy string arrays are slow to build and to hand to polars)."""
    return pl.Series(list(names), dtype=pl.String).gather(pl.Series(codes, dtype=pl.Int64))


def _ids(prefix: str, n: int, width: int = 7) -> pl.Series:
    """``prefix`` then 1..n, zero-padded to ``width`` digits."""
    width = max(width, len(str(n)))  # never fewer digits than the count needs
    numbers = pl.int_range(10**width + 1, 10**width + n + 1, eager=True).cast(pl.String).str.slice(1)
    return (prefix + numbers).rename("id")


def _datetime(values: np.ndarray, keep: np.ndarray | None = None) -> pl.Series:
    series = pl.Series(values.astype("datetime64[us]"), dtype=pl.Datetime("us"))
    return series if keep is None else series.set(pl.Series(~keep), None)


def _date(values: np.ndarray, keep: np.ndarray | None = None) -> pl.Series:
    series = pl.Series(values.astype("datetime64[D]"), dtype=pl.Date)
    return series if keep is None else series.set(pl.Series(~keep), None)


def _cutoff(request: SynthRequest) -> np.datetime64:
    """The extract's moment: midnight after the last month requested."""
    return np.datetime64(request.end.next().first_day, "s")


def digital_share(period: Period) -> float:
    """The share of contacts through a digital channel in ``period`` (the synthetic channel shift)."""
    share = _DIGITAL_SHIFT[0][1]
    for start, value in _DIGITAL_SHIFT:
        if period >= start:
            share = value
    return share


# ------------------------------------------------------------------------------------------------ datasets


def calls(request: SynthRequest, period: Period) -> pl.DataFrame:
    """One month of offered calls."""
    rng = _rng(request, "calls", period)
    n = _volume(request, "calls")
    days = _days(rng, n, period, closed_weight=0.02)
    late_line = rng.random(n) < 0.03  # the lines stay open to 20:00 for a few calls
    seconds = np.where(late_line, rng.integers(_CLOSE_S, 20 * 3_600, n), _office_seconds(rng, n))
    offered = np.sort(_stamp(days, seconds))
    lrsp = rng.random(n) < _LRSP_SHARE
    queue = np.where(lrsp, _QUEUE_NAMES.index("lrsp"), _pick(rng, n, _QUEUES, _QUEUE_NAMES))
    abandoned = np.zeros(n, dtype=bool)
    for chosen, rate, degraded_rate, kpi in ((~lrsp, 0.045, 0.16, "CSC_KPI_04"), (lrsp, 0.12, 0.40, "CSC_KPI_10")):
        degraded = kpi in request.degrade
        abandoned[chosen] = _failures(rng, int(chosen.sum()), degraded_rate if degraded else rate, degraded)
    answered_wait = np.minimum(rng.exponential(40.0, n).astype(np.int64) + 5, 1_800).astype("timedelta64[s]")
    abandon_wait = np.minimum(rng.exponential(75.0, n).astype(np.int64) + 3, 1_800).astype("timedelta64[s]")
    odd = rng.random(n)
    both = ~abandoned & (odd < 0.001)  # answered, then dropped (in a transfer): both set
    neither = ~abandoned & (odd > 0.9995)  # sent to voicemail: neither set
    answered_at = offered + answered_wait
    abandoned_at = np.where(both, answered_at + rng.integers(30, 600, n).astype("timedelta64[s]"), offered + abandon_wait)
    return pl.DataFrame(
        {
            "call_id": _ids(f"CL{period.year}{period.month:02d}", n),
            "queue": _strings(_QUEUE_NAMES, queue),
            "offered_at": _datetime(offered),
            "answered_at": _datetime(answered_at, ~abandoned & ~neither),
            "abandoned_at": _datetime(abandoned_at, abandoned | both),
        }
    )


def contacts(request: SynthRequest, period: Period) -> pl.DataFrame:
    """One month of contacts received, every channel."""
    rng = _rng(request, "contacts", period)
    n = _volume(request, "contacts")
    share = digital_share(period) * (0.5 if "CSC_KPI_01" in request.degrade else 1.0)
    digital = _failures(rng, n, share, "CSC_KPI_01" in request.degrade)
    channel = np.where(digital, _pick(rng, n, _DIGITAL, CHANNELS), _pick(rng, n, _OTHER, CHANNELS))
    days = np.empty(n, dtype="datetime64[D]")
    days[digital] = _days(rng, int(digital.sum()), period, 0.15)  # e-mails and forms arrive at weekends too
    days[~digital] = _days(rng, int((~digital).sum()), period, 0.01)
    any_time = digital & (rng.random(n) < 0.25)
    received = _stamp(days, np.where(any_time, rng.integers(0, _DAY_S, n), _office_seconds(rng, n)))
    order = np.argsort(received.view(np.int64))  # deterministic; ties are equal times anyway
    channel, received = channel[order], received[order]

    live = np.isin(channel, [CHANNELS.index(c) for c in _LIVE])
    timed = np.isin(channel, [CHANNELS.index(c) for c in TIMESCALE_BUSINESS_DAYS])
    late = np.zeros(n, dtype=bool)
    late[timed] = _failures(rng, int(timed.sum()), 0.2 if "CSC_KPI_05" in request.degrade else 0.025,
                            "CSC_KPI_05" in request.degrade)
    window = np.zeros(n, dtype=np.int64)
    for name, days_allowed in _RESPONSE_DAYS.items():
        window[channel == CHANNELS.index(name)] = days_allowed
    lag = np.where(late, window + rng.integers(1, 9, n), (rng.random(n) * (window + 1)).astype(np.int64))
    answer_day = _busday(received.astype("datetime64[D]"), lag)
    written = np.maximum(_stamp(answer_day, _office_seconds(rng, n)), received + np.timedelta64(600, "s"))
    responded = np.where(live, received + rng.integers(60, 900, n).astype("timedelta64[s]"), written)
    lost = ~live & (rng.random(n) < 0.003)  # never answered: a failure in its deadline's month
    answered = ~lost & (responded < _cutoff(request))

    avoidable = _failures(rng, n, 0.2 if "CSC_KPI_03" in request.degrade else 0.03, "CSC_KPI_03" in request.degrade)
    unresolved = _failures(rng, n, 0.3 if "CSC_KPI_06" in request.degrade else 0.025, "CSC_KPI_06" in request.degrade)
    return pl.DataFrame(
        {
            "contact_id": _ids(f"CT{period.year}{period.month:02d}", n),
            "received_at": _datetime(received),
            "channel": _strings(CHANNELS, channel),
            "avoidable": pl.Series(avoidable, dtype=pl.Boolean),
            # A contact not yet answered cannot have been resolved at first contact.
            "first_contact_resolved": pl.Series(~unresolved & answered, dtype=pl.Boolean),
            "responded_at": _datetime(responded, answered),
        }
    )


def carers_assessments(request: SynthRequest, period: Period) -> pl.DataFrame:
    """The carers assessments referred in one month (completed then or later, or still open)."""
    rng = _rng(request, "carers_assessments", period)
    n = _volume(request, "carers_assessments")
    degraded = "CSC_KPI_09" in request.degrade
    referred = np.sort(_days(rng, n, period, closed_weight=0.0))
    chance = rng.random(n)
    late = chance < 0.003
    lag = np.where(late, rng.integers(21, 36, n), rng.triangular(2, 11, 21, n).astype(np.int64))
    completed = _busday(referred, lag)
    inaccurate = chance > 0.998
    if degraded:
        # A quarter of each completion month's assessments inaccurate, exactly: RED (< 95%) in every month,
        # however few assessments there are.
        month = completed.astype("datetime64[M]")
        for completed_in in np.unique(month):
            group = month == completed_in
            inaccurate[group] |= _failures(rng, int(group.sum()), 0.25, True)
    done = completed < _cutoff(request).astype("datetime64[D]")
    return pl.DataFrame(
        {
            "assessment_id": _ids(f"CA{period.year}{period.month:02d}", n, 5),
            "referred_on": _date(referred),
            "completed_on": _date(completed, done),
            "accurate": pl.Series(~inaccurate, dtype=pl.Boolean).set(pl.Series(~done), None),
        }
    )


def surveys(request: SynthRequest, period: Period) -> pl.DataFrame:
    """One month of ``csc_customer`` survey responses."""
    rng = _rng(request, "surveys", period)
    n = _volume(request, "surveys")
    degraded = "CSC_KPI_07" in request.degrade
    rating = rng.choice(len(_RATINGS), size=n, p=_RATING_P)  # 0 very good .. 4 very poor
    if degraded:
        poor = _failures(rng, n, 0.25, True)
        rating = np.where(poor, rng.integers(2, 5, n), np.minimum(rating, 1))
    return pl.DataFrame(
        {
            "kind": pl.Series(["csc_customer"] * n, dtype=pl.String),
            "response_id": _ids(f"csc_customer-{period.year}{period.month:02d}-", n, 6),
            "responded_on": _date(np.sort(_days(rng, n, period, closed_weight=0.3))),
            "rating": _strings(_RATINGS, rating),
        }
    )


_MONTHLY: Final[Sequence[tuple[str, Callable[[SynthRequest, Period], pl.DataFrame]]]] = (
    ("contacts", contacts),
    ("calls", calls),
    ("carers_assessments", carers_assessments),
    ("surveys", surveys),
)


def synthesize(request: SynthRequest) -> list[SynthFrame]:
    """Every CSC dataset for every month of ``request`` (carers assessments from the month before: their month
    is the month of completion, so the first month has its completions too)."""
    frames = []
    for name, generate in _MONTHLY:
        periods = list(request.periods)
        if name == "carers_assessments":
            periods.insert(0, request.start.previous())
        frames.append(SynthFrame(name, pl.concat([generate(request, p) for p in periods])))
    return frames
