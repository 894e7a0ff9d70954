"""PostgreSQL roles (``csskpi ledger init --roles``) and the author the database knows: a writer role that can add
to the ledger but not change it, a reader role that can only read, and ``db_user`` filled by the database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import csskpi
from csskpi.cli import main
from csskpi.ledger import Ledger, LedgerError

from . import test_ledger_support as support
from .test_ledger_support import build_evaluation, credit_run, months

backend = support.backend  # the fixture, for this module's tests
ledger_target = support.ledger_target  # the fixture, for this module's tests


@pytest.fixture
def pg_target(backend: str, ledger_target: str) -> str:
    if backend != "postgresql":
        pytest.skip("roles are PostgreSQL's")
    return ledger_target


@pytest.fixture
def users(pg_target: str) -> Iterator[dict[str, str]]:
    """A role prefix and two login users, one granted the writer role and one the reader role; dropped after."""
    tag = uuid.uuid4().hex[:8]
    prefix = f"t{tag}"
    names = {"prefix": prefix, "writer": f"w{tag}", "reader": f"r{tag}"}
    admin = sa.create_engine(support.postgres_url(), poolclass=sa.pool.NullPool)
    yield names
    with admin.begin() as conn:
        for role in (names["writer"], names["reader"], f"{prefix}_writer", f"{prefix}_reader"):
            exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
            if exists:
                conn.execute(sa.text(f"DROP OWNED BY {role}"))
                conn.execute(sa.text(f"DROP ROLE {role}"))
    admin.dispose()


def as_user(target: str, user: str) -> str:
    return sa.make_url(target).set(username=user).render_as_string(hide_password=False)


def test_roles_a_writer_without_update_or_delete_and_a_reader(
    capsys: pytest.CaptureFixture[str], pg_target: str, users: dict[str, str], contract: csskpi.Contract
) -> None:
    code = main(["ledger", "init", pg_target, "--roles", "--role-prefix", users["prefix"]])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"roles: {users['prefix']}_reader (read only), {users['prefix']}_writer (SELECT and INSERT only" in out
    with Ledger.open(pg_target) as owner, owner.engine.begin() as conn:
        conn.execute(sa.text(f"CREATE ROLE {users['writer']} LOGIN IN ROLE {users['prefix']}_writer"))
        conn.execute(sa.text(f"CREATE ROLE {users['reader']} LOGIN IN ROLE {users['prefix']}_reader"))

    ev = build_evaluation(contract, months("2017-09", "2017-09"))
    with Ledger.open(as_user(pg_target, users["writer"])) as writer:
        # No name given: the database user is the author; a name given is kept, the database user with it.
        (v1,) = writer.publish(ev, credit_run(ev), recorded_by="")
        assert (v1.recorded_by, v1.db_user) == (users["writer"], users["writer"])
        ev2 = build_evaluation(contract, months("2017-09", "2017-09"), variant=1)
        (v2,) = writer.restate(ev2, credit_run(ev2), reason="addendum", recorded_by="A. Analyst")
        assert (v2.recorded_by, v2.db_user) == ("A. Analyst", users["writer"])
        assert writer.history("2017-09")[1].db_user == users["writer"]
        for statement in ("UPDATE results SET value = '99.99'", "DELETE FROM results", "TRUNCATE results",
                          "DROP TRIGGER results_append_only ON results", "UPDATE alembic_version SET version_num = '0002'"):
            with pytest.raises(sa.exc.DBAPIError, match="permission denied|must be owner"), writer.engine.begin() as conn:
                conn.execute(sa.text(statement))
        # A forged author is overwritten by the database itself.
        with writer.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO batches (kind, recorded_by, recorded_at, source, note, db_user) "
                                 "VALUES ('decisions', 'x', now(), '', '', 'somebody_else')"))
            assert conn.execute(sa.text("SELECT db_user FROM batches ORDER BY id DESC LIMIT 1")).scalar() == users["writer"]
            conn.rollback()
    with Ledger.open(as_user(pg_target, users["reader"])) as reader:
        assert reader.month("2017-09").version.version == 2 and reader.verify().ok
        with pytest.raises(LedgerError, match="permission denied"):
            reader.publish(build_evaluation(contract, months("2017-10", "2017-10")), recorded_by="R")


def test_roles_are_refused_on_sqlite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["ledger", "init", str(tmp_path / "l.db"), "--roles"])
    assert code == 2 and "--roles is for a PostgreSQL ledger" in capsys.readouterr().err
