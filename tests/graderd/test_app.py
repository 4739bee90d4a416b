"""graderd's health endpoint: up, reading the log, and saying so when the database is gone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from graderd.app import create_grader_app
from mock_services.core.db import Database
from mock_services.core.migrations import SchemaError
from tests.support.live import graderd_server, room_env
from tests.support.room import EXAM_START, seed_exam

TOKEN = "grader-token-for-the-tests-0123456789"


def test_health_reports_the_log_head(sqlite_db: Database) -> None:
    seed_exam(sqlite_db, now=EXAM_START - timedelta(hours=1))
    with TestClient(create_grader_app(sqlite_db, bank=[], token=TOKEN)) as client:
        body = client.get("/health").json()
    assert body["ok"] is True
    assert body["service"] == "graderd"
    assert body["database"] == "ok"
    assert body["log_head_seq"] == 6  # 3 candidates x 2 assigned tasks


def test_health_says_503_when_the_database_goes_away(tmp_path: Path, sqlite_db: Database) -> None:
    app = create_grader_app(sqlite_db, bank=[], token=TOKEN)
    sqlite_db.dispose()
    for name in ("room.db", "room.db-wal", "room.db-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    (tmp_path / "room.db").mkdir()  # not a database any more
    with TestClient(app) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_graderd_refuses_a_database_without_the_schema(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="init-db"):
        create_grader_app(Database(f"sqlite:///{tmp_path / 'empty.db'}"), bank=[], token=TOKEN)


@pytest.mark.live
def test_graderd_serves_health_on_a_free_port(tmp_path: Path, sqlite_db: Database) -> None:
    env = room_env(tmp_path / "var", sqlite_db.url.render_as_string(hide_password=False))
    server = graderd_server(tmp_path / "run", env).start()
    try:
        assert httpx.get(server.url("/health")).json()["ok"] is True
    finally:
        assert server.stop() == 0, server.output()
