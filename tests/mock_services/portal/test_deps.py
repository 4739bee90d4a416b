"""The guards every service action uses: the exam's time, and a session still open inside the write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from starlette.testclient import TestClient

from mock_services.core.db import Database
from mock_services.core.http_errors import LoginRequired
from mock_services.core.settings import RoomSettings
from mock_services.core.web import runtime
from mock_services.portal.deps import CandidateContext, current_candidate
from sandbox.room import create_room_app
from tests.support.room import EXAM_START, FakeClock, SeededExam, csrf_from, seed_exam

service = APIRouter(prefix="/thu")


@service.post("/gui")
def send(request: Request, ctx: CandidateContext = Depends(current_candidate)) -> PlainTextResponse:
    ctx.require_in_progress()
    with runtime(request).db.write() as conn:
        ctx.require_open_session(conn)
    return PlainTextResponse("Đã gửi")


@pytest.fixture
def seat(settings: RoomSettings, sqlite_db: Database, clock: FakeClock) -> TestClient:
    app = create_room_app(settings, db=sqlite_db, clock=clock)
    app.include_router(service)
    return TestClient(app, follow_redirects=False)


def logged_in(seat: TestClient, room: SeededExam) -> str:
    token = csrf_from(seat.get("/dang-nhap").text)
    seat.post("/dang-nhap", data={"so_bao_danh": "CT001", "mat_khau": room.passwords["CT001"], "csrf_token": token})
    return csrf_from(seat.get("/bai-thi").text)


@pytest.mark.parametrize(
    ("minutes", "status", "text"),
    [(-10, 403, "Chưa đến giờ làm bài"), (10, 200, "Đã gửi"), (61, 403, "Đã hết giờ làm bài")],
)
def test_actions_count_only_during_the_exam(
    seat: TestClient, sqlite_db: Database, clock: FakeClock, minutes: int, status: int, text: str
) -> None:
    room = seed_exam(sqlite_db, now=clock())
    token = logged_in(seat, room)
    target = EXAM_START + timedelta(minutes=minutes)
    while clock() + timedelta(minutes=20) < target:  # stay active, so the session does not idle out
        clock.advance(minutes=20)
        seat.get("/bai-thi")
    clock.now = target
    response = seat.post("/thu/gui", headers={"X-CSRF-Token": token})
    assert response.status_code == status
    assert text in response.text


def test_a_session_ended_meanwhile_stops_the_action_inside_its_transaction(
    seat: TestClient, sqlite_db: Database, clock: FakeClock
) -> None:
    """current_candidate saw an open session; by the time the action writes, a proctor ended it."""
    from mock_services.core.accounts import get_candidate
    from mock_services.core.events import Actor
    from mock_services.core.exams import get_exam
    from mock_services.core.sessions import EndReason, SessionKind, find_session
    from mock_services.portal.auth import end_all_sessions

    room = seed_exam(sqlite_db, now=clock())
    logged_in(seat, room)
    with sqlite_db.read() as conn:
        session = find_session(conn, seat.cookies["sh_session"], SessionKind.candidate)
        candidate = get_candidate(conn, room.candidates[0].id)
        exam = get_exam(conn, room.exam.id)
    assert session is not None
    assert candidate is not None
    ctx = CandidateContext(candidate=candidate, exam=exam, session=session, now=clock())
    with sqlite_db.write() as conn:
        end_all_sessions(conn, candidate, EndReason.proctor, now=clock(), actor=Actor.proctor, operator="giamthi")
    with pytest.raises(LoginRequired) as caught, sqlite_db.write() as conn:
        ctx.require_open_session(conn)
    assert caught.value.reason == "giam_thi"
