"""Fixtures of the document service's tests: a seeded exam on a real SQLite database in tmp_path."""

from __future__ import annotations

import pytest

from mock_services.core.db import Database
from mock_services.core.settings import RoomSettings
from tests.mock_services.documents.office import Office


@pytest.fixture
def office(sqlite_db: Database, settings: RoomSettings) -> Office:
    return Office.open(sqlite_db, settings)
