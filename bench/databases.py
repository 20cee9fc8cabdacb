"""Fresh databases for each measurement: a SQLite file, or a PostgreSQL schema dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from storage.database import make_engine

SQLITE, POSTGRES = "sqlite", "postgres"


def postgres_version(url: str) -> tuple[str | None, str | None]:
    """(server version, None) when PostgreSQL answers, else (None, why not)."""
    engine = make_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            version = str(connection.execute(text("SHOW server_version")).scalar_one())
        return version, None
    except Exception as exc:
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    finally:
        engine.dispose()


@contextmanager
def fresh(kind: str, *, workdir: Path, postgres_url: str, name: str) -> Iterator[str]:
    """A URL for an empty database of `kind`; a PostgreSQL schema is dropped on the way out."""
    if kind == SQLITE:
        yield f"sqlite:///{workdir / name}.db"
        return
    schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(postgres_url, connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in postgres_url else "?"
        try:
            yield f"{postgres_url}{separator}options=-csearch_path%3D{schema}"
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


def analyze(engine: Engine) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load (autovacuum would, a little later)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
