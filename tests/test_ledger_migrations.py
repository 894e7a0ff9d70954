"""The ledger's versioned schema (Alembic): a ledger at an older revision is upgraded when opened, keeping its
data; the head schema is what the code queries; a ledger from a newer csskpi is refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from csskpi.engine.reconcile import PublishedRow
from csskpi.ledger import HEAD, Ledger, LedgerError
from csskpi.ledger import schema as head_schema
from csskpi.ledger.engine import create_engine, make_url, write_transaction
from csskpi.ledger.migrate import REVISIONS, alembic_config, current_revision, downgrade, upgrade
from csskpi.model.period import Period
from csskpi.model.result import Status

from . import test_ledger_support as support
from .test_ledger_support import build_evaluation, months

backend = support.backend  # the fixture, for this module's tests
ledger_target = support.ledger_target  # the fixture, for this module's tests


def test_the_revisions_known_are_the_scripts_shipped() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [HEAD]
    chain = [s.revision for s in scripts.walk_revisions("base", "heads")]
    assert tuple(reversed(chain)) == REVISIONS and len(REVISIONS) >= 2


def _at_revision(target: str, revision: str) -> sa.Engine:
    engine = create_engine(make_url(target))
    with write_transaction(engine, schema=True) as conn:
        upgrade(conn, revision)
    return engine


WHEN = dt.datetime(2017, 11, 10, 9, 0, tzinfo=dt.UTC)


def _write_revision_1_month(engine: sa.Engine) -> None:
    """A month published by a csskpi whose ledger was at revision 0001 (no warnings column yet)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    assert "warnings" not in meta.tables["month_versions"].c
    record = {"period": "2017-09", "kpi": "F_KPI_01", "area": "F", "value": "85.04", "status": "amber", "provisional": False}
    with engine.begin() as conn:
        conn.execute(meta.tables["month_versions"].insert().values(
            id=1, period="2017-09", version=1, kind="publish", contract="lincolnshire-css", reason="first publication",
            recorded_by="Old csskpi", recorded_at=WHEN, missing=[],
        ))
        conn.execute(meta.tables["results"].insert().values(
            version_id=1, period="2017-09", kpi="F_KPI_01", area="F", status="amber", value="85.04", record=record,
        ))
        conn.execute(meta.tables["area_credits"].insert().values(
            version_id=1, period="2017-09", area="F", points="20", credit="2500.00", cap="2500.00", record={"area": "F"},
        ))


def test_a_revision_1_ledger_is_upgraded_on_open_and_keeps_its_data(ledger_target: str, contract) -> None:  # type: ignore[no-untyped-def]
    engine = _at_revision(ledger_target, "0001")
    with engine.connect() as conn:
        assert current_revision(conn) == "0001"
    _write_revision_1_month(engine)
    engine.dispose()

    with Ledger.open(ledger_target) as ledger:
        assert ledger.revision == HEAD
        view = ledger.month("2017-09")
        assert view.version.recorded_by == "Old csskpi" and view.version.recorded_at == WHEN
        assert [(r.kpi, r.status, str(r.value)) for r in view.results] == [("F_KPI_01", Status.AMBER, "85.04")]
        assert view.warnings == [] and str(view.credit("F").credit) == "2500.00"
        # Still append-only after the upgrade, and writable at the new revision.
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), ledger.engine.begin() as conn:
            conn.execute(sa.text("UPDATE month_versions SET reason = 'rewritten'"))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), ledger.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM results"))
        ev = build_evaluation(contract, [Period(2017, 9)])
        (info,) = ledger.restate(ev, reason="re-run under the new schema", recorded_by="New csskpi")
        assert info.version == 2
        assert ledger.month("2017-09", as_at="first").results[0].record["value"] == "85.04"
        inspector = sa.inspect(ledger.engine)
        assert "warnings" in {c["name"] for c in inspector.get_columns("month_versions")}
        assert "ix_results_period_kpi" in {i["name"] for i in inspector.get_indexes("results")}


def test_the_code_queries_the_schema_the_migrations_make(ledger_target: str) -> None:
    with Ledger.open(ledger_target) as ledger:
        inspector = sa.inspect(ledger.engine)
        for table in head_schema.metadata.sorted_tables:
            made = {c["name"] for c in inspector.get_columns(table.name)}
            assert made == {c.name for c in table.columns}, table.name
        uniques = {u["name"] for u in inspector.get_unique_constraints("month_versions")}
        assert "uq_month_versions_contract_period_version" in uniques


def test_downgrade_and_upgrade_again(ledger_target: str, contract) -> None:  # type: ignore[no-untyped-def]
    with Ledger.open(ledger_target) as ledger:
        ledger.publish(build_evaluation(contract, months("2017-09", "2017-09")), recorded_by="A")
        with write_transaction(ledger.engine, schema=True) as conn:
            downgrade(conn, "0001")
        assert ledger.revision == "0001"
    with Ledger.open(ledger_target) as ledger:
        assert ledger.revision == HEAD
        assert ledger.month("2017-09").version.version == 1


def test_a_ledger_from_a_newer_csskpi_is_refused(ledger_target: str) -> None:
    Ledger.open(ledger_target).close()
    engine = create_engine(make_url(ledger_target))
    with engine.begin() as conn:  # alembic's own table is not append-only: it records the revision
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(LedgerError, match="revision 0099, which this csskpi does not know .*upgrade csskpi"):
        Ledger.open(ledger_target)


def test_the_stored_json_is_plain_json(ledger_target: str, contract) -> None:  # type: ignore[no-untyped-def]
    with Ledger.open(ledger_target) as ledger:
        ledger.publish(build_evaluation(contract, months("2017-09", "2017-09")), recorded_by="A")
        with ledger.engine.connect() as conn:
            raw = conn.execute(sa.text("SELECT CAST(record AS TEXT) FROM results ORDER BY id")).scalars().first()
    assert json.loads(raw)["period"] == "2017-09"


def _write_revision_2_ledger(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    """What a csskpi at revision 0002 wrote: a measurements batch, a decisions batch, and two months of one
    contract, one of them restated. Returns every row, by table."""
    meta = sa.MetaData()
    meta.reflect(engine)
    tables = meta.tables
    assert "warnings" in tables["month_versions"].c and "chain" not in tables
    later = dt.datetime(2017, 12, 5, 14, 30, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(tables["batches"].insert(), [
            {"id": 1, "kind": "measurements", "recorded_by": "Old csskpi", "recorded_at": WHEN, "source": "m.csv", "note": ""},
            {"id": 2, "kind": "decisions", "recorded_by": "Old csskpi", "recorded_at": later, "source": "d.toml", "note": ""},
        ])
        conn.execute(tables["measurements"].insert().values(
            batch_id=1, period="2017-09", kpi="F_KPI_01", origin="reported", value="85.04", source="m.csv:2", received_at=WHEN))
        conn.execute(tables["decisions"].insert().values(
            batch_id=2, kind="escalation", kpi="F_KPI_01", period_from="2017-09", period_to="2017-09", reason="disputed",
            impact="", path_to_green="", decided_by="", outcome="", reference="", source="d.toml",
            record={"decision": "escalation", "kpi": "F_KPI_01", "period": "2017-09", "kind": "escalated", "reason": "disputed"}))
        versions = [(1, "2017-08", 1, "publish", WHEN), (2, "2017-09", 1, "publish", WHEN), (3, "2017-09", 2, "restate", later)]
        for vid, period, version, kind, when in versions:
            conn.execute(tables["month_versions"].insert().values(
                id=vid, period=period, version=version, kind=kind, contract="lincolnshire-css",
                reason="first publication" if version == 1 else "escalation", recorded_by="Old csskpi", recorded_at=when,
                missing=[], warnings=[{"message": f"watch {vid}"}]))
            status, value = ("amber", "85.04") if vid < 3 else ("blue", "85.04")
            conn.execute(tables["results"].insert().values(
                version_id=vid, period=period, kpi="F_KPI_01", area="F", status=status, value=value,
                record={"period": period, "kpi": "F_KPI_01", "status": status, "value": value}))
            conn.execute(tables["kpi_points"].insert().values(
                version_id=vid, period=period, kpi="F_KPI_01", area="F", status=status, points="20" if vid < 3 else "0",
                multiplier="1", record={"kpi": "F_KPI_01"}))
            conn.execute(tables["area_credits"].insert().values(
                version_id=vid, period=period, area="F", points="20", credit="2500.00", cap="2500.00", record={"area": "F"}))
        return {name: [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {name} ORDER BY id"))] for name in
                ("batches", "measurements", "decisions", "month_versions", "results", "kpi_points", "area_credits")}


def test_a_revision_2_ledger_is_upgraded_in_place_keeping_every_version(ledger_target: str, contract) -> None:  # type: ignore[no-untyped-def]
    from csskpi.ledger.guards import problems

    engine = _at_revision(ledger_target, "0002")
    before = _write_revision_2_ledger(engine)
    engine.dispose()

    with Ledger.open(ledger_target) as ledger:
        assert ledger.revision == HEAD == "0004"
        with ledger.engine.connect() as conn:
            after = {name: [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {name} ORDER BY id"))] for name in before}
            assert problems(conn) == []
            applied = conn.execute(sa.text("SELECT revision FROM ledger_revisions")).scalars().all()
        assert applied == ["0003", "0004"]
        for name, rows in before.items():  # every row kept, with its id; new columns NULL
            assert [r[: len(rows[0])] for r in after[name]] == rows, name
            assert all(v is None for r in after[name] for v in r[len(rows[0]):]), name
        assert [v.version for v in ledger.history("2017-09")] == [1, 2]
        assert ledger.month("2017-09", as_at="first").result("F_KPI_01").status is Status.AMBER
        assert ledger.month("2017-09").result("F_KPI_01").status is Status.BLUE
        assert ledger.month("2017-08").warnings == [{"message": "watch 1"}]
        # The versions written before are chained, in the order recorded, and the ledger verifies.
        result = ledger.verify()
        assert result.ok and (result.entries, result.versions, result.batches) == (5, 3, 2), result.problems
        with ledger.engine.connect() as conn:
            order = conn.execute(sa.text("SELECT entry, ref_id FROM chain ORDER BY seq")).all()
        assert [tuple(r) for r in order] == [("batch", 1), ("version", 1), ("version", 2), ("batch", 2), ("version", 3)]
        # The key now has the contract in it: another contract's 2017-09 is version 1, not "already published".
        from .test_ledger_contracts import renamed

        other = renamed(contract, "another-contract")
        (info,) = ledger.publish(build_evaluation(other, [Period(2017, 9)]), recorded_by="New csskpi")
        assert (info.contract, info.version) == ("another-contract", 1)
        (info,) = ledger.restate(build_evaluation(contract, [Period(2017, 9)]), reason="re-run", recorded_by="New csskpi")
        assert info.version == 3 and ledger.verify().ok
        # Append-only still, now also against INSERT over an existing key.
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), ledger.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM month_versions WHERE id = 1"))
        if ledger.engine.dialect.name == "sqlite":
            with pytest.raises(sa.exc.DBAPIError, match="cannot be replaced"), ledger.engine.begin() as conn:
                conn.execute(sa.text("INSERT OR REPLACE INTO batches (id, kind, recorded_by, recorded_at, source, note) "
                                     "VALUES (1, 'measurements', 'forger', '2017-01-01 00:00:00', '', '')"))


def test_downgrade_to_revision_2_and_upgrade_again_keeps_the_versions(ledger_target: str, contract) -> None:  # type: ignore[no-untyped-def]
    with Ledger.open(ledger_target) as ledger:
        ev = build_evaluation(contract, months("2017-08", "2017-09"))
        ledger.publish(ev, recorded_by="A")
        before = [ledger.month(p) for p in ledger.periods()]
        with write_transaction(ledger.engine, schema=True) as conn:
            downgrade(conn, "0002")
        assert ledger.revision == "0002"
    with Ledger.open(ledger_target) as ledger:
        assert ledger.revision == HEAD and ledger.verify().ok
        after = [ledger.month(p) for p in ledger.periods()]
    assert [(m.results, m.kpis, m.areas) for m in after] == [(m.results, m.kpis, m.areas) for m in before]


def test_a_ledger_of_several_contracts_is_not_downgraded(ledger_target: str, contract) -> None:  # type: ignore[no-untyped-def]
    from .test_ledger_contracts import renamed

    with Ledger.open(ledger_target) as ledger:
        ledger.publish(build_evaluation(contract, [Period(2017, 9)]), recorded_by="A")
        ledger.publish(build_evaluation(renamed(contract, "other"), [Period(2017, 9)]), recorded_by="A")
        refused = pytest.raises(LedgerError, match="cannot downgrade below revision 0003: the ledger holds 2 contracts")
        with refused, write_transaction(ledger.engine, schema=True) as conn:
            downgrade(conn, "0002")
        assert ledger.revision == HEAD and ledger.verify().ok


def _chain_rows(engine: sa.Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT seq, entry, ref_id, manifest, prev_digest, digest FROM chain ORDER BY seq"))]


def _example_published() -> tuple[PublishedRow, ...]:
    import csskpi
    from csskpi.files.published import read_published

    path = csskpi.example("dec-2017").published
    assert path is not None
    return read_published(path)


def test_a_revision_3_ledger_gets_the_published_figures_keeping_its_chain(ledger_target: str) -> None:
    engine = _at_revision(ledger_target, "0002")
    before = _write_revision_2_ledger(engine)
    with write_transaction(engine, schema=True) as conn:
        upgrade(conn, "0003")
    chained = _chain_rows(engine)
    assert len(chained) == 5 and "published_figures" not in sa.inspect(engine).get_table_names()
    engine.dispose()

    with Ledger.open(ledger_target) as ledger:
        assert ledger.revision == HEAD == "0004"
        assert _chain_rows(ledger.engine) == chained  # every entry as it was: the head published before still holds
        with ledger.engine.connect() as conn:
            versions = [tuple(r) for r in conn.execute(sa.text("SELECT * FROM month_versions ORDER BY id"))]
            assert [v[: len(before["month_versions"][0])] for v in versions] == before["month_versions"]
            assert sorted(conn.execute(sa.text("SELECT revision FROM ledger_revisions")).scalars()) == ["0003", "0004"]
        assert ledger.verify(expect_head=str(chained[-1][5])).ok
        written = ledger.record_published(_example_published(), recorded_by="New csskpi", contract="lincolnshire-css")
        result = ledger.verify(expect_head=str(chained[-1][5]))
        assert result.ok and (result.entries, result.versions, result.batches, result.published) == (98, 3, 2, 93)
        assert written.head == result.head
        # Downgrading would drop the figures: refused, nothing changed.
        refused = pytest.raises(LedgerError, match="cannot downgrade below revision 0004: the ledger holds 93 published figure")
        with refused, write_transaction(ledger.engine, schema=True) as conn:
            downgrade(conn, "0003")
        assert ledger.revision == HEAD and ledger.verify().ok


def test_downgrade_to_revision_3_and_upgrade_again(ledger_target: str, contract) -> None:  # type: ignore[no-untyped-def]
    with Ledger.open(ledger_target) as ledger:
        ledger.publish(build_evaluation(contract, months("2017-09", "2017-09")), recorded_by="A")
        chained = _chain_rows(ledger.engine)
        with write_transaction(ledger.engine, schema=True) as conn:
            downgrade(conn, "0003")
        assert ledger.revision == "0003"
        with ledger.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT revision FROM ledger_revisions")).scalars().all() == ["0003"]
        assert _chain_rows(ledger.engine) == chained
        with pytest.raises(sa.exc.IntegrityError), ledger.engine.begin() as conn:  # revision 0003 knows no such entry
            conn.execute(sa.text("INSERT INTO chain (seq, entry, ref_id, manifest, prev_digest, digest) "
                                 "VALUES (99, 'published', 1, '[]', '', '')"))
    with Ledger.open(ledger_target) as ledger:
        assert ledger.revision == HEAD and ledger.verify().ok and _chain_rows(ledger.engine) == chained
        ledger.record_published(_example_published()[:2], recorded_by="A", contract=contract.name)
        assert ledger.verify().ok
