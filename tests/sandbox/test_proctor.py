"""The proctor's pages under /giam-thi: their own login, the room at a glance, ending a candidate's session."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from mock_services.core import log
from mock_services.core.accounts import NewCandidate
from mock_services.core.db import Database
from mock_services.core.events import EventRecord
from tests.support.room import EXAM_START, FakeClock, SeededExam, csrf_from, seed_exam

WRONG = "sai-mat-khau"


def operator_login(browser: TestClient, password: str, username: str = "giamthi") -> httpx.Response:
    token = csrf_from(browser.get("/giam-thi/dang-nhap").text)
    return browser.post(
        "/giam-thi/dang-nhap", data={"ten_dang_nhap": username, "mat_khau": password, "csrf_token": token}
    )


def candidate_login(browser: TestClient, number: str, password: str) -> None:
    token = csrf_from(browser.get("/dang-nhap").text)
    response = browser.post("/dang-nhap", data={"so_bao_danh": number, "mat_khau": password, "csrf_token": token})
    assert response.status_code == 303


@pytest.fixture
def logged_in(proctor: TestClient, operator_password: str) -> TestClient:
    assert operator_login(proctor, operator_password).status_code == 303
    return proctor


def row_of(page: str, number: str) -> str:
    """The table row of one candidate on the room page."""
    match = re.search(rf'<tr data-sbd="{re.escape(number)}">(.*?)</tr>', page, re.DOTALL)
    assert match, f"no row for {number}"
    return match.group(1)


def status_in(row: str) -> str:
    match = re.search(r'<span class="badge[^"]*">([^<]*)</span>', row)
    assert match, "the row shows no status"
    return match.group(1)


def events_of(db: Database, verb: str) -> list[EventRecord]:
    with db.read() as conn:
        return [record for record in log.select_events(conn, 0, 10_000) if record.verb == verb]


# --- Login


def test_a_wrong_operator_password_is_refused_in_vietnamese_without_a_cookie(
    proctor: TestClient, operator_password: str
) -> None:
    response = operator_login(proctor, WRONG)
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
    assert "sh_giamthi" not in response.headers.get("set-cookie", "")
    assert "sh_giamthi" not in proctor.cookies
    assert proctor.get("/giam-thi/").status_code == 303


def test_an_unknown_operator_gets_the_same_answer(proctor: TestClient, operator_password: str) -> None:
    response = operator_login(proctor, operator_password, username="khongco")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
    assert "sh_giamthi" not in proctor.cookies


def test_the_right_password_sets_a_strict_cookie_scoped_to_the_proctor_pages(
    proctor: TestClient, operator_password: str
) -> None:
    response = operator_login(proctor, operator_password)
    assert response.status_code == 303
    assert response.headers["location"] == "/giam-thi/"
    (cookie,) = [c for c in response.headers.get_list("set-cookie") if c.startswith("sh_giamthi=")]
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    assert "path=/giam-thi" in attributes
    assert "httponly" in attributes
    assert "samesite=strict" in attributes
    assert proctor.get("/giam-thi/").status_code == 200


def test_five_wrong_passwords_lock_the_operator_until_the_window_passes(
    proctor: TestClient, operator_password: str, clock: FakeClock
) -> None:
    for _ in range(5):
        assert operator_login(proctor, WRONG).status_code == 401
    locked = operator_login(proctor, operator_password)
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần. Thử lại sau 5 phút." in locked.text
    assert "sh_giamthi" not in proctor.cookies
    clock.advance(minutes=4, seconds=59)
    assert operator_login(proctor, operator_password).status_code == 429
    clock.advance(seconds=2)
    assert operator_login(proctor, operator_password).status_code == 303


# --- The room


def test_the_room_page_lists_every_candidate_as_not_logged_in(logged_in: TestClient, room: SeededExam) -> None:
    page = logged_in.get("/giam-thi/")
    assert page.status_code == 200
    assert "Giám thị A" in page.text
    assert room.exam.name in page.text
    for candidate in room.candidates:
        row = row_of(page.text, candidate.so_bao_danh)
        assert candidate.ho_ten in row
        assert status_in(row) == "Chưa đăng nhập"
        assert "Kết thúc phiên" not in row


def test_a_logged_in_candidate_shows_as_online_with_their_address(
    logged_in: TestClient, seat: TestClient, room: SeededExam
) -> None:
    candidate_login(seat, "CT002", room.passwords["CT002"])
    page = logged_in.get("/giam-thi/").text
    online = row_of(page, "CT002")
    assert status_in(online) == "Đang đăng nhập"
    assert "<td>testclient</td>" in online
    assert "Kết thúc phiên" in online
    for number in ("CT001", "CT003"):
        assert status_in(row_of(page, number)) == "Chưa đăng nhập"


def test_the_room_api_gives_the_same_as_json_with_counts(
    logged_in: TestClient, seat: TestClient, room: SeededExam, clock: FakeClock
) -> None:
    candidate_login(seat, "CT001", room.passwords["CT001"])
    response = logged_in.get("/giam-thi/api/phong-thi")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["exam"] == {"id": room.exam.id, "name": room.exam.name, "phase": "not_started"}
    assert body["counts"] == {"online": 1, "never": 2, "ended": 0, "expired": 0}
    by_number = {entry["so_bao_danh"]: entry for entry in body["candidates"]}
    assert set(by_number) == {"CT001", "CT002", "CT003"}
    assert by_number["CT001"]["ho_ten"] == "Nguyễn Văn An"
    assert by_number["CT001"]["status"] == "online"
    assert by_number["CT001"]["client"] == "testclient"
    assert by_number["CT001"]["last_seen_at"] == "2026-11-24T00:30:00.000000Z"
    assert by_number["CT002"] == {
        "id": room.candidates[1].id,
        "so_bao_danh": "CT002",
        "ho_ten": "Trần Thị Bích Hòa",
        "status": "never",
        "client": None,
        "last_seen_at": None,
    }


def test_a_candidate_session_never_opens_proctor_pages(seat: TestClient, room: SeededExam) -> None:
    candidate_login(seat, "CT001", room.passwords["CT001"])
    assert seat.get("/bai-thi").status_code == 200
    page = seat.get("/giam-thi/")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/giam-thi/dang-nhap?ly_do=chua_dang_nhap")
    api = seat.get("/giam-thi/api/phong-thi")
    assert api.status_code == 401
    assert api.json()["error"] == "not_authenticated"
    # Nor does the candidate's token presented as an operator cookie.
    seat.cookies.set("sh_giamthi", seat.cookies["sh_session"])
    assert seat.get("/giam-thi/").status_code == 303
    assert seat.get("/giam-thi/api/phong-thi").status_code == 401


# --- Ending a candidate's session


def test_ending_a_candidate_session_logs_them_out_and_logs_why(
    logged_in: TestClient, seat: TestClient, room: SeededExam, sqlite_db: Database
) -> None:
    candidate_login(seat, "CT001", room.passwords["CT001"])
    target = room.candidates[0]
    token = csrf_from(logged_in.get("/giam-thi/").text)
    response = logged_in.post(f"/giam-thi/thi-sinh/{target.id}/ket-thuc-phien", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == f"/giam-thi/?ky_thi={room.exam.id}"

    kicked = seat.get("/bai-thi")
    assert kicked.status_code == 303
    assert kicked.headers["location"].startswith("/dang-nhap?ly_do=giam_thi")
    assert "Giám thị đã kết thúc phiên làm việc của bạn" in seat.get(kicked.headers["location"]).text

    (event,) = events_of(sqlite_db, "portal.logged_out")
    assert event.candidate_id == target.id
    assert event.actor == "proctor"
    assert event.data["reason"] == "proctor"
    assert event.data["after"]["end_reason"] == "proctor"
    assert status_in(row_of(logged_in.get("/giam-thi/").text, "CT001")) == "Đã đăng xuất"


def test_ending_a_session_without_the_csrf_token_is_refused_and_changes_nothing(
    logged_in: TestClient, seat: TestClient, room: SeededExam, sqlite_db: Database
) -> None:
    candidate_login(seat, "CT001", room.passwords["CT001"])
    target = room.candidates[0]
    with sqlite_db.read() as conn:
        before = log.head_seq(conn)
    missing = logged_in.post(f"/giam-thi/thi-sinh/{target.id}/ket-thuc-phien")
    forged = logged_in.post(f"/giam-thi/thi-sinh/{target.id}/ket-thuc-phien", data={"csrf_token": "x" * 43})
    for response in (missing, forged):
        assert response.status_code == 403
    assert seat.get("/bai-thi").status_code == 200
    with sqlite_db.read() as conn:
        assert log.head_seq(conn) == before
    assert events_of(sqlite_db, "portal.logged_out") == []


def test_the_candidate_csrf_token_does_not_end_sessions(
    logged_in: TestClient, seat: TestClient, room: SeededExam
) -> None:
    """A token is bound to its browser's cookie: the candidate's own token is no proctor's token."""
    candidate_login(seat, "CT001", room.passwords["CT001"])
    candidate_token = csrf_from(seat.get("/bai-thi").text)
    response = logged_in.post(
        f"/giam-thi/thi-sinh/{room.candidates[0].id}/ket-thuc-phien", data={"csrf_token": candidate_token}
    )
    assert response.status_code == 403
    assert seat.get("/bai-thi").status_code == 200


def test_ending_the_session_of_an_unknown_candidate_is_404(logged_in: TestClient, room: SeededExam) -> None:
    token = csrf_from(logged_in.get("/giam-thi/").text)
    unknown = max(candidate.id for candidate in room.candidates) + 100
    response = logged_in.post(f"/giam-thi/thi-sinh/{unknown}/ket-thuc-phien", data={"csrf_token": token})
    assert response.status_code == 404
    assert "Không có thí sinh này." in response.text


def test_ending_sessions_needs_an_operator_login(seat: TestClient, room: SeededExam) -> None:
    candidate_login(seat, "CT001", room.passwords["CT001"])
    token = csrf_from(seat.get("/bai-thi").text)
    response = seat.post(
        f"/giam-thi/thi-sinh/{room.candidates[0].id}/ket-thuc-phien",
        data={"csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    assert seat.get("/bai-thi").status_code == 200


# --- The operator's own session


def test_operator_logout_ends_the_session_for_good(logged_in: TestClient) -> None:
    token = logged_in.cookies["sh_giamthi"]
    csrf = csrf_from(logged_in.get("/giam-thi/").text)
    response = logged_in.post("/giam-thi/dang-xuat", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == "/giam-thi/dang-nhap?ly_do=da_dang_xuat"
    assert "sh_giamthi" not in logged_in.cookies
    assert "Bạn đã đăng xuất." in logged_in.get(response.headers["location"]).text

    logged_in.cookies.set("sh_giamthi", token)  # the old cookie, replayed
    replay = logged_in.get("/giam-thi/")
    assert replay.status_code == 303
    assert replay.headers["location"].startswith("/giam-thi/dang-nhap?ly_do=da_dang_xuat")
    assert logged_in.get("/giam-thi/api/phong-thi").status_code == 401


def test_an_idle_operator_session_expires(logged_in: TestClient, clock: FakeClock) -> None:
    clock.advance(minutes=59)
    assert logged_in.get("/giam-thi/").status_code == 200  # activity keeps it alive
    clock.advance(minutes=60)
    expired = logged_in.get("/giam-thi/")
    assert expired.status_code == 303
    assert expired.headers["location"].startswith("/giam-thi/dang-nhap?ly_do=het_han")
    assert "Phiên làm việc đã hết hạn" in logged_in.get(expired.headers["location"]).text
    assert logged_in.get("/giam-thi/api/phong-thi").status_code == 401


# --- Several exams


@pytest.fixture
def second_room(sqlite_db: Database, clock: FakeClock, room: SeededExam) -> SeededExam:
    """A later exam with people of its own (the room page shows the latest by default)."""
    people = [
        NewCandidate("KT101", "Phạm Thị Mai", "Chuyên viên", "Sở Nội vụ", "mai.pt@snv.egov.test"),
        NewCandidate("KT102", "Võ Minh Đức", "Chuyên viên", "Sở Tài chính", "duc.vm@stc.egov.test"),
    ]
    return seed_exam(
        sqlite_db,
        now=clock(),
        starts_at=EXAM_START + timedelta(days=1),
        people=people,
        name="Kỳ thi đợt hai",
    )


def test_the_exam_selector_shows_the_chosen_exam_only(
    logged_in: TestClient, room: SeededExam, second_room: SeededExam
) -> None:
    default = logged_in.get("/giam-thi/").text
    assert "<h1>Kỳ thi đợt hai</h1>" in default
    assert 'data-sbd="KT101"' in default
    assert 'data-sbd="CT001"' not in default
    assert f'<option value="{room.exam.id}">' in default

    first = logged_in.get(f"/giam-thi/?ky_thi={room.exam.id}")
    assert first.status_code == 200
    assert f"<h1>{room.exam.name}</h1>" in first.text
    assert re.findall(r'data-sbd="([^"]+)"', first.text) == ["CT001", "CT002", "CT003"]

    api = logged_in.get(f"/giam-thi/api/phong-thi?ky_thi={second_room.exam.id}").json()
    assert api["exam"]["id"] == second_room.exam.id
    assert [entry["so_bao_danh"] for entry in api["candidates"]] == ["KT101", "KT102"]


def test_an_unknown_exam_is_404(logged_in: TestClient, room: SeededExam, second_room: SeededExam) -> None:
    unknown = second_room.exam.id + 100
    page = logged_in.get(f"/giam-thi/?ky_thi={unknown}")
    assert page.status_code == 404
    assert "Không có kỳ thi này." in page.text
    api = logged_in.get(f"/giam-thi/api/phong-thi?ky_thi={unknown}")
    assert api.status_code == 404
    assert api.json()["error"] == "not_found"


def test_ids_too_large_for_the_database_are_a_clear_422(logged_in: TestClient, room: SeededExam) -> None:
    huge = "9" * 20
    assert logged_in.get(f"/giam-thi/?ky_thi={huge}").status_code == 422
    assert logged_in.get(f"/giam-thi/api/phong-thi?ky_thi={huge}").json()["error"] == "invalid_input"
    token = csrf_from(logged_in.get("/giam-thi/").text)
    response = logged_in.post(f"/giam-thi/thi-sinh/{huge}/ket-thuc-phien", data={"csrf_token": token})
    assert response.status_code == 422


def test_the_operator_who_ended_a_session_is_named_in_the_event(
    logged_in: TestClient, seat: TestClient, room: SeededExam, sqlite_db: Database
) -> None:
    candidate_login(seat, "CT002", room.passwords["CT002"])
    token = csrf_from(logged_in.get("/giam-thi/").text)
    logged_in.post(f"/giam-thi/thi-sinh/{room.candidates[1].id}/ket-thuc-phien", data={"csrf_token": token})
    (event,) = events_of(sqlite_db, "portal.logged_out")
    assert event.context["operator"] == "giamthi"
