"""Tamper evidence, on SQLite and PostgreSQL: every way of rewriting the record is caught by ``Ledger.verify``
(or refused outright), naming the first version, table and row that do not match.

Each tampering is done the way someone with the database's keys would do it: the guards (triggers) are switched
off, the rows changed, and the guards put back exactly as they were — so the triggers' check finds nothing and
only the hash chain can tell. Dropped triggers and a rolled-back revision are tested as such.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import csskpi
from csskpi.ledger import Ledger, LedgerError
from csskpi.ledger import chain as chainmod
from csskpi.ledger.guards import sqlite_triggers
from csskpi.model.decisions import Decisions, Escalation
from csskpi.model.period import Period

from . import test_ledger_support as support
from .test_ledger_support import build_evaluation, build_measurements, credit_run, months

backend = support.backend  # the fixture, for this module's tests
ledger_target = support.ledger_target  # the fixture, for this module's tests


@pytest.fixture
def ledger(ledger_target: str, contract: csskpi.Contract) -> Iterator[Ledger]:
    """A ledger with a measurements batch, a decisions batch, two months published and one restated."""
    with Ledger.open(ledger_target) as opened:
        p = months("2017-08", "2017-09")
        a, b = build_evaluation(contract, p), build_evaluation(contract, p, variant=1)
        decided = Decisions(escalations=(Escalation(a.results[0].reference, "2017-09", reason="disputed"),))
        opened.publish(a, credit_run(a), recorded_by="A. Analyst", measurements=build_measurements(contract, p),
                       decisions=decided, source="m.csv")
        opened.restate(b, credit_run(b), reason="addendum", recorded_by="B. Board")
        assert opened.verify().ok, opened.verify().problems
        yield opened


def tamper(ledger: Ledger, *statements: str, params: dict[str, object] | None = None) -> None:
    """Run ``statements`` (with bound ``params``) with every guard off, then put the guards back as they were."""
    with ledger.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            triggers = sqlite_triggers()
            for name in triggers:
                conn.execute(sa.text(f"DROP TRIGGER {name}"))
            for statement in statements:
                conn.execute(sa.text(statement), params or {})
            for _table, sql in triggers.values():
                conn.execute(sa.text(sql))
        else:
            tables = [r[0] for r in conn.execute(sa.text(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE '%_append_only' AND c.relnamespace = current_schema()::regnamespace"))]
            for table in tables:
                conn.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
            for statement in statements:
                conn.execute(sa.text(statement), params or {})
            for table in tables:
                conn.execute(sa.text(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_append_only"))


def version_id(ledger: Ledger, period: str, version: int) -> int:
    with ledger.engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT id FROM month_versions WHERE period = :p AND version = :v"),
                                {"p": period, "v": version}).scalar_one())


def row_of(ledger: Ledger, table: str, vid: int) -> int:
    with ledger.engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT min(id) FROM {table} WHERE version_id = :v"), {"v": vid}).scalar_one())


def caught(ledger: Ledger, pattern: str) -> str:
    result = ledger.verify()
    assert not result.ok
    text = "; ".join(result.problems)
    assert re.search(pattern, text), text
    return text


def test_a_clean_ledger_verifies_and_its_head_is_stable(ledger: Ledger, contract: csskpi.Contract) -> None:
    head = ledger.head()
    assert chainmod.is_digest(head)
    result = ledger.verify(expect_head=head)
    assert result.ok and result.head == head and result.versions == 4 and result.batches == 2
    assert result.entries == 6 and result.contracts == (contract.name,)
    # The ledger grows: the head published earlier stays provable.
    ev = build_evaluation(contract, months("2017-10", "2017-10"))
    written = ledger.publish(ev, credit_run(ev), recorded_by="C")
    assert written.head == ledger.head() != head
    assert ledger.verify(expect_head=head).ok and ledger.verify(expect_head=written.head).ok


def test_an_edited_result_is_caught(ledger: Ledger) -> None:
    vid = version_id(ledger, "2017-09", 1)
    row = row_of(ledger, "results", vid)
    tamper(ledger, f"UPDATE results SET value = '99.99', status = 'green' WHERE id = {row}")
    assert ledger.month("2017-09", version=1).results[0].value == Decimal("99.99")  # the forgery shows...
    text = caught(ledger, rf"version 1 of 2017-09 \(contract lincolnshire-css\): table results, row {row}: this row was changed")
    assert text.startswith("chain: chain entry 4, ")  # ...and verify names where it is (entries 1, 2: batches)


def test_an_edited_who_or_why_is_caught(ledger: Ledger) -> None:
    vid = version_id(ledger, "2017-08", 2)
    tamper(ledger, f"UPDATE month_versions SET reason = 'nothing to see', recorded_by = 'Someone else' WHERE id = {vid}")
    caught(ledger, rf"version 2 of 2017-08 .*: table month_versions, row {vid}: this row was changed")


def test_an_edited_decision_or_measurement_is_caught(ledger: Ledger) -> None:
    tamper(ledger, "UPDATE decisions SET reason = 'never disputed'")
    caught(ledger, r"decisions batch \d+: table decisions, row \d+: this row was changed")


def test_a_deleted_row_is_caught(ledger: Ledger) -> None:
    vid = version_id(ledger, "2017-09", 2)
    row = row_of(ledger, "kpi_points", vid)
    tamper(ledger, f"DELETE FROM kpi_points WHERE id = {row}")
    caught(ledger, rf"version 2 of 2017-09 .*: table kpi_points, row {row}: this row was deleted")


def _delete_version(ledger: Ledger, vid: int) -> None:
    tamper(ledger, *(f"DELETE FROM {t} WHERE version_id = {vid}" for t in ("results", "kpi_points", "area_credits")),
           f"DELETE FROM month_versions WHERE id = {vid}", f"DELETE FROM chain WHERE entry = 'version' AND ref_id = {vid}")


def test_a_deleted_version_is_caught(ledger: Ledger) -> None:
    _delete_version(ledger, version_id(ledger, "2017-08", 2))  # with its rows and its entry in the chain
    caught(ledger, r"chain: chain entry 6, version 2 of 2017-09 .*: table chain, row 6: entry 5 of the chain is numbered 6: "
                   r"an entry was deleted or reordered")


def test_a_deleted_last_version_is_caught_by_the_head_published(ledger: Ledger) -> None:
    """The newest entry deleted with everything under it leaves a shorter chain that is sound in itself: the head
    published before is what proves it was there."""
    published = ledger.head()
    _delete_version(ledger, version_id(ledger, "2017-09", 2))
    assert ledger.verify().ok
    caught_head = ledger.verify(expect_head=published)
    assert not caught_head.ok and caught_head.problems[0].startswith("head: no entry of the chain has the digest expected")


def test_insert_or_replace_is_refused_and_a_replaced_row_is_caught(ledger: Ledger) -> None:
    vid = version_id(ledger, "2017-09", 1)
    row = row_of(ledger, "results", vid)
    with ledger.engine.connect() as conn:
        kpi = conn.execute(sa.text(f"SELECT kpi FROM results WHERE id = {row}")).scalar_one()
    forged = (f"(id, version_id, period, kpi, area, status, value, record) VALUES "
              f"({row}, {vid}, '2017-09', '{kpi}', 'PM', 'green', '99.99', '{{}}')")
    if ledger.engine.dialect.name == "sqlite":
        # The hole the issue found: REPLACE deletes and re-inserts without firing the delete trigger.
        with pytest.raises(sa.exc.DBAPIError, match="append-only: rows of results cannot be replaced"), ledger.engine.begin() as conn:
            conn.execute(sa.text(f"INSERT OR REPLACE INTO results {forged}"))
        assert ledger.verify().ok
        tamper(ledger, f"INSERT OR REPLACE INTO results {forged}")
    else:
        tamper(ledger, f"DELETE FROM results WHERE id = {row}", f"INSERT INTO results {forged}")
    caught(ledger, rf"version 1 of 2017-09 .*: table results, row {row}: this row was changed \(or deleted and replaced\)")


def test_an_added_row_is_caught(ledger: Ledger) -> None:
    vid = version_id(ledger, "2017-09", 1)
    tamper(ledger, "INSERT INTO area_credits (version_id, period, area, points, credit, cap, record) "
                   f"VALUES ({vid}, '2017-09', 'XX', '0', '0.00', NULL, '{{}}')")
    caught(ledger, r"version 1 of 2017-09 .*: table area_credits, row \d+: this row was added to the entry after it was written")


def test_reordered_versions_are_caught(ledger: Ledger) -> None:
    first, second = version_id(ledger, "2017-09", 1), version_id(ledger, "2017-09", 2)
    # "First published" made to show the restated figures: the two versions' numbers swapped.
    tamper(ledger, f"UPDATE month_versions SET version = 99, kind = 'restate', reason = 'addendum' WHERE id = {first}",
           f"UPDATE month_versions SET version = 1, kind = 'publish', reason = 'first publication' WHERE id = {second}",
           f"UPDATE month_versions SET version = 2, kind = 'restate', reason = 'addendum' WHERE id = {first}")
    caught(ledger, rf"table month_versions, row ({first}|{second}): this row was changed")


def test_a_reordered_chain_is_caught(ledger: Ledger) -> None:
    tamper(ledger, "UPDATE chain SET seq = seq + 100 WHERE seq IN (3, 4)",
           "UPDATE chain SET seq = 4 WHERE seq = 103", "UPDATE chain SET seq = 3 WHERE seq = 104")
    caught(ledger, r"chain entry 3, .*: table chain, row 3: its previous digest is not the digest of the entry before it")


def test_a_rewritten_chain_is_caught_by_the_head_published(ledger: Ledger) -> None:
    """Someone who rewrites a row and recomputes the whole chain gets a ledger that verifies on its own — but
    not against the head digest published before."""
    published = ledger.head()
    vid = version_id(ledger, "2017-09", 1)
    row = row_of(ledger, "results", vid)
    tamper(ledger, f"UPDATE results SET value = '99.99', status = 'green' WHERE id = {row}", "DELETE FROM chain")
    with ledger.engine.begin() as conn:  # the forger recomputes every entry, in the same order
        entries = [(r[0], r[1]) for r in conn.execute(sa.text("SELECT entry, ref_id FROM chain ORDER BY seq"))]
        assert entries == []
    with ledger.engine.begin() as conn:
        order = [("batch", b) for b in conn.execute(sa.text("SELECT id FROM batches ORDER BY id")).scalars()]
        versions = conn.execute(sa.text("SELECT id FROM month_versions ORDER BY id")).scalars().all()
        order = order[:2] + [("version", v) for v in versions]
        tamper_chain = [(entry, int(ref)) for entry, ref in order]
    with ledger.engine.begin() as conn:
        for entry, ref in tamper_chain:
            chainmod.append(conn, entry, ref)
    assert ledger.verify().ok  # consistent with itself...
    assert ledger.head() != published
    result = ledger.verify(expect_head=published)  # ...but not with what was published
    assert not result.ok and "no entry of the chain has the digest expected" in result.problems[0]


def test_a_dropped_trigger_is_caught_and_refused(ledger: Ledger, ledger_target: str) -> None:
    with ledger.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(sa.text("DROP TRIGGER results_no_update"))
            conn.execute(sa.text("UPDATE results SET value = '99.99' WHERE id = (SELECT min(id) FROM results)"))
        else:
            conn.execute(sa.text("DROP TRIGGER results_append_only ON results"))
            conn.execute(sa.text("UPDATE results SET value = '99.99' WHERE id = (SELECT min(id) FROM results)"))
    text = caught(ledger, r"guards: the trigger results_\w+ on results is missing \(it was dropped\)")
    assert "table results, row" in text and "this row was changed" in text
    with pytest.raises(LedgerError, match="refusing the ledger at .*: it has lost its append-only guards: the trigger results_"):
        Ledger.open(ledger_target)


def test_a_disabled_trigger_is_refused(ledger: Ledger, ledger_target: str) -> None:
    if ledger.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL: triggers can be disabled without being dropped")
    with ledger.engine.begin() as conn:  # the superuser: the triggers fire even for a replica session
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), conn.begin_nested():
            conn.execute(sa.text("UPDATE results SET value = '99.99'"))
        conn.execute(sa.text("ALTER TABLE results DISABLE TRIGGER results_append_only"))
    caught(ledger, r"guards: the trigger results_append_only on results is disabled, not enabled always")
    with pytest.raises(LedgerError, match="lost its append-only guards"):
        Ledger.open(ledger_target)


def test_an_altered_trigger_is_refused(ledger: Ledger, ledger_target: str) -> None:
    with ledger.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(sa.text("DROP TRIGGER results_no_delete"))
            conn.execute(sa.text("CREATE TRIGGER results_no_delete BEFORE DELETE ON results WHEN 0 BEGIN SELECT 1; END"))
        else:
            conn.execute(sa.text("CREATE OR REPLACE FUNCTION csskpi_ledger_append_only() RETURNS trigger "
                                 "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"))
    caught(ledger, r"guards: the trigger \w+ on \w+ has been altered")
    with pytest.raises(LedgerError, match="lost its append-only guards"):
        Ledger.open(ledger_target)


def test_a_rolled_back_revision_is_caught_and_refused(ledger: Ledger, ledger_target: str) -> None:
    with ledger.engine.begin() as conn:  # alembic's own table is not append-only
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0002'"))
    caught(ledger, r"revision: the ledger says it is at revision 0002, but it has the tables of revision 0003")
    with pytest.raises(LedgerError, match="refusing the ledger at .*its schema revision does not add up: .*set back"):
        Ledger.open(ledger_target)
    # Refused, not "upgraded" over the top of what is there: nothing was changed.
    with ledger.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"


def test_a_lost_revision_record_is_refused(ledger: Ledger, ledger_target: str) -> None:
    with ledger.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE ledger_revisions"))
    with pytest.raises(LedgerError, match="record of revisions applied \\(ledger_revisions\\) is gone"):
        Ledger.open(ledger_target)


def test_a_row_outside_any_entry_is_caught(ledger: Ledger) -> None:
    tamper(ledger, "INSERT INTO batches (kind, recorded_by, recorded_at, source, note) "
                   "VALUES ('decisions', 'nobody', '2017-01-01 00:00:00', '', '')")
    caught(ledger, r"after the last entry: table batches, row \d+: this row is in no entry of the chain")


def test_an_old_ledger_upgraded_is_chained_and_verifies(ledger_target: str, contract: csskpi.Contract) -> None:
    from .test_ledger_migrations import _at_revision, _write_revision_1_month

    engine = _at_revision(ledger_target, "0001")
    _write_revision_1_month(engine)
    engine.dispose()
    with Ledger.open(ledger_target) as ledger:
        result = ledger.verify()
        assert result.ok and result.versions == 1, result.problems
        assert ledger.history(Period(2017, 9))[0].terms_digest is None  # terms were not kept then


def _record_published(ledger: Ledger) -> None:
    from csskpi.files.published import read_published

    path = csskpi.example("dec-2017").published
    assert path is not None
    ledger.record_published(read_published(path)[:5], recorded_by="C. Clerk", contract="lincolnshire-css")


def _published_id(ledger: Ledger, source: str, area: str, period: str) -> int:
    with ledger.engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT id FROM published_figures WHERE source = :s AND area = :a AND period = :p"),
                                {"s": source, "a": area, "p": period}).scalar_one())


def test_a_rewritten_published_figure_is_caught(ledger: Ledger) -> None:
    _record_published(ledger)
    head = ledger.head()
    assert ledger.verify(expect_head=head).ok and ledger.verify().published == 5
    row = _published_id(ledger, "jul2017-minutes", "PM", "2017-05")
    # The July 2017 figure made to agree with December's: the restatement would vanish from the history...
    tamper(ledger, f"UPDATE published_figures SET tsl_achieved = 9, msl_achieved = 0, below_msl = 0, mitigation = 0 WHERE id = {row}")
    assert [e.figure.counts for e in ledger.published_history("2017-05", area="PM")] == [(9, 0, 0, 0, 9)]
    # ...but not from the chain.
    caught(ledger, rf"chain entry 9, published figure jul2017-minutes PM 2017-05 \(contract lincolnshire-css\): "
                   rf"table published_figures, row {row}: this row was changed")


def test_a_published_figure_redated_or_deleted_is_caught(ledger: Ledger) -> None:
    _record_published(ledger)
    row = _published_id(ledger, "jul2017-addendum", "ALL", "2017-06")
    tamper(ledger, f"UPDATE published_figures SET published_on = '2017-12-21' WHERE id = {row}")
    caught(ledger, rf"published figure jul2017-addendum ALL 2017-06 .*: table published_figures, row {row}: this row was changed")
    tamper(ledger, f"DELETE FROM published_figures WHERE id = {row}")
    caught(ledger, rf"chain entry 7, published id {row} \(its row is missing\): table published_figures, row {row}: "
                   "this row was deleted")


def test_a_published_figure_slipped_in_is_caught(ledger: Ledger) -> None:
    _record_published(ledger)
    tamper(ledger, "INSERT INTO published_figures (contract, source, published_on, area, period, tsl_achieved, source_file, "
                   "recorded_by, recorded_at) VALUES ('lincolnshire-css', 'jun2017-report', '2017-06-29', 'ALL', '2017-05', "
                   "41, '', 'nobody', '2017-06-29 00:00:00')")
    caught(ledger, r"after the last entry: table published_figures, row \d+: this row is in no entry of the chain")


def test_a_dropped_table_is_caught_and_refused(ledger: Ledger, ledger_target: str) -> None:
    with ledger.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE chain"))
    result = ledger.verify()
    assert not result.ok and result.problems == ("guards: the table chain is missing (it was dropped)",)
    with pytest.raises(LedgerError, match="the table chain is missing"):
        Ledger.open(ledger_target)


# -- any one cell changed, anywhere: a property -----------------------------------------------------------

_BUILT: dict[str, bytes] = {}


def _built_ledger(contract: csskpi.Contract, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of an SQLite ledger like the fixture's, built once and copied for each example."""
    if "db" not in _BUILT:
        path = tmp_path_factory.mktemp("built") / "ledger.db"
        with Ledger.open(path) as built:
            p = months("2017-08", "2017-09")
            a, b = build_evaluation(contract, p), build_evaluation(contract, p, variant=1)
            decided = Decisions(escalations=(Escalation(a.results[0].reference, "2017-09", reason="disputed"),))
            built.publish(a, credit_run(a), recorded_by="A", measurements=build_measurements(contract, p), decisions=decided)
            built.restate(b, credit_run(b), reason="addendum", recorded_by="B")
            _record_published(built)
        _BUILT["db"] = path.read_bytes()
    return _BUILT["db"]


EDITABLE = ("batches", "measurements", "decisions", "month_versions", "results", "kpi_points", "area_credits", "contract_terms",
            "published_figures")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_one_cell_changed_is_named(data: st.DataObject, contract: csskpi.Contract,
                                       tmp_path_factory: pytest.TempPathFactory) -> None:
    """Whichever row of whichever table, whichever column, whatever new value: verify names that table and row."""
    path = tmp_path_factory.mktemp("tampered") / "ledger.db"
    path.write_bytes(_built_ledger(contract, tmp_path_factory))
    with Ledger.open(path) as ledger:
        table = data.draw(st.sampled_from(EDITABLE), label="table")
        key = "digest" if table == "contract_terms" else "id"
        with ledger.engine.connect() as conn:
            keys = conn.execute(sa.text(f"SELECT {key} FROM {table} ORDER BY {key}")).scalars().all()
            columns = [c["name"] for c in sa.inspect(conn).get_columns(table) if c["name"] != key]
        row = data.draw(st.sampled_from(keys), label="row")
        column = data.draw(st.sampled_from(columns), label="column")
        new = data.draw(st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=8)), label="value")
        with ledger.engine.connect() as conn:
            old = conn.execute(sa.text(f"SELECT {column} FROM {table} WHERE {key} = :k"), {"k": row}).scalar()
        assume(old != new and not (old is not None and new is not None and str(old) == str(new)))
        try:
            tamper(ledger, f"UPDATE {table} SET {column} = :new WHERE {key} = :row", params={"new": new, "row": row})
        except sa.exc.IntegrityError:
            return  # a NOT NULL, CHECK or foreign key the database itself enforces refused the forgery
        result = ledger.verify()
        assert not result.ok
        problem = result.problems[0]
        shown = str(row)
        if table == "contract_terms":  # a version's terms: named as the first version using them
            assert f"table contract_terms, row {shown}: this row was changed" in problem, problem
        else:
            assert f"table {table}, row {shown}: this row was changed" in problem, problem

