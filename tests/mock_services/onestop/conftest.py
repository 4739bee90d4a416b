"""Fixtures of the one-stop page tests: the room app on a seeded exam, a candidate's logged-in browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mock_services.core.db import Database
from mock_services.core.settings import RoomSettings
from tests.support.room import FakeClock
from tests.support.webmail import Browser, Mailroom


@pytest.fixture
def desk_room(sqlite_db: Database, settings: RoomSettings, clock: FakeClock, tmp_path: Path) -> Mailroom:
    return Mailroom.open(sqlite_db, settings, clock, tmp_path / "fixtures")


@pytest.fixture
def me(client: TestClient, desk_room: Mailroom) -> Browser:
    """Nguyễn Văn An (CT001), logged in during the exam."""
    return desk_room.browser(client, "CT001")
