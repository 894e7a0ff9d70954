"""Synthetic People Management data: a county council's month of payroll, contacts, recruitment and transactions.

Every dataset is generated month by month from ``numpy.random.default_rng([seed, stream, period.index])`` (one
stream per dataset), so the output depends on the request alone. Volumes per month at scale 1.0: 20,000 payroll
payments to 18,000 recipients (2,000 of them paid twice, the second time in a supplementary run), 150 payment
errors, 2,000 third-party deductions, 3,000 contacts, 500 spot checks, 300 recruitments, 5,000 transactions and
300 responses to each of the two PM surveys.

The data is realistic enough to exercise the measures: staff work on business days (a little activity falls on
weekends and bank holidays), timestamps are mostly in office hours, and the data is extracted at the end of the
last month, so anything completed later is still open (empty). Records that take long (recruitments, transactions)
are also generated for a few months before the first one, and kept where they are still open then, so that the
first month's population is whole. By default the figures sit near the published 2017 ones, above every TSL;
a measure named in ``request.degrade`` is generated well below its MSL.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from typing import Any, Final, Literal

import numpy as np
import polars as pl
from csskpi.plugin import ENGLAND_AND_WALES, Period, SynthFrame, SynthRequest

__all__ = ["synthesize", "STREAMS", "BASE_VOLUMES", "TRANSACTION_TYPES"]

_AREA: Final = 0x504D  # "PM"
STREAMS: Final = {
    "payroll_payments": 1,
    "payment_errors": 2,
    "third_party_deductions": 3,
    "pm_contacts": 4,
    "spot_checks": 5,
    "recruitments": 6,
    "pm_transactions": 7,
    "surveys": 8,
}
BASE_VOLUMES: Final = {
    "payroll_recipients": 18_000,
    "payroll_second_payments": 2_000,
    "payment_errors": 150,
    "third_party_deductions": 2_000,
    "pm_contacts": 3_000,
    "spot_checks": 500,
    "recruitments": 300,
    "pm_transactions": 5_000,
    "survey_responses_per_kind": 300,
}
#: The PM_KPI_11 SLA's transaction types: (type, target business days, share of the volume).
TRANSACTION_TYPES: Final = (
    ("new_starter", 5, 0.20),
    ("leaver", 5, 0.15),
    ("contract_change", 10, 0.20),
    ("pay_change", 5, 0.20),
    ("absence", 3, 0.10),
    ("pension", 15, 0.05),
    ("expenses", 10, 0.10),
)
_RECRUITMENT_DAYS: Final = 40  # docs/measures.md's PM_KPI_07 target: synthetic data need not follow a contract
_LEAD_IN: Final = {"recruitments": 4, "pm_transactions": 2}  # months generated before the first, for open records
_US_PER_MINUTE: Final = 60_000_000


# ------------------------------------------------------------------------------------------------ building blocks


@functools.cache
def _busdays() -> np.busdaycalendar:
    holidays = np.array(ENGLAND_AND_WALES.holidays, dtype="datetime64[D]")
    return np.busdaycalendar(weekmask="1111100", holidays=holidays)


def _offset(days: Any, n: Any, roll: Literal["forward", "backward"] = "forward") -> np.ndarray:
    """``n`` business days after each day (day 0 rolled to a business day as ``roll`` says)."""
    return np.asarray(np.busday_offset(days, n, roll=roll, busdaycal=_busdays()))


def _day(d: dt.date) -> np.datetime64:
    return np.datetime64(d, "D")


def _count(base: int, scale: float) -> int:
    return max(1, round(base * scale))


def _month_days(period: Period) -> tuple[np.ndarray, np.ndarray]:
    days = np.arange(_day(period.first_day), _day(period.last_day) + 1)
    return days, np.is_busday(days, busdaycal=_busdays())


def _pick_days(rng: np.random.Generator, period: Period, n: int, off_weight: float = 0.02) -> np.ndarray:
    """``n`` days of the month, business days ``1 / off_weight`` times as likely as weekends and bank holidays."""
    days, business = _month_days(period)
    weights = np.where(business, 1.0, off_weight)
    return rng.choice(days, size=n, p=weights / weights.sum())


def _office_times(rng: np.random.Generator, n: int) -> np.ndarray:
    """Times of day as microseconds: 97% within 08:00-18:00, the rest 18:00-20:00."""
    minutes = np.where(rng.random(n) < 0.97, rng.integers(8 * 60, 18 * 60, n), rng.integers(18 * 60, 20 * 60, n))
    seconds = rng.integers(0, 60, n)
    return (minutes * 60 + seconds).astype(np.int64) * 1_000_000


def _at(days: np.ndarray, time_us: np.ndarray) -> np.ndarray:
    return np.asarray(days.astype("datetime64[us]") + time_us.astype("timedelta64[us]"))


def _chosen(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """A mask of ``n`` with exactly ``min(k, n)`` random entries set."""
    mask = np.zeros(n, dtype=bool)
    mask[rng.choice(n, size=min(max(k, 0), n), replace=False)] = True
    return mask


def _failures(rng: np.random.Generator, n: int, worst: float, degraded: bool, degraded_rate: float) -> int:
    """How many of ``n`` fail: at most ``worst`` of them by default (so the figure stays above its TSL), or
    ``degraded_rate`` of them (at least one) when degraded."""
    if degraded:
        return min(n, max(1, math.ceil(n * degraded_rate)))
    return int(rng.integers(0, math.floor(n * worst) + 1))


def _numbered(prefix: str, numbers: np.ndarray | pl.Series, width: int) -> pl.Series:
    """``prefix`` followed by each number, zero-padded to ``width`` digits."""
    digits = pl.Series(numbers, dtype=pl.Int64).cast(pl.String).str.zfill(width)
    return (prefix + digits).rename("")


def _ids(prefix: str, period: Period, n: int, width: int = 7) -> pl.Series:
    """Ids unique across months: ``PAY2017050000001``."""
    return _numbered(f"{prefix}{period.year:04d}{period.month:02d}", np.arange(1, n + 1), width)


def _open_after(values: np.ndarray, extract: np.datetime64) -> np.ndarray:
    """Completions after the extract are not known yet: empty (NaT)."""
    out = values.copy()
    out[values > extract.astype(values.dtype)] = np.datetime64("NaT")
    return out


class _Context:
    def __init__(self, request: SynthRequest) -> None:
        self.request = request
        self.extract_day = _day(request.end.last_day)
        self.extract_at = (self.extract_day + 1).astype("datetime64[us]") - np.timedelta64(1, "us")
        self.first_day = _day(request.start.first_day)

    def rng(self, dataset: str, period: Period) -> np.random.Generator:
        return np.random.default_rng([self.request.seed, _AREA * 100 + STREAMS[dataset], period.index])

    def n(self, volume: str) -> int:
        return _count(BASE_VOLUMES[volume], self.request.scale)

    def degraded(self, measure: str) -> bool:
        return measure in self.request.degrade


# ------------------------------------------------------------------------------------------------------ datasets


def _payroll_payments(ctx: _Context, period: Period) -> pl.DataFrame:
    rng = ctx.rng("payroll_payments", period)
    n_rec = ctx.n("payroll_recipients")
    n_two = min(n_rec, ctx.n("payroll_second_payments"))
    payday = _offset(_day(dt.date(period.year, period.month, 28)), 0, roll="backward")
    days, business = _month_days(period)
    others = days[business & (days != payday)]
    recipients = np.concatenate([np.arange(1, n_rec + 1), rng.choice(np.arange(1, n_rec + 1), n_two, replace=False)])
    payment_date = np.concatenate([np.full(n_rec, payday), rng.choice(others, n_two)])
    n = n_rec + n_two
    # BACS credits on the payment date; some runs are paid a day or two early.
    early = np.where(rng.random(n) < 0.1, -rng.integers(1, 3, n), 0)
    paid = _offset(payment_date, early)
    late = _chosen(rng, n, _failures(rng, n_rec, 0.0009, ctx.degraded("PM_KPI_01"), 0.02))
    paid = np.where(late, _offset(payment_date, rng.integers(1, 4, n)), paid)
    return pl.DataFrame(
        {
            "payment_id": _ids("PAY", period, n),
            "recipient_id": _numbered("R", recipients, 7),
            "payment_date": payment_date,
            "paid_date": _open_after(paid, ctx.extract_day),
        }
    )


def _payment_errors(ctx: _Context, period: Period) -> pl.DataFrame:
    rng = ctx.rng("payment_errors", period)
    n = ctx.n("payment_errors")
    provider = _chosen(rng, n, max(1, round(n * 0.7)))
    identified = _pick_days(rng, period, n, off_weight=0.0)
    month_end = _day(period.last_day)
    left = np.busday_count(identified, month_end + 1, busdaycal=_busdays())  # business days identified..month end
    lag = np.minimum((rng.random(n) * np.minimum(left, 8)).astype(np.int64), np.maximum(left - 1, 0))
    resolved = _offset(identified, lag)
    n_provider = int(provider.sum())
    k = _failures(rng, n_provider, 0.0, ctx.degraded("PM_KPI_02"), 0.2)
    late = np.zeros(n, dtype=bool)
    late[np.flatnonzero(provider)[_chosen(rng, n_provider, k)]] = True
    late |= ~provider & (rng.random(n) < 0.15)
    resolved = np.where(late, _offset(np.full(n, month_end + 1), rng.integers(0, 10, n)), resolved)
    return pl.DataFrame(
        {
            "error_id": _ids("PE", period, n),
            "caused_by": np.where(provider, "provider", "other"),
            "identified_on": identified,
            "resolved_on": _open_after(resolved, ctx.extract_day),
        }
    )


def _third_party_deductions(ctx: _Context, period: Period) -> pl.DataFrame:
    rng = ctx.rng("third_party_deductions", period)
    n = ctx.n("third_party_deductions")
    # Third-party payment dates: unions and attachments on the 7th, pension funds the 19th, HMRC the 22nd.
    due_days = _offset(np.array([_day(dt.date(period.year, period.month, d)) for d in (7, 19, 22)]), 0, "backward")
    due = rng.choice(due_days, n, p=[0.3, 0.4, 0.3])
    paid = _offset(due, -rng.integers(0, 4, n))
    late = _chosen(rng, n, _failures(rng, n, 0.0, ctx.degraded("PM_KPI_03"), 0.05))
    paid = np.where(late, _offset(due, rng.integers(1, 6, n)), paid)
    return pl.DataFrame(
        {"deduction_id": _ids("TPD", period, n), "due_on": due, "paid_on": _open_after(paid, ctx.extract_day)}
    )


def _pm_contacts(ctx: _Context, period: Period) -> pl.DataFrame:
    rng = ctx.rng("pm_contacts", period)
    n = ctx.n("pm_contacts")
    n1 = max(1, round(n * 0.7))
    tier = np.full(n, "3", dtype=object)
    tier[:n1] = "1"
    tier[n1 : n1 + round(n * 0.25)] = "2"
    tier = rng.permutation(tier)
    tier1 = tier == "1"
    category = np.where(rng.random(n) < 0.6, "corporate", "school")
    received = _at(_pick_days(rng, period, n), _office_times(rng, n))
    k = _failures(rng, n1, 0.01, ctx.degraded("PM_KPI_05"), 0.3)
    fcr = tier1.copy()
    fcr[np.flatnonzero(tier1)[_chosen(rng, n1, k)]] = False
    quick = received + (rng.integers(3, 31, n) * _US_PER_MINUTE).astype("timedelta64[us]")
    # Contacts not resolved at first contact take business days to weeks; a long tail takes months.
    lag = 1 + np.minimum(rng.exponential(8.0, n), 120).astype(np.int64)
    later = _at(_offset(received.astype("datetime64[D]"), lag), _office_times(rng, n))
    resolved = np.where(fcr, quick, later)
    return pl.DataFrame(
        {
            "contact_id": _ids("PMC", period, n),
            "received_at": received,
            "tier": pl.Series(tier.tolist(), dtype=pl.String),
            "category": category,
            "first_contact_resolved": fcr,
            "resolved_at": _open_after(resolved, ctx.extract_at),
        }
    )


def _spot_checks(ctx: _Context, period: Period) -> pl.DataFrame:
    rng = ctx.rng("spot_checks", period)
    degraded = ctx.degraded("PM_KPI_06")
    errors = int(rng.integers(5, 9)) if degraded else int(rng.random() < 0.25)
    n = max(ctx.n("spot_checks"), errors)
    records = rng.choice(1_000_000, n, replace=False)
    return pl.DataFrame(
        {
            "record_id": _numbered("PMR", records, 6),
            "checked_on": _pick_days(rng, period, n, off_weight=0.0),
            "has_error": _chosen(rng, n, errors),
        }
    )


def _recruitments(ctx: _Context, period: Period) -> pl.DataFrame:
    rng = ctx.rng("recruitments", period)
    n = ctx.n("recruitments")
    e_form = _chosen(rng, n, max(1, round(n * 0.85)))
    authorised = _pick_days(rng, period, n, off_weight=0.0)
    days = rng.integers(12, _RECRUITMENT_DAYS + 1, n)
    n_e = int(e_form.sum())
    k = _failures(rng, n_e, 0.004, ctx.degraded("PM_KPI_07"), 0.15)
    late = np.zeros(n, dtype=bool)
    late[np.flatnonzero(e_form)[_chosen(rng, n_e, k)]] = True
    late |= ~e_form & (rng.random(n) < 0.05)
    days = np.where(late, rng.integers(_RECRUITMENT_DAYS + 1, _RECRUITMENT_DAYS + 41, n), days)
    return pl.DataFrame(
        {
            "vacancy_id": _ids("VAC", period, n),
            "via_e_form": e_form,
            "authorised_on": authorised,
            "appointed_on": _open_after(_offset(authorised, days), ctx.extract_day),
        }
    )


def _pm_transactions(ctx: _Context, period: Period) -> pl.DataFrame:
    rng = ctx.rng("pm_transactions", period)
    n = ctx.n("pm_transactions")
    names = np.array([t[0] for t in TRANSACTION_TYPES], dtype=object)
    targets = np.array([t[1] for t in TRANSACTION_TYPES], dtype=np.int64)
    which = rng.choice(len(TRANSACTION_TYPES), n, p=[t[2] for t in TRANSACTION_TYPES])
    target = targets[which]
    received = _at(_pick_days(rng, period, n), _office_times(rng, n))
    days = (rng.random(n) * (target + 1)).astype(np.int64)  # 0..target business days
    late = _chosen(rng, n, _failures(rng, n, 0.005, ctx.degraded("PM_KPI_11"), 0.3))
    days = np.where(late, target + rng.integers(1, 11, n), days)
    same_day = received + (rng.integers(5, 121, n) * _US_PER_MINUTE).astype("timedelta64[us]")
    later = _at(_offset(received.astype("datetime64[D]"), days), _office_times(rng, n))
    completed = np.where(days == 0, same_day, np.maximum(later, same_day))
    return pl.DataFrame(
        {
            "transaction_id": _ids("PMT", period, n),
            "type": pl.Series(names[which].tolist(), dtype=pl.String),
            "received_at": received,
            "completed_at": _open_after(completed, ctx.extract_at),
            "target_business_days": target,
        }
    )


_PASS_RATINGS: Final = (("very good", "good", "5", "4"), (0.5, 0.4, 0.05, 0.05))
_FAIL_RATINGS: Final = (("fair", "poor", "very poor", "3", "2", "1"), (0.55, 0.2, 0.15, 0.05, 0.03, 0.02))
# Survey kinds, the measure each serves, and the share of responses below good: (default low, high, degraded).
_SURVEYS: Final = (
    ("pm_manager_contact", "PM_KPI_08", (0.0, 0.03, 0.3)),
    ("pm_my_helpdesk", "PM_KPI_12", (0.04, 0.14, 0.4)),
)


def _surveys(ctx: _Context, period: Period) -> pl.DataFrame:
    rng = ctx.rng("surveys", period)
    frames = []
    for kind, measure, (low, high, degraded) in _SURVEYS:
        n = ctx.n("survey_responses_per_kind")
        if ctx.degraded(measure):
            k = min(n, max(1, math.ceil(n * degraded)))
        else:
            k = int(rng.integers(math.floor(n * low), math.floor(n * high) + 1))
        poor = _chosen(rng, n, k)
        good = rng.choice(_PASS_RATINGS[0], n, p=_PASS_RATINGS[1])
        bad = rng.choice(_FAIL_RATINGS[0], n, p=_FAIL_RATINGS[1])
        frames.append(
            pl.DataFrame(
                {
                    "kind": pl.Series([kind] * n, dtype=pl.String),
                    "response_id": _ids(f"{kind}-", period, n, 6),
                    "responded_on": _pick_days(rng, period, n, off_weight=0.05),
                    "rating": pl.Series(np.where(poor, bad, good).tolist(), dtype=pl.String),
                }
            )
        )
    return pl.concat(frames)


_GENERATORS: Final[dict[str, Callable[[_Context, Period], pl.DataFrame]]] = {
    "payroll_payments": _payroll_payments,
    "payment_errors": _payment_errors,
    "third_party_deductions": _third_party_deductions,
    "pm_contacts": _pm_contacts,
    "spot_checks": _spot_checks,
    "recruitments": _recruitments,
    "pm_transactions": _pm_transactions,
    "surveys": _surveys,
}
_COMPLETION: Final = {"recruitments": "appointed_on", "pm_transactions": "completed_at"}


def synthesize(request: SynthRequest) -> list[SynthFrame]:
    """Every People Management dataset (and the PM survey kinds) for the months of ``request``."""
    ctx = _Context(request)
    out = []
    for dataset, generate in _GENERATORS.items():
        frames = [generate(ctx, p) for p in request.periods]
        lead_in = _LEAD_IN.get(dataset, 0)
        if lead_in:
            # Records from before the first month that are still open then: the backlog the first month inherits.
            column = pl.col(_COMPLETION[dataset])
            still_open = column.is_null() | (column.cast(pl.Date) >= request.start.first_day)
            before = [Period.from_index(request.start.index - m) for m in range(lead_in, 0, -1)]
            early = [generate(ctx, p).filter(still_open) for p in before]
            frames = early + frames
        out.append(SynthFrame(dataset, pl.concat(frames)))
    return out
