"""What an operator meets around the database and dead letters: one line for an unusable
DATABASE_URL, PostgreSQL out of the box, one migrator among processes started together, and the
`outbox` command."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.__main__ import main
from fakeslack import FakeSlack
from storage.database import current_revision, make_engine, open_database, upgrade
from storage.repository import Outgoing, Repository
from tests.conftest import POSTGRES_URL, _postgres_schema_url
from tests.e2e.procs import scheduler_env, start_scheduler, wait_until

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:1/nowhere",  # nothing listens there
        "nosuchdb://somewhere/db",  # no such backend
        "sqlite:////no/such/directory/debrief.db",  # a directory that isn't there
        "not a url at all",
    ],
)
def test_an_unusable_database_url_stops_the_start_in_one_line_naming_it(tmp_path: Path, url: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env |= {"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s", "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("debrief-bot: DATABASE_URL:"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.postgres
def test_a_plain_postgresql_url_works_out_of_the_box(monkeypatch: pytest.MonkeyPatch) -> None:
    for url in _postgres_schema_url():
        plain = "postgresql://" + url.split("://", 1)[1]  # what the README shows: no driver named
        monkeypatch.setenv("DATABASE_URL", plain)
        assert main(["db", "upgrade"]) == 0
        engine = make_engine(plain)
        assert current_revision(engine) is not None
        engine.dispose()


def test_the_outbox_command_lists_dead_letters_and_sends_one_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    repository = Repository(open_database(url))
    assert main(["outbox"]) == 0
    assert "no dead letters" in capsys.readouterr().out
    owed = Outgoing(key="notice:1", kind="notice", method="chat.postMessage", payload={"channel": "UGONE"})
    repository.outbox.enqueue(outgoing=[owed], now=T0)
    (item,) = repository.outbox.claim_outbox_items(
        outbox_ids=[d.id for d in repository.outbox.due_outbox(now=T0)], now=T0, lease=timedelta(minutes=1)
    ).values()
    repository.outbox.outbox_failed(outbox_id=item.id, error="user_disabled")

    assert main(["outbox"]) == 0
    listing = capsys.readouterr().out
    assert (
        f"{item.id}" in listing and "notice" in listing and "UGONE" in listing and "user_disabled" in listing
    )

    assert main(["outbox", "retry", str(item.id)]) == 0
    assert "notice:1" in capsys.readouterr().out
    assert [d.id for d in repository.outbox.due_outbox(now=datetime.now(UTC))] == [item.id]  # owed again, now
    assert main(["outbox", "retry", str(item.id)]) == 2  # no longer a dead letter
    assert "no dead letter" in capsys.readouterr().err
    repository.engine.dispose()


# -- one migrator ----------------------------------------------------------------------------------


@pytest.fixture
def fresh_postgres_database() -> Iterator[str]:
    """A whole new PostgreSQL database (not a schema), dropped after."""
    if not POSTGRES_URL:
        pytest.skip("needs TEST_POSTGRES_URL")
    name = f"debrief_fresh_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_sqlite_database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fresh.db'}"


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_three_processes_started_at_once_on_a_fresh_database_all_run_and_migrate_once(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = request.getfixturevalue(f"fresh_{backend}_database")
    with FakeSlack() as fake:
        env = scheduler_env(fake.api_url, url)
        processes = [start_scheduler(f"start{i}", env, tmp_path) for i in range(3)]
        try:
            wait_until(lambda: all(p.started() for p in processes), timeout=60, what="all three started")
            migrated = [p.name for p in processes if "migrating the database" in p.output()]
            assert len(migrated) == 1, "\n".join(p.tail() for p in processes)
            assert not any("Traceback" in p.output() for p in processes), "\n".join(
                p.tail() for p in processes
            )
        finally:
            for process in processes:
                process.stop()
    engine = make_engine(url)
    try:
        before = current_revision(engine)
        upgrade(engine)  # nothing left to do
        assert before is not None and current_revision(engine) == before
    finally:
        engine.dispose()
