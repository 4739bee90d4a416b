"""The candidate's portal, in-process through the ASGI app: login, the exam page, logout, sessions."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from decimal import Decimal

import httpx2 as httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from mock_services.core import log
from mock_services.core.db import Database
from mock_services.core.events import EventRecord
from mock_services.core.sessions import sessions
from sandbox.room import create_room_app
from tests.support.room import EXAM_START, FakeClock, SeededExam, csrf_from, seed_exam


@pytest.fixture
def room(sqlite_db: Database, clock: FakeClock) -> SeededExam:
    return seed_exam(sqlite_db, now=clock())


def login(client: TestClient, number: str, password: str, **extra: str) -> httpx.Response:
    """Log in from this browser (a logged-in browser is first sent on by the login page)."""
    if "sh_session" in client.cookies:
        client.cookies.delete("sh_session")
    token = csrf_from(client.get("/dang-nhap").text)
    return client.post("/dang-nhap", data={"so_bao_danh": number, "mat_khau": password, "csrf_token": token, **extra})


def events_of(db: Database, verb: str) -> list[EventRecord]:
    with db.read() as conn:
        return [r for r in log.select_events(conn, 0, 10_000) if r.verb == verb]


def head(db: Database) -> int:
    with db.read() as conn:
        return log.head_seq(conn)


def test_the_login_page_is_vietnamese_and_gives_the_browser_a_csrf_binding(client: TestClient) -> None:
    page = client.get("/dang-nhap")
    assert page.status_code == 200
    assert "Đăng nhập phòng thi" in page.text
    assert 'lang="vi"' in page.text
    assert "sh_anon" in page.cookies
    assert csrf_from(page.text)
    assert page.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_a_right_password_opens_a_session_and_logs_it(
    client: TestClient, room: SeededExam, sqlite_db: Database
) -> None:
    response = login(client, "ct001", room.passwords["CT001"])  # số báo danh is not case-sensitive
    assert response.status_code == 303
    assert response.headers["location"] == "/bai-thi"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("sh_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    token = client.cookies["sh_session"]

    (event,) = events_of(sqlite_db, "portal.login_succeeded")
    assert event.candidate_id == room.candidates[0].id
    assert event.object_id == hashlib.sha256(token.encode()).hexdigest()[:32]
    assert event.actor == "candidate"
    assert event.data["after"]["kind"] == "candidate"
    assert event.context["session_id"] == event.object_id

    page = client.get("/bai-thi")
    assert page.status_code == 200
    assert "Nguyễn Văn An" in page.text
    assert "Hội thi ứng dụng CNTT năm 2026" in page.text


def test_a_wrong_password_is_refused_in_vietnamese_and_logged(
    client: TestClient, room: SeededExam, sqlite_db: Database
) -> None:
    response = login(client, "CT001", "sai-mat-khau")
    assert response.status_code == 401
    assert "Số báo danh hoặc mật khẩu không đúng." in response.text
    assert 'value="CT001"' in response.text  # the number is kept, the password is not
    assert "sh_session" not in client.cookies
    (event,) = events_of(sqlite_db, "portal.login_failed")
    assert event.data == {"reason": "wrong_password", "client": "testclient"}
    assert event.candidate_id == room.candidates[0].id


def test_an_unknown_number_gets_the_same_answer_and_touches_no_chain(
    client: TestClient, room: SeededExam, sqlite_db: Database
) -> None:
    before = head(sqlite_db)
    response = login(client, "KHONGCO", "abcd-efgh")
    assert response.status_code == 401
    assert "Số báo danh hoặc mật khẩu không đúng." in response.text
    assert head(sqlite_db) == before


def test_empty_fields_are_named(client: TestClient, room: SeededExam) -> None:
    response = login(client, "  ", "")
    assert response.status_code == 422
    assert "Vui lòng nhập cả số báo danh và mật khẩu." in response.text


def test_too_many_wrong_passwords_lock_the_account_for_a_while(
    client: TestClient, room: SeededExam, clock: FakeClock, sqlite_db: Database
) -> None:
    for _ in range(5):
        assert login(client, "CT002", "sai-mat-khau").status_code == 401
    locked = login(client, "CT002", room.passwords["CT002"])
    assert locked.status_code == 429
    assert "Vui lòng thử lại sau 5 phút" in locked.text
    assert [e.data["reason"] for e in events_of(sqlite_db, "portal.login_failed")][-1] == "locked"
    assert login(client, "CT001", room.passwords["CT001"]).status_code == 303  # others are not locked
    clock.advance(minutes=5, seconds=1)
    assert login(client, "CT002", room.passwords["CT002"]).status_code == 303


def test_logging_in_again_elsewhere_ends_the_older_session(
    settings, sqlite_db: Database, clock: FakeClock, room: SeededExam
) -> None:
    app = create_room_app(settings, db=sqlite_db, clock=clock)
    with (
        TestClient(app, follow_redirects=False) as first_seat,
        TestClient(app, follow_redirects=False) as second_seat,
    ):
        login(first_seat, "CT001", room.passwords["CT001"])
        login(second_seat, "CT001", room.passwords["CT001"])
        assert first_seat.cookies["sh_session"] != second_seat.cookies["sh_session"]
        kicked = first_seat.get("/bai-thi")
        assert kicked.status_code == 303
        assert kicked.headers["location"].startswith("/dang-nhap?ly_do=may_khac")
        notice = first_seat.get(kicked.headers["location"])
        assert "vừa được đăng nhập trên máy khác" in notice.text
        assert second_seat.get("/bai-thi").status_code == 200
    (ended,) = events_of(sqlite_db, "portal.logged_out")
    assert ended.data["reason"] == "replaced"
    assert ended.actor == "system"


def test_logout_really_ends_the_session(client: TestClient, room: SeededExam, sqlite_db: Database) -> None:
    login(client, "CT003", room.passwords["CT003"])
    token = client.cookies["sh_session"]
    page = client.get("/bai-thi")
    response = client.post("/dang-xuat", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    assert response.headers["location"] == "/dang-nhap?ly_do=da_dang_xuat"
    assert "sh_session" not in client.cookies
    # The old token, replayed, opens nothing.
    client.cookies.set("sh_session", token)
    replay = client.get("/bai-thi")
    assert replay.status_code == 303
    assert "ly_do=da_dang_xuat" in replay.headers["location"]
    (event,) = events_of(sqlite_db, "portal.logged_out")
    assert event.data["reason"] == "logout"
    assert event.actor == "candidate"


def test_an_idle_session_expires_and_says_so(
    client: TestClient, room: SeededExam, clock: FakeClock, sqlite_db: Database
) -> None:
    login(client, "CT001", room.passwords["CT001"])
    clock.advance(minutes=59)
    assert client.get("/bai-thi").status_code == 200  # activity keeps it alive
    clock.advance(minutes=60)
    expired = client.get("/bai-thi")
    assert expired.status_code == 303
    assert expired.headers["location"].startswith("/dang-nhap?ly_do=het_han")
    assert "Phiên làm việc đã hết hạn" in client.get(expired.headers["location"]).text
    (event,) = events_of(sqlite_db, "portal.session_expired")
    assert event.data["reason"] == "idle"
    assert event.actor == "system"
    assert client.get("/bai-thi").status_code == 303


def test_a_session_ends_after_its_maximum_age_even_when_active(
    client: TestClient, room: SeededExam, clock: FakeClock, sqlite_db: Database
) -> None:
    login(client, "CT001", room.passwords["CT001"])
    for _ in range(14):  # 14 x 55 minutes: active all along, and past 12 hours
        clock.advance(minutes=55)
        client.get("/bai-thi")
    (event,) = events_of(sqlite_db, "portal.session_expired")
    assert event.data["reason"] == "max_age"


def test_a_form_without_its_csrf_token_changes_nothing(
    client: TestClient, room: SeededExam, sqlite_db: Database
) -> None:
    client.get("/dang-nhap")
    before = head(sqlite_db)
    missing = client.post("/dang-nhap", data={"so_bao_danh": "CT001", "mat_khau": room.passwords["CT001"]})
    forged = client.post(
        "/dang-nhap", data={"so_bao_danh": "CT001", "mat_khau": room.passwords["CT001"], "csrf_token": "x" * 43}
    )
    for response in (missing, forged):
        assert response.status_code == 403
        assert "Biểu mẫu đã hết hiệu lực" in response.text
        assert "Traceback" not in response.text
    assert "sh_session" not in client.cookies
    assert head(sqlite_db) == before
    with sqlite_db.read() as conn:
        assert conn.execute(select(sessions)).first() is None


def test_a_token_from_another_browser_is_refused(settings, sqlite_db: Database, clock: FakeClock, room) -> None:
    app = create_room_app(settings, db=sqlite_db, clock=clock)
    with TestClient(app, follow_redirects=False) as attacker, TestClient(app, follow_redirects=False) as victim:
        stolen = csrf_from(attacker.get("/dang-nhap").text)
        victim.get("/dang-nhap")
        response = victim.post(
            "/dang-nhap", data={"so_bao_danh": "CT001", "mat_khau": room.passwords["CT001"], "csrf_token": stolen}
        )
        assert response.status_code == 403


def test_the_logout_form_needs_the_token_bound_to_the_session(client: TestClient, room: SeededExam) -> None:
    pre_login_token = csrf_from(client.get("/dang-nhap").text)
    login(client, "CT001", room.passwords["CT001"])
    assert client.post("/dang-xuat", data={"csrf_token": pre_login_token}).status_code == 403
    assert client.get("/bai-thi").status_code == 200
    token = csrf_from(client.get("/bai-thi").text)
    assert client.post("/dang-xuat", headers={"X-CSRF-Token": token}).status_code == 303


def test_before_the_start_the_tasks_stay_hidden(client: TestClient, room: SeededExam) -> None:
    login(client, "CT001", room.passwords["CT001"])
    page = client.get("/bai-thi")
    assert "Bài thi bắt đầu sau" in page.text
    assert 'data-seconds="1800.0"' in page.text
    assert "gồm <strong>2 câu</strong>, tổng <strong>7,5 điểm</strong>" in page.text
    assert "Hướng dẫn câu 1" not in page.text
    paper = client.get("/api/bai-thi").json()
    assert paper["tasks"] == []
    assert paper["task_count"] == 2
    assert paper["total_points"] == "7.50"


def test_during_the_exam_the_page_shows_every_task_and_the_time_left(
    client: TestClient, room: SeededExam, clock: FakeClock
) -> None:
    login(client, "CT002", room.passwords["CT002"])
    clock.now = EXAM_START + timedelta(minutes=10)
    page = client.get("/bai-thi")
    assert "Thời gian còn lại" in page.text
    assert 'data-seconds="3000.0"' in page.text
    assert re.search(r"Câu 1\. Câu thử số 1", page.text)
    assert "Hướng dẫn câu 2 cho Trần Thị Bích Hòa." in page.text
    assert "2,5 điểm" in page.text
    assert "5 điểm" in page.text
    assert "Phần mềm: Thư điện tử công vụ" in page.text
    assert '<script src="/static/countdown.js" defer></script>' in page.text
    clock_json = client.get("/api/thoi-gian").json()
    assert clock_json["phase"] == "in_progress"
    assert clock_json["seconds_left"] == 3000
    assert clock_json["now"] == "2026-11-24T01:10:00.000000Z"


def test_after_the_end_the_page_says_time_is_up(client: TestClient, room: SeededExam, clock: FakeClock) -> None:
    login(client, "CT003", room.passwords["CT003"])
    clock.now = EXAM_START + timedelta(minutes=20)
    client.get("/bai-thi")
    clock.now = EXAM_START + timedelta(minutes=60)
    page = client.get("/bai-thi")
    assert "Đã hết giờ làm bài" in page.text
    assert "data-countdown " not in page.text
    assert client.get("/api/thoi-gian").json()["phase"] == "ended"


def test_pages_need_a_login_and_come_back_after_it(client: TestClient, room: SeededExam) -> None:
    response = client.get("/bai-thi")
    assert response.status_code == 303
    assert response.headers["location"] == "/dang-nhap?ly_do=chua_dang_nhap&tiep=%2Fbai-thi"
    assert client.get("/").headers["location"] == "/bai-thi"
    api = client.get("/api/thoi-gian")
    assert api.status_code == 401
    assert api.json()["error"] == "not_authenticated"


def test_the_next_page_after_login_never_leaves_the_room(client: TestClient, room: SeededExam) -> None:
    for target in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        response = login(client, "CT001", room.passwords["CT001"], tiep=target)
        assert response.headers["location"] == "/bai-thi"
    assert login(client, "CT001", room.passwords["CT001"], tiep="/api/bai-thi").headers["location"] == "/api/bai-thi"


def test_sessions_rebuilt_from_the_log_equal_the_sessions_table(
    client: TestClient, room: SeededExam, clock: FakeClock, sqlite_db: Database, settings
) -> None:
    """DESIGN §2: the last `after` of each object in the log is its state in the tables."""
    login(client, "CT001", room.passwords["CT001"])
    login(client, "CT002", room.passwords["CT002"])
    client.post("/dang-xuat", data={"csrf_token": csrf_from(client.get("/bai-thi").text)})
    login(client, "CT003", room.passwords["CT003"])
    clock.advance(hours=2)
    client.get("/bai-thi")
    rebuilt: dict[str, dict[str, object]] = {}
    with sqlite_db.read() as conn:
        for record in log.select_events(conn, 0, 10_000):
            if record.object_kind == "session":
                rebuilt[record.object_id] = record.data["after"]
        rows = conn.execute(select(sessions)).mappings().all()
    from mock_services.core.sessions import LoginSession

    live = {row["id"]: LoginSession.from_row(row).state() for row in rows}
    assert rebuilt == live
    assert len(live) == 3


def test_a_service_mounted_in_the_room_shares_the_one_login_and_its_navigation(
    settings, sqlite_db: Database, clock: FakeClock, room: SeededExam, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What every service issue relies on: its router uses `current_candidate`, its entry shows in the nav."""
    from fastapi import APIRouter, Depends
    from fastapi.responses import PlainTextResponse

    import sandbox.room
    from mock_services.core.services import ServiceEntry
    from mock_services.portal.deps import CandidateContext, current_candidate

    mail = APIRouter(prefix="/thu")

    @mail.get("/")
    def inbox(ctx: CandidateContext = Depends(current_candidate)) -> PlainTextResponse:
        return PlainTextResponse(f"Hộp thư đến của {ctx.candidate.ho_ten}")

    entry = ServiceEntry("mail", "Thư điện tử công vụ", "/thu/", "Hộp thư công vụ của bạn")
    monkeypatch.setattr(sandbox.room, "SERVICES", (entry,))
    app = create_room_app(settings, db=sqlite_db, clock=clock)
    app.include_router(mail)
    with TestClient(app, follow_redirects=False) as browser:
        assert browser.get("/thu/").headers["location"] == "/dang-nhap?ly_do=chua_dang_nhap&tiep=%2Fthu%2F"
        login(browser, "CT002", room.passwords["CT002"], tiep="/thu/")
        assert browser.get("/thu/").text == "Hộp thư đến của Trần Thị Bích Hòa"
        nav = browser.get("/bai-thi").text
        assert '<a href="/thu/" class="nav-link">Thư điện tử công vụ</a>' in nav


def test_papers_rebuilt_from_the_log_equal_the_assignments_table(room: SeededExam, sqlite_db: Database) -> None:
    """The last `after` of every (candidate, task) is that task as it stands on the candidate's paper."""
    from mock_services.core.exams import assignments_for

    with sqlite_db.read() as conn:
        rebuilt = {
            (r.candidate_id, r.object_id): r.data["after"]
            for r in log.select_events(conn, 0, 10_000)
            if r.object_kind == "task"
        }
        live = {
            (candidate.id, task.task_id): task.state()
            for candidate in room.candidates
            for task in assignments_for(conn, candidate.id)
        }
    for state in live.values():
        state["points"] = str(Decimal(state["points"]).normalize())
    for state in rebuilt.values():
        state["points"] = str(Decimal(state["points"]).normalize())
    assert rebuilt == live
    assert len(live) == 6
