"""Two candidates in one exam, each with their own mailbox: no URL, form field or token of
candidate A's reaches anything of candidate B's. Every attempt is a 404 (or is ignored), B's
mailbox stays exactly as it was, and the refused attempt appends nothing to either chain.

Also: every mail page needs a login, and works only during the exam (server time)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from mock_services.mail import pages
from mock_services.mail.web import ACTIONS
from tests.support.room import EXAM_START, FakeClock, csrf_from
from tests.support.webmail import Browser, Mailroom, assert_clean, hidden, only

PDF = b"%PDF-1.4\n% Ho so mat cua B\n%%EOF\n"
B_SUBJECT = "Hồ sơ nhân sự mật của chị Hòa"
B_TEXT = "Nội dung chỉ chị Hòa được đọc: xeploai-2026"
B_LINK = "https://noibo.cantho.gov.vn/ho-so"
B_FOLDER = "Riêng của Hòa"
B_CONTACT = "Phạm Thị Kim Xuyến"


@pytest.fixture
def second_seat(client: TestClient) -> Iterator[TestClient]:
    """Another browser on the same room."""
    with TestClient(client.app, base_url="http://testserver", follow_redirects=False) as seat:
        yield seat


class Tenants:
    """A (Nguyễn Văn An, CT001) and B (Trần Thị Bích Hòa, CT002), each with mail of their own."""

    def __init__(self, mail: Mailroom, a: Browser, b: Browser) -> None:
        self.mail, self.a, self.b = mail, a, b
        mail.fixture("ho-so.pdf", PDF)
        self.a_message = mail.deliver(a.candidate, subject="Thư của An", text="Việc của An")
        self.a_folder = mail.create_folder(a.candidate, "Của An")
        self.b_message = mail.deliver(
            b.candidate,
            subject=B_SUBJECT,
            text=B_TEXT,
            html=f'<p>{B_TEXT} <a href="{B_LINK}">Hồ sơ</a></p>',
            attachments=["ho-so.pdf"],
            message_id="<mat-b@cantho.egov.test>",
        )
        self.b_folder = mail.create_folder(b.candidate, B_FOLDER)
        mail.add_contact(b.candidate, B_CONTACT, "xuyen.ptk@caikhe.egov.test", "Chuyên viên", "Phòng Nội vụ")
        saved = b.post("/thu/soan", {"kieu": "moi", "nut": "luu", "chu_de": "Nháp riêng của Hòa", "noi_dung": B_TEXT})
        self.b_draft = int(saved.headers["location"].split("nhap=")[1].split("&")[0])
        self.b_attachment = mail.message(b.candidate, self.b_message).attachments[0]
        self.before = {"a": mail.tenant(a.candidate), "b": mail.tenant(b.candidate)}
        self.chains = {"a": len(mail.events(a.candidate)), "b": len(mail.events(b.candidate))}
        self.head = mail.head()

    def ids(self) -> dict[str, int]:
        return {"b": self.b_message, "draft": self.b_draft, "folder": self.b_folder, "a": self.a_message}

    def assert_untouched(self, *, a_may_log: bool = False) -> None:
        """B's mailbox is as it was and nothing was logged for B (nor, unless allowed, for A)."""
        assert self.mail.tenant(self.b.candidate) == self.before["b"]
        assert len(self.mail.events(self.b.candidate)) == self.chains["b"]
        if not a_may_log:
            assert self.mail.tenant(self.a.candidate) == self.before["a"]
            assert self.mail.head() == self.head

    def assert_nothing_of_b(self, shown: httpx.Response | str) -> None:
        text = shown if isinstance(shown, str) else shown.text
        for secret in (B_SUBJECT, B_TEXT, B_FOLDER, B_CONTACT, "Nháp riêng của Hòa", "ho-so.pdf", "mat-b@"):
            assert secret not in text


@pytest.fixture
def tenants(client: TestClient, second_seat: TestClient, mail: Mailroom) -> Tenants:
    b = mail.browser(second_seat, "CT002")
    a = mail.browser(client, "CT001")
    return Tenants(mail, a, b)


# --- Pages naming B's things


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("/thu/doc/{b}", pages.NOT_FOUND),
        ("/thu/doc/{b}/thu-goc", pages.NOT_FOUND),
        ("/thu/doc/{b}/dinh-kem/0", pages.NOT_FOUND),
        ("/thu/doc/{b}/dinh-kem/0?tai=1", pages.NOT_FOUND),
        ("/thu/doc/{draft}", pages.NOT_FOUND),
        ("/thu/soan?kieu=tra-loi&goc={b}", pages.NOT_FOUND),
        ("/thu/soan?kieu=tra-loi-tat-ca&goc={b}", pages.NOT_FOUND),
        ("/thu/soan?kieu=chuyen-tiep&goc={b}", pages.NOT_FOUND),
        ("/thu/soan?nhap={draft}", pages.NOT_FOUND),
        ("/thu/thu-muc/{folder}", "Không tìm thấy thư mục này."),
    ],
    ids=lambda value: value if value.startswith("/") else "",
)
def test_a_page_naming_b_s_mail_is_a_404_for_a(tenants: Tenants, url: str, said: str) -> None:
    response = tenants.a.get(url.format(**tenants.ids()))
    assert response.status_code == 404
    assert said in response.text
    assert "content-disposition" not in response.headers
    tenants.assert_nothing_of_b(response)
    tenants.assert_untouched()


def test_b_s_pages_do_work_for_b(tenants: Tenants) -> None:
    """The control for the test above: the very same URLs open for their owner."""
    assert B_TEXT in tenants.b.get(f"/thu/doc/{tenants.b_message}").text
    assert tenants.b.get(f"/thu/doc/{tenants.b_message}/dinh-kem/0").content == PDF
    assert B_FOLDER in tenants.b.get(f"/thu/thu-muc/{tenants.b_folder}").text


def test_a_link_signed_for_b_is_a_404_for_a(tenants: Tenants, mail: Mailroom) -> None:
    secret = mail.settings.secret()
    b_signed = pages.tracked_link(secret, tenants.b.candidate.id, tenants.b_message, 1, B_LINK, "Hồ sơ")
    a_signed = pages.tracked_link(secret, tenants.a.candidate.id, tenants.b_message, 1, B_LINK, "Hồ sơ")

    for link, said in ((b_signed, "Liên kết không hợp lệ."), (a_signed, pages.NOT_FOUND)):
        response = tenants.a.get(link)
        assert response.status_code == 404
        assert said in response.text
        tenants.assert_nothing_of_b(response)
    tenants.assert_untouched()
    assert tenants.b.get(b_signed).status_code == 200  # B's own link works for B


# --- Forms naming B's things


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_no_toolbar_action_reaches_b_s_message(tenants: Tenants, action: str) -> None:
    response = tenants.a.post("/thu/thao-tac", {"thao_tac": action, "chon": tenants.b_message, "dich": "inbox"})
    assert response.status_code == 404
    assert pages.NOT_FOUND in response.text
    tenants.assert_untouched()


@pytest.mark.parametrize("action", ["xoa", "gan-co", "da-doc"])
def test_b_s_message_among_a_s_own_stops_the_whole_action(tenants: Tenants, action: str) -> None:
    response = tenants.a.post("/thu/thao-tac", {"thao_tac": action, "chon": [tenants.a_message, tenants.b_message]})
    assert response.status_code == 404
    tenants.assert_untouched()  # A's own message was not changed either


def test_a_cannot_report_b_s_message(tenants: Tenants) -> None:
    response = tenants.a.post(f"/thu/doc/{tenants.b_message}/bao-cao-gia-mao", {"ghi_chu": "giả mạo"})
    assert response.status_code == 404
    tenants.assert_untouched()


@pytest.mark.parametrize("url", ["/thu/thu-muc/{folder}/doi-ten", "/thu/thu-muc/{folder}/xoa"])
def test_a_cannot_rename_or_delete_b_s_folder(tenants: Tenants, url: str) -> None:
    response = tenants.a.post(url.format(**tenants.ids()), {"ten": "Của An rồi"})
    assert response.status_code == 404
    assert "Không tìm thấy thư mục này." in response.text
    tenants.assert_untouched()


def test_a_cannot_move_a_message_into_b_s_folder(tenants: Tenants) -> None:
    response = tenants.a.post(
        "/thu/thao-tac", {"thao_tac": "chuyen", "chon": tenants.a_message, "dich": f"user:{tenants.b_folder}"}
    )
    assert response.status_code == 303
    assert "tb=Th%C6%B0+m%E1%BB%A5c+n%C3%A0y+kh%C3%B4ng+t%E1%BB%93n+t%E1%BA%A1i." in response.headers["location"]
    tenants.assert_untouched()


def test_a_cannot_name_b_s_folder_in_a_search_either(tenants: Tenants) -> None:
    page = tenants.a.get(f"/thu/tim-kiem?q=h&thu_muc=user:{tenants.b_folder}")
    assert "Kết quả: 0 thư" in page.text
    tenants.assert_nothing_of_b(page.text.split("Kết quả: ", 1)[1])
    tenants.assert_untouched(a_may_log=True)


@pytest.mark.parametrize(
    "fields",
    [
        {"kieu": "tra-loi", "goc": "{b}"},
        {"kieu": "tra-loi-tat-ca", "goc": "{b}"},
        {"kieu": "chuyen-tiep", "goc": "{b}"},
        {"kieu": "moi", "nhap": "{draft}"},
        {"kieu": "moi", "nhap": "{draft}", "nut": "luu"},
        {"kieu": "tra-loi", "goc": "{b}", "nut": "luu"},
    ],
    ids=["reply", "reply-all", "forward", "send-draft", "save-draft", "save-reply-draft"],
)
def test_a_compose_form_naming_b_s_message_or_draft_is_refused(tenants: Tenants, fields: dict[str, str]) -> None:
    values = {key: value.format(**tenants.ids()) for key, value in fields.items()}
    response = tenants.a.post("/thu/soan", {"nut": "gui", "den": "hoa@caikhe.egov.test", "chu_de": "x", **values})
    assert response.status_code in (404, 422)
    tenants.assert_nothing_of_b(response)
    tenants.assert_untouched()


def test_a_cannot_discard_b_s_draft(tenants: Tenants) -> None:
    response = tenants.a.post(f"/thu/soan/huy-nhap/{tenants.b_draft}")
    assert response.status_code == 404
    tenants.assert_untouched()


def b_token_forged(tenants: Tenants) -> str:
    a = tenants.b_attachment
    payload = f'["{a["name"]}","{a["sha256"]}",{a["size"]},"{a["content_type"]}"]'.encode()
    return base64.urlsafe_b64encode(payload).decode() + ".AAAAAAAAAAAAAAAAAAAAAAAA"


@pytest.mark.parametrize("kind", ["signed for B", "forged"])
def test_an_attachment_token_not_signed_for_a_is_ignored(tenants: Tenants, mail: Mailroom, kind: str) -> None:
    token = (
        pages.attachment_token(mail.settings.secret(), tenants.b.candidate.id, tenants.b_attachment)
        if kind == "signed for B"
        else b_token_forged(tenants)
    )
    mark = mail.mark()

    response = tenants.a.post(
        "/thu/soan", {"kieu": "moi", "nut": "gui", "den": "viet.lq@tanan.egov.test", "chu_de": "Lấy tệp", "giu": token}
    )

    assert response.status_code == 303
    sent = only(mail.since(mark, tenants.a.candidate), "mail.message_sent")
    assert sent.data["after"]["attachments"] == []
    assert mail.message(tenants.a.candidate, int(sent.object_id)).attachments == []
    tenants.assert_untouched(a_may_log=True)


def test_a_token_shown_again_to_a_carries_nothing_of_b_s(tenants: Tenants, mail: Mailroom) -> None:
    """A form shown again after a bad address carries only the tokens it was given that hold."""
    token = pages.attachment_token(mail.settings.secret(), tenants.b.candidate.id, tenants.b_attachment)
    page = tenants.a.post("/thu/soan", {"kieu": "moi", "den": "khong hop le", "giu": token})
    assert page.status_code == 422
    assert hidden(page.text, "giu") == []
    tenants.assert_nothing_of_b(page)
    tenants.assert_untouched()


# --- Lists, search and the directory never show B's


def test_a_s_folders_and_sidebar_show_nothing_of_b(tenants: Tenants) -> None:
    for url in ("/thu/hop-thu-den", "/thu/thu-nhap", "/thu/thu-muc", "/thu/da-gui", "/thu/tuy-chon"):
        tenants.assert_nothing_of_b(tenants.a.get(url))
    tenants.assert_untouched()


@pytest.mark.parametrize(
    "query",
    [
        "q=h%E1%BB%93+s%C6%A1",
        "q=xeploai-2026",
        "noi_dung=xeploai",
        "co_dinh_kem=true",
        "q=ho-so.pdf",
        "thu_muc=drafts&q=n",
    ],
)
def test_search_never_returns_b_s_mail(tenants: Tenants, mail: Mailroom, query: str) -> None:
    mark = mail.mark()
    page = tenants.a.get(f"/thu/tim-kiem?{query}")
    results = page.text.split("Kết quả: ", 1)[1]  # the form above echoes the query
    assert results.startswith("0 thư")
    assert "Không tìm thấy thư nào phù hợp." in results
    assert f'value="{tenants.b_message}"' not in page.text
    tenants.assert_nothing_of_b(results)
    assert only(mail.since(mark), "mail.searched").data["results"] == 0
    tenants.assert_untouched(a_may_log=True)


@pytest.mark.parametrize("query", ["xuyen", "kim xuyến", "xuyen.ptk", "hoa", "tran thi bich"])
def test_autocomplete_and_the_directory_never_return_b_s_contacts_or_b(tenants: Tenants, query: str) -> None:
    suggestions = tenants.a.get(f"/thu/danh-ba/goi-y?q={quote(query)}")
    assert suggestions.json() == {"ok": True, "contacts": []}
    directory = tenants.a.get(f"/thu/danh-ba?q={quote(query)}")
    assert "Không tìm thấy địa chỉ nào." in directory.text
    tenants.assert_nothing_of_b(directory)
    assert B_CONTACT not in tenants.a.get("/thu/danh-ba").text
    tenants.assert_untouched()


def test_emptying_a_s_trash_leaves_b_s_alone(tenants: Tenants) -> None:
    tenants.b.post("/thu/thao-tac", {"thao_tac": "xoa", "chon": tenants.b_message})
    tenants.before["b"] = tenants.mail.tenant(tenants.b.candidate)
    tenants.chains["b"] = len(tenants.mail.events(tenants.b.candidate))
    tenants.head = tenants.mail.head()

    response = tenants.a.post("/thu/thung-rac/xoa-sach")

    assert "tb=Th%C3%B9ng+r%C3%A1c+%C4%91ang+tr%E1%BB%91ng." in response.headers["location"]
    tenants.assert_untouched()


# --- Login, and the exam's time


MAIL_PAGES = [
    "/thu/hop-thu-den",
    "/thu/da-gui",
    "/thu/thu-nhap",
    "/thu/thu-rac",
    "/thu/thung-rac",
    "/thu/thu-muc/{folder}",
    "/thu/doc/{message}",
    "/thu/doc/{message}/thu-goc",
    "/thu/doc/{message}/dinh-kem/0",
    "/thu/doc/{message}/lien-ket?n=1&u=x&t=x&s=x",
    "/thu/tim-kiem?q=x",
    "/thu/soan",
    "/thu/soan?kieu=tra-loi&goc={message}",
    "/thu/danh-ba",
    "/thu/danh-ba/goi-y?q=an",
    "/thu/thu-muc",
    "/thu/tuy-chon",
]
MAIL_FORMS: list[tuple[str, dict[str, Any]]] = [
    ("/thu/thao-tac", {"thao_tac": "gan-co", "chon": "{message}"}),
    ("/thu/doc/{message}/bao-cao-gia-mao", {}),
    ("/thu/thung-rac/xoa-sach", {}),
    ("/thu/soan", {"den": "hoa@caikhe.egov.test", "chu_de": "x"}),
    ("/thu/soan/huy-nhap/{message}", {}),
    ("/thu/thu-muc", {"ten": "Mới"}),
    ("/thu/thu-muc/{folder}/doi-ten", {"ten": "Tên mới"}),
    ("/thu/thu-muc/{folder}/xoa", {}),
    ("/thu/tuy-chon/chu-ky", {"chu_ky": "An"}),
    ("/thu/tuy-chon/ra-khoi-van-phong", {"bat": "true", "noi_dung": "Vắng"}),
]


@pytest.fixture
def own_mail(mail: Mailroom) -> dict[str, int]:
    an = mail.candidate("CT001")
    mail.fixture("ho-so.pdf", PDF)
    return {
        "message": mail.deliver(an, subject="Thư của An", attachments=["ho-so.pdf"]),
        "folder": mail.create_folder(an, "Của An"),
    }


@pytest.mark.parametrize("url", MAIL_PAGES)
def test_every_mail_page_needs_a_login_and_comes_back_after_it(
    client: TestClient, own_mail: dict[str, int], url: str
) -> None:
    path = url.format(**own_mail)
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == (
        "/dang-nhap?ly_do=chua_dang_nhap&tiep=" + quote(path.split("?")[0], safe="")
    )


@pytest.mark.parametrize(("url", "fields"), MAIL_FORMS)
def test_every_mail_form_needs_a_login(
    client: TestClient, mail: Mailroom, own_mail: dict[str, int], url: str, fields: dict[str, Any]
) -> None:
    token = csrf_from(client.get("/dang-nhap").text)  # a browser that has not logged in
    before = mail.head()
    data = {key: value.format(**own_mail) for key, value in fields.items()}
    response = client.post(url.format(**own_mail), data={"csrf_token": token, **data})
    assert response.status_code == 303
    assert response.headers["location"] == "/dang-nhap?ly_do=chua_dang_nhap"
    assert mail.head() == before


@pytest.fixture(params=["before the start", "after the end"])
def outside_the_exam(
    request: pytest.FixtureRequest, client: TestClient, mail: Mailroom, clock: FakeClock
) -> tuple[Browser, str]:
    """An logged in, and the room's clock outside the exam; the sentence the pages must say."""
    an = mail.candidate("CT001")
    if request.param == "before the start":
        clock.now = EXAM_START - timedelta(minutes=20)
        browser = Browser(client, an, mail.room.passwords["CT001"]).login()
        clock.now = EXAM_START - timedelta(seconds=1)
        return browser, "Chưa đến giờ làm bài: vui lòng đợi hiệu lệnh bắt đầu."
    clock.now = EXAM_START + timedelta(minutes=50)
    browser = Browser(client, an, mail.room.passwords["CT001"]).login()
    clock.now = EXAM_START + timedelta(minutes=60)  # the exam lasts 60 minutes: this is its end
    return browser, "Đã hết giờ làm bài: thao tác này không được ghi nhận."


def assert_refused_in_time(response: httpx.Response, said: str) -> None:
    assert_clean(response)
    assert response.status_code == 403
    assert said in response.text
    assert "Không có quyền truy cập" in response.text
    assert "content-disposition" not in response.headers


@pytest.mark.parametrize("url", MAIL_PAGES)
def test_outside_the_exam_every_mail_page_answers_403_in_vietnamese(
    outside_the_exam: tuple[Browser, str], mail: Mailroom, own_mail: dict[str, int], url: str
) -> None:
    browser, said = outside_the_exam
    before = mail.head()
    assert_refused_in_time(browser.client.get(url.format(**own_mail)), said)
    assert mail.head() == before


@pytest.mark.parametrize(("url", "fields"), MAIL_FORMS)
def test_outside_the_exam_every_mail_form_answers_403_and_changes_nothing(
    outside_the_exam: tuple[Browser, str], mail: Mailroom, own_mail: dict[str, int], url: str, fields: dict[str, Any]
) -> None:
    browser, said = outside_the_exam
    an = mail.candidate("CT001")
    before, tenant = mail.head(), mail.tenant(an)
    data = {key: value.format(**own_mail) for key, value in fields.items()}
    response = browser.client.post(url.format(**own_mail), data={"csrf_token": browser.csrf, **data})
    assert_refused_in_time(response, said)
    assert mail.head() == before
    assert mail.tenant(an) == tenant
