"""A hand-written polars floor: the contract's KPIs from a data folder, as a good engineer would write them in an
afternoon — one read of each file (Parquet scanned lazily), lazy queries, one ``collect_all``, no checks of the
data, no plugins, no evidence.

It is what ``benchmarks/bench_floor.py`` measures csskpi against. It uses csskpi only for the calendar (the bank
holidays, the working-hours clock) and the IMT plugin's working-hours deadline function: the arithmetic a
hand-written program would copy.
Its counts are checked against csskpi's before anything is timed, so the two do the same work.

    python3 benchmarks/floor.py DIR 2017-04 2018-03     # prints kpi, month, passing, population as CSV
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import polars as pl
from csskpi_imt.kit import deadlines

from csskpi.data.calendars import CORE_SUPPORT_HOURS, ENGLAND_AND_WALES

HOLIDAYS = list(ENGLAND_AND_WALES.holidays)
CLOCK = CORE_SUPPORT_HOURS
DIGITAL = ["web", "email", "webchat", "online_form", "self_service", "app", "social"]
TIMESCALES = {"email": 2, "web": 2, "letter": 10}
PLATINUM = ["agresso", "mosaic", "email", "network", "telephony", "intranet"]
GOOD = ["good", "very good", "4", "5"]
D, T = pl.col, pl.lit
EVERY = pl.lit(True)


_SCANS: dict[tuple[Path, str], pl.LazyFrame] = {}


def scan(folder: Path, name: str) -> pl.LazyFrame:
    """One read per file, shared by every query on it. A Parquet file is scanned lazily (its predicates pushed
    down); a CSV file is parsed once, whole — parsing it again for each of the several KPIs on it costs more than
    the queries (``collect_all`` does not share the scans of one CSV file)."""
    if (folder, name) not in _SCANS:
        parquet = folder / f"{name}.parquet"
        _SCANS[(folder, name)] = pl.scan_parquet(parquet) if parquet.exists() else _csv(folder, name).collect().lazy()
    return _SCANS[(folder, name)]


def _csv(folder: Path, name: str) -> pl.LazyFrame:
    # The files' own conventions: *_at columns are ISO timestamps, *_on and *_date columns ISO dates. Parsing with
    # the exact format is several times faster than letting polars guess.
    lf = pl.scan_csv(folder / f"{name}.csv", infer_schema=False)
    names = lf.collect_schema().names()
    flags = {"disputed", "avoidable", "first_contact_resolved", "accurate", "actioned_correctly", "chargeable",
             "assessment_up_to_date", "vip", "via_e_form", "has_error"}
    exact = {"outstanding": pl.Decimal(38, 2), "target_hours": pl.Decimal(38, 2), "target_business_days": pl.Int64,
             "response_ms": pl.Int64, "required_ms": pl.Int64}
    cast = []
    for c in names:
        if c in flags:
            cast.append(pl.col(c).str.to_lowercase().replace_strict({"true": True, "false": False}, default=None,
                                                                     return_dtype=pl.Boolean))
        elif c.endswith("_at"):
            cast.append(pl.col(c).str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us"))
        elif c.endswith(("_on", "_date")):
            cast.append(pl.col(c).str.to_date("%Y-%m-%d"))
        elif c in exact:
            cast.append(pl.col(c).cast(exact[c]))
    return lf.with_columns(cast)


def mi(e: pl.Expr) -> pl.Expr:
    return e.dt.year().cast(pl.Int32) * 12 + e.dt.month().cast(pl.Int32) - 1


def bd(e: pl.Expr, n: int | pl.Expr) -> pl.Expr:
    return e.cast(pl.Date).dt.add_business_days(n, holidays=HOLIDAYS, roll="forward")


class Floor:
    def __init__(self, folder: Path, first: dt.date, after: dt.date, indexes: list[int]):
        self.folder, self.first, self.after, self.indexes = folder, first, after, indexes
        self.queries: list[pl.LazyFrame] = []

    def within(self, e: pl.Expr, back: int = 0) -> pl.Expr:
        return (e >= self.first - dt.timedelta(days=back)) & (e < self.after)

    def add(self, kpi: str, grouped: pl.LazyFrame) -> None:
        self.queries.append(grouped.filter(D("m").is_in(self.indexes)).select(
            T(kpi).alias("kpi"), "m", D("passing").cast(pl.Int64), D("population").cast(pl.Int64)))

    def share(self, kpi: str, name: str, month: str, passes: pl.Expr, pop: pl.Expr = EVERY) -> None:
        lf = scan(self.folder, name).filter(self.within(D(month)) & pop.fill_null(False))
        self.add(kpi, lf.group_by(m=mi(D(month))).agg(passing=passes.fill_null(False).sum(), population=pl.len()))

    def backlog(self, kpi: str, name: str, month: str, start: str, deadline: pl.Expr, done: str,
                passes: pl.Expr | None = None, pop: pl.Expr = EVERY, back: int = 120) -> None:
        lf = scan(self.folder, name).filter((self.within(D(month)) | self.within(D(start), back)) & pop.fill_null(False))
        lf = lf.with_columns(__d=deadline.cast(pl.Date), __c=D(done).cast(pl.Date))
        still = (D("__c").is_null() | (D("__c") > D("__d").dt.month_end())).fill_null(True)
        ok = (D("__c") <= D("__d")) if passes is None else passes
        lf = lf.select(m=pl.when(still).then(mi(D("__d"))).otherwise(mi(D(month).cast(pl.Date))),
                       ok=~still & ok.fill_null(False))
        self.add(kpi, lf.group_by("m").agg(passing=D("ok").sum(), population=pl.len()))

    def snapshot(self, kpi: str, name: str, pop: pl.Expr, passes: pl.Expr, money: bool) -> None:
        lf = scan(self.folder, name).filter(self.within(D("snapshot_on")))
        lf = lf.filter(D("snapshot_on") == D("snapshot_on").max().over(mi(D("snapshot_on")))).filter(pop.fill_null(False))
        ok = passes.fill_null(False)
        if money:
            aggs = {"passing": D("outstanding").filter(ok).sum() * 100, "population": D("outstanding").sum() * 100}
        else:
            aggs = {"passing": ok.sum(), "population": pl.len()}
        lf = lf.group_by(m=mi(D("snapshot_on"))).agg(**aggs)
        self.add(kpi, lf)

    def count(self, kpi: str, lf: pl.LazyFrame, month: pl.Expr) -> None:
        lf = lf.select(m=mi(month)).group_by("m").agg(passing=pl.len(), population=T(None, dtype=pl.Int64))
        self.add(kpi, lf)

    def surveys(self, kpi: str, kind: str) -> None:
        self.share(kpi, "surveys", "responded_on", D("rating").str.to_lowercase().is_in(GOOD), D("kind") == kind)

    def outages(self, kpi: str, services: list[str], months: list[tuple[int, dt.datetime, dt.datetime]]) -> None:
        # Per service, the union of its outages (sorted by start, merged where they overlap), clipped to each month,
        # in working seconds; the month's working seconds times the services, less the time lost.
        lf = scan(self.folder, "outages").with_columns(service=D("service").str.strip_chars().str.to_lowercase())
        lf = lf.filter(D("service").is_in(services)).sort("service", "started_at")
        bounds = pl.LazyFrame({"m": [m for m, _, _ in months], "a": [a for _, a, _ in months], "b": [b for _, _, b in months]},
                              schema={"m": pl.Int32, "a": pl.Datetime("us"), "b": pl.Datetime("us")})
        clipped = lf.join(bounds, how="cross").with_columns(
            s=pl.max_horizontal(D("started_at"), D("a")), e=pl.min_horizontal(D("ended_at").fill_null(D("b")), D("b"))
        ).filter(D("s") < D("e")).sort("m", "service", "s")
        clipped = clipped.with_columns(
            cs=CLOCK.elapsed_expr(T(dt.datetime(2010, 1, 1)), "s").dt.total_microseconds(),
            ce=CLOCK.elapsed_expr(T(dt.datetime(2010, 1, 1)), "e").dt.total_microseconds(),
        ).with_columns(reach=D("ce").cum_max().shift(1).over("m", "service"))
        lost = clipped.with_columns(add=(D("ce") - pl.max_horizontal(D("cs"), D("reach").fill_null(D("cs")))).clip(0))
        lost = lost.group_by("m").agg(lost_us=D("add").sum())
        totals = bounds.with_columns(total=CLOCK.elapsed_expr("a", "b").dt.total_seconds() * len(services))
        self.add(kpi, totals.join(lost, on="m", how="left").select(
            "m", population=D("total"), passing=D("total") - (-(-D("lost_us").fill_null(0) // 1_000_000)).clip(0, D("total"))))


def floor(folder: Path, first: str, last: str) -> pl.DataFrame:
    a, b = (int(x) for x in first.split("-")), (int(x) for x in last.split("-"))
    (y0, m0), (y1, m1) = tuple(a), tuple(b)
    indexes = list(range(y0 * 12 + m0 - 1, y1 * 12 + m1))
    months = [(i, dt.datetime(i // 12, i % 12 + 1, 1), dt.datetime((i + 1) // 12, (i + 1) % 12 + 1, 1)) for i in indexes]
    f = Floor(folder, months[0][1].date(), months[-1][2].date(), indexes)
    c = D
    # Finance
    f.backlog("F_KPI_01", "invoices", "paid_on", "due_on", c("due_on"), "paid_on", pop=~c("disputed"), back=0)
    f.share("F_KPI_02", "payment_runs", "scheduled_on", c("executed_on") == c("scheduled_on"))
    f.snapshot("F_KPI_03", "debtors", ~c("category").is_in(["acf_assessment_income", "health_authority"]) & (c("outstanding") > 0),
               (c("snapshot_on") - c("due_on")).dt.total_days() > 30, money=True)
    # CSC
    f.share("CSC_KPI_01", "contacts", "received_at", c("channel").is_in(DIGITAL))
    f.share("CSC_KPI_03", "contacts", "received_at", c("avoidable"))
    abandoned = c("abandoned_at").is_not_null() & c("answered_at").is_null()
    f.share("CSC_KPI_04", "calls", "offered_at", abandoned, c("queue") != "lrsp")
    days = c("channel").replace_strict(TIMESCALES, default=None, return_dtype=pl.Int64)
    f.backlog("CSC_KPI_05", "contacts", "received_at", "received_at", bd(c("received_at"), days), "responded_at",
              pop=c("channel").is_in(list(TIMESCALES)), back=40)
    f.share("CSC_KPI_06", "contacts", "received_at", c("first_contact_resolved"))
    f.surveys("CSC_KPI_07", "csc_customer")
    f.backlog("CSC_KPI_09", "carers_assessments", "completed_on", "referred_on", bd(c("referred_on"), 20), "completed_on",
              passes=(c("completed_on") <= bd(c("referred_on"), 20)) & c("accurate").fill_null(False), back=60)
    f.share("CSC_KPI_10", "calls", "offered_at", abandoned, c("queue") == "lrsp")
    # ACF
    f.share("ACF_KPI_01", "acf_contacts", "received_at", c("first_contact_resolved"))
    for kpi, care in (("ACF_KPI_03", "non_residential"), ("ACF_KPI_04", "residential")):
        f.backlog(kpi, "financial_assessments", "completed_on", "referred_on", bd(c("referred_on"), 15), "completed_on",
                  pop=c("care") == care, back=60)
    f.backlog("ACF_KPI_05", "direct_payments", "first_paid_on", "referred_on", bd(c("referred_on"), 10), "first_paid_on", back=40)
    f.snapshot("ACF_KPI_06", "acf_income", c("outstanding") > 0, (c("snapshot_on") - c("due_on")).dt.total_days() > 28, money=True)
    f.share("ACF_KPI_07", "legal_charges", "due_on", c("submitted_on") <= c("due_on"))
    f.backlog("ACF_KPI_08", "court_protection", "commenced_on", "referred_on", bd(c("referred_on"), 5), "commenced_on",
              passes=(c("commenced_on") <= bd(c("referred_on"), 5)) & c("actioned_correctly").fill_null(False), back=30)
    f.surveys("ACF_KPI_09", "acf_user")
    f.snapshot("ACF_KPI_10", "acf_service_users", c("chargeable"), c("assessment_up_to_date"), money=False)
    f.backlog("ACF_KPI_11", "financial_assessments", "completed_on", "referred_on", c("referred_on") + pl.duration(days=28),
              "completed_on", back=28)
    # PM
    pay = scan(folder, "payroll_payments").filter(f.within(c("payment_date")))
    pay = pay.group_by(m=mi(c("payment_date")), r=c("recipient_id")).agg(ok=(c("paid_date") <= c("payment_date")).fill_null(False).all())
    f.add("PM_KPI_01", pay.group_by("m").agg(passing=c("ok").sum(), population=pl.len()))
    f.share("PM_KPI_02", "payment_errors", "identified_on", c("resolved_on") <= c("identified_on").dt.month_end(),
            c("caused_by") == "provider")
    f.share("PM_KPI_03", "third_party_deductions", "due_on", c("paid_on") <= c("due_on"))
    f.share("PM_KPI_05", "pm_contacts", "received_at", c("first_contact_resolved"), c("tier") == "1")
    checks = scan(folder, "spot_checks").filter(f.within(c("checked_on")) & c("has_error"))
    f.add("PM_KPI_06", checks.group_by(m=mi(c("checked_on"))).agg(passing=c("record_id").n_unique(),
                                                                  population=T(None, dtype=pl.Int64)))
    f.backlog("PM_KPI_07", "recruitments", "appointed_on", "authorised_on", bd(c("authorised_on"), 40), "appointed_on",
              pop=c("via_e_form"), back=90)
    f.surveys("PM_KPI_08", "pm_manager_contact")
    f.backlog("PM_KPI_11", "pm_transactions", "completed_at", "received_at", bd(c("received_at"), c("target_business_days")),
              "completed_at", back=400)
    f.surveys("PM_KPI_12", "pm_my_helpdesk")
    # IMT
    f.outages("IMT_KPI_01", ["service_desk"], months)
    inc = scan(folder, "incidents").filter(f.within(c("opened_at"), 10))
    for kpi, prio, vip, hours in (("IMT_KPI_02", "P1", False, 4), ("IMT_KPI_03", "P2", None, 8), ("IMT_KPI_04", "P1", True, 4)):
        sel = inc.filter((c("priority") == prio) & (T(True) if vip is None else c("vip") == vip))
        sel = sel.with_columns(dl=CLOCK.deadline_expr("opened_at", hours)).filter(
            (c("resolved_at").is_null() | (c("resolved_at") > c("dl"))) & f.within(c("dl")))
        f.count(kpi, sel, c("dl"))
    for kpi, prio in (("IMT_KPI_05", "P1"), ("IMT_KPI_06", "P2")):
        f.count(kpi, inc.filter((c("priority") == prio) & f.within(c("opened_at"))), c("opened_at"))
    f.outages("IMT_KPI_07", PLATINUM, months)
    target = (c("target_hours") * 100).cast(pl.Int64) * 36_000_000
    sr_due = pl.struct(s=c("opened_at"), a=target).map_batches(
        lambda x: deadlines(x.struct.field("s"), x.struct.field("a"), CLOCK), return_dtype=pl.Datetime("us"))
    f.backlog("IMT_KPI_09", "service_requests", "fulfilled_at", "opened_at", sr_due, "fulfilled_at", back=400,
              passes=c("fulfilled_at") <= sr_due)
    f.backlog("IMT_KPI_10", "cmdb_changes", "applied_at", "changed_at", CLOCK.deadline_expr("changed_at", 14), "applied_at",
              passes=c("applied_at") <= CLOCK.deadline_expr("changed_at", 14), back=10)
    f.share("IMT_KPI_11", "milestones", "due_on", c("outcome").is_in(["met", "exception"]), c("outcome") != "excluded")
    f.surveys("IMT_KPI_12", "it_incident")
    f.share("IMT_KPI_13", "app_response", "measured_at", c("response_ms") <= c("required_ms"))
    due = c("update_released_on") + pl.duration(days=21)
    f.backlog("IMT_KPI_14", "patching", "update_released_on", "update_released_on", due, "patched_on",
              pop=c("os").str.strip_chars().str.to_lowercase() == "windows", back=21)
    return pl.concat(pl.collect_all(f.queries), how="vertical_relaxed")


if __name__ == "__main__":
    found = floor(Path(sys.argv[1]), sys.argv[2], sys.argv[3])
    sys.stdout.write(found.sort("kpi", "m").write_csv())
