"""Shared fixtures and helpers for the results ledger's tests (``tests/test_ledger*.py``).

Every ledger test runs against SQLite (a file in ``tmp_path``) and PostgreSQL. The PostgreSQL server is the one
``CSSKPI_TEST_POSTGRES_URL`` names (``.ci/run`` starts one and sets it); each test gets a schema of its own, dropped
afterwards. Without the variable (or with a server that cannot be reached) the PostgreSQL variants are skipped
loudly: the skip reason says why, and a warning lands in pytest's summary.

The helpers build evaluations deterministically from the bundled contract: ``variant`` shifts which KPI-months
are AMBER or RED, and the GREEN figures, so that two variants differ as a restatement would.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import csskpi
from csskpi.engine.rules import classify
from csskpi.model.period import Period
from csskpi.model.result import Status

PG_ENV = "CSSKPI_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")
REPO = Path(__file__).resolve().parent.parent

_pg_state: dict[str, Any] = {}


class PostgresSkipWarning(UserWarning):
    """The ledger's PostgreSQL tests did not run."""


def _skip_postgres(reason: str) -> None:
    text = f"PostgreSQL ledger tests SKIPPED: {reason}"
    warnings.warn(PostgresSkipWarning(text), stacklevel=2)
    pytest.skip(text)


def postgres_url() -> sa.URL:
    """The test server's URL, or a loud skip."""
    raw = os.environ.get(PG_ENV, "").strip()
    if not raw:
        _skip_postgres(f"{PG_ENV} is not set (bash .ci/run starts a throw-away server and sets it)")
    if "error" not in _pg_state and "url" not in _pg_state:
        url = sa.make_url(raw)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        try:
            engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            _pg_state["url"] = url
            _pg_state["engine"] = engine
        except (sa.exc.SQLAlchemyError, ImportError) as exc:  # the server cannot be reached: skip, loudly
            _pg_state["error"] = f"cannot connect to {url.render_as_string(hide_password=True)}: {exc}".splitlines()[0]
    if "error" in _pg_state:
        _skip_postgres(_pg_state["error"])
    url: sa.URL = _pg_state["url"]
    return url


def _admin() -> sa.Engine:
    engine: sa.Engine = _pg_state["engine"]
    return engine


def postgres_schema_url(name: str, **query: str) -> str:
    """A URL on the test server whose connections use the schema ``name``."""
    url = postgres_url().update_query_dict({"options": f"-csearch_path={name}", **query})
    return url.render_as_string(hide_password=False)


def create_pg_schema() -> str:
    name = f"ledger_test_{uuid.uuid4().hex[:12]}"
    with _admin().begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    return name


def drop_pg_schema(name: str) -> None:
    with _admin().begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def ledger_target(backend: str, tmp_path: Path) -> Iterator[str]:
    """Where a fresh ledger goes: a file path (SQLite) or a URL on a schema of its own (PostgreSQL)."""
    if backend == "sqlite":
        yield str(tmp_path / "ledger.db")
        return
    postgres_url()
    schema = create_pg_schema()
    try:
        yield postgres_schema_url(schema)
    finally:
        drop_pg_schema(schema)


def months(first: str, last: str) -> list[Period]:
    return list(Period.range(Period.parse(first), Period.parse(last)))


_WANT = (Status.GREEN, Status.GREEN, Status.GREEN, Status.GREEN, Status.AMBER, Status.RED)


def figure(step: Any, want: Status, variant: int = 0, limit: Decimal | None = Decimal(100)) -> Decimal:
    """A value that the target step classifies as ``want`` (GREEN at worst), within 0 and ``limit`` (a percentage's
    100). GREEN values depend on the variant too (clear of the target), so that two variants' months never have
    the same figures."""
    shift = Decimal(variant) / 100
    candidates = [step.tsl + 20 + shift, step.tsl - 20 - shift] if want is Status.GREEN else []
    if want is Status.GREEN and limit is not None:
        candidates += [(step.tsl + limit) / 2 - shift, step.tsl / 2 + shift]
    candidates += [step.tsl, step.msl]
    for level in (step.tsl, step.msl):
        candidates += [level + 1, level - 1, level + 10, level - 10]
    candidates += [Decimal(0), Decimal(100), Decimal(1000)]
    for value in candidates:
        if value >= 0 and (limit is None or value <= limit) and classify(value, step) is want:
            return Decimal(value).quantize(Decimal("0.01"))
    return Decimal(step.tsl)


def build_measurements(contract: csskpi.Contract, periods: Sequence[Period], variant: int = 0) -> list[csskpi.Measurement]:
    out = []
    for p in periods:
        for i, kpi in enumerate(contract.kpis_in_force(p)):
            step = kpi.step_at(p)
            want = _WANT[(i + p.index + variant) % len(_WANT)]
            value = figure(step, want, variant, Decimal(100) if kpi.unit.value == "percent" else None)
            out.append(csskpi.Measurement(kpi.reference, p, value, csskpi.Source("reported", "test.csv", i + 2)))
    return out


def build_evaluation(
    contract: csskpi.Contract, periods: Sequence[Period], variant: int = 0, decisions: csskpi.Decisions | None = None
) -> csskpi.Evaluation:
    return csskpi.evaluate(contract, build_measurements(contract, periods, variant), decisions or csskpi.Decisions(), missing="dna")


def credit_run(evaluation: csskpi.Evaluation) -> Any:
    from csskpi.engine.credits import compute_credits

    return compute_credits(evaluation)


def test_build_evaluation_gives_every_status(contract: csskpi.Contract) -> None:
    ev = build_evaluation(contract, months("2017-04", "2017-06"))
    assert {r.status for r in ev} == {Status.GREEN, Status.AMBER, Status.RED}
    other = build_evaluation(contract, months("2017-04", "2017-06"), variant=1)
    assert [r.status for r in ev] != [r.status for r in other]


def test_variants_never_repeat_a_month(contract: csskpi.Contract) -> None:
    """The concurrency tests write 24 variants of a month as 24 versions: a restatement of the same figures writes
    nothing, so no two variants may give a month the same figures."""
    p = months("2017-09", "2017-09")
    seen = {tuple((r.reference, r.status, r.value) for r in build_evaluation(contract, p, variant=v)) for v in range(24)}
    assert len(seen) == 24
