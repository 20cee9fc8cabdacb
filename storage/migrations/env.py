"""Alembic environment: the engine comes from storage.database, never from an ini file."""

from alembic import context
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config


def run(connection):  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if config.attributes.get("connection") is not None:  # the caller's (it holds the migration lock)
    run(config.attributes["connection"])
else:
    with config.attributes["engine"].begin() as connection:
        run(connection)
