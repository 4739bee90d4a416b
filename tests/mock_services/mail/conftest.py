"""Fixtures of the webmail tests: the room's mail seen through its own setup operations, and a
candidate logged in during the exam."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mock_services.core.db import Database
from mock_services.core.settings import RoomSettings
from tests.support.room import FakeClock
from tests.support.webmail import Browser, Mailroom


@pytest.fixture
def mail(sqlite_db: Database, settings: RoomSettings, clock: FakeClock, tmp_path: Path) -> Mailroom:
    return Mailroom.open(sqlite_db, settings, clock, tmp_path / "fixtures")


@pytest.fixture
def me(client: TestClient, mail: Mailroom) -> Browser:
    """Nguyễn Văn An (CT001), logged in, ten minutes into the exam."""
    return mail.browser(client, "CT001")
