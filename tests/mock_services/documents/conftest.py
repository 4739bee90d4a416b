"""Fixtures of the document service's tests: a seeded exam on a real SQLite database in tmp_path;
for the page tests, the room app with its setup operations and a candidate's logged-in browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mock_services.core.db import Database
from mock_services.core.settings import RoomSettings
from tests.mock_services.documents.office import Office
from tests.support.room import FakeClock
from tests.support.webmail import Browser, Mailroom


@pytest.fixture
def office(sqlite_db: Database, settings: RoomSettings) -> Office:
    return Office.open(sqlite_db, settings)


@pytest.fixture
def room(sqlite_db: Database, settings: RoomSettings, clock: FakeClock, tmp_path: Path) -> Mailroom:
    return Mailroom.open(sqlite_db, settings, clock, tmp_path / "fixtures")


@pytest.fixture
def me(client: TestClient, room: Mailroom) -> Browser:
    """Nguyễn Văn An (CT001), logged in during the exam."""
    return room.browser(client, "CT001")
