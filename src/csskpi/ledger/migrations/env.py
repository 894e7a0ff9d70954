"""Alembic's environment for the ledger's migrations: run on the connection the ledger hands over.

The ledger runs its migrations itself (:func:`csskpi.ledger.migrate.upgrade`), inside the transaction that holds
its write lock, so no ``alembic.ini`` is needed. Developers can still use the ``alembic`` command by giving a
configuration with ``script_location = csskpi.ledger:migrations`` and ``sqlalchemy.url``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
elif context.is_offline_mode():  # pragma: no cover - `alembic upgrade --sql`
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:  # pragma: no cover - the alembic command with sqlalchemy.url
    engine = engine_from_config(config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, transactional_ddl=True)
        with context.begin_transaction():
            context.run_migrations()
