"""Candidates' and operators' accounts: a new password ends whatever the old one opened."""

from __future__ import annotations

from starlette.testclient import TestClient

from mock_services.core import log
from mock_services.core.db import Database
from sandbox import roster
from tests.support.room import SECRET, FakeClock, SeededExam, csrf_from, seed_exam


def test_resetting_a_password_logs_out_whoever_holds_the_old_one(
    client: TestClient, sqlite_db: Database, clock: FakeClock
) -> None:
    room: SeededExam = seed_exam(sqlite_db, now=clock())
    token = csrf_from(client.get("/dang-nhap").text)
    client.post("/dang-nhap", data={"so_bao_danh": "CT001", "mat_khau": room.passwords["CT001"], "csrf_token": token})
    assert client.get("/bai-thi").status_code == 200
    new = roster.reset_password(sqlite_db, room.exam.id, " ct001 ", secret=SECRET, now=clock())
    assert new.password != room.passwords["CT001"]
    kicked = client.get("/bai-thi")
    assert kicked.headers["location"].startswith("/dang-nhap?ly_do=giam_thi")
    with sqlite_db.read() as conn:
        last = log.select_events(conn, 0, 1000, candidate_id=room.candidates[0].id)[-1]
    assert (last.verb, last.data["reason"], last.actor) == ("portal.logged_out", "proctor", "proctor")


def test_resetting_an_operator_password_ends_their_sessions(
    client: TestClient, sqlite_db: Database, clock: FakeClock
) -> None:
    password = roster.add_operator(sqlite_db, "giamthi", "Giám thị", now=clock())
    token = csrf_from(client.get("/giam-thi/dang-nhap").text)
    client.post("/giam-thi/dang-nhap", data={"ten_dang_nhap": "giamthi", "mat_khau": password, "csrf_token": token})
    assert client.get("/giam-thi/").status_code == 200
    clock.advance(minutes=1)
    roster.add_operator(sqlite_db, "giamthi", "Giám thị", now=clock(), reset=True)
    assert client.get("/giam-thi/").headers["location"].startswith("/giam-thi/dang-nhap")
