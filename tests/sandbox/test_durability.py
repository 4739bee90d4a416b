"""A `kill -9` of the room server loses no acknowledged write.

Clients log in over and over (each login is a write: a session row and a
`portal.login_succeeded` event in one transaction) while the server is killed with SIGKILL
at a random moment, several times. Every login whose 303 reached the client must be in the
database afterwards, the hash chains must verify and SQLite must pass its integrity check.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import select, text

from mock_services import catalog
from mock_services.core import log
from mock_services.core.clock import utcnow
from mock_services.core.db import Database
from mock_services.core.sessions import sessions
from mock_services.core.verify import verify_log
from tests.support.live import room_env, room_server
from tests.support.room import csrf_from, seed_exam

pytestmark = pytest.mark.live

ROUNDS = 3


def login_forever(base: str, number: str, password: str, acknowledged: list[str], stop: threading.Event) -> None:
    """Log in again and again until the server goes away; record every acknowledged session."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=5) as client:
        while not stop.is_set():
            try:
                client.cookies.clear()
                token = csrf_from(client.get("/dang-nhap").text)
                response = client.post(
                    "/dang-nhap", data={"so_bao_danh": number, "mat_khau": password, "csrf_token": token}
                )
            except (httpx.TransportError, AssertionError):
                return  # the server is gone (or died mid-page): this round is over
            if response.status_code == 303:
                session_token = response.cookies["sh_session"]
                acknowledged.append(hashlib.sha256(session_token.encode()).hexdigest()[:32])


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_kill_9_loses_no_acknowledged_write(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = "" if backend == "sqlite" else request.getfixturevalue("pg_cluster").create_database()
    env = room_env(tmp_path / "var", url)
    db = Database(url or f"sqlite:///{tmp_path / 'var' / 'sathach.db'}")
    catalog.prepare_schema(db)
    room = seed_exam(db, now=utcnow())
    acknowledged: list[str] = []
    rng = random.Random(20261124)

    for round_number in range(ROUNDS):
        server = room_server(tmp_path / "run", env).start()
        stop = threading.Event()
        clients = [
            threading.Thread(
                target=login_forever,
                args=(server.url(""), number, password, acknowledged, stop),
            )
            for number, password in room.passwords.items()
        ]
        before = len(acknowledged)
        for thread in clients:
            thread.start()
        time.sleep(rng.uniform(1.0, 2.0))
        server.kill9()
        stop.set()
        for thread in clients:
            thread.join(10)
        assert len(acknowledged) > before, f"round {round_number}: no login was acknowledged:\n{server.output()}"

    with db.read() as conn:
        stored = set(conn.execute(select(sessions.c.id)).scalars())
        logged = {r.object_id for r in log.select_events(conn, 0, 1_000_000) if r.verb == "portal.login_succeeded"}
        report = verify_log(conn)
        if db.is_sqlite:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    missing = [session for session in acknowledged if session not in stored or session not in logged]
    assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged logins were lost"
    assert report.ok, report.breaks
    print(f"{backend}: {ROUNDS} kills, {len(acknowledged)} acknowledged logins, 0 lost")
    db.dispose()
