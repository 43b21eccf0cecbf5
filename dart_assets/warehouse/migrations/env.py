"""Alembic environment: online migrations only, one transaction, version table in dart_ops."""

from alembic import context
from sqlalchemy import create_engine, pool, text

config = context.config


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None, "sqlalchemy.url is not set"
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        connection.execute(text("CREATE SCHEMA IF NOT EXISTS dart_ops"))
        # Serialise concurrent upgrades (several runs starting at once).
        connection.execute(text("SELECT pg_advisory_xact_lock(714031)"))
        context.configure(
            connection=connection,
            version_table_schema="dart_ops",
            transaction_per_migration=False,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
