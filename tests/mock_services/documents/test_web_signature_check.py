"""Kiểm tra chữ ký on a document's page, in-process: each PDF in "Tệp văn bản" has the button; the
check shows the verdict in Vietnamese (a letter changed after signing is not valid and says why, a
good one is valid, an unsigned draft is not signed) and logs ``signing.pdf_verified`` naming the
document; a file that is not the document's, or another candidate's document, is a 404 and logs
nothing."""

from __future__ import annotations

import html
import re
from typing import Any

from mock_services.core import log
from mock_services.core.events import EventRecord
from mock_services.documents import store
from mock_services.signing.verify import DOCUMENT_VERDICT_NAMES, VERDICT_NAMES, DocumentVerdict, Verdict
from tests.support.webmail import Browser, Mailroom

SENDER = "UBND thành phố Cần Thơ"
SIGNER = "Huỳnh Minh Khoa"
BUTTON = "Kiểm tra chữ ký"


def incoming(number: str, signed: str | None) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "from": SENDER,
        "number": number,
        "date": "2026-11-19",
        "summary": "phân bổ kinh phí hỗ trợ chuyển đổi số cấp phường năm 2026",
        "body": "Ủy ban nhân dân thành phố phân bổ kinh phí hỗ trợ chuyển đổi số năm 2026.",
        "signer": SIGNER,
        "signer_title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
    }
    if signed is not None:
        arguments["signed"] = signed
    return arguments


DRAFT: dict[str, Any] = {
    "summary": "báo cáo kết quả tổ chức Ngày hội Đại đoàn kết",
    "body": "UBND phường báo cáo như sau.",
    "kinh_gui": ["Ủy ban nhân dân thành phố Cần Thơ"],
}


def setup(room: Mailroom, number: str, operation: str, arguments: dict[str, Any]) -> int:
    result = room.setup(room.candidate(number), operation, arguments)
    assert isinstance(result, int)
    return result


def files_of(room: Mailroom, number: str, kind: str, doc_id: int) -> list[dict[str, Any]]:
    candidate_id = room.candidate(number).id
    with room.db.read() as conn:
        doc = (
            store.get_incoming(conn, candidate_id, doc_id)
            if kind == "den"
            else store.get_outgoing(conn, candidate_id, doc_id)
        )
    assert doc is not None
    return list(doc.files)


def check_actions(page: str) -> list[str]:
    """The targets of the page's Kiểm tra chữ ký forms."""
    return re.findall(r'<form class="inline-form" method="post" action="([^"]+/kiem-tra-chu-ky)">', page)


def verified(room: Mailroom, number: str) -> list[EventRecord]:
    with room.db.read() as conn:
        found = log.iter_events(conn, candidate_id=room.candidate(number).id)
        return [e for e in found if e.verb == "signing.pdf_verified"]


def text_of(page: str) -> str:
    return html.unescape(page)


def rows(page: str) -> list[tuple[str, str, str, str]]:
    """The report's table: (#, người ký, loại, kết quả) of each signature."""
    row = r"<tr><td>(\d+)</td><td>([^<]*)<br>.*?</td>\s*<td>([^<]*)</td><td>.*?</td>\s*<td>([^<]*)</td></tr>"
    return [tuple(found) for found in re.findall(row, text_of(page), re.S)]


def test_an_altered_letter_is_checked_from_its_page_not_valid_and_logged(me: Browser, room: Mailroom) -> None:
    doc_id = setup(room, "CT001", "documents.incoming", incoming("316/UBND-VP", "bi_sua_doi"))
    [file] = files_of(room, "CT001", "den", doc_id)
    page = me.get(f"/van-ban/den/{doc_id}")
    assert page.status_code == 200
    action = f"/van-ban/tep/den/{doc_id}/{file['sha256']}/kiem-tra-chu-ky"
    assert check_actions(page.text) == [action]
    assert BUTTON in page.text
    mark = room.mark()
    checked = me.post(action)
    assert checked.status_code == 200, checked.text
    shown = text_of(checked.text)
    assert "Kiểm tra chữ ký số" in shown
    assert DOCUMENT_VERDICT_NAMES[DocumentVerdict.khong_hop_le] in shown  # Có chữ ký không hợp lệ
    assert DOCUMENT_VERDICT_NAMES[DocumentVerdict.hop_le] not in shown
    altered = VERDICT_NAMES[Verdict.bi_sua_doi]  # Văn bản đã bị sửa đổi sau khi ký
    assert rows(checked.text) == [("1", SIGNER, "Cá nhân", altered), ("2", SENDER, "Tổ chức", altered)]
    assert '<p class="error"><strong>Có chữ ký không hợp lệ</strong>' in checked.text
    assert f"Kết quả kiểm tra: {file['name']}" in shown
    assert "316/UBND-VP" in shown
    [event] = room.since(mark, room.candidate("CT001"))
    assert (event.verb, event.actor, event.object_kind, event.object_id) == (
        "signing.pdf_verified",
        "candidate",
        "pdf",
        file["sha256"],
    )
    assert event.data["document"] == {"kind": "incoming", "id": str(doc_id)}
    assert (event.data["verdict"], event.data["name"], event.data["sha256"]) == (
        "khong_hop_le",
        file["name"],
        file["sha256"],
    )
    assert [(s["index"], s["signer"], s["verdict"]) for s in event.data["signatures"]] == [
        (1, SIGNER, "bi_sua_doi"),
        (2, SENDER, "bi_sua_doi"),
    ]
    assert all(re.fullmatch(r"[0-9A-F]+", s["serial"]) for s in event.data["signatures"])


def test_a_good_letter_is_valid(me: Browser, room: Mailroom) -> None:
    doc_id = setup(room, "CT001", "documents.incoming", incoming("315/UBND-VP", "hop_le"))
    [file] = files_of(room, "CT001", "den", doc_id)
    checked = me.post(f"/van-ban/tep/den/{doc_id}/{file['sha256']}/kiem-tra-chu-ky")
    assert checked.status_code == 200, checked.text
    shown = text_of(checked.text)
    assert DOCUMENT_VERDICT_NAMES[DocumentVerdict.hop_le] in shown  # Tất cả chữ ký hợp lệ
    assert DOCUMENT_VERDICT_NAMES[DocumentVerdict.khong_hop_le] not in shown
    assert VERDICT_NAMES[Verdict.bi_sua_doi] not in shown
    assert '<p class="ok"><strong>Tất cả chữ ký hợp lệ</strong>' in checked.text
    assert rows(checked.text) == [("1", SIGNER, "Cá nhân", "Hợp lệ"), ("2", SENDER, "Tổ chức", "Hợp lệ")]
    [event] = verified(room, "CT001")
    assert event.data["document"] == {"kind": "incoming", "id": str(doc_id)}
    assert event.data["verdict"] == "hop_le"
    assert [(s["signer"], s["verdict"]) for s in event.data["signatures"]] == [(SIGNER, "hop_le"), (SENDER, "hop_le")]


def test_a_look_alike_cas_letter_is_not_trusted(me: Browser, room: Mailroom) -> None:
    doc_id = setup(room, "CT001", "documents.incoming", incoming("88/UBND-VP", "khong_tin_cay"))
    [file] = files_of(room, "CT001", "den", doc_id)
    checked = me.post(f"/van-ban/tep/den/{doc_id}/{file['sha256']}/kiem-tra-chu-ky")
    assert checked.status_code == 200, checked.text
    shown = text_of(checked.text)
    assert DOCUMENT_VERDICT_NAMES[DocumentVerdict.khong_hop_le] in shown
    untrusted = VERDICT_NAMES[Verdict.khong_tin_cay]
    assert rows(checked.text) == [("1", SIGNER, "Cá nhân", untrusted), ("2", SENDER, "Tổ chức", untrusted)]
    [event] = verified(room, "CT001")
    assert event.data["verdict"] == "khong_hop_le"
    assert [s["verdict"] for s in event.data["signatures"]] == ["khong_tin_cay", "khong_tin_cay"]


def test_an_outgoing_drafts_pdf_is_checked_too_and_is_not_signed(me: Browser, room: Mailroom) -> None:
    room.fixture("ghi-chu.docx", b"PK\x03\x04 not a pdf")
    doc_id = setup(room, "CT001", "documents.draft", {**DRAFT, "attachments": ["ghi-chu.docx"]})
    files = files_of(room, "CT001", "di", doc_id)
    [pdf] = [f for f in files if str(f["name"]).lower().endswith(".pdf")]
    assert len(files) == 2  # the draft's PDF and the attachment, which gets no button
    page = me.get(f"/van-ban/di/{doc_id}")
    assert page.status_code == 200
    action = f"/van-ban/tep/di/{doc_id}/{pdf['sha256']}/kiem-tra-chu-ky"
    assert check_actions(page.text) == [action]
    mark = room.mark()
    checked = me.post(action)
    assert checked.status_code == 200, checked.text
    shown = text_of(checked.text)
    assert DOCUMENT_VERDICT_NAMES[DocumentVerdict.chua_ky] in shown  # Tệp chưa được ký số
    assert "Văn bản đi (chưa cấp số)" in shown
    assert rows(checked.text) == []
    assert f'href="/van-ban/di/{doc_id}"' in checked.text
    [event] = room.since(mark, room.candidate("CT001"))
    assert event.verb == "signing.pdf_verified"
    assert event.data["document"] == {"kind": "outgoing", "id": str(doc_id)}
    assert (event.data["verdict"], event.data["signatures"], event.data["sha256"]) == ("chua_ky", [], pdf["sha256"])


def test_a_file_that_is_not_the_documents_is_not_found_and_nothing_is_logged(me: Browser, room: Mailroom) -> None:
    doc_id = setup(room, "CT001", "documents.incoming", incoming("317/UBND-VP", None))
    other_id = setup(room, "CT001", "documents.incoming", incoming("318/UBND-VP", None))
    [other] = files_of(room, "CT001", "den", other_id)
    [mine] = files_of(room, "CT001", "den", doc_id)
    assert other["sha256"] != mine["sha256"]
    me.get(f"/van-ban/den/{doc_id}")
    mark = room.mark()
    for url in (
        f"/van-ban/tep/den/{doc_id}/{other['sha256']}/kiem-tra-chu-ky",  # a file, but another document's
        f"/van-ban/tep/den/{doc_id}/{'0' * 64}/kiem-tra-chu-ky",
        f"/van-ban/tep/di/{doc_id}/{mine['sha256']}/kiem-tra-chu-ky",  # no outgoing document of that id
        f"/van-ban/tep/xx/{doc_id}/{mine['sha256']}/kiem-tra-chu-ky",
        f"/van-ban/tep/den/{doc_id + 100}/{mine['sha256']}/kiem-tra-chu-ky",
    ):
        response = me.post(url)
        assert response.status_code == 404, url
        assert "Không tìm thấy" in response.text
    assert room.since(mark) == []
    assert (
        "Không tìm thấy tệp này của văn bản."
        in me.post(f"/van-ban/tep/den/{doc_id}/{other['sha256']}/kiem-tra-chu-ky").text
    )


def test_another_candidates_document_is_not_found(me: Browser, room: Mailroom) -> None:
    theirs = setup(room, "CT002", "documents.incoming", incoming("319/UBND-VP", None))
    [file] = files_of(room, "CT002", "den", theirs)
    setup(room, "CT001", "documents.incoming", incoming("319/UBND-VP", None))  # CT001's agency exists
    mark = room.mark()
    response = me.post(f"/van-ban/tep/den/{theirs}/{file['sha256']}/kiem-tra-chu-ky")
    assert response.status_code == 404
    assert "Không tìm thấy văn bản này." in response.text
    assert room.since(mark) == []
    assert verified(room, "CT002") == []


def test_the_check_needs_the_forms_token(me: Browser, room: Mailroom) -> None:
    doc_id = setup(room, "CT001", "documents.incoming", incoming("320/UBND-VP", None))
    [file] = files_of(room, "CT001", "den", doc_id)
    mark = room.mark()
    response = me.client.post(f"/van-ban/tep/den/{doc_id}/{file['sha256']}/kiem-tra-chu-ky", data={})
    assert response.status_code == 403
    assert room.since(mark) == []
