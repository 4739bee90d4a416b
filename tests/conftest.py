"""Fixtures shared by every tier: databases (SQLite and a throwaway PostgreSQL), a fake clock,
the in-process room app, and Playwright launching Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_services import catalog
from mock_services.core.db import Database
from mock_services.core.settings import RoomSettings
from sandbox.room import create_room_app
from tests.support.live import LiveServer, room_env, room_server
from tests.support.pgcluster import PgCluster
from tests.support.room import EXAM_START, SECRET, FakeClock

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    cluster = PgCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'room.db'}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database()


def _ready(url: str) -> Iterator[Database]:
    db = Database(url)
    catalog.prepare_schema(db)
    yield db
    db.dispose()


@pytest.fixture
def db(backend_url: str) -> Iterator[Database]:
    """A database with the current schema, on each backend in turn."""
    yield from _ready(backend_url)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    yield from _ready(f"sqlite:///{tmp_path / 'room.db'}")


@pytest.fixture
def clock() -> FakeClock:
    """Server time, starting half an hour before the test exam (08:00 on 24/11/2026)."""
    return FakeClock(EXAM_START - timedelta(minutes=30))


@pytest.fixture
def settings(tmp_path: Path) -> RoomSettings:
    return RoomSettings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'room.db'}",
        secret_key=SECRET.decode(),
    )


@pytest.fixture
def client(settings: RoomSettings, sqlite_db: Database, clock: FakeClock) -> Iterator[TestClient]:
    """The room app in-process (ASGI), on the test's database and clock."""
    app = create_room_app(settings, db=sqlite_db, clock=clock)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as test_client:
        yield test_client


@dataclass
class LiveRoom:
    """A room server in its own process, and the database it serves (for seeding and checking)."""

    db: Database
    server: LiveServer
    env: dict[str, str]

    def url(self, path: str = "/") -> str:
        return self.server.url(path)


@pytest.fixture
def live_room(tmp_path: Path) -> Iterator[LiveRoom]:
    """A real room server (uvicorn, subprocess, free port) on a fresh SQLite database."""
    env = room_env(tmp_path / "var")
    db = Database(f"sqlite:///{tmp_path / 'var' / 'sathach.db'}")
    catalog.prepare_schema(db)
    server = room_server(tmp_path / "run", env).start()
    yield LiveRoom(db, server, env)
    server.stop()
    db.dispose()


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium, never a downloaded browser."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium package")
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running in the main thread
    from its first page on, and tests that call ``asyncio.run`` must come before that."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
