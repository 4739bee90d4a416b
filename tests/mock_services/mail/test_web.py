"""The webmail in-process: folders, reading, the toolbar's actions, search, tracked links,
attachments and sanitised HTML. Every action is checked against the event it appended (verb,
actor, data, and an ``after`` equal to the row as it now stands)."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest

from mock_services.mail import pages
from mock_services.mail.mailbox import SECURITY_UNIT
from mock_services.mail.web import ACTIONS
from tests.support.webmail import (
    IN_EXAM,
    SENDER_ADDRESS,
    Browser,
    Mailroom,
    message_events,
    only,
)

PDF = b"%PDF-1.4\n% Ke hoach cong tac\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PAGE_HTML = b"<html><body><script>alert('tep dinh kem')</script>Bieu mau</body></html>"


def follow(browser: Browser, response: httpx.Response) -> httpx.Response:
    assert response.status_code == 303, response.text[:500]
    return browser.get(response.headers["location"])


def notice_of(response: httpx.Response) -> str:
    """The Vietnamese notice a redirect carries to the next page (?tb=…)."""
    return parse_qs(urlsplit(response.headers["location"]).query)["tb"][0]


# --- Folders


def test_the_mail_home_opens_the_inbox(me: Browser) -> None:
    response = me.client.get("/thu")
    assert response.status_code == 303
    assert response.headers["location"] == "/thu/hop-thu-den"


def test_the_inbox_lists_delivered_mail_newest_first_under_zimbra_s_vietnamese_folder_names(
    me: Browser, mail: Mailroom
) -> None:
    older = mail.deliver(me.candidate, subject="Kế hoạch công tác tháng 12", date=IN_EXAM - timedelta(days=2))
    newer = mail.deliver(
        me.candidate, sender="Văn phòng UBND <vanphong@cantho.egov.test>", subject="Lịch họp giao ban tuần 48"
    )
    before = mail.head()

    page = me.get("/thu/hop-thu-den")

    assert page.status_code == 200
    for name in ("Hộp thư đến", "Thư đã gửi", "Thư nháp", "Thư rác", "Thùng rác", "Soạn thư", "Tìm Thư"):
        assert name in page.text
    assert "<h1>Hộp thư đến</h1>" in page.text
    assert "1–2 trong 2 thư" in page.text
    assert page.text.index("Lịch họp giao ban tuần 48") < page.text.index("Kế hoạch công tác tháng 12")
    assert f'<a href="/thu/doc/{newer}">' in page.text
    assert f'<a href="/thu/doc/{older}">' in page.text
    assert "Văn phòng UBND" in page.text
    unread = r'data-folder="inbox">\s*<span class="mail-folder-name">Hộp thư đến</span>\s*<span class="mail-unread"'
    assert re.search(unread + r' title="Thư chưa đọc">2</span>', page.text)
    assert mail.head() == before  # looking at a list logs nothing


@pytest.mark.parametrize(
    ("slug", "name"),
    [("da-gui", "Thư đã gửi"), ("thu-nhap", "Thư nháp"), ("thu-rac", "Thư rác"), ("thung-rac", "Thùng rác")],
)
def test_every_system_folder_has_its_own_page(me: Browser, slug: str, name: str) -> None:
    page = me.get(f"/thu/{slug}")
    assert page.status_code == 200
    assert f"<h1>{name}</h1>" in page.text
    assert "Thư mục này không có thư nào." in page.text


def test_an_unknown_mail_page_is_a_vietnamese_404(me: Browser) -> None:
    page = me.get("/thu/khong-co-trang-nay")
    assert page.status_code == 404
    assert "Không có trang này trong hộp thư." in page.text


def test_a_long_folder_is_shown_25_messages_a_page(me: Browser, mail: Mailroom) -> None:
    for number in range(27):
        mail.deliver(me.candidate, subject=f"Báo cáo số {number:02d}", date=IN_EXAM - timedelta(minutes=number))

    first = me.get("/thu/hop-thu-den")
    second = me.get("/thu/hop-thu-den?trang=2")
    beyond = me.get("/thu/hop-thu-den?trang=99")

    assert "1–25 trong 27 thư" in first.text
    assert "Trang 1/2" in first.text
    assert "Trang sau ›" in first.text
    assert first.text.count('name="chon"') == 25
    assert "Báo cáo số 00" in first.text
    assert "Báo cáo số 26" not in first.text
    assert "26–27 trong 27 thư" in second.text
    assert second.text.count('name="chon"') == 2
    assert "‹ Trang trước" in second.text
    assert "Báo cáo số 26" in second.text
    assert "26–27 trong 27 thư" in beyond.text  # past the end: the last page


def test_a_user_folder_lists_the_messages_moved_into_it(me: Browser, mail: Mailroom) -> None:
    folder = mail.create_folder(me.candidate, "Dự án chuyển đổi số")
    message = mail.deliver(me.candidate, subject="Đề án chuyển đổi số 2026")
    me.post("/thu/thao-tac", {"thao_tac": "chuyen", "chon": message, "dich": f"user:{folder}"})

    page = me.get(f"/thu/thu-muc/{folder}")

    assert "<h1>Dự án chuyển đổi số</h1>" in page.text
    assert "Đề án chuyển đổi số 2026" in page.text
    assert "Đề án chuyển đổi số 2026" not in me.get("/thu/hop-thu-den").text
    assert me.get("/thu/thu-muc/987654").status_code == 404


# --- Reading


def test_opening_a_message_shows_it_marks_it_read_and_logs_it(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(
        me.candidate,
        subject="Về việc rà soát hồ sơ cán bộ",
        text="Kính gửi anh An,\nĐề nghị rà soát hồ sơ trước ngày 30/11.",
        cc=["hoa@caikhe.egov.test"],
    )
    mark = mail.mark()

    page = me.get(f"/thu/doc/{message}")

    assert page.status_code == 200
    for text in ("Về việc rà soát hồ sơ cán bộ", "Sở Nội vụ thành phố", SENDER_ADDRESS, "hoa@caikhe.egov.test"):
        assert text in page.text
    assert "Đề nghị rà soát hồ sơ trước ngày 30/11." in page.text
    for action in ("Trả lời", "Trả lời tất cả", "Chuyển tiếp", "Hiển thị thư gốc", "Gắn cờ", "Xóa", "Thư rác"):
        assert action in page.text
    assert "Báo cáo thư giả mạo" in page.text
    assert "‹ Hộp thư đến" in page.text
    assert 'class="mail-unread"' not in page.text  # the sidebar's count went with it
    event = only(mail.since(mark), "mail.message_opened")
    assert event.actor == "candidate"
    assert event.candidate_id == me.candidate.id
    assert event.object_kind == "message"
    assert event.object_id == str(message)
    assert event.context == {"session_id": me.session_id, "client": "testclient"}
    assert event.data["after"]["seen"] is True
    assert event.data["after"]["folder_name"] == "Hộp thư đến"
    assert event.data["after"] == mail.live_state(message)
    assert mail.message(me.candidate, message).seen


def test_reading_a_message_again_logs_each_opening(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(me.candidate, subject="Thông báo nghỉ lễ")
    mark = mail.mark()
    me.get(f"/thu/doc/{message}")
    me.get(f"/thu/doc/{message}")
    opened = message_events(mail.since(mark), "mail.message_opened")
    assert len(opened) == 2
    assert opened[-1].data["after"] == mail.live_state(message)


def test_a_message_that_does_not_exist_is_a_vietnamese_404_and_logs_nothing(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    page = me.get("/thu/doc/424242")
    assert page.status_code == 404
    assert pages.NOT_FOUND in page.text
    assert mail.since(mark) == []


TOO_LARGE = "99999999999999999999"  # a valid integer in the URL, beyond any database's integer


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("GET", f"/thu/doc/{TOO_LARGE}", {}),
        ("GET", f"/thu/doc/{TOO_LARGE}/thu-goc", {}),
        ("GET", f"/thu/thu-muc/{TOO_LARGE}", {}),
        ("GET", f"/thu/soan?kieu=tra-loi&goc={TOO_LARGE}", {}),
        ("POST", "/thu/thao-tac", {"thao_tac": "gan-co", "chon": TOO_LARGE}),
        ("POST", f"/thu/thu-muc/{TOO_LARGE}/xoa", {}),
    ],
    ids=["doc", "thu-goc", "thu-muc", "soan", "thao-tac", "xoa-thu-muc"],
)
def test_an_id_too_large_for_the_database_is_a_404_never_a_500(
    me: Browser, mail: Mailroom, method: str, url: str, data: dict[str, str]
) -> None:
    mark = mail.mark()
    with me.as_the_candidate_sees_it() as seen:
        if method == "GET":
            response = seen.client.get(url)
        else:
            response = seen.client.post(url, data={"csrf_token": me.csrf, **data})
    assert response.status_code == 404
    assert mail.since(mark) == []


def test_the_original_is_shown_as_it_arrived_escaped(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(
        me.candidate,
        subject="Thư gốc có mã",
        text="Nội dung",
        html="<p>Xin chào<script>alert('goc')</script></p>",
        message_id="<ke-hoach-2026@cantho.egov.test>",
    )
    mark = mail.mark()

    page = me.get(f"/thu/doc/{message}/thu-goc")

    assert page.status_code == 200
    assert "Thư gốc: Thư gốc có mã" in page.text
    assert "Message-ID: &lt;ke-hoach-2026@cantho.egov.test&gt;" in page.text
    assert "From: Sở Nội vụ thành phố &lt;noivu@cantho.egov.test&gt;" in page.text
    assert "&lt;script&gt;alert(&#39;goc&#39;)&lt;/script&gt;" in page.text  # shown as text, escaped
    assert "<script>alert" not in page.text
    assert mail.since(mark) == []


# --- The toolbar's actions


@pytest.mark.parametrize(
    ("action", "verb", "data", "row"),
    [
        ("da-doc", "mail.flags_changed", {"flag": "seen", "value": True}, {"seen": True}),
        ("gan-co", "mail.flags_changed", {"flag": "flagged", "value": True}, {"flagged": True}),
        ("thu-rac", "mail.marked_junk", {"junk": True}, {"folder": "junk", "folder_name": "Thư rác"}),
        (
            "xoa",
            "mail.message_deleted",
            {"from_folder": "Hộp thư đến", "permanent": False},
            {"folder": "trash", "folder_name": "Thùng rác", "purged": False},
        ),
    ],
)
def test_a_toolbar_action_changes_the_message_logs_it_and_says_so_in_vietnamese(
    me: Browser, mail: Mailroom, action: str, verb: str, data: dict[str, object], row: dict[str, object]
) -> None:
    message = mail.deliver(me.candidate, subject="Công văn số 1234/UBND-VP")
    mark = mail.mark()

    response = me.post("/thu/thao-tac", {"thao_tac": action, "chon": message, "quay_lai": "/thu/hop-thu-den"})

    assert response.status_code == 303
    assert response.headers["location"].startswith("/thu/hop-thu-den?tb=")
    assert notice_of(response) == ACTIONS[action]
    assert ACTIONS[action] in follow(me, response).text
    (event,) = mail.since(mark)
    assert event.verb == verb
    assert event.actor == "candidate"
    assert event.object_id == str(message)
    assert {key: event.data[key] for key in data} == data
    after = event.data["after"]
    assert after == mail.live_state(message)
    assert {key: after[key] for key in row} == row


@pytest.mark.parametrize(("undo", "flag", "field"), [("chua-doc", "seen", "seen"), ("bo-co", "flagged", "flagged")])
def test_a_flag_can_be_taken_back(me: Browser, mail: Mailroom, undo: str, flag: str, field: str) -> None:
    message = mail.deliver(me.candidate, subject="Thư đã đọc và gắn cờ", seen=True)
    me.post("/thu/thao-tac", {"thao_tac": "gan-co", "chon": message})
    mark = mail.mark()

    me.post("/thu/thao-tac", {"thao_tac": undo, "chon": message})

    event = only(mail.since(mark), "mail.flags_changed")
    assert event.data["flag"] == flag
    assert event.data["value"] is False
    assert event.data["after"][field] is False
    assert event.data["after"] == mail.live_state(message)


def test_not_junk_brings_a_message_back_to_the_inbox(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(me.candidate, subject="Thông báo quan trọng", folder="junk")
    assert "Thông báo quan trọng" in me.get("/thu/thu-rac").text
    assert "Không phải thư rác" in me.get("/thu/thu-rac").text
    mark = mail.mark()

    response = me.post("/thu/thao-tac", {"thao_tac": "khong-phai-rac", "chon": message, "quay_lai": "/thu/thu-rac"})

    assert notice_of(response) == "Đã chuyển về Hộp thư đến."
    event = only(mail.since(mark), "mail.marked_junk")
    assert event.data["junk"] is False
    assert event.data["after"]["folder"] == "inbox"
    assert event.data["after"] == mail.live_state(message)


def test_several_ticked_messages_get_one_event_each(me: Browser, mail: Mailroom) -> None:
    first = mail.deliver(me.candidate, subject="Thư một")
    second = mail.deliver(me.candidate, subject="Thư hai")
    mark = mail.mark()

    me.post("/thu/thao-tac", {"thao_tac": "gan-co", "chon": [first, second, first]})

    flagged = message_events(mail.since(mark), "mail.flags_changed")
    assert sorted(int(e.object_id) for e in flagged) == [first, second]
    for event in flagged:
        assert event.data["after"] == mail.live_state(int(event.object_id))
        assert event.data["after"]["flagged"] is True


def test_moving_to_a_folder_of_one_s_own_logs_both_folder_names(me: Browser, mail: Mailroom) -> None:
    folder = mail.create_folder(me.candidate, "Hồ sơ thi đua")
    message = mail.deliver(me.candidate, subject="Danh sách khen thưởng")
    mark = mail.mark()

    response = me.post(
        "/thu/thao-tac",
        {"thao_tac": "chuyen", "chon": message, "dich": f"user:{folder}", "quay_lai": f"/thu/doc/{message}"},
    )

    assert response.headers["location"].startswith("/thu/hop-thu-den?")  # the message left the page read
    assert notice_of(response) == "Đã chuyển thư."
    event = only(mail.since(mark), "mail.message_moved")
    assert event.data["from_folder"] == "Hộp thư đến"
    assert event.data["to_folder"] == "Hồ sơ thi đua"
    assert event.data["after"]["folder"] == "user"
    assert event.data["after"]["folder_id"] == folder
    assert event.data["after"] == mail.live_state(message)


@pytest.mark.parametrize(
    ("target", "said"),
    [
        ("", "Vui lòng chọn thư mục cần chuyển tới."),
        ("drafts", "Không thể chuyển thư vào hoặc ra khỏi Thư nháp."),
        ("user:987654", "Thư mục này không tồn tại."),
        ("thu-muc-la", "Vui lòng chọn thư mục cần chuyển tới."),
    ],
)
def test_a_move_to_nowhere_is_refused_in_vietnamese_and_changes_nothing(
    me: Browser, mail: Mailroom, target: str, said: str
) -> None:
    message = mail.deliver(me.candidate, subject="Thư cần sắp xếp")
    before = mail.message(me.candidate, message)
    mark = mail.mark()

    response = me.post("/thu/thao-tac", {"thao_tac": "chuyen", "chon": message, "dich": target})

    assert notice_of(response) == said
    assert said in follow(me, response).text
    assert mail.since(mark) == []
    assert mail.message(me.candidate, message) == before


def test_deleting_restoring_and_deleting_for_good(me: Browser, mail: Mailroom) -> None:
    folder = mail.create_folder(me.candidate, "Lưu trữ")
    message = mail.deliver(me.candidate, subject="Thư sẽ bị xóa")
    me.post("/thu/thao-tac", {"thao_tac": "chuyen", "chon": message, "dich": f"user:{folder}"})
    me.post("/thu/thao-tac", {"thao_tac": "xoa", "chon": message})
    trash = me.get("/thu/thung-rac")
    assert "Thư sẽ bị xóa" in trash.text
    assert "Khôi phục" in trash.text
    assert "Xóa sạch Thùng rác" in trash.text
    mark = mail.mark()

    restored = me.post("/thu/thao-tac", {"thao_tac": "khoi-phuc", "chon": message, "quay_lai": "/thu/thung-rac"})

    assert notice_of(restored) == "Đã khôi phục."
    moved = only(mail.since(mark), "mail.message_moved")
    assert (moved.data["from_folder"], moved.data["to_folder"]) == ("Thùng rác", "Lưu trữ")  # back where it was
    assert moved.data["after"] == mail.live_state(message)

    me.post("/thu/thao-tac", {"thao_tac": "xoa", "chon": message})
    mark = mail.mark()
    me.post("/thu/thao-tac", {"thao_tac": "xoa", "chon": message, "quay_lai": "/thu/thung-rac"})

    gone = only(mail.since(mark), "mail.message_deleted")
    assert gone.data["permanent"] is True
    assert gone.data["from_folder"] == "Thùng rác"
    assert gone.data["after"]["purged"] is True
    assert gone.data["after"] == mail.live_state(message)
    assert me.get(f"/thu/doc/{message}").status_code == 404


def test_restoring_a_message_outside_the_trash_is_refused(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(me.candidate, subject="Thư trong hộp thư đến")
    mark = mail.mark()
    response = me.post("/thu/thao-tac", {"thao_tac": "khoi-phuc", "chon": message})
    assert notice_of(response) == "Chỉ khôi phục được thư trong Thùng rác."
    assert mail.since(mark) == []


def test_emptying_the_trash_purges_every_message_in_it(me: Browser, mail: Mailroom) -> None:
    kept = mail.deliver(me.candidate, subject="Thư giữ lại")
    doomed = [mail.deliver(me.candidate, subject=f"Thư rác cũ {n}") for n in range(2)]
    me.post("/thu/thao-tac", {"thao_tac": "xoa", "chon": doomed})
    mark = mail.mark()

    response = me.post("/thu/thung-rac/xoa-sach")

    assert response.headers["location"].startswith("/thu/thung-rac?")
    assert notice_of(response) == "Đã xóa sạch Thùng rác (2 thư)."
    deleted = message_events(mail.since(mark), "mail.message_deleted")
    assert sorted(int(e.object_id) for e in deleted) == doomed
    for event in deleted:
        assert event.data["permanent"] is True
        assert event.data["after"] == mail.live_state(int(event.object_id))
        assert mail.row(int(event.object_id)).purged
    assert not mail.row(kept).purged
    assert notice_of(me.post("/thu/thung-rac/xoa-sach")) == "Thùng rác đang trống."


def test_an_action_with_nothing_ticked_asks_for_a_message(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    response = me.post("/thu/thao-tac", {"thao_tac": "xoa"})
    assert notice_of(response) == "Vui lòng chọn ít nhất một thư."
    assert mail.since(mark) == []


def test_an_unknown_action_is_a_vietnamese_400(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(me.candidate, subject="Thư")
    mark = mail.mark()
    response = me.post("/thu/thao-tac", {"thao_tac": "xoa-het", "chon": message})
    assert response.status_code == 400
    assert "Thao tác không hợp lệ." in response.text
    assert mail.since(mark) == []


@pytest.mark.parametrize("back", ["https://evil.example/thu/", "//evil.example/thu/", "/bai-thi", "javascript:x"])
def test_the_page_to_go_back_to_never_leaves_the_webmail(me: Browser, mail: Mailroom, back: str) -> None:
    message = mail.deliver(me.candidate, subject="Thư")
    response = me.post("/thu/thao-tac", {"thao_tac": "gan-co", "chon": message, "quay_lai": back})
    assert response.headers["location"].startswith("/thu/hop-thu-den?tb=")


def test_reporting_phishing_moves_the_message_to_junk_and_logs_the_report(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(
        me.candidate,
        sender="Bộ phận CNTT <hotro-matkhau@cantho-egov.com>",
        subject="Tài khoản của bạn sắp bị khóa",
        text="Bấm vào đây để xác minh mật khẩu.",
    )
    mark = mail.mark()

    response = me.post(f"/thu/doc/{message}/bao-cao-gia-mao", {"ghi_chu": "  Tên miền giả mạo cantho-egov.com  "})

    assert notice_of(response) == (f"Đã báo cáo thư giả mạo tới {SECURITY_UNIT} và chuyển thư vào Thư rác.")
    event = only(mail.since(mark), "mail.phishing_reported")
    assert event.actor == "candidate"
    assert event.data["reported_to"] == SECURITY_UNIT
    assert event.data["note"] == "Tên miền giả mạo cantho-egov.com"
    assert event.data["after"]["reported"] is True
    assert event.data["after"]["folder"] == "junk"
    assert event.data["after"] == mail.live_state(message)
    page = me.get(f"/thu/doc/{message}")
    assert "Bạn đã báo cáo thư này là thư giả mạo." in page.text
    assert "Tài khoản của bạn sắp bị khóa" in me.get("/thu/thu-rac").text


# --- Search


@pytest.fixture
def searchable(me: Browser, mail: Mailroom) -> dict[str, int]:
    mail.fixture("du-toan.pdf", PDF)
    return {
        "budget": mail.deliver(
            me.candidate,
            sender="Phòng Tài chính <taichinh@cantho.egov.test>",
            subject="Dự toán NGÂN SÁCH năm 2027",
            text="Đề nghị các phường gửi dự toán.",
            attachments=["du-toan.pdf"],
            date=IN_EXAM - timedelta(days=3),
        ),
        "meeting": mail.deliver(
            me.candidate,
            subject="Lịch họp về ngân sách",
            text="Họp lúc 14 giờ.",
            date=IN_EXAM - timedelta(days=1),
        ),
        "junk": mail.deliver(me.candidate, subject="Khuyến mãi ngân sách gia đình", folder="junk"),
        "other": mail.deliver(me.candidate, subject="Thông báo nghỉ lễ", text="Nghỉ Tết Dương lịch."),
    }


def test_search_finds_words_whatever_their_case_and_logs_the_query(
    me: Browser, mail: Mailroom, searchable: dict[str, int]
) -> None:
    mark = mail.mark()

    page = me.get("/thu/tim-kiem?q=ngân+sách")

    assert "Kết quả: 2 thư" in page.text
    assert "Dự toán NGÂN SÁCH năm 2027" in page.text
    assert "Lịch họp về ngân sách" in page.text
    assert "Khuyến mãi" not in page.text  # junk is searched only when asked for
    event = only(mail.since(mark), "mail.searched")
    assert event.actor == "candidate"
    assert event.object_kind == "mailbox"
    assert event.object_id == str(me.candidate.id)
    assert event.data == {"query": {"text": "ngân sách"}, "results": 2}


@pytest.mark.parametrize(
    ("query", "found", "logged"),
    [
        ("nguoi_gui=taichinh", ["budget"], {"sender": "taichinh"}),
        ("chu_de=l%E1%BB%8Bch+h%E1%BB%8Dp", ["meeting"], {"subject": "lịch họp"}),
        ("noi_dung=T%E1%BA%BFt", ["other"], {"body": "Tết"}),
        ("co_dinh_kem=true", ["budget"], {"has_attachment": True}),
        ("q=du-toan.pdf", ["budget"], {"text": "du-toan.pdf"}),
        ("q=ng%C3%A2n+s%C3%A1ch&thu_muc=junk", ["junk"], {"text": "ngân sách", "folder": "junk"}),
        (
            "tu_ngay=2026-11-21&den_ngay=2026-11-21",
            ["budget"],
            {"since": "2026-11-21", "until": "2026-11-21"},
        ),
    ],
)
def test_advanced_search_narrows_by_each_criterion(
    me: Browser,
    mail: Mailroom,
    searchable: dict[str, int],
    query: str,
    found: list[str],
    logged: dict[str, object],
) -> None:
    mark = mail.mark()
    page = me.get(f"/thu/tim-kiem?{query}")
    shown = [int(m) for m in re.findall(r'name="chon" value="(\d+)"', page.text)]
    assert shown == [searchable[name] for name in found]
    event = only(mail.since(mark), "mail.searched")
    assert event.data == {"query": logged, "results": len(found)}


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("tu_ngay=31/02/2026", "“Từ ngày” không hợp lệ: hãy nhập theo dạng ngày/tháng/năm"),
        ("den_ngay=hom-qua&q=x", "“Đến ngày” không hợp lệ: hãy nhập theo dạng ngày/tháng/năm"),
        ("q=x&thu_muc=user:abc", "Thư mục tìm kiếm không hợp lệ."),
    ],
)
def test_a_bad_search_field_is_named_in_vietnamese_and_nothing_is_searched(
    me: Browser, mail: Mailroom, query: str, said: str
) -> None:
    mark = mail.mark()
    page = me.get(f"/thu/tim-kiem?{query}")
    assert page.status_code == 200
    assert said in page.text
    assert "Kết quả" not in page.text
    assert mail.since(mark) == []


def test_the_search_form_alone_logs_nothing(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    page = me.get("/thu/tim-kiem")
    assert "<h1>Tìm Thư</h1>" in page.text
    assert "Tất cả (trừ Thư rác, Thùng rác)" in page.text
    assert mail.since(mark) == []


# --- Links in a message


def test_links_in_an_html_message_go_through_the_room_and_show_where_they_lead(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(
        me.candidate,
        subject="Cập nhật thông tin tài khoản",
        html='<p>Vui lòng <a href="http://dichvucong-gov.example/dang-nhap">https://dichvucong.gov.vn</a>'
        ' hoặc xem <a href="https://cantho.gov.vn/thong-bao">thông báo</a>.</p>',
        text="Vui lòng đăng nhập.",
    )
    page = me.get(f"/thu/doc/{message}")
    links = [html.unescape(h) for h in re.findall(r'href="(/thu/doc/\d+/lien-ket\?[^"]+)"', page.text)]
    assert len(links) == 2
    assert 'href="http://dichvucong-gov.example' not in page.text
    assert 'href="https://cantho.gov.vn' not in page.text
    mark = mail.mark()

    warning = me.get(links[0])

    assert warning.status_code == 200
    assert "Bạn sắp rời khỏi hệ thống thư công vụ" in warning.text
    assert "http://dichvucong-gov.example/dang-nhap" in warning.text
    assert "Máy chủ: <strong>dichvucong-gov.example</strong>" in warning.text
    assert "“https://dichvucong.gov.vn” — khác với địa chỉ thật ở trên" in warning.text
    assert "Cập nhật thông tin tài khoản" in warning.text
    event = only(mail.since(mark), "mail.link_clicked")
    assert event.actor == "candidate"
    assert event.object_id == str(message)
    assert event.data == {
        "url": "http://dichvucong-gov.example/dang-nhap",
        "text": "https://dichvucong.gov.vn",
        "link": 1,
    }

    mark = mail.mark()
    me.get(links[1])
    assert only(mail.since(mark), "mail.link_clicked").data == {
        "url": "https://cantho.gov.vn/thong-bao",
        "text": "thông báo",
        "link": 2,
    }


def test_links_in_a_plain_text_message_are_tracked_too(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(me.candidate, subject="Tài liệu", text="Tải tài liệu tại www.tailieu.example/hop.")
    page = me.get(f"/thu/doc/{message}")
    (link,) = [html.unescape(h) for h in re.findall(r'href="(/thu/doc/\d+/lien-ket\?[^"]+)"', page.text)]
    mark = mail.mark()
    me.get(link)
    assert only(mail.since(mark), "mail.link_clicked").data == {
        "url": "http://www.tailieu.example/hop",
        "text": "www.tailieu.example/hop",
        "link": 1,
    }


def test_a_mailto_link_opens_the_compose_form(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(
        me.candidate, subject="Liên hệ", html='<p><a href="mailto:vanthu@cantho.egov.test?subject=x">Văn thư</a></p>'
    )
    page = me.get(f"/thu/doc/{message}")
    assert 'href="/thu/soan?den=vanthu%40cantho.egov.test"' in page.text


@pytest.mark.parametrize("tamper", ["s", "u", "t", "n"])
def test_a_tampered_link_is_a_404_and_logs_nothing(me: Browser, mail: Mailroom, tamper: str) -> None:
    message = mail.deliver(me.candidate, subject="Liên kết", html='<a href="https://cantho.gov.vn/">Cổng thông tin</a>')
    link = pages.tracked_link(mail.settings.secret(), me.candidate.id, message, 1, "https://cantho.gov.vn/", "Cổng")
    assert me.get(link).status_code == 200  # the genuine one works
    changed = {"s": "s=AAAA", "u": "u=https%3A%2F%2Fevil.example%2F", "t": "t=Kh%C3%A1c", "n": "n=2"}[tamper]
    key = changed.split("=")[0]
    forged = re.sub(rf"([?&]){key}=[^&]*", lambda m: m.group(1) + changed, link)
    assert forged != link
    mark = mail.mark()

    response = me.get(forged)

    assert response.status_code == 404
    assert "Liên kết không hợp lệ." in response.text
    assert mail.since(mark) == []


# --- Attachments


@pytest.fixture
def with_files(me: Browser, mail: Mailroom) -> int:
    mail.fixture("ke-hoach.pdf", PDF)
    mail.fixture("bieu-mau.html", PAGE_HTML)
    return mail.deliver(
        me.candidate,
        subject="Kế hoạch kèm biểu mẫu",
        text="Gửi anh kế hoạch và biểu mẫu.",
        attachments=[{"file": "ke-hoach.pdf", "name": "ke-hoach-so-12.pdf"}, "bieu-mau.html"],
    )


def test_the_message_lists_its_attachments_to_view_or_download(me: Browser, with_files: int) -> None:
    page = me.get(f"/thu/doc/{with_files}")
    assert "Tập tin đính kèm (2)" in page.text
    assert "ke-hoach-so-12.pdf" in page.text
    assert "bieu-mau.html" in page.text
    assert f'href="/thu/doc/{with_files}/dinh-kem/0"' in page.text
    assert f'href="/thu/doc/{with_files}/dinh-kem/1?tai=1">Tải về' in page.text


def test_a_pdf_opens_inline_and_is_logged_as_viewed(me: Browser, mail: Mailroom, with_files: int) -> None:
    mark = mail.mark()
    response = me.get(f"/thu/doc/{with_files}/dinh-kem/0")
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == "inline; filename*=UTF-8''ke-hoach-so-12.pdf"
    assert response.headers["content-security-policy"].startswith("sandbox")
    event = only(mail.since(mark), "mail.attachment_opened")
    assert event.actor == "candidate"
    assert event.object_id == str(with_files)
    assert event.data == {
        "name": "ke-hoach-so-12.pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "disposition": "view",
    }


def test_tai_ve_downloads_and_is_logged_as_a_download(me: Browser, mail: Mailroom, with_files: int) -> None:
    mark = mail.mark()
    response = me.get(f"/thu/doc/{with_files}/dinh-kem/0?tai=1")
    assert response.content == PDF
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith("attachment; ")
    assert only(mail.since(mark), "mail.attachment_opened").data["disposition"] == "download"


def test_an_html_attachment_is_never_served_inline(me: Browser, mail: Mailroom, with_files: int) -> None:
    mark = mail.mark()
    response = me.get(f"/thu/doc/{with_files}/dinh-kem/1")
    assert response.content == PAGE_HTML
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == "attachment; filename*=UTF-8''bieu-mau.html"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert only(mail.since(mark), "mail.attachment_opened").data == {
        "name": "bieu-mau.html",
        "sha256": hashlib.sha256(PAGE_HTML).hexdigest(),
        "disposition": "download",
    }


def test_a_vietnamese_attachment_name_from_a_task_s_setup_reaches_the_candidate_as_written(
    me: Browser, mail: Mailroom
) -> None:
    mail.fixture("kh.pdf", PDF)
    message = mail.deliver(
        me.candidate, subject="Kế hoạch", attachments=[{"file": "kh.pdf", "name": "Kế hoạch số 12.pdf"}]
    )
    assert [a["name"] for a in mail.message(me.candidate, message).attachments] == ["Kế hoạch số 12.pdf"]
    assert "Kế hoạch số 12.pdf" in me.get(f"/thu/doc/{message}").text
    response = me.get(f"/thu/doc/{message}/dinh-kem/0")
    assert response.headers["content-disposition"] == (
        "inline; filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%2012.pdf"
    )


@pytest.mark.parametrize("index", ["2", "-1"])
def test_an_attachment_that_is_not_there_is_a_vietnamese_404(
    me: Browser, mail: Mailroom, with_files: int, index: str
) -> None:
    mark = mail.mark()
    response = me.get(f"/thu/doc/{with_files}/dinh-kem/{index}")
    assert response.status_code == 404
    assert "Không tìm thấy tập tin đính kèm này." in response.text
    assert mail.since(mark) == []


# --- HTML bodies, sanitised end to end


def test_scripts_and_event_handlers_in_an_html_message_never_reach_the_page(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(
        me.candidate,
        subject="Thư HTML nguy hiểm",
        html=(
            "<p>Chào anh<script>document.cookie='x'</script></p>"
            '<img src="x" onerror="alert(1)" alt="ảnh">'
            '<p onclick="alert(2)" style="background:url(http://tracker.example/a.png)">Bấm</p>'
            '<iframe src="http://evil.example/"></iframe>'
            '<a href="javascript:alert(3)">Mở</a>'
        ),
        text="Chào anh",
    )
    page = me.get(f"/thu/doc/{message}")
    body = re.search(r'<div class="mail-body">(.*?)</div>\s*</article>', page.text, re.S)
    assert body, "the message body is missing"
    shown = body.group(1)
    assert "Chào anh" in shown
    for dangerous in ("<script", "document.cookie", "onerror", "onclick", "alert(", "<iframe", "style=", "javascript:"):
        assert dangerous not in shown


def test_remote_images_are_blocked_and_the_candidate_is_told(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(
        me.candidate,
        subject="Bản tin có hình",
        html='<p>Bản tin</p><img src="http://tracker.example/open.png?id=an"><img src="https://cdn.example/logo.png">',
    )
    page = me.get(f"/thu/doc/{message}")
    assert "Đã chặn 2 hình ảnh từ bên ngoài để bảo vệ bạn." in page.text
    assert "tracker.example" not in page.text
    assert "cdn.example" not in page.text


def test_a_plain_text_message_is_escaped(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(me.candidate, subject="Văn bản", text="<b>không in đậm</b> & <script>x</script>")
    page = me.get(f"/thu/doc/{message}")
    assert "&lt;b&gt;không in đậm&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;" in page.text
    assert "Đã chặn" not in page.text
