"""The proctor's room for the tests of its pages: a seeded exam, an operator, the room app, and two
browsers on it (the proctor's and a candidate's)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from mock_services.core.db import Database
from mock_services.core.settings import RoomSettings
from sandbox import roster
from sandbox.room import create_room_app
from tests.support.room import FakeClock, SeededExam, seed_exam


@pytest.fixture
def room(sqlite_db: Database, clock: FakeClock) -> SeededExam:
    return seed_exam(sqlite_db, now=clock())


@pytest.fixture
def operator_password(sqlite_db: Database, clock: FakeClock) -> str:
    return roster.add_operator(sqlite_db, "giamthi", "Giám thị A", now=clock())


@pytest.fixture
def app(settings: RoomSettings, sqlite_db: Database, clock: FakeClock) -> FastAPI:
    return create_room_app(settings, db=sqlite_db, clock=clock)


@pytest.fixture
def proctor(app: FastAPI) -> Iterator[TestClient]:
    """The proctor's browser."""
    with TestClient(app, follow_redirects=False) as browser:
        yield browser


@pytest.fixture
def seat(app: FastAPI) -> Iterator[TestClient]:
    """A candidate's browser, on the same room server."""
    with TestClient(app, follow_redirects=False) as browser:
        yield browser
