"""The ký số pages in-process: the leader opens the signing page (server-rendered page images and a
box already placed), a wrong PIN comes back with the count left and is recorded, the right PIN
signs; the văn thư numbers and stamps; the Ký số page shows the certificates and checks a PDF;
another candidate's document is a 404 and bad input gets a Vietnamese message."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from mock_services.core import log
from mock_services.signing import store as signing_store
from tests.support.webmail import Browser, Mailroom

APPENDIX = Path(__file__).resolve().parents[3] / "tasks" / "mail" / "fixtures" / "BaoCao_CDS_2026.pdf"
DRAFT = {
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


def switch(me: Browser, key: str) -> None:
    assert me.post("/van-ban/vai-tro", {"vai_tro": key}).status_code == 303


def waiting_for_signature(me: Browser, files: list[tuple[str, Any]] | None = None) -> int:
    switch(me, "cv")
    created = me.post("/van-ban/di/moi", DRAFT, files=files)
    assert created.status_code == 303, created.text
    doc_id = int(created.headers["location"].split("/")[3].split("?")[0])
    assert me.post(f"/van-ban/di/{doc_id}/trinh-duyet", {"nguoi_duyet": "ct", "ghi_chu": ""}).status_code == 303
    switch(me, "ct")
    assert me.post(f"/van-ban/di/{doc_id}/duyet", {"y_kien": "", "trinh_ky": "1"}).status_code == 303
    return doc_id


def hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(trang|x0|y0|x1|y1|loai)" value="([^"]*)"', page))


def pin(room: Mailroom) -> str:
    with room.db.read() as conn:
        certs = signing_store.certificates_of(conn, room.candidate("CT001").id)
    return certs[0].pin


def verbs(room: Mailroom, prefix: str) -> list[str]:
    with room.db.read() as conn:
        return [
            e.verb for e in log.iter_events(conn, candidate_id=room.candidate("CT001").id) if e.verb.startswith(prefix)
        ]


def test_the_leader_signs_on_the_page_a_wrong_pin_first(me: Browser, room: Mailroom) -> None:
    doc_id = waiting_for_signature(me)
    assert f'href="/van-ban/di/{doc_id}/ky-so"' in me.get(f"/van-ban/di/{doc_id}").text
    page = me.get(f"/van-ban/di/{doc_id}/ky-so")
    assert page.status_code == 200, page.text
    assert "Ký cá nhân" in page.text
    image = re.search(r'src="(/van-ban/di/\d+/trang/[0-9a-f]{64}/1\.png)"', page.text)
    assert image is not None
    png = me.get(image.group(1))
    assert png.status_code == 200
    assert png.content.startswith(b"\x89PNG")
    form = {**hidden(page.text), "xac_thuc": "pin", "ma_pin": "not-the-pin"}
    refused = me.post(f"/van-ban/di/{doc_id}/ky-so", form)
    assert refused.status_code == 400
    assert "Mã PIN không đúng. Bạn còn 2 lần thử" in refused.text
    assert verbs(room, "signing.pin_rejected") == ["signing.pin_rejected"]  # recorded though refused
    signed = me.post(f"/van-ban/di/{doc_id}/ky-so", {**form, "ma_pin": pin(room)})
    assert signed.status_code == 303, signed.text
    assert verbs(room, "signing.pdf_signed") == ["signing.pdf_signed"]
    assert "Đã ký" in me.get(f"/van-ban/di/{doc_id}").text


def test_the_clerk_stamps_number_date_and_seal(me: Browser, room: Mailroom) -> None:
    doc_id = waiting_for_signature(me)
    leader_page = me.get(f"/van-ban/di/{doc_id}/ky-so").text
    signed = me.post(f"/van-ban/di/{doc_id}/ky-so", {**hidden(leader_page), "xac_thuc": "pin", "ma_pin": pin(room)})
    assert signed.status_code == 303
    assert me.post(f"/van-ban/di/{doc_id}/chuyen-van-thu").status_code == 303
    switch(me, "vt")
    assert me.post(f"/van-ban/di/{doc_id}/cap-so").status_code == 303
    assert f'href="/van-ban/di/{doc_id}/ky-so?loai=dau"' in me.get(f"/van-ban/di/{doc_id}").text
    for kind in ("so", "ngay", "dau"):
        page = me.get(f"/van-ban/di/{doc_id}/ky-so?loai={kind}")
        assert page.status_code == 200, page.text
        stamped = me.post(f"/van-ban/di/{doc_id}/ky-so", {**hidden(page.text), "xac_thuc": "pin", "ma_pin": pin(room)})
        assert stamped.status_code == 303, stamped.text
    assert verbs(room, "documents.outgoing_stamped") == ["documents.outgoing_stamped"] * 3


def test_the_clerk_signs_an_appendix_from_the_seal_page_then_seals(me: Browser, room: Mailroom) -> None:
    doc_id = waiting_for_signature(me, [("tep", ("PhuLuc_DanhSach.pdf", APPENDIX.read_bytes(), "application/pdf"))])
    leader_page = me.get(f"/van-ban/di/{doc_id}/ky-so").text
    signed = me.post(f"/van-ban/di/{doc_id}/ky-so", {**hidden(leader_page), "xac_thuc": "pin", "ma_pin": pin(room)})
    assert signed.status_code == 303
    assert me.post(f"/van-ban/di/{doc_id}/chuyen-van-thu").status_code == 303
    switch(me, "vt")
    assert me.post(f"/van-ban/di/{doc_id}/cap-so").status_code == 303

    page = me.get(f"/van-ban/di/{doc_id}/ky-so?loai=dau")

    assert page.status_code == 200, page.text  # an appendix not signed yet was a 500 here
    assert "Phụ lục kèm theo" in page.text
    form = re.search(r'name="tep" value="([0-9a-f]{64})"', page.text)
    assert form is not None, page.text
    done = me.post(
        f"/van-ban/di/{doc_id}/ky-phu-luc",
        {"tep": form.group(1), "loai": "dau", "xac_thuc": "pin", "ma_pin": pin(room)},
    )
    assert done.status_code == 303, done.text
    assert "PhuLuc_DanhSach.pdf — đã ký số" in me.get(f"/van-ban/di/{doc_id}/ky-so?loai=dau").text


def test_bad_input_gets_a_vietnamese_message_and_changes_nothing(me: Browser, room: Mailroom) -> None:
    doc_id = waiting_for_signature(me)
    page = me.get(f"/van-ban/di/{doc_id}/ky-so").text
    outside = {**hidden(page), "x0": "500", "x1": "900", "xac_thuc": "pin", "ma_pin": pin(room)}
    refused = me.post(f"/van-ban/di/{doc_id}/ky-so", outside)
    assert refused.status_code == 400
    assert "nằm ngoài trang" in refused.text
    garbled = me.post(f"/van-ban/di/{doc_id}/ky-so", {**hidden(page), "x0": "abc", "ma_pin": pin(room)})
    assert "Vị trí khung chữ ký không hợp lệ" in garbled.text
    unknown_kind = me.get(f"/van-ban/di/{doc_id}/ky-so?loai=khong-co")
    assert unknown_kind.status_code == 303
    assert verbs(room, "signing.pdf_signed") == []


def test_the_signing_home_shows_certificates_and_checks_a_pdf(me: Browser, room: Mailroom) -> None:
    home = me.get("/ky-so")
    assert home.status_code == 200, home.text
    assert "MÔ PHỎNG – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ" in home.text
    assert pin(room) in home.text
    root = me.get("/ky-so/goc.crt")
    assert root.content.startswith(b"-----BEGIN CERTIFICATE-----")
    checked = me.client.post(
        "/ky-so/kiem-tra",
        data={"csrf_token": me.csrf},
        files={"tep": ("khong-phai-pdf.pdf", b"hello", "application/pdf")},
    )
    assert checked.status_code == 200
    assert "Không đọc được tệp PDF" in checked.text
    assert verbs(room, "signing.pdf_verified") == ["signing.pdf_verified"]


def test_another_candidates_document_is_not_found(me: Browser, room: Mailroom, client: TestClient) -> None:
    doc_id = waiting_for_signature(me)
    other = room.browser(client, "CT002")
    assert other.get(f"/van-ban/di/{doc_id}/ky-so").status_code == 404
