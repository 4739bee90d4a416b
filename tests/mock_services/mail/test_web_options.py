"""Thư mục (the candidate's own folders) and Tùy chọn (Chữ ký, Ra khỏi văn phòng) in-process,
and the out-of-office reply that follows an arriving message."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest

from mock_services.mail import store
from tests.support.webmail import SENDER_ADDRESS, Browser, Mailroom, field_value, message_events, only, textarea


def notice_of(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text[:2000]
    return parse_qs(urlsplit(response.headers["location"]).query)["tb"][0]


def folders_of(mail: Mailroom, browser: Browser) -> list[store.Folder]:
    with mail.db.read() as conn:
        return store.user_folders(conn, browser.candidate.id)


# --- Folders


def test_the_folders_page_offers_a_new_folder_and_logs_nothing(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    page = me.get("/thu/thu-muc")
    assert "<h1>Thư mục</h1>" in page.text
    assert "Thư mục mới" in page.text
    assert "Tạo thư mục" in page.text
    assert "Bạn chưa tạo thư mục nào." in page.text
    assert mail.since(mark) == []


def test_creating_a_folder_logs_it_and_puts_it_in_the_sidebar(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()

    response = me.post("/thu/thu-muc", {"ten": "  Hồ sơ dự án  "})

    assert response.headers["location"].startswith("/thu/thu-muc?")
    assert notice_of(response) == "Đã tạo thư mục “Hồ sơ dự án”."
    (folder,) = folders_of(mail, me)
    assert folder.name == "Hồ sơ dự án"
    event = only(mail.since(mark), "mail.folder_changed")
    assert event.actor == "candidate"
    assert event.object_kind == "folder"
    assert event.object_id == str(folder.id)
    assert event.data == {"action": "created", "after": {"id": str(folder.id), "name": "Hồ sơ dự án", "deleted": False}}
    page = me.get("/thu/hop-thu-den")
    assert f'href="/thu/thu-muc/{folder.id}" data-folder="user:{folder.id}"' in page.text
    assert "Hồ sơ dự án" in page.text
    assert ">Hồ sơ dự án</a></td>" in me.get("/thu/thu-muc").text


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("hồ sơ DỰ ÁN", "Đã có thư mục “hồ sơ DỰ ÁN”."),
        ("Ho\u0302\u0300 so\u031b du\u0323\u031b a\u0301n", "Đã có thư mục “Hồ sơ dự án”."),  # NFD, as a Mac types it
        ("Thư rác", "Tên này trùng với một thư mục hệ thống."),
        ("hộp thư đến", "Tên này trùng với một thư mục hệ thống."),
        ("   ", "Vui lòng nhập tên thư mục."),
        ("Dự án/2026", "Tên thư mục không được chứa ký tự “/” hay ký tự điều khiển."),
        ("x" * 61, "Tên thư mục dài tối đa 60 ký tự."),
    ],
)
def test_a_folder_name_that_cannot_be_used_is_refused_in_vietnamese(
    me: Browser, mail: Mailroom, name: str, said: str
) -> None:
    mail.create_folder(me.candidate, "Hồ sơ dự án")
    mark = mail.mark()

    page = me.post("/thu/thu-muc", {"ten": name})

    assert page.status_code == 422
    assert said in page.text
    assert field_value(page.text, "ten") == name  # what was typed stays in the box
    assert mail.since(mark) == []
    assert [f.name for f in folders_of(mail, me)] == ["Hồ sơ dự án"]


def test_renaming_a_folder_keeps_its_messages_under_the_new_name(me: Browser, mail: Mailroom) -> None:
    folder = mail.create_folder(me.candidate, "Dự án cũ")
    message = mail.deliver(me.candidate, subject="Biên bản nghiệm thu")
    me.post("/thu/thao-tac", {"thao_tac": "chuyen", "chon": message, "dich": f"user:{folder}"})
    mark = mail.mark()

    response = me.post(f"/thu/thu-muc/{folder}/doi-ten", {"ten": "Dự án chuyển đổi số"})

    assert notice_of(response) == "Đã đổi tên thư mục thành “Dự án chuyển đổi số”."
    event = only(mail.since(mark), "mail.folder_changed")
    assert event.data == {
        "action": "renamed",
        "after": {"id": str(folder), "name": "Dự án chuyển đổi số", "deleted": False},
    }
    assert [f.name for f in folders_of(mail, me)] == ["Dự án chuyển đổi số"]
    assert "‹ Dự án chuyển đổi số" in me.get(f"/thu/doc/{message}").text
    assert mail.live_state(message)["folder_name"] == "Dự án chuyển đổi số"


def test_a_folder_may_be_renamed_to_another_case_of_its_own_name(me: Browser, mail: Mailroom) -> None:
    folder = mail.create_folder(me.candidate, "du an")
    assert notice_of(me.post(f"/thu/thu-muc/{folder}/doi-ten", {"ten": "DU AN"})) == "Đã đổi tên thư mục thành “DU AN”."


def test_renaming_onto_another_folder_s_name_is_refused(me: Browser, mail: Mailroom) -> None:
    mail.create_folder(me.candidate, "Thi đua")
    folder = mail.create_folder(me.candidate, "Khen thưởng")
    mark = mail.mark()

    page = me.post(f"/thu/thu-muc/{folder}/doi-ten", {"ten": "thi đua"})

    assert page.status_code == 422
    assert "Đã có thư mục “thi đua”." in page.text
    assert mail.since(mark) == []
    assert sorted(f.name for f in folders_of(mail, me)) == ["Khen thưởng", "Thi đua"]


def test_deleting_a_folder_sends_its_messages_to_the_trash(me: Browser, mail: Mailroom) -> None:
    folder = mail.create_folder(me.candidate, "Tạm")
    inside = [mail.deliver(me.candidate, subject=f"Thư tạm {n}") for n in range(2)]
    me.post("/thu/thao-tac", {"thao_tac": "chuyen", "chon": inside, "dich": f"user:{folder}"})
    mark = mail.mark()

    response = me.post(f"/thu/thu-muc/{folder}/xoa")

    assert notice_of(response) == "Đã xóa thư mục “Tạm”; thư trong thư mục đã được chuyển vào Thùng rác."
    events = mail.since(mark)
    deleted = message_events(events, "mail.message_deleted")
    assert sorted(int(e.object_id) for e in deleted) == inside
    for event in deleted:
        assert event.data["from_folder"] == "Tạm"
        assert event.data["after"]["folder"] == "trash"
        assert event.data["after"] == mail.live_state(int(event.object_id))
    gone = only(events, "mail.folder_changed")
    assert gone.data == {"action": "deleted", "after": {"id": str(folder), "name": "Tạm", "deleted": True}}
    assert events[-1] == gone  # the folder goes once it is empty
    assert folders_of(mail, me) == []
    assert me.get(f"/thu/thu-muc/{folder}").status_code == 404
    # Khôi phục: the folder is gone, so the message goes back to the inbox.
    me.post("/thu/thao-tac", {"thao_tac": "khoi-phuc", "chon": inside[0]})
    assert mail.live_state(inside[0])["folder"] == "inbox"


def test_a_folder_that_does_not_exist_cannot_be_renamed_or_deleted(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    for response in (me.post("/thu/thu-muc/987654/doi-ten", {"ten": "X"}), me.post("/thu/thu-muc/987654/xoa")):
        assert response.status_code == 404
        assert "Không tìm thấy thư mục này." in response.text
    assert mail.since(mark) == []


# --- Signature


SIGNATURE = "Nguyễn Văn An\nChủ tịch UBND phường Ninh Kiều\nĐT: 0292 3821 000"


def test_a_saved_signature_is_logged_and_starts_every_new_message(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()

    response = me.post("/thu/tuy-chon/chu-ky", {"chu_ky": "  " + SIGNATURE.replace("\n", "\r\n") + "\r\n"})

    assert notice_of(response) == "Đã lưu chữ ký."
    event = only(mail.since(mark), "mail.settings_changed")
    assert event.actor == "candidate"
    assert event.object_kind == "mail_settings"
    assert event.object_id == str(me.candidate.id)
    assert event.data["section"] == "signature"
    assert event.data["after"] == mail.settings_of(me.candidate).state()
    assert event.data["after"]["signature"] == SIGNATURE
    assert textarea(me.get("/thu/tuy-chon").text, "chu_ky") == SIGNATURE
    assert textarea(me.get("/thu/soan").text, "noi_dung") == f"\n\n-- \n{SIGNATURE}"


def test_the_signature_goes_above_the_quoted_original_of_a_reply(me: Browser, mail: Mailroom) -> None:
    me.post("/thu/tuy-chon/chu-ky", {"chu_ky": SIGNATURE})
    message = mail.deliver(me.candidate, subject="Xin ý kiến", text="Anh cho ý kiến.")
    body = textarea(me.get(f"/thu/soan?kieu=tra-loi&goc={message}").text, "noi_dung")
    assert body.startswith(f"\n\n-- \n{SIGNATURE}\n\nVào ")
    assert body.endswith("> Anh cho ý kiến.\n")
    forward = textarea(me.get(f"/thu/soan?kieu=chuyen-tiep&goc={message}").text, "noi_dung")
    assert forward.startswith(f"\n\n-- \n{SIGNATURE}\n\n----- Thư chuyển tiếp -----")


def test_without_a_signature_a_new_message_starts_empty(me: Browser) -> None:
    assert textarea(me.get("/thu/soan").text, "noi_dung") == ""
    me.post("/thu/tuy-chon/chu-ky", {"chu_ky": "   "})
    assert textarea(me.get("/thu/soan").text, "noi_dung") == ""


def test_a_signature_over_2000_characters_is_refused(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()
    page = me.post("/thu/tuy-chon/chu-ky", {"chu_ky": "x" * 2001})
    assert page.status_code == 422
    assert "Chữ ký dài tối đa 2000 ký tự." in page.text
    assert mail.since(mark) == []
    assert mail.settings_of(me.candidate).signature == ""


# --- Out of office


OUT_OF_OFFICE = {
    "bat": "true",
    "tu_ngay": "2026-11-24",
    "den_ngay": "2026-11-30",
    "chu_de": "Vắng mặt đến 30/11",
    "noi_dung": "Tôi đang đi công tác đến hết ngày 30/11/2026.\r\nViệc gấp xin liên hệ văn phòng.",
}
REPLY_TEXT = "Tôi đang đi công tác đến hết ngày 30/11/2026.\nViệc gấp xin liên hệ văn phòng."


def test_turning_the_out_of_office_reply_on_and_off_is_logged(me: Browser, mail: Mailroom) -> None:
    mark = mail.mark()

    response = me.post("/thu/tuy-chon/ra-khoi-van-phong", OUT_OF_OFFICE)

    assert notice_of(response) == "Đã bật trả lời tự động khi vắng mặt."
    event = only(mail.since(mark), "mail.settings_changed")
    assert event.data["section"] == "out_of_office"
    assert event.data["after"] == {
        "signature": "",
        "ooo_enabled": True,
        "ooo_start": "2026-11-24",
        "ooo_end": "2026-11-30",
        "ooo_subject": "Vắng mặt đến 30/11",
        "ooo_message": REPLY_TEXT,
    }
    assert event.data["after"] == mail.settings_of(me.candidate).state()
    page = me.get("/thu/tuy-chon")
    assert re.search(r'name="bat" value="true"\s+checked', page.text)
    assert field_value(page.text, "tu_ngay") == "24/11/2026"  # as Vietnamese write a date
    assert textarea(page.text, "noi_dung") == REPLY_TEXT
    mark = mail.mark()

    off = me.post("/thu/tuy-chon/ra-khoi-van-phong", {**OUT_OF_OFFICE, "bat": ""})

    assert notice_of(off) == "Đã tắt trả lời tự động."
    event = only(mail.since(mark), "mail.settings_changed")
    assert event.data["after"]["ooo_enabled"] is False
    assert event.data["after"] == mail.settings_of(me.candidate).state()


@pytest.mark.parametrize(("start", "end"), [("24/11/2026", "30/11/2026"), ("24-11-2026", "3/12/2026")])
def test_dates_typed_as_vietnamese_write_them_are_stored_as_iso(
    me: Browser, mail: Mailroom, start: str, end: str
) -> None:
    mark = mail.mark()
    me.post("/thu/tuy-chon/ra-khoi-van-phong", {**OUT_OF_OFFICE, "tu_ngay": start, "den_ngay": end})
    after = only(mail.since(mark), "mail.settings_changed").data["after"]
    assert after["ooo_start"] == "2026-11-24"
    assert after["ooo_end"] == ("2026-11-30" if end == "30/11/2026" else "2026-12-03")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"noi_dung": "  "}, "Vui lòng nhập nội dung thư trả lời tự động."),
        ({"tu_ngay": "31/02/2026"}, "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 25/11/2026."),
        ({"den_ngay": "2026-02-30"}, "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 25/11/2026."),
        ({"tu_ngay": "2026-11-30", "den_ngay": "2026-11-24"}, "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."),
    ],
)
def test_out_of_office_settings_that_cannot_work_are_refused_and_kept_on_the_form(
    me: Browser, mail: Mailroom, change: dict[str, str], said: str
) -> None:
    typed = {**OUT_OF_OFFICE, **change}
    mark = mail.mark()

    page = me.post("/thu/tuy-chon/ra-khoi-van-phong", typed)

    assert page.status_code == 422
    assert said in page.text
    assert field_value(page.text, "tu_ngay") == typed["tu_ngay"]
    assert field_value(page.text, "den_ngay") == typed["den_ngay"]
    assert field_value(page.text, "chu_de") == typed["chu_de"]
    assert mail.since(mark) == []
    assert mail.settings_of(me.candidate).ooo_enabled is False


def autoreplies(mail: Mailroom, browser: Browser, mark: int) -> list[tuple[str, str]]:
    return [(e.data["to"], e.object_id) for e in message_events(mail.since(mark), "mail.autoreply_sent")]


def test_an_arriving_message_gets_one_out_of_office_reply_per_sender(me: Browser, mail: Mailroom) -> None:
    me.post("/thu/tuy-chon/ra-khoi-van-phong", OUT_OF_OFFICE)
    mark = mail.mark()

    first = mail.deliver(me.candidate, subject="Mời họp", message_id="<moi-hop@cantho.egov.test>")
    mail.deliver(me.candidate, subject="Nhắc lại: mời họp")
    other = mail.deliver(me.candidate, sender="Phòng Tài chính <TaiChinh@cantho.egov.test>", subject="Dự toán")
    mail.deliver(me.candidate, sender="mailer-daemon@cantho.egov.test", subject="Undelivered")
    mail.deliver(me.candidate, sender="no-reply@dichvucong.gov.vn", subject="Thông báo hồ sơ")
    mail.deliver(me.candidate, sender="bantin@cantho.gov.vn", subject="Bản tin", headers={"Precedence": "bulk"})
    mail.deliver(
        me.candidate, sender="hethong@cantho.gov.vn", subject="Tự động", headers={"Auto-Submitted": "auto-generated"}
    )
    mail.deliver(me.candidate, sender=me.candidate.email, subject="Thư của chính mình")

    assert autoreplies(mail, me, mark) == [(SENDER_ADDRESS, str(first)), ("taichinh@cantho.egov.test", str(other))]
    reply = message_events(mail.since(mark), "mail.autoreply_sent")[0]
    assert reply.actor == "system"
    assert reply.object_kind == "message"
    assert reply.data["subject"] == "Vắng mặt đến 30/11"
    assert reply.data["text"] == REPLY_TEXT
    assert reply.data["in_reply_to"] == "<moi-hop@cantho.egov.test>"
    assert re.fullmatch(r"<[0-9a-f]{32}@ninhkieu\.egov\.test>", reply.data["message_id"])
    assert "Thư mục này không có thư nào." in me.get("/thu/da-gui").text  # not kept in Thư đã gửi, as in Zimbra


def test_without_a_subject_the_reply_is_titled_after_the_message(me: Browser, mail: Mailroom) -> None:
    me.post("/thu/tuy-chon/ra-khoi-van-phong", {**OUT_OF_OFFICE, "chu_de": ""})
    mark = mail.mark()
    mail.deliver(me.candidate, subject="Mời họp giao ban")
    reply = only(mail.since(mark), "mail.autoreply_sent")
    assert reply.data["subject"] == "Trả lời tự động: Mời họp giao ban"


@pytest.mark.parametrize(("start", "end"), [("2026-11-25", ""), ("", "2026-11-23")])
def test_outside_its_dates_the_out_of_office_reply_stays_silent(
    me: Browser, mail: Mailroom, start: str, end: str
) -> None:
    me.post("/thu/tuy-chon/ra-khoi-van-phong", {**OUT_OF_OFFICE, "tu_ngay": start, "den_ngay": end})
    mark = mail.mark()
    mail.deliver(me.candidate, subject="Mời họp")
    assert autoreplies(mail, me, mark) == []


def test_saving_the_out_of_office_reply_again_answers_each_sender_afresh(me: Browser, mail: Mailroom) -> None:
    me.post("/thu/tuy-chon/ra-khoi-van-phong", OUT_OF_OFFICE)
    mark = mail.mark()
    mail.deliver(me.candidate, subject="Lần một")
    me.post("/thu/tuy-chon/ra-khoi-van-phong", {**OUT_OF_OFFICE, "noi_dung": "Nội dung mới"})
    mail.deliver(me.candidate, subject="Lần hai")
    assert [to for to, _ in autoreplies(mail, me, mark)] == [SENDER_ADDRESS, SENDER_ADDRESS]


def test_changing_the_signature_does_not_answer_a_sender_twice(me: Browser, mail: Mailroom) -> None:
    me.post("/thu/tuy-chon/ra-khoi-van-phong", OUT_OF_OFFICE)
    mark = mail.mark()
    mail.deliver(me.candidate, subject="Lần một")
    me.post("/thu/tuy-chon/chu-ky", {"chu_ky": SIGNATURE})
    mail.deliver(me.candidate, subject="Lần hai")
    assert [to for to, _ in autoreplies(mail, me, mark)] == [SENDER_ADDRESS]
