"""Soạn thư in-process: new mail, Trả lời, Trả lời tất cả, Chuyển tiếp with the original's files,
drafts, uploads, a form shown again with everything kept, and the agency directory."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from mock_services.core.db import Database
from mock_services.core.settings import RoomSettings
from sandbox.room import create_room_app
from tests.support.room import FakeClock
from tests.support.webmail import (
    SENDER_ADDRESS,
    Browser,
    Mailroom,
    field_value,
    hidden,
    only,
    textarea,
)

PDF = b"%PDF-1.4\n% To trinh\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
SHEET = b"PK\x03\x04 bang tinh du toan"
HOA = "hoa@caikhe.egov.test"
VIET = "viet.lq@tanan.egov.test"
OUTSIDER = "ban.be@gmail.com"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compose(browser: Browser, files: list[tuple[str, Any]] | None = None, **fields: Any) -> Any:
    return browser.post("/thu/soan", {"kieu": "moi", "nut": "gui", **fields}, files=files)


def sent_ok(response: Any) -> None:
    """Gửi went through: back to the inbox, saying so."""
    assert response.status_code == 303, response.text[:2000]
    location = urlsplit(response.headers["location"])
    assert location.path == "/thu/hop-thu-den"
    assert parse_qs(location.query)["tb"] == ["Thư của bạn đã được gửi."]


# --- The form


def test_the_new_message_form_is_vietnamese_and_opening_it_logs_nothing(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    page = me.get(f"/thu/soan?den={HOA}")
    assert page.status_code == 200
    assert "<h1>Thư mới</h1>" in page.text
    for label in ("Tới", "Cc", "Bcc", "Chủ đề", "Đính kèm tập tin", "(tối đa 25 MB)", "Gửi", "Lưu bản nháp", "Hủy"):
        assert label in page.text
    assert field_value(page.text, "den") == HOA
    assert hidden(page.text, "kieu") == ["moi"]
    assert "Hủy bản nháp" not in page.text
    assert mail.since(mark) == []


def test_an_unknown_kind_of_compose_is_a_vietnamese_400(me: Browser) -> None:
    page = me.get("/thu/soan?kieu=gui-hang-loat")
    assert page.status_code == 400
    assert "Kiểu soạn thư không hợp lệ." in page.text


# --- Sending


def test_sending_a_new_message_files_it_in_sent_and_logs_every_field(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()

    response = compose(
        me,
        files=[("tep", ("to-trinh.pdf", PDF, "application/pdf")), ("tep", ("du-toan.xlsx", SHEET, ""))],
        den=f"Trần Thị Bích Hòa <HOA@CaiKhe.egov.test>; {VIET}",
        cc="vanthu@cantho.egov.test",
        bcc="truongphong@cantho.egov.test",
        chu_de="  Tờ trình về kinh phí chuyển đổi số  ",
        noi_dung="Kính gửi chị Hòa,\r\nEm gửi tờ trình.\r\n",
    )

    sent_ok(response)
    event = only(mail.since(mark), "mail.message_sent")
    assert event.actor == "candidate"
    assert event.candidate_id == me.candidate.id
    assert event.context["session_id"] == me.session_id
    assert event.data["kind"] == "new"
    assert event.data["original"] is None
    assert event.data["channel"] == "webmail"
    assert event.data["delivered"] == [HOA, VIET, "vanthu@cantho.egov.test", "truongphong@cantho.egov.test"]
    assert event.data["bounced"] == []
    after = event.data["after"]
    assert after == mail.live_state(int(event.object_id))
    assert after["folder"] == "sent"
    assert after["folder_name"] == "Thư đã gửi"
    assert after["from"] == "an.nv@ninhkieu.egov.test"
    assert after["from_name"] == "Nguyễn Văn An"
    assert after["to"] == [HOA, VIET]
    assert after["cc"] == ["vanthu@cantho.egov.test"]
    assert after["bcc"] == ["truongphong@cantho.egov.test"]
    assert after["subject"] == "Tờ trình về kinh phí chuyển đổi số"
    assert after["text"] == "Kính gửi chị Hòa,\nEm gửi tờ trình.\n"
    assert after["in_reply_to"] == ""
    assert after["references"] == []
    assert after["attachments"] == [
        {"name": "to-trinh.pdf", "sha256": sha(PDF), "size": len(PDF), "content_type": "application/pdf"},
        {
            "name": "du-toan.xlsx",
            "sha256": sha(SHEET),
            "size": len(SHEET),
            "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
    ]
    sent = me.get("/thu/da-gui")
    assert "Tờ trình về kinh phí chuyển đổi số" in sent.text
    assert f"{HOA}, {VIET}, vanthu@cantho.egov.test" in sent.text  # Thư đã gửi shows whom it went to


def test_a_message_written_here_has_no_original_source_to_show(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    sent_ok(compose(me, den=HOA, chu_de="Soạn trên webmail", noi_dung="x"))
    sent = only(mail.since(mark), "mail.message_sent").object_id
    page = me.get(f"/thu/doc/{sent}/thu-goc")
    assert "Thư này được soạn trên hệ thống thư công vụ; không có bản gốc nhận từ bên ngoài." in page.text


def test_a_line_break_in_the_subject_cannot_add_a_header(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    sent_ok(compose(me, den=HOA, chu_de="Báo cáo\r\nBcc: gian.diep@evil.example", noi_dung="x"))
    after = only(mail.since(mark), "mail.message_sent").data["after"]
    assert after["subject"] == "Báo cáo  Bcc: gian.diep@evil.example"
    assert after["bcc"] == []


def test_mail_to_an_address_outside_the_room_comes_back_as_a_bounce(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    sent_ok(compose(me, den=f"{HOA}, {OUTSIDER}", chu_de="Gửi nhầm ra ngoài", noi_dung="Tài liệu mật"))
    events = mail.since(mark)
    sent = only(events, "mail.message_sent")
    assert sent.data["delivered"] == [HOA]
    assert sent.data["bounced"] == [OUTSIDER]
    bounce = only(events, "mail.message_received")
    assert bounce.actor == "system"
    assert bounce.data["channel"] == "bounce"
    assert bounce.data["after"]["subject"] == "Thư không gửi được: Gửi nhầm ra ngoài"
    assert bounce.data["after"]["in_reply_to"] == sent.data["after"]["message_id"]
    assert bounce.data["after"] == mail.live_state(int(bounce.object_id))
    inbox = me.get("/thu/hop-thu-den")
    assert "Thư không gửi được: Gửi nhầm ra ngoài" in inbox.text
    assert "Relaying denied" in me.get(f"/thu/doc/{bounce.object_id}").text


def test_mail_to_oneself_arrives_in_one_s_own_inbox(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    sent_ok(compose(me, den="AN.NV@ninhkieu.egov.test", chu_de="Ghi nhớ", noi_dung="Nộp báo cáo trước 17 giờ"))
    copy = only(mail.since(mark), "mail.message_received")
    assert copy.data["channel"] == "internal"
    assert copy.data["after"]["folder"] == "inbox"
    assert copy.data["after"] == mail.live_state(int(copy.object_id))


@pytest.mark.parametrize(("field", "label"), [("den", "Tới"), ("cc", "Cc"), ("bcc", "Bcc")])
def test_a_bad_address_shows_the_form_again_with_every_field_and_the_file_kept(
    me: Browser, mail: Mailroom, field: str, label: str
) -> None:
    fields: dict[str, Any] = {"den": HOA, "cc": "", "bcc": "", field: f"{VIET}, nguoi-nhan-khong-hop-le"}
    mark = mail.mark()

    page = compose(
        me,
        files=[("tep", ("bao-cao.pdf", PDF, "application/pdf"))],
        chu_de="Báo cáo quý IV",
        noi_dung="Nội dung dài đã soạn <không mất>",
        **fields,
    )

    assert page.status_code == 422
    assert f"Ô “{label}”: “nguoi-nhan-khong-hop-le” không phải là địa chỉ thư điện tử hợp lệ." in page.text
    for name, value in fields.items():
        assert field_value(page.text, name) == value
    assert field_value(page.text, "chu_de") == "Báo cáo quý IV"
    assert textarea(page.text, "noi_dung") == "Nội dung dài đã soạn <không mất>"
    assert "bao-cao.pdf" in page.text
    (token,) = hidden(page.text, "giu")
    assert mail.since(mark) == []  # nothing sent, nothing logged

    fields[field] = VIET
    sent_ok(compose(me, giu=[token], chu_de="Báo cáo quý IV", noi_dung="Nội dung", **fields))
    after = only(mail.since(mark), "mail.message_sent").data["after"]
    assert after["attachments"] == [
        {"name": "bao-cao.pdf", "sha256": sha(PDF), "size": len(PDF), "content_type": "application/pdf"}
    ]


def test_sending_with_no_recipient_asks_for_one_and_keeps_the_text(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    page = compose(me, den=" ", chu_de="Chưa có người nhận", noi_dung="Bản thảo")
    assert page.status_code == 422
    assert "Vui lòng nhập ít nhất một người nhận (Tới, Cc hoặc Bcc)." in page.text
    assert field_value(page.text, "chu_de") == "Chưa có người nhận"
    assert textarea(page.text, "noi_dung") == "Bản thảo"
    assert mail.since(mark) == []


def test_a_file_is_stored_under_a_safe_name(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    sent_ok(
        compose(
            me,
            files=[
                ("tep", ("../../Báo cáo: quý 4?.docx", b"docx", "application/octet-stream")),
                ("tep", ("C:\\Users\\an\\Desktop\\to-trinh.pdf", PDF, "application/pdf")),
            ],
            den=HOA,
            chu_de="Tên tệp lạ",
        )
    )
    attachments = only(mail.since(mark), "mail.message_sent").data["after"]["attachments"]
    assert [a["name"] for a in attachments] == ["Báo cáo_ quý 4_.docx", "to-trinh.pdf"]
    assert attachments[0]["content_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def small_room(settings: RoomSettings, sqlite_db: Database, clock: FakeClock) -> Iterator[TestClient]:
    """A room that takes files of at most 1 MB, and messages of at most 1 MB in all."""
    small = settings.model_copy(update={"blob_max_bytes": 1024 * 1024, "smtp_max_message_bytes": 1024 * 1024})
    with TestClient(create_room_app(small, db=sqlite_db, clock=clock), follow_redirects=False) as seat:
        yield seat


def test_a_file_over_the_size_limit_is_refused_by_name_and_the_rest_is_kept(
    small_room: TestClient, mail: Mailroom
) -> None:
    me = mail.browser(small_room, "CT001")
    mark = mail.mark()

    page = compose(
        me,
        files=[("tep", ("ban-do.tif", b"\0" * (1024 * 1024 + 1), "image/tiff")), ("tep", ("nho.pdf", PDF, ""))],
        den=HOA,
        chu_de="Bản đồ quy hoạch",
        noi_dung="Gửi chị bản đồ",
    )

    assert page.status_code == 422
    assert "Tập tin “ban-do.tif” vượt quá dung lượng cho phép (1 MB)." in page.text
    assert field_value(page.text, "chu_de") == "Bản đồ quy hoạch"
    assert textarea(page.text, "noi_dung") == "Gửi chị bản đồ"
    assert len(hidden(page.text, "giu")) == 1  # the small file is kept, the large one is not
    assert "nho.pdf" in page.text
    assert mail.since(mark) == []


def test_files_over_the_message_limit_together_are_refused(small_room: TestClient, mail: Mailroom) -> None:
    me = mail.browser(small_room, "CT001")
    half = b"x" * (600 * 1024)
    mark = mail.mark()
    page = compose(me, files=[("tep", ("a.pdf", half, "")), ("tep", ("b.pdf", half + b"y", ""))], den=HOA)
    assert page.status_code == 422
    assert "Tổng dung lượng tập tin đính kèm vượt quá 1 MB cho phép." in page.text
    assert mail.since(mark) == []


# --- Reply, reply to all, forward


@pytest.fixture
def original(me: Browser, mail: Mailroom) -> int:
    mail.fixture("ke-hoach.pdf", PDF)
    return mail.deliver(
        me.candidate,
        subject="Kế hoạch kiểm tra công vụ",
        text="Đề nghị các đơn vị góp ý.\nHạn chót: 30/11.",
        to=[me.candidate.email, HOA],
        cc=[VIET, me.candidate.email],
        message_id="<kiem-tra-2026@cantho.egov.test>",
        headers={"References": "<dot-1@cantho.egov.test>"},
        attachments=["ke-hoach.pdf"],
    )


def test_reply_addresses_the_sender_quotes_the_original_and_threads_the_answer(
    me: Browser, mail: Mailroom, original: int
) -> None:
    form = me.get(f"/thu/soan?kieu=tra-loi&goc={original}")
    assert "<h1>Trả lời</h1>" in form.text
    assert field_value(form.text, "den") == SENDER_ADDRESS
    assert field_value(form.text, "cc") == ""
    assert field_value(form.text, "chu_de") == "Re: Kế hoạch kiểm tra công vụ"
    assert hidden(form.text, "kieu") == ["tra-loi"]
    assert hidden(form.text, "goc") == [str(original)]
    assert hidden(form.text, "giu") == []  # a reply does not carry the files
    assert textarea(form.text, "noi_dung") == (
        "\n\nVào 08:10 ngày 24/11/2026, Sở Nội vụ thành phố <noivu@cantho.egov.test> đã viết:\n"
        "> Đề nghị các đơn vị góp ý.\n> Hạn chót: 30/11.\n"
    )
    mark = mail.mark()

    sent_ok(
        compose(
            me,
            kieu="tra-loi",
            goc=original,
            den=field_value(form.text, "den"),
            chu_de=field_value(form.text, "chu_de"),
            noi_dung="Đơn vị thống nhất.\n" + textarea(form.text, "noi_dung"),
        )
    )

    event = only(mail.since(mark), "mail.message_sent")
    assert event.data["kind"] == "reply"
    assert event.data["original"] == str(original)
    after = event.data["after"]
    assert after == mail.live_state(int(event.object_id))
    assert after["to"] == [SENDER_ADDRESS]
    assert after["subject"] == "Re: Kế hoạch kiểm tra công vụ"
    assert after["in_reply_to"] == "<kiem-tra-2026@cantho.egov.test>"
    assert after["references"] == ["<dot-1@cantho.egov.test>", "<kiem-tra-2026@cantho.egov.test>"]
    assert after["text"].startswith("Đơn vị thống nhất.\n")
    assert after["attachments"] == []


def test_a_reply_goes_where_reply_to_asks_and_the_page_shows_it(me: Browser, mail: Mailroom) -> None:
    """A phishing mail's trick: the answers go to an outside address the display never shows."""
    tricked = mail.deliver(
        me.candidate,
        sender="Ban Tổ chức Hội thi <bantochuc@sonoivu.cantho.egov.test>",
        subject="Xác nhận thông tin thí sinh",
        headers={"Reply-To": "hoithi.cantho@gmail.com"},
    )
    page = me.get(f"/thu/doc/{tricked}")
    assert "Trả lời tới" in page.text
    assert "hoithi.cantho@gmail.com" in page.text
    assert mail.live_state(tricked)["reply_to"] == ["hoithi.cantho@gmail.com"]

    form = me.get(f"/thu/soan?kieu=tra-loi&goc={tricked}")
    assert field_value(form.text, "den") == "hoithi.cantho@gmail.com"
    mark = mail.mark()
    sent_ok(compose(me, kieu="tra-loi", goc=tricked, den="hoithi.cantho@gmail.com", chu_de="Re: Xác nhận"))
    assert only(mail.since(mark), "mail.message_sent").data["bounced"] == ["hoithi.cantho@gmail.com"]


def test_reply_to_all_copies_every_other_recipient_but_oneself(me: Browser, mail: Mailroom, original: int) -> None:
    form = me.get(f"/thu/soan?kieu=tra-loi-tat-ca&goc={original}")
    assert "<h1>Trả lời tất cả</h1>" in form.text
    assert field_value(form.text, "den") == SENDER_ADDRESS
    assert field_value(form.text, "cc") == f"{HOA}, {VIET}"
    mark = mail.mark()

    sent_ok(
        compose(
            me,
            kieu="tra-loi-tat-ca",
            goc=original,
            den=field_value(form.text, "den"),
            cc=field_value(form.text, "cc"),
            chu_de=field_value(form.text, "chu_de"),
            noi_dung="Thống nhất.",
        )
    )

    event = only(mail.since(mark), "mail.message_sent")
    assert event.data["kind"] == "reply_all"
    assert event.data["original"] == str(original)
    assert event.data["after"]["to"] == [SENDER_ADDRESS]
    assert event.data["after"]["cc"] == [HOA, VIET]
    assert event.data["after"]["in_reply_to"] == "<kiem-tra-2026@cantho.egov.test>"
    assert event.data["after"] == mail.live_state(int(event.object_id))


def test_forward_carries_the_original_s_files_and_text(me: Browser, mail: Mailroom, original: int) -> None:
    form = me.get(f"/thu/soan?kieu=chuyen-tiep&goc={original}")
    assert "<h1>Chuyển tiếp</h1>" in form.text
    assert field_value(form.text, "den") == ""
    assert field_value(form.text, "chu_de") == "Fwd: Kế hoạch kiểm tra công vụ"
    body = textarea(form.text, "noi_dung")
    assert "----- Thư chuyển tiếp -----" in body
    assert "Từ: Sở Nội vụ thành phố <noivu@cantho.egov.test>" in body
    assert f"Cc: {VIET}, {me.candidate.email}" in body
    assert "Chủ đề: Kế hoạch kiểm tra công vụ" in body
    assert "Hạn chót: 30/11." in body
    assert "ke-hoach.pdf" in form.text
    tokens = hidden(form.text, "giu")
    assert len(tokens) == 1
    mark = mail.mark()

    sent_ok(
        compose(
            me,
            kieu="chuyen-tiep",
            goc=original,
            giu=tokens,
            den=HOA,
            chu_de="Fwd: Kế hoạch kiểm tra công vụ",
            noi_dung="Chị Hòa xem giúp em.\n" + body,
        )
    )

    event = only(mail.since(mark), "mail.message_sent")
    assert event.data["kind"] == "forward"
    assert event.data["original"] == str(original)
    after = event.data["after"]
    assert after == mail.live_state(int(event.object_id))
    assert after["attachments"] == mail.message(me.candidate, original).attachments
    assert after["attachments"] == [
        {"name": "ke-hoach.pdf", "sha256": sha(PDF), "size": len(PDF), "content_type": "application/pdf"}
    ]
    assert after["in_reply_to"] == ""  # a forward starts its own conversation …
    assert after["references"] == ["<dot-1@cantho.egov.test>", "<kiem-tra-2026@cantho.egov.test>"]  # … from this


def test_a_forwarded_file_left_unticked_is_not_sent(me: Browser, mail: Mailroom, original: int) -> None:
    mark = mail.mark()
    sent_ok(compose(me, kieu="chuyen-tiep", goc=original, den=HOA, chu_de="Fwd: không kèm tệp"))
    assert only(mail.since(mark), "mail.message_sent").data["after"]["attachments"] == []


def test_a_forged_attachment_token_is_ignored(me: Browser, mail: Mailroom, original: int) -> None:
    form = me.get(f"/thu/soan?kieu=chuyen-tiep&goc={original}")
    (token,) = hidden(form.text, "giu")
    payload, _, _ = token.partition(".")
    mark = mail.mark()
    sent_ok(compose(me, giu=[f"{payload}.AAAAAAAAAAAAAAAAAAAAAAAA", "khong-phai-token"], den=HOA, chu_de="x"))
    assert only(mail.since(mark), "mail.message_sent").data["after"]["attachments"] == []


def test_a_reply_whose_original_was_deleted_meanwhile_loses_nothing_typed(
    me: Browser, mail: Mailroom, original: int
) -> None:
    me.get(f"/thu/soan?kieu=tra-loi&goc={original}")
    for _ in range(2):  # in another tab: Xóa, then Xóa vĩnh viễn from Thùng rác
        me.post("/thu/thao-tac", {"thao_tac": "xoa", "chon": original})

    response = compose(
        me, kieu="tra-loi", goc=original, den=SENDER_ADDRESS, chu_de="Re: Kế hoạch", noi_dung="Bản góp ý dài"
    )

    assert response.status_code in (303, 422)
    assert response.status_code == 303 or "Bản góp ý dài" in response.text


@pytest.mark.parametrize("field", ["goc", "nhap"])
@pytest.mark.parametrize("value", ["²", "99999999999999999999"])
def test_a_tampered_original_or_draft_number_never_makes_a_500(me: Browser, field: str, value: str) -> None:
    with me.as_the_candidate_sees_it() as seen:
        response = seen.client.post(
            "/thu/soan",
            data={
                "csrf_token": me.csrf,
                "kieu": "tra-loi",
                "den": HOA,
                "chu_de": "x",
                "noi_dung": "Đã soạn",
                field: value,
            },
        )
    assert response.status_code in (303, 404, 422)


# --- Drafts


def test_a_saved_draft_reopens_with_every_field_and_file(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()

    saved = compose(
        me,
        files=[("tep", ("du-thao.pdf", PDF, "application/pdf"))],
        nut="luu",
        den=HOA,
        cc=VIET,
        bcc="truongphong@cantho.egov.test",
        chu_de="Dự thảo quy chế",
        noi_dung="Bản dự thảo lần 1",
    )

    assert saved.status_code == 303
    draft = int(saved.headers["location"].split("nhap=")[1].split("&")[0])
    assert "Đã lưu bản nháp." in me.get(saved.headers["location"]).text
    event = only(mail.since(mark), "mail.draft_saved")
    assert event.actor == "candidate"
    assert event.object_id == str(draft)
    assert event.data["kind"] == "new"
    assert event.data["original"] is None
    assert event.data["after"] == mail.live_state(draft)
    assert event.data["after"]["draft"] is True
    assert event.data["after"]["folder_name"] == "Thư nháp"
    assert event.data["after"]["attachments"] == [
        {"name": "du-thao.pdf", "sha256": sha(PDF), "size": len(PDF), "content_type": "application/pdf"}
    ]

    page = me.get(f"/thu/soan?nhap={draft}")
    assert field_value(page.text, "den") == HOA
    assert field_value(page.text, "cc") == VIET
    assert field_value(page.text, "bcc") == "truongphong@cantho.egov.test"
    assert field_value(page.text, "chu_de") == "Dự thảo quy chế"
    assert textarea(page.text, "noi_dung") == "Bản dự thảo lần 1"
    assert hidden(page.text, "nhap") == [str(draft)]
    assert len(hidden(page.text, "giu")) == 1
    assert "Hủy bản nháp" in page.text
    assert "Dự thảo quy chế" in me.get("/thu/thu-nhap").text


def test_opening_a_draft_from_a_list_goes_to_the_compose_form(me: Browser, mail: Mailroom) -> None:
    saved = compose(me, nut="luu", chu_de="Nháp")
    draft = saved.headers["location"].split("nhap=")[1].split("&")[0]
    mark = mail.mark()
    response = me.client.get(f"/thu/doc/{draft}")
    assert response.status_code == 303
    assert response.headers["location"] == f"/thu/soan?nhap={draft}"
    assert mail.since(mark) == []  # a draft is not "opened" as a message


def test_saving_a_draft_again_keeps_its_id_and_sending_it_empties_thu_nhap(me: Browser, mail: Mailroom) -> None:
    saved = compose(me, files=[("tep", ("du-thao.pdf", PDF, ""))], nut="luu", chu_de="Dự thảo", noi_dung="Lần 1")
    draft = int(saved.headers["location"].split("nhap=")[1].split("&")[0])
    tokens = hidden(me.get(f"/thu/soan?nhap={draft}").text, "giu")
    mark = mail.mark()

    again = compose(me, nhap=draft, giu=tokens, nut="luu", den=HOA, chu_de="Dự thảo", noi_dung="Lần 2")

    assert again.headers["location"].startswith(f"/thu/soan?nhap={draft}&")
    resaved = only(mail.since(mark), "mail.draft_saved")
    assert resaved.object_id == str(draft)
    assert resaved.data["after"]["text"] == "Lần 2"
    assert resaved.data["after"] == mail.live_state(draft)
    mark = mail.mark()

    sent_ok(compose(me, nhap=draft, giu=tokens, den=HOA, chu_de="Dự thảo", noi_dung="Bản cuối"))

    event = only(mail.since(mark), "mail.message_sent")
    assert event.object_id == str(draft)  # the draft became the sent message
    after = event.data["after"]
    assert after == mail.live_state(draft)
    assert (after["folder"], after["draft"], after["text"]) == ("sent", False, "Bản cuối")
    assert after["attachments"][0]["sha256"] == sha(PDF)
    assert "Thư mục này không có thư nào." in me.get("/thu/thu-nhap").text


def test_a_draft_of_a_reply_remembers_what_it_answers(me: Browser, mail: Mailroom, original: int) -> None:
    mark = mail.mark()
    saved = compose(me, kieu="tra-loi", goc=original, nut="luu", den=SENDER_ADDRESS, chu_de="Re: x")
    draft = int(saved.headers["location"].split("nhap=")[1].split("&")[0])
    event = only(mail.since(mark), "mail.draft_saved")
    assert (event.data["kind"], event.data["original"]) == ("reply", str(original))
    assert event.data["after"]["in_reply_to"] == "<kiem-tra-2026@cantho.egov.test>"

    page = me.get(f"/thu/soan?nhap={draft}")
    assert hidden(page.text, "kieu") == ["tra-loi"]
    assert hidden(page.text, "goc") == [str(original)]
    mark = mail.mark()
    sent_ok(compose(me, kieu="tra-loi", goc=original, nhap=draft, den=SENDER_ADDRESS, chu_de="Re: x"))
    sent = only(mail.since(mark), "mail.message_sent")
    assert (sent.data["kind"], sent.data["original"]) == ("reply", str(original))
    assert sent.data["after"]["in_reply_to"] == "<kiem-tra-2026@cantho.egov.test>"


def test_discarding_a_draft_puts_it_in_the_trash(me: Browser, mail: Mailroom) -> None:
    saved = compose(me, nut="luu", chu_de="Nháp bỏ đi")
    draft = int(saved.headers["location"].split("nhap=")[1].split("&")[0])
    mark = mail.mark()

    response = me.post(f"/thu/soan/huy-nhap/{draft}")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/thu/thu-nhap?tb=")
    assert "Đã hủy bản nháp." in me.get(response.headers["location"]).text
    event = only(mail.since(mark), "mail.message_deleted")
    assert event.data["from_folder"] == "Thư nháp"
    assert event.data["permanent"] is False
    assert event.data["after"]["folder"] == "trash"
    assert event.data["after"] == mail.live_state(draft)
    assert "Nháp bỏ đi" in me.get("/thu/thung-rac").text


def test_only_a_draft_can_be_discarded_as_one(me: Browser, mail: Mailroom) -> None:
    message = mail.deliver(me.candidate, subject="Thư đến, không phải nháp")
    mark = mail.mark()
    response = me.post(f"/thu/soan/huy-nhap/{message}")
    assert response.status_code == 404
    assert "Không tìm thấy bản nháp này." in response.text
    assert me.get(f"/thu/soan?nhap={message}").status_code == 404
    assert mail.since(mark) == []
    assert mail.message(me.candidate, message).folder == "inbox"


# --- The agency directory


@pytest.fixture
def directory(me: Browser, mail: Mailroom) -> None:
    mail.add_contact(me.candidate, "Trần Thị Bích Ngọc", "ngoc.ttb@cantho.egov.test", "Chuyên viên", "Sở Nội vụ")
    mail.add_contact(me.candidate, "Nguyễn Ngọc Ánh", "anh.nn@cantho.egov.test", "Văn thư", "Văn phòng UBND")
    mail.add_contact(me.candidate, "Đặng Văn Dũng", "dung.dv@cantho.egov.test", "Trưởng phòng", "Phòng Ngọc Hiển")
    mail.add_contact(me.candidate, "Lê Thị Mai", "mai.lt@cantho.egov.test", "Kế toán", "Phòng Tài chính")


@pytest.mark.parametrize("query", ["ngoc", "NGỌC", "Ngọc", "ngọc"])
def test_autocomplete_ignores_case_and_tone_marks_and_puts_name_starts_first(
    me: Browser, mail: Mailroom, directory: None, query: str
) -> None:
    mark = mail.mark()
    response = me.get(f"/thu/danh-ba/goi-y?q={query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "ok": True,
        "contacts": [
            {
                "name": "Nguyễn Ngọc Ánh",
                "email": "anh.nn@cantho.egov.test",
                "title": "Văn thư",
                "unit": "Văn phòng UBND",
            },
            {
                "name": "Trần Thị Bích Ngọc",
                "email": "ngoc.ttb@cantho.egov.test",
                "title": "Chuyên viên",
                "unit": "Sở Nội vụ",
            },
            {
                "name": "Đặng Văn Dũng",
                "email": "dung.dv@cantho.egov.test",
                "title": "Trưởng phòng",
                "unit": "Phòng Ngọc Hiển",
            },  # the unit matches: after the names
        ],
    }
    assert mail.since(mark) == []


def test_autocomplete_reads_d_for_đ_and_finds_one_s_own_address(me: Browser, directory: None) -> None:
    assert [c["email"] for c in me.get("/thu/danh-ba/goi-y?q=dang").json()["contacts"]] == ["dung.dv@cantho.egov.test"]
    assert [c["name"] for c in me.get("/thu/danh-ba/goi-y?q=an.nv").json()["contacts"]] == ["Nguyễn Văn An"]
    assert me.get("/thu/danh-ba/goi-y?q=+").json() == {"ok": True, "contacts": []}


def test_the_directory_page_lists_everyone_with_a_link_to_write_to_them(
    me: Browser, mail: Mailroom, directory: None
) -> None:
    mark = mail.mark()
    page = me.get("/thu/danh-ba")
    assert "<h1>Danh sách địa chỉ chung</h1>" in page.text
    for name in ("Trần Thị Bích Ngọc", "Nguyễn Ngọc Ánh", "Đặng Văn Dũng", "Lê Thị Mai", "Nguyễn Văn An"):
        assert name in page.text
    assert 'href="/thu/soan?den=mai.lt%40cantho.egov.test"' in page.text
    found = me.get("/thu/danh-ba?q=tai+chinh")
    assert "Lê Thị Mai" in found.text
    assert "Trần Thị Bích Ngọc" not in found.text
    assert "Không tìm thấy địa chỉ nào." in me.get("/thu/danh-ba?q=khongco").text
    assert mail.since(mark) == []
