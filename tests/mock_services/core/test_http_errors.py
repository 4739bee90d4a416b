"""The contract of errors on the web: one JSON shape for programs, a Vietnamese page for people.

Whatever goes wrong, the client never sees a stack trace, an exception name or the text of
an internal error, and the room's security headers are on the answer too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from mock_services.core.db import Database
from mock_services.core.errors import STATUS_TITLES, WebError
from mock_services.core.middleware import CONTENT_SECURITY_POLICY
from mock_services.core.settings import RoomSettings
from sandbox import roster
from sandbox.room import create_room_app
from tests.support.room import FakeClock, csrf_from

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}

# Letters only Vietnamese uses: a message without any of them was not written in Vietnamese.
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
LEAKS = ("secret detail", "Traceback", "RuntimeError", "OperationalError", "SELECT ", 'File "')


def assert_json_error(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    """The one error shape of every API: exactly these keys, the status, a code, a Vietnamese sentence."""
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, object] = response.json()
    assert set(body) == {"ok", "status", "error", "message", "details"}
    assert body["ok"] is False
    assert body["status"] == status
    assert body["error"] == code
    assert isinstance(body["message"], str)
    assert VIETNAMESE_LETTERS.search(body["message"]), body["message"]
    assert isinstance(body["details"], list)
    for leak in LEAKS:
        assert leak not in response.text
    return body


def assert_error_page(response: httpx.Response, status: int) -> None:
    """A Vietnamese page for a browser: the title of the status, the status, no stack trace."""
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="vi">' in page
    assert f"<title>{STATUS_TITLES[status]} · Sát hạch</title>" in page
    assert f"<h1>{STATUS_TITLES[status]}</h1>" in page
    assert f"Lỗi {status}" in page
    for leak in LEAKS:
        assert leak not in page


def assert_security_headers(response: httpx.Response) -> None:
    expected = {
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "cache-control": "no-store",
    }
    assert {name: response.headers.get(name) for name in expected} == expected


@pytest.fixture
def failing_app(settings: RoomSettings, sqlite_db: Database, clock: FakeClock) -> FastAPI:
    """The room app with two extra routes that fail the way real code can fail."""
    app = create_room_app(settings, db=sqlite_db, clock=clock)

    def crash() -> None:
        raise RuntimeError("secret detail")

    def database_down() -> None:
        raise OperationalError("SELECT secret detail FROM candidates", {}, Exception("database is locked"))

    for path, endpoint in (("/loi", crash), ("/api/loi", crash), ("/ban", database_down), ("/api/ban", database_down)):
        app.add_api_route(path, endpoint, methods=["GET"])
    return app


@pytest.fixture
def failing(failing_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(failing_app, raise_server_exceptions=False, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def operator(client: TestClient, sqlite_db: Database, clock: FakeClock) -> TestClient:
    """``client``, logged in as a proctor."""
    password = roster.add_operator(sqlite_db, "giamthi", "Giám thị A", now=clock())
    token = csrf_from(client.get("/giam-thi/dang-nhap").text)
    response = client.post(
        "/giam-thi/dang-nhap", data={"ten_dang_nhap": "giamthi", "mat_khau": password, "csrf_token": token}
    )
    assert response.status_code == 303
    return client


# --- JSON


def test_an_unknown_api_path_is_a_json_404(client: TestClient) -> None:
    body = assert_json_error(client.get("/api/khong-co-trang-nay"), 404, "not_found")
    assert body["details"] == []


def test_an_api_path_answers_json_even_to_a_browser(client: TestClient) -> None:
    assert_json_error(client.get("/api/khong-co-trang-nay", headers=BROWSER), 404, "not_found")


def test_an_api_without_login_is_a_json_401(client: TestClient) -> None:
    assert_json_error(client.get("/api/thoi-gian"), 401, "not_authenticated")


def test_a_wrong_method_is_a_json_405_that_names_the_allowed_one(client: TestClient) -> None:
    response = client.get("/dang-xuat", headers=JSON)
    assert_json_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"


def test_a_post_without_csrf_token_is_a_json_403(client: TestClient) -> None:
    body = assert_json_error(client.post("/dang-xuat", headers=JSON), 403, "csrf_failed")
    assert "Biểu mẫu đã hết hiệu lực" in str(body["message"])


def test_invalid_input_is_a_json_422_that_names_the_field(operator: TestClient) -> None:
    body = assert_json_error(operator.get("/giam-thi/api/phong-thi?ky_thi=abc"), 422, "invalid_input")
    details = body["details"]
    assert isinstance(details, list)
    assert [detail["field"] for detail in details] == ["query.ky_thi"]
    assert all(detail["problem"] for detail in details)


def test_an_unexpected_error_is_a_generic_json_500(failing: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    body = assert_json_error(failing.get("/api/loi"), 500, "internal_error")
    assert body["details"] == []
    assert "secret detail" in caplog.text  # the server's log keeps what the client does not see


def test_a_database_failure_is_a_json_503(failing: TestClient) -> None:
    body = assert_json_error(failing.get("/api/ban"), 503, "unavailable")
    assert "chưa lưu được" in str(body["message"])


def test_a_program_asking_for_json_gets_json_outside_api_paths_too(failing: TestClient) -> None:
    assert_json_error(failing.get("/khong-co-trang-nay", headers=JSON), 404, "not_found")
    assert_json_error(failing.get("/loi", headers=JSON), 500, "internal_error")
    assert_json_error(failing.get("/ban", headers=JSON), 503, "unavailable")


def test_the_json_body_is_web_error_body() -> None:
    error = WebError(409, details=[{"field": "x", "problem": "stale"}])
    assert error.body() == {
        "ok": False,
        "status": 409,
        "error": "conflict",
        "message": "Dữ liệu đã được thay đổi ở nơi khác. Vui lòng tải lại trang.",
        "details": [{"field": "x", "problem": "stale"}],
    }
    assert WebError(404, "Không có thí sinh này.", code="no_candidate").body()["message"] == "Không có thí sinh này."


# --- HTML


def test_an_unknown_page_is_a_vietnamese_404_page(client: TestClient) -> None:
    response = client.get("/khong-co-trang-nay", headers=BROWSER)
    assert_error_page(response, 404)
    assert "Không tìm thấy trang" in response.text


def test_a_wrong_method_is_a_vietnamese_405_page(client: TestClient) -> None:
    assert_error_page(client.get("/dang-xuat", headers=BROWSER), 405)


def test_a_form_without_csrf_token_is_a_vietnamese_403_page(client: TestClient) -> None:
    response = client.post("/dang-xuat", headers=BROWSER)
    assert_error_page(response, 403)
    assert "Không có quyền truy cập" in response.text
    assert "Biểu mẫu đã hết hiệu lực" in response.text


def test_invalid_input_is_a_vietnamese_422_page(operator: TestClient) -> None:
    assert_error_page(operator.get("/giam-thi/?ky_thi=abc", headers=BROWSER), 422)


def test_an_unexpected_error_is_a_vietnamese_500_page(failing: TestClient) -> None:
    response = failing.get("/loi", headers=BROWSER)
    assert_error_page(response, 500)
    assert "Lỗi hệ thống" in response.text


def test_a_database_failure_is_a_vietnamese_503_page(failing: TestClient) -> None:
    assert_error_page(failing.get("/ban", headers=BROWSER), 503)


def test_a_page_without_login_sends_the_browser_to_the_login_page(client: TestClient) -> None:
    response = client.get("/bai-thi", headers=BROWSER)
    assert response.status_code == 303
    assert response.headers["location"] == "/dang-nhap?ly_do=chua_dang_nhap&tiep=%2Fbai-thi"


def test_a_proctor_page_without_login_sends_the_browser_to_the_proctor_login(client: TestClient) -> None:
    response = client.get("/giam-thi/", headers=BROWSER)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/giam-thi/dang-nhap?")
    assert "ly_do=chua_dang_nhap" in location


# --- Security headers


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/khong-co-trang-nay", BROWSER, 404),
        ("GET", "/api/khong-co-trang-nay", JSON, 404),
        ("GET", "/api/thoi-gian", JSON, 401),
        ("GET", "/bai-thi", BROWSER, 303),
        ("GET", "/dang-xuat", BROWSER, 405),
        ("POST", "/dang-xuat", BROWSER, 403),
        ("POST", "/dang-xuat", JSON, 403),
        ("GET", "/ban", BROWSER, 503),
        ("GET", "/api/ban", JSON, 503),
        ("GET", "/loi", BROWSER, 500),
        ("GET", "/api/loi", JSON, 500),
    ],
)
def test_error_responses_carry_the_security_headers(
    failing: TestClient, method: str, path: str, headers: dict[str, str], status: int
) -> None:
    response = failing.request(method, path, headers=headers)
    assert response.status_code == status
    assert_security_headers(response)


def test_a_database_held_locked_answers_busy_not_an_internal_error(
    settings: RoomSettings, tmp_path, clock: FakeClock
) -> None:
    """A real lock: another connection holds SQLite's write lock past the busy timeout."""
    import sqlite3

    from mock_services import catalog

    url = f"sqlite:///{tmp_path / 'locked.db'}"
    db = Database(url, busy_timeout=0.3)
    catalog.prepare_schema(db)
    app = create_room_app(settings, db=db, clock=clock)
    holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    with TestClient(app, follow_redirects=False) as client:
        token = csrf_from(client.get("/dang-nhap").text)
        holder.execute("BEGIN IMMEDIATE")
        try:
            page = client.post("/dang-nhap", data={"so_bao_danh": "CT001", "mat_khau": "x", "csrf_token": token})
            api = client.post(
                "/dang-nhap", data={"so_bao_danh": "CT001", "mat_khau": "x"}, headers={**JSON, "X-CSRF-Token": token}
            )
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    assert_error_page(page, 503)
    assert "Hệ thống đang bận" in page.text
    assert_json_error(api, 503, "unavailable")
    db.dispose()


@pytest.mark.parametrize("announced", [True, False])
def test_an_oversized_body_is_refused_while_it_is_read(client: TestClient, announced: bool) -> None:
    """413 before any form parser stores it, whether or not the client announced its length."""
    token = csrf_from(client.get("/dang-nhap").text)
    limit = 32 * 1024 * 1024 + 1024 * 1024
    body = b"so_bao_danh=" + b"A" * (limit + 10)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 1 << 20):
            yield body[start : start + (1 << 20)]

    response = client.post(
        "/dang-nhap",
        content=body if announced else chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": token, **BROWSER},
    )
    assert_error_page(response, 413)
    assert "vượt quá dung lượng cho phép" in response.text
