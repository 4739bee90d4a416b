"""The document pages in-process: a candidate switches role, registers, presents, directs and
completes an incoming document; drafts, approves, signs, numbers and issues an outgoing one; every
refusal is a Vietnamese message that keeps what was typed, and every page is the candidate's own."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from mock_services.core import log
from mock_services.core.events import EventRecord
from mock_services.core.setup_ops import run_operation
from mock_services.documents import store
from sandbox.setup_context import setup_context
from tests.support.webmail import Browser, Mailroom, textarea


def setup(room: Mailroom, number: str, operation: str, args: dict[str, Any]) -> int:
    with room.db.write() as conn:
        ctx = setup_context(conn, room.candidate(number), now=room.clock(), settings=room.settings, task_id="t")
        result = run_operation(ctx, operation, args)
    assert isinstance(result, int)
    return result


URGENT = {
    "from": "UBND thành phố Cần Thơ",
    "number": "215/UBND-VP",
    "date": "2026-11-20",
    "summary": "tổ chức Ngày hội Đại đoàn kết toàn dân tộc",
    "urgency": "khan",
    "body": "Đề nghị UBND các phường tổ chức Ngày hội.",
}


def events(room: Mailroom, number: str, prefix: str = "documents.") -> list[EventRecord]:
    with room.db.read() as conn:
        found = log.iter_events(conn, candidate_id=room.candidate(number).id)
        return [e for e in found if e.verb.startswith(prefix)]


def switch(me: Browser, key: str) -> None:
    response = me.post("/van-ban/vai-tro", {"vai_tro": key})
    assert response.status_code == 303


def test_the_first_visit_makes_the_agency_and_lands_on_the_leaders_list(me: Browser, room: Mailroom) -> None:
    response = me.get("/van-ban")
    assert response.status_code == 303
    assert response.headers["location"] == "/van-ban/den/cho-xu-ly"
    page = me.get("/van-ban/den/cho-xu-ly").text
    assert "Ủy ban nhân dân phường Ninh Kiều" in page
    assert "Chủ tịch UBND" in page
    assert [e.verb for e in events(room, "CT001")] == ["documents.agency_prepared"]


def test_incoming_from_arrival_to_completion(me: Browser, room: Mailroom) -> None:
    doc_id = setup(room, "CT001", "documents.incoming", URGENT)
    switch(me, "vt")
    waiting = me.get("/van-ban/den/cho-vao-so").text
    assert "215/UBND-VP" in waiting
    assert "Khẩn" in waiting

    page = me.get(f"/van-ban/den/{doc_id}").text
    assert "Vào sổ văn bản đến" in page
    form = {
        "so_ky_hieu": "215/UBND-VP",
        "ngay_van_ban": "20/11/2026",
        "co_quan": "UBND thành phố Cần Thơ",
        "loai": "CV",
        "trich_yeu": "V/v tổ chức Ngày hội Đại đoàn kết toàn dân tộc",
        "do_khan": "khan",
        "do_mat": "thuong",
    }
    assert me.post(f"/van-ban/den/{doc_id}/vao-so", form).status_code == 303
    assert me.post(f"/van-ban/den/{doc_id}/trinh", {"lanh_dao": "ct"}).status_code == 303

    switch(me, "ct")
    assert "215/UBND-VP" in me.get("/van-ban/den/cho-xu-ly").text
    routing = {
        "vai_tro_vhxh": "chinh",
        "vai_tro_kt": "phoi_hop",
        "vai_tro_vp": "de_biet",
        "han_xu_ly": "30/11/2026",
        "y_kien": "Giao Phòng VH-XH chủ trì, báo cáo trước ngày 30/11/2026.",
    }
    assert me.post(f"/van-ban/den/{doc_id}/but-phe", routing).status_code == 303

    switch(me, "cv")
    assert "215/UBND-VP" in me.get("/van-ban/den/cho-xu-ly").text
    done = me.post(f"/van-ban/den/{doc_id}/hoan-thanh", {"ket_qua": "Đã tham mưu kế hoạch."})
    assert done.status_code == 303

    verbs = [e.verb for e in events(room, "CT001") if e.object_kind == "incoming"]
    assert verbs == [
        "documents.incoming_received",
        "documents.incoming_opened",
        "documents.incoming_registered",
        "documents.incoming_presented",
        "documents.incoming_routed",
        "documents.incoming_completed",
    ]
    routed = next(e for e in events(room, "CT001") if e.verb == "documents.incoming_routed")
    assert routed.data["lead"] == "Phòng Văn hóa - Xã hội"
    assert routed.data["cooperate"] == ["Phòng Kinh tế, Hạ tầng và Đô thị"]
    assert routed.data["for_info"] == ["Văn phòng HĐND và UBND"]
    assert routed.data["due"] == "2026-11-30"
    assert routed.data["role"] == "lanh_dao"
    assert routed.actor == "candidate"
    registered = next(e for e in events(room, "CT001") if e.verb == "documents.incoming_registered")
    assert registered.data["arrival_number"] == 1
    history = me.get(f"/van-ban/den/{doc_id}").text
    assert "Lịch sử tác động" in history
    assert "Bút phê, chuyển xử lý" in history


def test_two_leads_are_refused_and_the_form_comes_back_as_typed(me: Browser, room: Mailroom) -> None:
    doc_id = setup(room, "CT001", "documents.incoming", {**URGENT, "step": "cho_but_phe"})
    before = len(events(room, "CT001"))
    routing = {"vai_tro_vhxh": "chinh", "vai_tro_kt": "chinh", "han_xu_ly": "30/11/2026", "y_kien": "Giao hai phòng"}
    response = me.post(f"/van-ban/den/{doc_id}/but-phe", routing)
    assert response.status_code == 400
    assert "Chỉ chọn một đơn vị" in response.text
    assert textarea(response.text, "y_kien") == "Giao hai phòng"
    assert re.search(r'name="vai_tro_kt" value="chinh"[^>]*checked', response.text)
    assert len(events(room, "CT001")) == before


def test_a_bad_number_names_the_rule_and_registers_nothing(me: Browser, room: Mailroom) -> None:
    doc_id = setup(room, "CT001", "documents.incoming", URGENT)
    switch(me, "vt")
    form = {
        "so_ky_hieu": "215 / UBND-VP",
        "ngay_van_ban": "20/11/2026",
        "co_quan": "UBND thành phố Cần Thơ",
        "loai": "CV",
        "trich_yeu": "V/v tổ chức",
    }
    response = me.post(f"/van-ban/den/{doc_id}/vao-so", form)
    assert response.status_code == 400
    assert "không có dấu cách" in response.text
    with room.db.read() as conn:
        doc = store.get_incoming(conn, room.candidate("CT001").id, doc_id)
    assert doc is not None
    assert doc.arrival_number is None


def test_outgoing_from_draft_to_issue_by_mail(me: Browser, room: Mailroom) -> None:
    switch(me, "cv")
    draft = {
        "loai": "CV",
        "trich_yeu": "V/v báo cáo kết quả Ngày hội Đại đoàn kết",
        "noi_dung": "UBND phường Ninh Kiều báo cáo như sau.",
        "kinh_gui": "UBND thành phố Cần Thơ",
        "noi_nhan": "- Như trên;\n- Lưu: VT, VHXH.",
        "nguoi_ky": "ct",
        "do_khan": "thuong",
        "do_mat": "thuong",
        "van_ban_den": "",
    }
    created = me.post("/van-ban/di/moi", draft)
    assert created.status_code == 303, created.text
    doc_id = int(created.headers["location"].split("/")[3].split("?")[0])
    assert me.post(f"/van-ban/di/{doc_id}/trinh-duyet", {"nguoi_duyet": "ct", "ghi_chu": ""}).status_code == 303
    switch(me, "ct")
    assert me.post(f"/van-ban/di/{doc_id}/duyet", {"y_kien": "Đồng ý", "trinh_ky": "1"}).status_code == 303
    assert me.post(f"/van-ban/di/{doc_id}/ky").status_code == 303
    assert me.post(f"/van-ban/di/{doc_id}/chuyen-van-thu").status_code == 303
    switch(me, "vt")
    page = me.get(f"/van-ban/di/{doc_id}").text
    assert "01/UBND-VHXH" in page
    assert me.post(f"/van-ban/di/{doc_id}/cap-so").status_code == 303
    issued = me.post(
        f"/van-ban/di/{doc_id}/phat-hanh",
        {"noi_bo": "vhxh", "co_quan": "UBND thành phố Cần Thơ", "email": "vanthu@cantho.egov.test"},
    )
    assert issued.status_code == 303
    verbs = [e.verb for e in events(room, "CT001", "") if e.object_kind in ("outgoing", "message")]
    assert verbs[-2:] == ["mail.message_sent", "documents.outgoing_issued"]
    numbered = next(e for e in events(room, "CT001") if e.verb == "documents.outgoing_numbered")
    assert numbered.data["number"] == "01/UBND-VHXH"
    register = me.get("/van-ban/so-di").text
    assert "01/UBND-VHXH" in register


def test_the_pdf_opens_and_the_opening_is_logged(me: Browser, room: Mailroom) -> None:
    doc_id = setup(room, "CT001", "documents.incoming", URGENT)
    with room.db.read() as conn:
        doc = store.get_incoming(conn, room.candidate("CT001").id, doc_id)
    assert doc is not None
    response = me.get(f"/van-ban/tep/den/{doc_id}/{doc.files[0]['sha256']}")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert events(room, "CT001")[-1].verb == "documents.file_opened"


def test_another_candidates_document_is_a_404(client: TestClient, me: Browser, room: Mailroom) -> None:
    theirs = setup(room, "CT002", "documents.incoming", URGENT)
    mine = setup(room, "CT001", "documents.incoming", URGENT)
    assert theirs != mine
    with me.as_the_candidate_sees_it() as seat:
        response = seat.client.get(f"/van-ban/den/{theirs}")
    assert response.status_code == 404
    assert "Không tìm thấy văn bản này." in response.text
    assert not [e for e in events(room, "CT002") if e.verb == "documents.incoming_opened"]
