"""Văn bản đi (Nghị định 30/2020, Điều 10–19): dự thảo → trình duyệt → duyệt or trả lại → trình ký →
ký → chuyển văn thư → cấp số → phát hành → thu hồi, and lấy ý kiến on a draft. Numbers run per
year from 01, secret documents in their own sequence, per type when the agency numbers that way;
every PDF version is kept; issuing by email goes through the mail service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Connection

from mock_services.documents import outgoing
from mock_services.documents.acting import Acting
from mock_services.documents.domain import Opinion, Secrecy
from mock_services.documents.outgoing import Distribution
from mock_services.documents.store import Outgoing
from tests.mock_services.documents.office import (
    A_NAME,
    DRAFT,
    FIRST_MORNING_OF_2027,
    LAST_EVENING_OF_2026,
    TODAY,
    Office,
    pdf_text,
    verbs,
    who,
)


def step(office: Office, action: Callable[[Connection, Acting], Outgoing], *, colleague: str | None = None) -> Any:
    """Run one action; check every event it wrote is about the document and the last carries its
    live state; return (verb, actor, by, role) of each."""
    mark = office.head()
    done = office.do(action, colleague=colleague)
    found = [e for e in office.since(mark) if e.verb.startswith("documents.")]
    assert {e.object_id for e in found} == {str(done.id)}
    assert found[-1].data["after"] == office.outgoing_state(office.a, done.id)
    return who(found)


# --- Drafting


def test_a_chuyen_vien_drafts_and_the_draft_is_rendered_as_its_first_version(office: Office) -> None:
    office.as_role(office.a, "cv")
    mark = office.head()
    doc = office.do(lambda c, a: outgoing.create_draft(c, office.a, DRAFT, a))
    assert who(office.since(mark)) == [("documents.draft_created", "candidate", A_NAME, "chuyen_vien")]
    assert (doc.status, doc.drafter, doc.holder, doc.drafting_unit) == ("du_thao", "cv", "cv", "vhxh")
    assert doc.signer_lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]  # the Chủ tịch signs for the committee
    [pdf] = doc.files
    assert (pdf["name"], pdf["version"], pdf["kind"]) == ("du-thao-v1.pdf", 1, "du_thao")
    text = pdf_text(office.blob(pdf["sha256"]))
    assert "DỰ THẢO" in text
    assert "V/v báo cáo kết quả tổ chức" in text


def test_a_deputy_signs_for_the_chu_tich(office: Office) -> None:
    assert office.draft(office.a, signer="pct1").signer_lines == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"type": "XYZ"}, "Vui lòng chọn loại văn bản."),
        ({"subject": "  "}, "Vui lòng nhập trích yếu nội dung."),
        ({"subject": "x" * 501}, "Trích yếu dài quá 500 ký tự."),
        ({"signer": "cvp"}, "Vui lòng chọn người ký (lãnh đạo cơ quan)."),
        ({"signer": "nobody"}, "Vui lòng chọn người ký (lãnh đạo cơ quan)."),
        ({"recipients": ()}, "Vui lòng nhập nơi nhận"),
        ({"related_incoming": 9999}, "Không tìm thấy văn bản đến liên quan đã chọn."),
    ],
)
def test_a_draft_missing_what_it_needs_is_refused_and_changes_nothing(
    office: Office, changes: dict[str, Any], said: str
) -> None:
    office.as_role(office.a, "cv")
    draft = replace(DRAFT, **changes)
    assert said in office.refused(lambda c, a: outgoing.create_draft(c, office.a, draft, a))


@pytest.mark.parametrize("role", ["ct", "vt"])
def test_only_a_chuyen_vien_drafts(office: Office, role: str) -> None:
    office.as_role(office.a, role)
    said = office.refused(lambda c, a: outgoing.create_draft(c, office.a, DRAFT, a))
    assert said.startswith("Dự thảo văn bản đi dành cho vai trò Chuyên viên. Hãy chuyển vai trò")


def test_editing_a_draft_keeps_every_version(office: Office) -> None:
    doc = office.draft(office.a)
    first = doc.files[0]
    changed = replace(DRAFT, body="Nội dung đã sửa theo ý kiến của lãnh đạo.", urgency="khan")  # type: ignore[arg-type]
    assert step(office, lambda c, a: outgoing.update_draft(c, office.a, doc, changed, a)) == [
        ("documents.draft_updated", "candidate", A_NAME, "chuyen_vien")
    ]
    updated = office.outgoing(office.a, doc.id)
    [event] = [e for e in office.events(office.a) if e.verb == "documents.draft_updated"]
    assert event.data["changed"] == ["body", "urgency"]
    assert [f["name"] for f in updated.files] == ["du-thao-v1.pdf", "du-thao-v2.pdf"]
    assert updated.files[0] == first
    assert "Nội dung đã sửa" in pdf_text(office.blob(updated.files[1]["sha256"]))
    assert "Nội dung đã sửa" not in pdf_text(office.blob(first["sha256"]))  # the old blob is as it was


def test_saving_an_unchanged_draft_writes_nothing(office: Office) -> None:
    doc = office.draft(office.a)
    before = office.snapshot()
    assert office.do(lambda c, a: outgoing.update_draft(c, office.a, doc, DRAFT, a)) == doc
    assert office.snapshot() == before


def test_only_the_holder_edits_a_draft(office: Office) -> None:
    doc = office.draft(office.a)
    changed = replace(DRAFT, body="Sửa của người khác.")
    said = office.refused(lambda c, a: outgoing.update_draft(c, office.a, doc, changed, a), colleague="cv_kt")
    assert said == "Văn bản đang do Nguyễn Văn An (Chuyên viên) xử lý, không phải bạn."


# --- Trình duyệt, duyệt, trả lại, trình ký, ký, chuyển văn thư


def test_the_whole_way_to_the_van_thu_writes_one_event_per_step(office: Office) -> None:
    doc = office.draft(office.a)
    assert step(office, lambda c, a: outgoing.submit(c, office.a, doc, "ct", "Kính trình Chủ tịch.", a)) == [
        ("documents.draft_submitted", "candidate", A_NAME, "chuyen_vien")
    ]
    doc = office.outgoing(office.a, doc.id)
    assert (doc.status, doc.approver, doc.holder) == ("cho_duyet", "ct", "ct")
    office.as_role(office.a, "ct")
    assert step(office, lambda c, a: outgoing.approve(c, office.a, doc, "Đồng ý.", a)) == [
        ("documents.draft_approved", "candidate", A_NAME, "lanh_dao"),
        ("documents.signature_requested", "candidate", A_NAME, "lanh_dao"),
    ]
    doc = office.outgoing(office.a, doc.id)
    assert (doc.status, doc.holder, doc.approved_by) == ("cho_ky", "ct", "ct")
    assert doc.comments[-1]["kind"] == "duyet"
    assert step(office, lambda c, a: outgoing.sign(c, office.a, doc, a)) == [
        ("documents.draft_signed", "candidate", A_NAME, "lanh_dao")
    ]
    doc = office.outgoing(office.a, doc.id)
    assert (doc.status, doc.signed_by, doc.signed_at) == ("da_ky", "ct", office.now)
    assert step(office, lambda c, a: outgoing.to_clerk(c, office.a, doc, a)) == [
        ("documents.sent_to_clerk", "candidate", A_NAME, "lanh_dao")
    ]
    doc = office.outgoing(office.a, doc.id)
    assert (doc.status, doc.holder) == ("cho_phat_hanh", "vt")  # the candidate's own văn thư position


def test_approving_without_going_on_returns_it_to_the_drafter_who_asks_for_signature(office: Office) -> None:
    doc = office.submitted(office.a)
    office.as_role(office.a, "ct")
    assert step(office, lambda c, a: outgoing.approve(c, office.a, doc, "", a, to_signer=False)) == [
        ("documents.draft_approved", "candidate", A_NAME, "lanh_dao")
    ]
    doc = office.outgoing(office.a, doc.id)
    assert (doc.status, doc.holder, doc.comments) == ("da_duyet", "cv", [])
    office.as_role(office.a, "cv")
    assert step(office, lambda c, a: outgoing.request_signature(c, office.a, doc, a)) == [
        ("documents.signature_requested", "candidate", A_NAME, "chuyen_vien")
    ]
    assert office.outgoing(office.a, doc.id).status == "cho_ky"


@pytest.mark.parametrize("at", ["cho_duyet", "cho_ky"])
def test_sending_back_returns_the_draft_with_what_must_change(office: Office, at: str) -> None:
    doc = office.submitted(office.a) if at == "cho_duyet" else office.at_signer(office.a)
    office.as_role(office.a, "ct")
    assert "Vui lòng nhập ý kiến (những điểm cần sửa)." in office.refused(
        lambda c, a: outgoing.send_back(c, office.a, doc, "   ", a)
    )
    assert step(office, lambda c, a: outgoing.send_back(c, office.a, doc, "Bổ sung số liệu.", a)) == [
        ("documents.draft_sent_back", "candidate", A_NAME, "lanh_dao")
    ]
    doc = office.outgoing(office.a, doc.id)
    assert (doc.status, doc.holder) == ("bi_tra_lai", "cv")
    assert (doc.comments[-1]["kind"], doc.comments[-1]["text"], doc.comments[-1]["by"]) == (
        "tra_lai",
        "Bổ sung số liệu.",
        A_NAME,
    )
    office.as_role(office.a, "cv")  # edited and sent again
    fixed = replace(DRAFT, body="Đã bổ sung số liệu.")
    doc = office.do(lambda c, a: outgoing.update_draft(c, office.a, doc, fixed, a))
    assert office.do(lambda c, a: outgoing.submit(c, office.a, doc, "ct", "", a)).status == "cho_duyet"


@pytest.mark.parametrize(("approver", "role"), [("cv_kt", "chuyen_vien"), ("vt2", "van_thu"), ("nobody", "")])
def test_a_draft_is_submitted_only_to_a_leader(office: Office, approver: str, role: str) -> None:
    doc = office.draft(office.a)
    said = office.refused(lambda c, a: outgoing.submit(c, office.a, doc, approver, "", a))
    assert said == "Vui lòng chọn lãnh đạo duyệt dự thảo."


def test_only_the_holder_approves_or_signs(office: Office) -> None:
    doc = office.submitted(office.a)  # with the Chủ tịch
    said = office.refused(lambda c, a: outgoing.approve(c, office.a, doc, "", a), colleague="pct1")
    assert said == "Văn bản đang do Nguyễn Văn An (Chủ tịch UBND) xử lý, không phải bạn."
    signing = office.at_signer(office.a, signer="pct2")  # goes to Trần Thị Mai
    office.as_role(office.a, "ct")
    said = office.refused(lambda c, a: outgoing.sign(c, office.a, signing, a))
    assert said == "Văn bản đang do Trần Thị Mai (Phó Chủ tịch UBND) xử lý, không phải bạn."
    signed = office.do(lambda c, a: outgoing.sign(c, office.a, signing, a), colleague="pct2")
    assert (signed.status, signed.signed_by) == ("da_ky", "pct2")


@pytest.mark.parametrize(
    ("role", "action", "said"),
    [
        ("vt", "submit", "“Trình duyệt” dành cho vai trò Chuyên viên."),
        ("cv", "approve", "“Duyệt” dành cho vai trò Lãnh đạo cơ quan, Lãnh đạo đơn vị."),
        ("cv", "sign", "Văn bản đang ở trạng thái “Chờ duyệt”, không thể thực hiện “Ký duyệt”."),
        ("ct", "number", "Văn bản đang ở trạng thái “Chờ duyệt”, không thể thực hiện “Cấp số”."),
        ("vt", "to_clerk", "Văn bản đang ở trạng thái “Chờ duyệt”, không thể thực hiện “Chuyển văn thư”."),
        ("ct", "edit", "Văn bản đang ở trạng thái “Chờ duyệt”, không thể thực hiện “Sửa dự thảo”."),
        ("ct", "issue", "Văn bản đang ở trạng thái “Chờ duyệt”, không thể thực hiện “Phát hành”."),
        ("ct", "recall", "Văn bản đang ở trạng thái “Chờ duyệt”, không thể thực hiện “Thu hồi”."),
    ],
)
def test_an_action_by_the_wrong_role_or_out_of_turn_is_refused(
    office: Office, role: str, action: str, said: str
) -> None:
    doc = office.submitted(office.a) if action != "submit" else office.draft(office.a)
    office.as_role(office.a, role)
    run: dict[str, Callable[[Connection, Acting], object]] = {
        "submit": lambda c, a: outgoing.submit(c, office.a, doc, "ct", "", a),
        "approve": lambda c, a: outgoing.approve(c, office.a, doc, "", a),
        "sign": lambda c, a: outgoing.sign(c, office.a, doc, a),
        "number": lambda c, a: outgoing.number(c, office.a, doc, a),
        "to_clerk": lambda c, a: outgoing.to_clerk(c, office.a, doc, a),
        "edit": lambda c, a: outgoing.update_draft(c, office.a, doc, replace(DRAFT, body="Sửa."), a),
        "issue": lambda c, a: outgoing.issue(c, office.a, doc, Distribution(internal=("vhxh",)), a),
        "recall": lambda c, a: outgoing.recall(c, office.a, doc, "Sai sót.", a),
    }
    assert said in office.refused(run[action])


# --- Lấy ý kiến


def test_colleagues_asked_answer_at_once_the_candidate_s_own_position_later(office: Office) -> None:
    doc = office.draft(office.a)
    due = TODAY + timedelta(days=2)
    mark = office.head()
    doc = office.do(
        lambda c, a: outgoing.consult(c, office.a, doc, ["tp_vhxh", "ct", "tp_vhxh"], due, "Xin ý kiến.", a)
    )
    assert who(office.since(mark)) == [
        ("documents.opinion_requested", "candidate", A_NAME, "chuyen_vien"),
        ("documents.opinion_given", "system", "Võ Thị Thu Hà", "lanh_dao_phong"),
    ]
    requested, given = office.since(mark)
    assert (requested.data["asked"], requested.data["due"], requested.data["note"]) == (
        ["Võ Thị Thu Hà", A_NAME],
        "2026-11-26",
        "Xin ý kiến.",
    )
    assert (given.data["opinion"], given.data["after"]) == ("dong_y", office.outgoing_state(office.a, doc.id))
    assert [(o["person"], o["answer"]) for o in doc.opinions] == [("tp_vhxh", "dong_y"), ("ct", "")]

    office.as_role(office.a, "ct")
    mark = office.head()
    doc = office.do(
        lambda c, a: outgoing.give_opinion(c, office.a, doc, Opinion.y_kien_khac, "Bổ sung phần kinh phí.", a)
    )
    assert who(office.since(mark)) == [("documents.opinion_given", "candidate", A_NAME, "lanh_dao")]
    assert doc.opinions[1] | {"at": ""} == {
        "person": "ct",
        "name": A_NAME,
        "asked_by": A_NAME,
        "due": "2026-11-26",
        "note": "Xin ý kiến.",
        "answer": "y_kien_khac",
        "answer_note": "Bổ sung phần kinh phí.",
        "at": "",
    }
    said = office.refused(lambda c, a: outgoing.give_opinion(c, office.a, doc, Opinion.dong_y, "Lại.", a))
    assert said == "Không có yêu cầu cho ý kiến nào dành cho bạn trên văn bản này."


@pytest.mark.parametrize(
    ("people", "due", "note", "said"),
    [
        ([], None, "Xin ý kiến.", "Vui lòng chọn người cho ý kiến (không chọn chính mình)."),
        (["cv"], None, "Xin ý kiến.", "Vui lòng chọn người cho ý kiến (không chọn chính mình)."),
        (["nobody"], None, "Xin ý kiến.", "Vui lòng chọn người cho ý kiến (không chọn chính mình)."),
        (["tp_vhxh"], TODAY - timedelta(days=1), "Xin ý kiến.", "Hạn cho ý kiến không được trước ngày hôm nay."),
        (["tp_vhxh"], None, "  ", "Vui lòng nhập nội dung xin ý kiến."),
    ],
)
def test_a_bad_request_for_opinions_is_refused_and_changes_nothing(
    office: Office, people: list[str], due: date | None, note: str, said: str
) -> None:
    doc = office.draft(office.a)
    assert office.refused(lambda c, a: outgoing.consult(c, office.a, doc, people, due, note, a)) == said


# --- Cấp số


def test_the_van_thu_numbers_a_cong_van_issuer_then_unit(office: Office) -> None:
    doc = office.with_clerk(office.a)
    assert step(office, lambda c, a: outgoing.number(c, office.a, doc, a)) == [
        ("documents.outgoing_numbered", "candidate", A_NAME, "van_thu")
    ]
    doc = office.outgoing(office.a, doc.id)
    assert (doc.number, doc.code_number, doc.symbol, doc.year, doc.issued_date) == (
        "01/UBND-VHXH",
        1,
        "UBND-VHXH",
        2026,
        TODAY,
    )
    assert doc.status == "cho_phat_hanh"  # numbered, not yet issued
    [event] = [e for e in office.events(office.a) if e.verb == "documents.outgoing_numbered"]
    assert (event.data["number"], event.data["issued_date"]) == ("01/UBND-VHXH", "2026-11-24")


def test_numbers_run_per_year_in_one_sequence_for_every_type(office: Office) -> None:
    numbers = [office.numbered(office.a, type=kind).number for kind in ("CV", "KH", "CV", "QĐ")]
    assert numbers == ["01/UBND-VHXH", "02/KH-UBND", "03/UBND-VHXH", "04/QĐ-UBND"]


def test_numbers_reach_two_digits_without_a_zero(office: Office) -> None:
    office.number(office.a, office.with_clerk(office.a), written="09/UBND-VHXH")
    assert office.numbered(office.a).number == "10/UBND-VHXH"


def test_an_agency_numbering_per_type_keeps_one_sequence_per_type(office: Office) -> None:
    office.setup(office.a, "documents.agency", {"numbering": "theo_loai"})
    numbers = [office.numbered(office.a, type=kind).number for kind in ("CV", "KH", "CV", "KH", "BC")]
    assert numbers == ["01/UBND-VHXH", "01/KH-UBND", "02/UBND-VHXH", "02/KH-UBND", "01/BC-UBND"]


def test_secret_documents_take_their_numbers_from_a_sequence_of_their_own(office: Office) -> None:
    plain = [office.numbered(office.a, type=kind).number for kind in ("CV", "KH")]
    secret = [
        office.numbered(office.a, type="BC", secrecy=Secrecy.mat).number,
        office.numbered(office.a, type="QĐ", secrecy=Secrecy.toi_mat).number,
    ]
    after = office.numbered(office.a, type="BC").number
    assert plain == ["01/UBND-VHXH", "02/KH-UBND"]
    assert secret == ["01/BC-UBND", "02/QĐ-UBND"]
    assert after == "03/BC-UBND"


def test_a_secret_cong_van_gets_the_first_number_of_the_secret_sequence(office: Office) -> None:
    """The secret sequence starts at 01 whatever the ordinary one has reached; a secret công văn of
    Phòng Văn hóa - Xã hội is therefore 01/UBND-VHXH like the first ordinary one. The văn thư must
    be able to give it the number the system proposes."""
    assert office.numbered(office.a).number == "01/UBND-VHXH"
    secret = office.with_clerk(office.a, secrecy=Secrecy.mat)
    numbered = office.do(lambda c, a: outgoing.number(c, office.a, secret, a))
    assert (numbered.code_number, numbered.symbol) == (1, "UBND-VHXH")


def test_numbers_start_again_at_01_each_year(office: Office) -> None:
    with office.at(LAST_EVENING_OF_2026):
        last = office.numbered(office.a)
    with office.at(FIRST_MORNING_OF_2027):  # 2027 already in Cần Thơ
        first = office.numbered(office.a)
    assert (last.number, last.year, last.issued_date) == ("01/UBND-VHXH", 2026, date(2026, 12, 31))
    assert (first.number, first.year, first.issued_date) == ("01/UBND-VHXH", 2027, date(2027, 1, 1))
    assert "ngày 01 tháng 01 năm 2027" in pdf_text(office.blob(first.files[-1]["sha256"]))


@pytest.mark.parametrize("written", ["05/UBND-VHXH", "Số: 05/UBND-VHXH", " 05/UBND-VHXH "])
def test_the_van_thu_may_type_a_number_that_follows_the_rules(office: Office, written: str) -> None:
    doc = office.number(office.a, office.with_clerk(office.a), written=written)
    assert (doc.number, doc.code_number, doc.symbol) == ("05/UBND-VHXH", 5, "UBND-VHXH")
    assert office.numbered(office.a).number == "06/UBND-VHXH"


def test_a_typed_number_written_so_that_the_check_accepts_it_is_taken(office: Office) -> None:
    """ "Số 05/UBND-VHXH" (no colon) passes check_number_symbol, so cấp số takes it too, or refuses it
    with a DocumentError: it never fails on an error the candidate cannot read."""
    doc = office.with_clerk(office.a)
    numbered = office.do(lambda c, a: outgoing.number(c, office.a, doc, a, written="Số 05/UBND-VHXH"))
    assert numbered.number == "05/UBND-VHXH"


@pytest.mark.parametrize(
    ("kind", "written", "said"),
    [
        ("CV", "5/UBND-VHXH", "Số “5”: số nhỏ hơn 10 phải ghi thêm số 0 phía trước, ví dụ “05”"),
        ("CV", "05/CV-UBND", "“CV” không có trong Phụ lục III"),
        ("CV", "12 / UBND-VHXH", "số, ký hiệu viết liền, không có dấu cách"),
        ("KH", "05/QĐ-UBND", "kế hoạch phải mở đầu bằng chữ viết tắt “KH”"),
        ("KH", "05/KH-SNV", "phải có chữ viết tắt tên cơ quan ban hành “UBND”"),
    ],
)
def test_a_typed_number_breaking_the_rules_is_refused_and_changes_nothing(
    office: Office, kind: str, written: str, said: str
) -> None:
    doc = office.with_clerk(office.a, type=kind)
    assert said in office.refused(lambda c, a: outgoing.number(c, office.a, doc, a, written=written))


def test_a_number_already_given_this_year_is_refused_and_changes_nothing(office: Office) -> None:
    office.numbered(office.a)
    doc = office.with_clerk(office.a)
    said = office.refused(lambda c, a: outgoing.number(c, office.a, doc, a, written="01/UBND-VHXH"))
    assert said == "Số 01/UBND-VHXH đã được cấp cho văn bản khác trong năm 2026."


def test_a_document_is_numbered_once(office: Office) -> None:
    doc = office.numbered(office.a)
    assert office.refused(lambda c, a: outgoing.number(c, office.a, doc, a)) == "Văn bản đã được cấp số."


def test_only_the_van_thu_numbers(office: Office) -> None:
    doc = office.with_clerk(office.a)
    office.as_role(office.a, "ct")
    said = office.refused(lambda c, a: outgoing.number(c, office.a, doc, a))
    assert said.startswith("“Cấp số” dành cho vai trò Văn thư. Hãy chuyển vai trò")


def test_every_pdf_version_is_kept_the_one_to_sign_is_clean_and_the_issued_one_carries_the_number(
    office: Office,
) -> None:
    doc = office.draft(office.a)
    office.do(lambda c, a: outgoing.update_draft(c, office.a, doc, replace(DRAFT, body="Bản sửa lần một."), a))
    doc = office.outgoing(office.a, doc.id)
    doc = office.do(lambda c, a: outgoing.submit(c, office.a, doc, "ct", "", a))
    office.as_role(office.a, "ct")
    doc = office.do(lambda c, a: outgoing.approve(c, office.a, doc, "", a))
    doc = office.do(lambda c, a: outgoing.sign(c, office.a, doc, a))
    doc = office.do(lambda c, a: outgoing.to_clerk(c, office.a, doc, a))
    doc = office.number(office.a, doc)
    assert [(f["name"], f["version"], f["kind"]) for f in doc.files] == [
        ("du-thao-v1.pdf", 1, "du_thao"),
        ("du-thao-v2.pdf", 2, "du_thao"),
        ("van-ban-v3.pdf", 3, "trinh_ky"),
        ("van-ban-v4.pdf", 4, "ban_phat_hanh"),
    ]
    assert len({f["sha256"] for f in doc.files}) == 4
    texts = [pdf_text(office.blob(f["sha256"])) for f in doc.files]  # every blob still there, pypdf opens it
    assert all("01/UBND-VHXH" not in t and "DỰ THẢO" in t for t in texts[:2])
    assert "Bản sửa lần một." in texts[1]
    assert "DỰ THẢO" not in texts[2]
    assert "01/UBND-VHXH" not in texts[2]
    assert "Số: 01/UBND-VHXH" in texts[3]
    assert "Ninh Kiều, ngày 24 tháng 11 năm 2026" in texts[3]
    assert "DỰ THẢO" not in texts[3]
    [numbered] = [e for e in office.events(office.a) if e.verb == "documents.outgoing_numbered"]
    assert numbered.data["after"]["files"] == doc.files


# --- Phát hành, thu hồi


def test_issuing_sends_it_to_units_agencies_and_addresses(office: Office) -> None:
    doc = office.numbered(office.a)
    to = Distribution(internal=("vhxh", "tp_kt"), agencies=("UBND thành phố Cần Thơ",))
    assert step(office, lambda c, a: outgoing.issue(c, office.a, doc, to, a)) == [
        ("documents.outgoing_issued", "candidate", A_NAME, "van_thu")
    ]
    doc = office.outgoing(office.a, doc.id)
    assert (doc.status, doc.holder) == ("da_phat_hanh", "")
    assert doc.issued_to == {
        "internal": ["Phòng Văn hóa - Xã hội", "Phạm Minh Tâm"],
        "agencies": ["UBND thành phố Cần Thơ"],
        "emails": [],
    }
    [event] = [e for e in office.events(office.a) if e.verb == "documents.outgoing_issued"]
    assert (event.data["internal"], event.data["agencies"], event.data["emails"]) == (
        ["Phòng Văn hóa - Xã hội", "Phạm Minh Tâm"],
        ["UBND thành phố Cần Thơ"],
        [],
    )


def test_issuing_by_email_sends_the_pdf_through_the_mail_service(office: Office) -> None:
    doc = office.numbered(office.a)
    to = Distribution(emails=("vanthu@cantho.egov.test", "lanhdao@gmail.com"))
    mark = office.head()
    issued = office.issue(office.a, doc, to)
    found = office.since(mark)
    assert [(e.verb, e.actor) for e in found] == [
        ("mail.message_sent", "candidate"),
        ("mail.message_received", "system"),  # the bounce of the address outside the room
        ("documents.outgoing_issued", "candidate"),
    ]
    sent, bounce, _ = found
    assert sent.data["delivered"] == ["vanthu@cantho.egov.test"]
    assert sent.data["bounced"] == ["lanhdao@gmail.com"]
    message = sent.data["after"]
    assert message["from"] == office.a.email.lower()
    assert message["to"] == ["vanthu@cantho.egov.test", "lanhdao@gmail.com"]
    assert message["subject"] == f"Văn bản số 01/UBND-VHXH: {DRAFT.subject}"
    assert message["folder"] == "sent"
    pdf = issued.files[-1]
    assert message["attachments"] == [
        {"name": "01_UBND-VHXH.pdf", "sha256": pdf["sha256"], "size": pdf["size"], "content_type": "application/pdf"}
    ]
    assert "Số: 01/UBND-VHXH" in pdf_text(office.blob(pdf["sha256"]))
    assert bounce.data["channel"] == "bounce"
    assert bounce.data["after"]["origin"] == "bounce"
    assert issued.issued_to["emails"] == ["vanthu@cantho.egov.test", "lanhdao@gmail.com"]


@pytest.mark.parametrize(
    ("to", "said"),
    [
        (Distribution(), "Vui lòng chọn ít nhất một nơi nhận để phát hành."),
        (Distribution(agencies=("Bộ Nội vụ",)), "Có cơ quan nhận không có trong danh sách liên thông."),
        (Distribution(internal=("so_tai_chinh",)), "Có đơn vị nhận không thuộc cơ quan."),
        (Distribution(emails=("vanthu-cantho",)), "không phải là địa chỉ thư điện tử hợp lệ"),
    ],
)
def test_issuing_to_nowhere_or_to_unknown_places_is_refused_and_changes_nothing(
    office: Office, to: Distribution, said: str
) -> None:
    doc = office.numbered(office.a)
    assert said in office.refused(lambda c, a: outgoing.issue(c, office.a, doc, to, a))


def test_a_document_is_issued_only_once_numbered(office: Office) -> None:
    doc = office.with_clerk(office.a)
    said = office.refused(lambda c, a: outgoing.issue(c, office.a, doc, Distribution(internal=("vhxh",)), a))
    assert said == "Văn bản chưa được cấp số: hãy cấp số trước khi phát hành."


@pytest.mark.parametrize(("role", "as_role"), [("vt", "van_thu"), ("ct", "lanh_dao")])
def test_an_issued_document_is_recalled_and_frozen(office: Office, role: str, as_role: str) -> None:
    doc = office.issue(office.a, office.numbered(office.a))
    office.as_role(office.a, role)
    assert step(
        office, lambda c, a: outgoing.recall(c, office.a, doc, "Sai thể thức, ban hành văn bản thay thế.", a)
    ) == [("documents.outgoing_recalled", "candidate", A_NAME, as_role)]
    doc = office.outgoing(office.a, doc.id)
    assert (doc.status, doc.recall_reason, doc.number) == (
        "thu_hoi",
        "Sai thể thức, ban hành văn bản thay thế.",
        "01/UBND-VHXH",
    )
    said = office.refused(lambda c, a: outgoing.recall(c, office.a, doc, "Lần nữa.", a))
    assert said == "Văn bản đang ở trạng thái “Đã thu hồi”, không thể thực hiện “Thu hồi”."


def test_a_recall_needs_a_reason_and_the_right_role(office: Office) -> None:
    doc = office.issue(office.a, office.numbered(office.a))
    assert office.refused(lambda c, a: outgoing.recall(c, office.a, doc, " ", a)) == "Vui lòng nhập lý do thu hồi."
    office.as_role(office.a, "cv")
    assert "“Thu hồi” dành cho vai trò Lãnh đạo cơ quan, Văn thư." in office.refused(
        lambda c, a: outgoing.recall(c, office.a, doc, "Sai sót.", a)
    )


def test_a_draft_answering_an_incoming_document_names_it(office: Office) -> None:
    answered = office.register(office.a, office.receive(office.a))
    doc = office.draft(office.a, related_incoming=answered.id)
    state = office.outgoing_state(office.a, doc.id)
    assert state["related_incoming"] == str(answered.id)
    assert "related_number" not in state  # by id only: a number corrected later would leave the log behind
    assert verbs(office.events(office.a))[-1] == "documents.draft_created"
