"""The one-stop desk's pages in-process: a citizen called from the queue is received as of their
moment, transferred, the simulated handler's result returned to them; an online dossier is accepted
or sent back; an apology moves the return date; a refused action keeps what was typed and says why
in Vietnamese; the lists count and filter; every page is the candidate's own."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from mock_services.core import log
from mock_services.core.events import EventRecord
from mock_services.onestop import store
from mock_services.onestop.store import Dossier
from tests.support.webmail import Browser, Mailroom, field_value, textarea

CITIZEN = {
    "name": "Trần Thị Bích",
    "id_number": "092186000123",
    "phone": "0912345678",
    "address": "12 Trần Hưng Đạo, phường Ninh Kiều",
    "email": "bich.tran@congdan.egov.test",
}
ROOM = ZoneInfo("Asia/Ho_Chi_Minh")
SAO_Y = "2.000815"
ORIGINAL = "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao"
COPY = "Bản sao cần chứng thực"


def walk_in(room: Mailroom, number: str = "CT001", **args: Any) -> int:
    values = {
        "applicant": CITIZEN,
        "request": "Chứng thực 3 bản sao bằng tốt nghiệp",
        "papers": [{"name": "Bản chính Bằng tốt nghiệp đại học"}, {"name": "Bản photo Bằng tốt nghiệp", "quantity": 3}],
        "arrives": "2026-11-20T15:20",
        **args,
    }
    return int(room.setup(room.candidate(number), "onestop.walk_in", values))


def events(room: Mailroom, number: str = "CT001") -> list[EventRecord]:
    with room.db.read() as conn:
        return [
            e for e in log.iter_events(conn, candidate_id=room.candidate(number).id) if e.verb.startswith("onestop")
        ]


def dossiers(room: Mailroom, number: str = "CT001") -> list[Dossier]:
    with room.db.read() as conn:
        return store.dossiers_of(conn, room.candidate(number).id)


def intake_form(visit: int, **fields: str) -> dict[str, str]:
    return {
        "luot": str(visit),
        "thu_tuc": SAO_Y,
        "ho_ten": CITIZEN["name"],
        "so_cccd": CITIZEN["id_number"],
        "dien_thoai": CITIZEN["phone"],
        "dia_chi": CITIZEN["address"],
        "email": CITIZEN["email"],
        "sl_0": "1",
        "sl_1": "3",
        "so_bo": "1",
        **fields,
    }


def test_a_walk_in_is_received_as_of_friday_1520_transferred_and_returned(me: Browser, desk_room: Mailroom) -> None:
    visit = walk_in(desk_room)
    waiting = me.get("/mot-cua/cho-goi-so")
    assert "0001" in waiting.text
    assert "Trần Thị Bích" in waiting.text

    called = me.post(f"/mot-cua/goi-so/{visit}")
    assert called.headers["location"] == f"/mot-cua/tiep-nhan?luot={visit}"
    page = me.get(called.headers["location"]).text
    assert "Bản photo Bằng tốt nghiệp (3 bản)" in page
    assert field_value(page, "so_cccd") == CITIZEN["id_number"]  # read from the căn cước

    chosen = me.post("/mot-cua/tiep-nhan", intake_form(visit, hanh_dong="chon_thu_tuc"))
    assert chosen.status_code == 200
    assert ORIGINAL in chosen.text
    assert "23/11/2026" in chosen.text  # Friday 15:20, same-day procedure: Monday

    received = me.post("/mot-cua/tiep-nhan", intake_form(visit, hanh_dong="tiep_nhan"))
    assert received.status_code == 303
    [dossier] = dossiers(desk_room)
    assert dossier.code == "000.00.13.H13-261120-0001"
    assert dossier.due_date.isoformat() == "2026-11-23"
    page = me.get(received.headers["location"]).text
    assert "Đã tiếp nhận hồ sơ" in page
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page

    receipt = dossier.files_of("giay_tiep_nhan")[0]
    pdf = me.get(f"/mot-cua/tep/{dossier.id}/{receipt['sha256']}")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")

    moved = me.post(f"/mot-cua/ho-so/{dossier.id}/chuyen-xu-ly", {"can_bo": "tp_ht", "y_kien": "Đề nghị giải quyết"})
    assert moved.status_code == 303
    assert "Đang xử lý" in me.get(f"/mot-cua/ho-so/{dossier.id}").text

    desk_room.clock.advance(minutes=5)  # the handler brings the result back
    page = me.get(f"/mot-cua/ho-so/{dossier.id}").text
    assert "Đã xử lý xong" in page
    assert 'id="form-tra-ket-qua"' in page

    returned = me.post(
        f"/mot-cua/ho-so/{dossier.id}/tra-ket-qua",
        {"nguoi_nhan": CITIZEN["name"], "so_cccd": CITIZEN["id_number"], "hinh_thuc": "tai_bo_phan_mot_cua"},
    )
    assert returned.status_code == 303
    [dossier] = dossiers(desk_room)
    assert dossier.status.value == "da_tra_ket_qua"
    verbs = [e.verb for e in events(desk_room)]
    for verb in (
        "onestop.visit_called",
        "onestop.dossier_received",
        "onestop.dossier_transferred",
        "onestop.dossier_processed",
        "onestop.result_returned",
        "onestop.file_opened",
    ):
        assert verb in verbs
    processed = next(e for e in events(desk_room) if e.verb == "onestop.dossier_processed")
    assert processed.actor == "system"


def test_a_refused_intake_keeps_what_was_typed_and_says_why(me: Browser, desk_room: Mailroom) -> None:
    visit = walk_in(desk_room)
    bad = me.post("/mot-cua/tiep-nhan", intake_form(visit, hanh_dong="tiep_nhan", so_cccd="0921", sl_0=""))
    assert bad.status_code == 400
    assert "Số căn cước phải gồm đúng 12 chữ số." in bad.text
    assert field_value(bad.text, "so_cccd") == "0921"
    assert field_value(bad.text, "sl_1") == "3"
    assert dossiers(desk_room) == []


def test_a_paper_stamped_secret_is_refused_with_the_reason(me: Browser, desk_room: Mailroom) -> None:
    visit = walk_in(desk_room, papers=[{"name": "Bản chính công văn", "remark": "Có đóng dấu “MẬT”"}])
    assert "Có đóng dấu “MẬT”" in me.get(f"/mot-cua/tiep-nhan?luot={visit}").text
    short = me.post("/mot-cua/tiep-nhan", intake_form(visit, hanh_dong="tu_choi", ly_do="mật"))
    assert short.status_code == 400
    assert "ít nhất 10 ký tự" in short.text
    assert textarea(short.text, "ly_do") == "mật"
    reason = "Bản chính có đóng dấu MẬT, không được chứng thực bản sao (Điều 22 Nghị định 23/2015/NĐ-CP)."
    refused = me.post("/mot-cua/tiep-nhan", intake_form(visit, hanh_dong="tu_choi", ly_do=reason))
    assert refused.status_code == 303
    [dossier] = dossiers(desk_room)
    assert dossier.status.value == "khong_tiep_nhan"
    assert dossier.refusal
    assert dossier.refusal["reason"] == reason
    assert "Phiếu từ chối tiếp nhận giải quyết hồ sơ" in me.get(refused.headers["location"]).text


def test_an_online_dossier_is_sent_back_naming_the_missing_paper(me: Browser, desk_room: Mailroom) -> None:
    dossier_id = desk_room.setup(
        desk_room.candidate("CT001"),
        "onestop.online",
        {
            "procedure": "1.001193",
            "applicant": CITIZEN,
            "papers": {"Tờ khai đăng ký khai sinh (theo mẫu)": 1},
            "form": {"Họ tên người được khai sinh": "Nguyễn Minh Khang", "Ngày sinh": "02/11/2026"},
            "attachments": [
                {"name": "to-khai.pdf", "title": "Tờ khai đăng ký khai sinh", "text": "Họ tên: Nguyễn Minh Khang"}
            ],
        },
    )
    listed = me.get("/mot-cua/ds/cho-tiep-nhan-truc-tuyen").text
    assert "Nguyễn Minh Khang" not in listed
    assert CITIZEN["name"] in listed
    page = me.get(f"/mot-cua/ho-so/{dossier_id}").text
    assert "Nguyễn Minh Khang" in page
    assert "Tờ khai điện tử" in page
    sent_back = me.post(
        f"/mot-cua/ho-so/{dossier_id}/bo-sung",
        {"thieu": ["Giấy chứng sinh"], "ly_do": "Chưa đính kèm bản chụp Giấy chứng sinh của cháu."},
    )
    assert sent_back.status_code == 303
    [dossier] = dossiers(desk_room)
    assert dossier.status.value == "yeu_cau_bo_sung"
    assert dossier.supplement
    assert dossier.supplement["missing"] == ["Giấy chứng sinh"]
    notices = me.get("/mot-cua/tin-nhan").text
    assert "can bo sung: Giay chung sinh" in notices  # the SMS, without diacritics


def test_an_apology_moves_the_return_date_after_a_leader_approves(me: Browser, desk_room: Mailroom) -> None:
    dossier_id = desk_room.setup(
        desk_room.candidate("CT001"),
        "onestop.dossier",
        {
            "procedure": "1.004873",
            "applicant": CITIZEN,
            "papers": _all_required("1.004873"),
            "received": "2026-11-19T09:00",
            "due": "2026-11-25",
            "delay": "Cần xác minh tình trạng hôn nhân tại UBND xã Thới Lai, chưa có kết quả.",
        },
    )
    page = me.get(f"/mot-cua/ho-so/{dossier_id}").text
    assert "Cần xác minh tình trạng hôn nhân" in page
    too_early = me.post(
        f"/mot-cua/ho-so/{dossier_id}/xin-loi",
        {"ly_do_cham": "Đang chờ kết quả xác minh từ xã khác", "ngay_hen_moi": "25/11/2026", "lanh_dao": "ct"},
    )
    assert too_early.status_code == 400
    assert "phải sau ngày hẹn trả hiện tại" in too_early.text
    assert field_value(too_early.text, "ngay_hen_moi") == "25/11/2026"
    done = me.post(
        f"/mot-cua/ho-so/{dossier_id}/xin-loi",
        {"ly_do_cham": "Đang chờ kết quả xác minh từ xã khác", "ngay_hen_moi": "30/11/2026", "lanh_dao": "ct"},
    )
    assert done.status_code == 303
    [dossier] = dossiers(desk_room)
    assert dossier.due_date.isoformat() == "2026-11-30"
    assert len(dossier.apologies) == 1
    verbs = [(e.verb, e.actor) for e in events(desk_room)]
    assert ("onestop.apology_drafted", "candidate") in verbs
    assert ("onestop.apology_approved", "system") in verbs


def _all_required(code: str) -> dict[str, int]:
    from mock_services.onestop.procedures import procedure

    return {c.name: 1 for c in procedure(code).components if not c.optional}


def test_lists_count_and_filter_and_search_is_logged(me: Browser, desk_room: Mailroom) -> None:
    me_ = desk_room.candidate("CT001")
    for name, number in (("Lê Văn Cường", "092186000111"), ("Phạm Thị Dung", "092186000222")):
        desk_room.setup(
            me_,
            "onestop.dossier",
            {
                "procedure": SAO_Y,
                "applicant": {**CITIZEN, "name": name, "id_number": number},
                "papers": {ORIGINAL: 1, COPY: 2},
                "received": "2026-11-20T09:00",
                "step": "da_tiep_nhan",
            },
        )
    page = me.get("/mot-cua/ds/qua-han").text  # due 20/11, today 24/11
    assert "Lê Văn Cường" in page
    assert "Phạm Thị Dung" in page
    assert re.search(r'data-list="qua-han"><span>Hồ sơ quá hạn</span><span class="docs-count docs-count-late">2<', page)
    found = me.get("/mot-cua/ds/tat-ca?q=000222").text
    assert "Phạm Thị Dung" in found
    assert "Lê Văn Cường" not in found
    searched = [e for e in events(desk_room) if e.verb == "onestop.searched"]
    assert searched[-1].data == {"query": "000222", "results": 1}
    bad = me.get("/mot-cua/ds/tat-ca?q=Dung&tu_ngay=31/02/2026")
    assert bad.status_code == 200
    assert "“31/02/2026” không phải là ngày hợp lệ" in bad.text
    assert field_value(bad.text, "tu_ngay") == "31/02/2026"  # kept, with the other filters
    assert "Phạm Thị Dung" in bad.text
    assert "Lê Văn Cường" not in bad.text


def test_a_walk_in_received_as_of_last_friday_is_not_flagged_overdue(me: Browser, desk_room: Mailroom) -> None:
    """Received as of 20/11 15:20 (due 23/11) during the exam on 24/11: the scenario's, not late."""
    visit = walk_in(desk_room)
    me.post("/mot-cua/tiep-nhan", intake_form(visit, hanh_dong="tiep_nhan"))
    assert "Không có hồ sơ nào" in me.get("/mot-cua/ds/qua-han").text
    assert "Mới tiếp nhận" in me.get("/mot-cua/ds/moi-tiep-nhan").text


def test_changing_the_procedure_drops_the_old_rows_and_the_step_times_are_local(
    me: Browser, desk_room: Mailroom
) -> None:
    visit = walk_in(desk_room)
    switched = me.post(
        "/mot-cua/tiep-nhan", intake_form(visit, hanh_dong="chon_thu_tuc", thu_tuc="1.001193", thu_tuc_truoc=SAO_Y)
    )
    assert field_value(switched.text, "sl_1") == ""  # not the 3 copies typed for the other procedure
    assert field_value(switched.text, "so_cccd") == CITIZEN["id_number"]
    received = me.post("/mot-cua/tiep-nhan", intake_form(visit, hanh_dong="tiep_nhan"))
    [dossier] = dossiers(desk_room)
    me.post(f"/mot-cua/ho-so/{dossier.id}/chuyen-xu-ly", {"can_bo": "tp_ht"})
    page = me.get(received.headers["location"]).text
    local = desk_room.clock().astimezone(ROOM).strftime("%H:%M %d/%m/%Y")
    assert f"<td>{local}</td>" in page


def test_nonsense_in_the_form_or_the_address_is_a_message_not_a_crash(me: Browser, desk_room: Mailroom) -> None:
    visit = walk_in(desk_room)
    odd = me.post("/mot-cua/tiep-nhan", intake_form(visit, hanh_dong="tiep_nhan", sl_1="²", so_bo="²"))
    assert odd.status_code == 400
    assert "phải là một số" in odd.text
    stray = me.post("/mot-cua/tiep-nhan", {**intake_form(visit, hanh_dong="chon_thu_tuc"), "luot": "²"})
    assert stray.status_code == 200
    with me.as_the_candidate_sees_it() as seat:
        huge = seat.client.get("/mot-cua/ho-so/99999999999999999999999")
        assert huge.status_code == 404
        assert "Không tìm thấy hồ sơ này." in huge.text
    bad_mail = me.post("/mot-cua/tiep-nhan", intake_form(visit, hanh_dong="tiep_nhan", email="x@[y.z"))
    assert bad_mail.status_code == 400
    assert "Địa chỉ thư điện tử không hợp lệ." in bad_mail.text


def test_another_candidates_dossier_is_not_found(client: Any, desk_room: Mailroom) -> None:
    theirs = desk_room.setup(
        desk_room.candidate("CT002"),
        "onestop.dossier",
        {
            "procedure": SAO_Y,
            "applicant": CITIZEN,
            "papers": {ORIGINAL: 1, COPY: 1},
            "received": "2026-11-23T09:00",
            "step": "da_tiep_nhan",
        },
    )
    me = desk_room.browser(client, "CT001")
    with me.as_the_candidate_sees_it() as seat:
        page = seat.client.get(f"/mot-cua/ho-so/{theirs}")
        assert page.status_code == 404
        assert "Không tìm thấy hồ sơ này." in page.text
        moved = seat.client.post(
            f"/mot-cua/ho-so/{theirs}/chuyen-xu-ly", data={"csrf_token": me.csrf, "can_bo": "tp_ht"}
        )
        assert moved.status_code == 404
    with desk_room.db.read() as conn:
        found = store.dossier(conn, desk_room.candidate("CT002").id, theirs)
    assert found is not None
    assert found.status.value == "da_tiep_nhan"
