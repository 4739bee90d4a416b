"""The setup operations task specs call: documents.agency, documents.incoming, documents.draft. Later
steps are taken by simulated colleagues through the candidate's own operations, each logged as
``system``; a step the rules refuse is a SetupError naming the operation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from mock_services.core.setup_ops import SetupError
from mock_services.documents.operations import AgencyArgs, DraftArgs, IncomingArgs
from tests.mock_services.documents.office import A_NAME, CLERK_NAME, TASK, TODAY, Office, pdf_text, who

INCOMING: dict[str, Any] = {
    "from": "UBND thành phố Cần Thơ",
    "parent": "",
    "number": "215/UBND-VP",
    "date": "2026-11-20",
    "summary": "tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2026",
    "body": "Đề nghị UBND các phường tổ chức Ngày hội.\n\nTrân trọng.",
    "signer": "Trần Văn Lâu",
    "signer_title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
    "urgency": "khan",
}

DRAFT: dict[str, Any] = {
    "summary": "báo cáo kết quả tổ chức Ngày hội Đại đoàn kết",
    "body": "UBND phường báo cáo như sau.",
    "kinh_gui": ["Ủy ban nhân dân thành phố Cần Thơ"],
}


# --- documents.agency


def test_the_agency_is_shaped_by_its_setup_logged_by_system(office: Office) -> None:
    mark = office.head()
    office.setup(
        office.a,
        "documents.agency",
        {
            "units": [{"key": "tp", "name": "Phòng Tư pháp", "abbreviation": "TP"}],
            "people": [
                {"key": "cv_tp", "name": "Lý Thị Hạnh", "title": "Chuyên viên", "unit": "tp", "role": "chuyen_vien"}
            ],
            "agencies": [{"name": "Phòng Tư pháp thành phố", "email": "tuphap@cantho.egov.test"}],
            "numbering": "theo_loai",
            "start_role": "van_thu",
        },
    )
    [event] = office.since(mark)
    assert (event.verb, event.actor, event.object_kind, event.object_id) == (
        "documents.agency_prepared",
        "system",
        "agency",
        str(office.a.id),
    )
    assert event.context == {"task_id": TASK}
    agency = office.agency(office.a)
    assert event.data["after"] == agency.state()
    assert (agency.name, agency.numbering, agency.acting_as, agency.me.role) == (
        "Ủy ban nhân dân phường Ninh Kiều",
        "theo_loai",
        "vt",
        "van_thu",
    )
    assert [u.key for u in agency.units] == ["vp", "kt", "vhxh", "tp"]
    assert agency.name_of("cv_tp") == "Lý Thị Hạnh"
    assert [p.key for p in agency.my_positions] == ["ct", "cv", "vt"]
    assert all(p.name == A_NAME for p in agency.my_positions)
    assert "Phòng Tư pháp thành phố" in [a["name"] for a in agency.agencies]


def test_a_second_agency_setup_keeps_what_the_first_added(office: Office) -> None:
    office.setup(
        office.a, "documents.agency", {"units": [{"key": "tp", "name": "Phòng Tư pháp", "abbreviation": "TP"}]}
    )
    office.setup(office.a, "documents.agency", {"units": [{"key": "vp", "name": "Văn phòng", "abbreviation": "VP"}]})
    agency = office.agency(office.a)
    assert [(u.key, u.name) for u in agency.units] == [
        ("vp", "Văn phòng"),
        ("kt", "Phòng Kinh tế, Hạ tầng và Đô thị"),
        ("vhxh", "Phòng Văn hóa - Xã hội"),
        ("tp", "Phòng Tư pháp"),
    ]


def test_another_ward_renames_the_whole_agency(office: Office) -> None:
    """A setup moving the candidate to phường Cái Khế: the name, the header, the place on the date
    line, and the văn thư's address all follow, and the ward is not on its own exchange list."""
    office.setup(office.a, "documents.agency", {"place": "Cái Khế"})
    agency = office.agency(office.a)
    assert (agency.name, agency.issuer, agency.place) == (
        "Ủy ban nhân dân phường Cái Khế",
        "ỦY BAN NHÂN DÂN\nPHƯỜNG CÁI KHẾ",
        "Cái Khế",
    )
    own_ward_on_the_exchange = "UBND phường Cái Khế" in [a["name"] for a in agency.agencies]
    assert (agency.email, own_ward_on_the_exchange) == ("vanthu@phuong-caikhe.egov.test", False)


def test_the_default_agency_is_the_candidate_s_own_ward(office: Office) -> None:
    office.setup(office.b, "documents.agency", {})
    agency = office.agency(office.b)
    assert (agency.name, agency.email, agency.place) == (
        "Ủy ban nhân dân phường Cái Khế",
        "vanthu@phuong-caikhe.egov.test",
        "Cái Khế",
    )
    assert "UBND phường Cái Khế" not in [a["name"] for a in agency.agencies]


def test_a_colleague_may_not_take_the_key_of_a_candidate_s_position(office: Office) -> None:
    before = office.snapshot()
    with pytest.raises(SetupError, match=r"^documents\.agency: 'ct' is one of the candidate's own positions$"):
        office.setup(
            office.a,
            "documents.agency",
            {"people": [{"key": "ct", "name": "Người khác", "title": "Chủ tịch UBND", "role": "lanh_dao"}]},
        )
    assert office.snapshot() == before


# --- documents.incoming


@pytest.mark.parametrize(
    ("step", "status", "expected"),
    [
        ("cho_vao_so", "cho_vao_so", [("documents.incoming_received", "system", None, None)]),
        (
            "cho_trinh",
            "cho_trinh",
            [
                ("documents.incoming_received", "system", None, None),
                ("documents.incoming_registered", "system", CLERK_NAME, "van_thu"),
            ],
        ),
        (
            "cho_but_phe",
            "cho_but_phe",
            [
                ("documents.incoming_received", "system", None, None),
                ("documents.incoming_registered", "system", CLERK_NAME, "van_thu"),
                ("documents.incoming_presented", "system", CLERK_NAME, "van_thu"),
            ],
        ),
        (
            "dang_xu_ly",
            "dang_xu_ly",
            [
                ("documents.incoming_received", "system", None, None),
                ("documents.incoming_registered", "system", CLERK_NAME, "van_thu"),
                ("documents.incoming_presented", "system", CLERK_NAME, "van_thu"),
                ("documents.incoming_routed", "system", "Lê Văn Bình", "lanh_dao"),
            ],
        ),
    ],
)
def test_an_incoming_document_waits_at_its_step_each_step_taken_by_a_colleague(
    office: Office, step: str, status: str, expected: list[tuple[str, str, str | None, str | None]]
) -> None:
    office.setup(office.a, "documents.agency", {})
    mark = office.head()
    arguments = {**INCOMING, "step": step, "presented_to": "pct1", "lead": "vhxh", "cooperate": ["kt"]}
    doc_id = office.setup(office.a, "documents.incoming", arguments)
    found = office.since(mark)
    assert who(found) == expected
    assert {(e.object_kind, e.object_id) for e in found} == {("incoming", str(doc_id))}
    assert {e.context.get("task_id") for e in found} == {TASK}
    doc = office.incoming(office.a, doc_id)
    assert doc.status == status
    assert found[-1].data["after"] == office.incoming_state(office.a, doc_id)
    if step != "cho_vao_so":
        assert (doc.arrival_number, doc.arrival_date) == (1, TODAY)
    if step in ("cho_but_phe", "dang_xu_ly"):
        assert doc.presented_to == "pct1"
    if step == "dang_xu_ly":
        assert (doc.lead, doc.cooperate, doc.routed_by) == ("vhxh", ["kt"], "pct1")


def test_an_incoming_document_is_rendered_in_the_nghi_dinh_30_layout(office: Office) -> None:
    doc = office.incoming(office.a, office.setup(office.a, "documents.incoming", INCOMING))
    [pdf] = doc.files
    assert (pdf["name"], pdf["version"]) == ("215_UBND-VP.pdf", 1)
    text = pdf_text(office.blob(pdf["sha256"]))
    for line in ("UBND THÀNH PHỐ CẦN THƠ", "Số: 215/UBND-VP", "Cần Thơ, ngày 20 tháng 11 năm 2026", "KHẨN"):
        assert line in text
    assert (doc.type, doc.urgency, doc.organ_name, doc.channel) == (
        "CV",
        "khan",
        "UBND thành phố Cần Thơ",
        "lien_thong",
    )


def test_an_incoming_document_may_bring_its_own_pdf(office: Office, tmp_path: Path) -> None:
    folder = tmp_path / "task"
    folder.mkdir()
    pdf = b"%PDF-1.4\n% giay moi\n%%EOF\n"
    (folder / "giay-moi.pdf").write_bytes(pdf)
    (folder / "ghi-chu.txt").write_bytes(b"not a pdf")
    doc_id = office.setup(office.a, "documents.incoming", {**INCOMING, "file": "giay-moi.pdf"}, fixtures=folder)
    [kept] = office.incoming(office.a, doc_id).files
    assert kept["name"] == "giay-moi.pdf"
    assert office.blob(kept["sha256"]) == pdf
    with pytest.raises(SetupError, match=r"^documents\.incoming: 'ghi-chu\.txt' is not a PDF$"):
        office.setup(office.a, "documents.incoming", {**INCOMING, "file": "ghi-chu.txt"}, fixtures=folder)


def test_arrival_numbers_given_by_setups_continue_for_the_candidate(office: Office) -> None:
    first = office.setup(office.a, "documents.incoming", {**INCOMING, "step": "cho_trinh"})
    waiting = office.setup(office.a, "documents.incoming", INCOMING)
    second = office.setup(office.a, "documents.incoming", {**INCOMING, "step": "cho_but_phe"})
    assert [office.incoming(office.a, i).arrival_number for i in (first, waiting, second)] == [1, None, 2]
    assert office.register(office.a, office.incoming(office.a, waiting)).arrival_number == 3


# --- documents.draft


@pytest.mark.parametrize(
    ("step", "status", "holder", "expected"),
    [
        ("du_thao", "du_thao", "cv_vp", ["documents.draft_created"]),
        ("cho_duyet", "cho_duyet", "tp_vhxh", ["documents.draft_created", "documents.draft_submitted"]),
        (
            "cho_ky",
            "cho_ky",
            "pct1",
            [
                "documents.draft_created",
                "documents.draft_submitted",
                "documents.draft_approved",
                "documents.signature_requested",
            ],
        ),
        (
            "cho_phat_hanh",
            "cho_phat_hanh",
            "vt",
            [
                "documents.draft_created",
                "documents.draft_submitted",
                "documents.draft_approved",
                "documents.signature_requested",
                "documents.draft_signed",
                "documents.sent_to_clerk",
            ],
        ),
    ],
)
def test_a_draft_waits_at_its_step_each_step_taken_by_a_colleague(
    office: Office, step: str, status: str, holder: str, expected: list[str]
) -> None:
    office.setup(office.a, "documents.agency", {})
    mark = office.head()
    arguments = {**DRAFT, "drafter": "cv_vp", "approver": "tp_vhxh", "signer": "pct1", "step": step}
    doc_id = office.setup(office.a, "documents.draft", arguments)
    found = office.since(mark)
    people = {
        "documents.draft_created": ("Huỳnh Thị Ngọc Lan", "chuyen_vien"),
        "documents.draft_submitted": ("Huỳnh Thị Ngọc Lan", "chuyen_vien"),
        "documents.draft_approved": ("Võ Thị Thu Hà", "lanh_dao_phong"),
        "documents.signature_requested": ("Võ Thị Thu Hà", "lanh_dao_phong"),
        "documents.draft_signed": ("Lê Văn Bình", "lanh_dao"),
        "documents.sent_to_clerk": ("Lê Văn Bình", "lanh_dao"),
    }
    assert who(found) == [(verb, "system", *people[verb]) for verb in expected]
    assert {(e.object_kind, e.object_id) for e in found} == {("outgoing", str(doc_id))}
    doc = office.outgoing(office.a, doc_id)
    assert (doc.status, doc.holder, doc.drafter, doc.drafting_unit) == (status, holder, "cv_vp", "vp")
    assert found[-1].data["after"] == office.outgoing_state(office.a, doc_id)


def test_a_draft_at_the_clerk_is_numbered_by_the_candidate_as_van_thu(office: Office) -> None:
    doc_id = office.setup(office.a, "documents.draft", {**DRAFT, "step": "cho_phat_hanh", "type": "Kế hoạch"})
    doc = office.number(office.a, office.outgoing(office.a, doc_id))
    assert (doc.type, doc.number, doc.drafting_unit) == ("KH", "01/KH-UBND", "vhxh")


def test_colleagues_consulted_by_a_setup_answer_the_candidate_s_position_does_not(office: Office) -> None:
    office.setup(office.a, "documents.agency", {})
    mark = office.head()
    doc_id = office.setup(
        office.a, "documents.draft", {**DRAFT, "drafter": "cv_vp", "consult": ["tp_vhxh", "ct", "cvp"]}
    )
    assert who(office.since(mark)) == [
        ("documents.draft_created", "system", "Huỳnh Thị Ngọc Lan", "chuyen_vien"),
        ("documents.opinion_requested", "system", "Huỳnh Thị Ngọc Lan", "chuyen_vien"),
        ("documents.opinion_given", "system", "Võ Thị Thu Hà", "lanh_dao_phong"),
        ("documents.opinion_given", "system", "Nguyễn Văn Hùng", "lanh_dao_phong"),
    ]
    given = [e for e in office.since(mark) if e.verb == "documents.opinion_given"]
    assert {e.data["opinion"] for e in given} == {"dong_y"}
    doc = office.outgoing(office.a, doc_id)
    assert [(o["person"], o["answer"]) for o in doc.opinions] == [("tp_vhxh", "dong_y"), ("ct", ""), ("cvp", "dong_y")]
    assert doc.status == "du_thao"


def test_a_draft_answering_an_incoming_document_is_linked_by_its_number(office: Office) -> None:
    answered = office.setup(office.a, "documents.incoming", {**INCOMING, "step": "dang_xu_ly"})
    doc_id = office.setup(office.a, "documents.draft", {**DRAFT, "related": "215/UBND-VP"})
    assert office.outgoing(office.a, doc_id).related_incoming == answered
    related = office.outgoing_state(office.a, doc_id)["related_incoming"]
    assert office.incoming_state(office.a, int(related))["number"] == "215/UBND-VP"


def test_a_seeded_format_error_is_printed_on_the_draft(office: Office) -> None:
    doc_id = office.setup(
        office.a,
        "documents.draft",
        {**DRAFT, "layout": {"number_line": "Số: 5/CV-UBND", "signer_lines": ["K/T CHỦ TỊCH"]}},
    )
    text = pdf_text(office.blob(office.outgoing(office.a, doc_id).files[-1]["sha256"]))
    assert "Số: 5/CV-UBND" in text
    assert "K/T CHỦ TỊCH" in text


# --- Setup errors name the operation and what the rules refused


@pytest.mark.parametrize(
    ("operation", "arguments", "said"),
    [
        (
            "documents.incoming",
            {**INCOMING, "step": "cho_but_phe", "presented_to": "cvp"},
            "documents.incoming: Vui lòng chọn lãnh đạo để trình văn bản.",
        ),
        (
            "documents.incoming",
            {**INCOMING, "step": "dang_xu_ly", "due": str(TODAY - timedelta(days=1))},
            "documents.incoming: Hạn xử lý không được trước ngày hôm nay.",
        ),
        (
            "documents.incoming",
            {**INCOMING, "step": "dang_xu_ly", "lead": "so_tai_chinh"},
            "documents.incoming: Có đơn vị hoặc người nhận không thuộc cơ quan. Vui lòng chọn lại.",
        ),
        (
            "documents.incoming",
            {**INCOMING, "step": "dang_xu_ly", "lead": "kt", "cooperate": ["kt"]},
            "documents.incoming: “Phòng Kinh tế, Hạ tầng và Đô thị” được chọn hai lần",
        ),
        (
            "documents.incoming",
            {**INCOMING, "step": "cho_trinh", "date": str(TODAY + timedelta(days=3))},
            "documents.incoming: Ngày văn bản không được sau ngày hôm nay.",
        ),
        (
            "documents.draft",
            {**DRAFT, "signer": "cvp"},
            "documents.draft: Vui lòng chọn người ký (lãnh đạo cơ quan).",
        ),
        (
            "documents.draft",
            {**DRAFT, "drafter": "tp_vhxh"},
            "documents.draft: Dự thảo văn bản đi dành cho vai trò Chuyên viên.",
        ),
        (
            "documents.draft",
            {**DRAFT, "step": "cho_duyet", "approver": "cv_kt"},
            "documents.draft: Vui lòng chọn lãnh đạo duyệt dự thảo.",
        ),
        (
            "documents.draft",
            {**DRAFT, "consult": ["cv"]},
            "documents.draft: Vui lòng chọn người cho ý kiến (không chọn chính mình).",
        ),
        (
            "documents.draft",
            {**DRAFT, "related": "999/UBND-VP"},
            "documents.draft: no incoming document numbered '999/UBND-VP' (add it first)",
        ),
    ],
)
def test_a_setup_the_rules_refuse_is_a_setup_error_naming_the_operation(
    office: Office, operation: str, arguments: dict[str, Any], said: str
) -> None:
    with pytest.raises(SetupError) as refused:
        office.setup(office.a, operation, arguments)
    assert str(refused.value).startswith(said)


# --- The arguments, as graderd validates a spec


def test_incoming_arguments_name_types_either_way_and_check_the_number() -> None:
    assert IncomingArgs.model_validate({**INCOMING, "type": "Kế hoạch", "number": "45/KH-SNV"}).type == "KH"
    assert IncomingArgs.model_validate(INCOMING).type == "CV"
    with pytest.raises(ValidationError, match="số nhỏ hơn 10 phải ghi thêm số 0 phía trước"):
        IncomingArgs.model_validate({**INCOMING, "number": "5/UBND-VP"})
    with pytest.raises(ValidationError, match="unknown document type 'Văn bản'"):
        IncomingArgs.model_validate({**INCOMING, "type": "Văn bản"})
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        IncomingArgs.model_validate({**INCOMING, "sender": "x"})


def test_draft_arguments_refuse_an_unknown_layout_line() -> None:
    assert DraftArgs.model_validate({**DRAFT, "type": "QĐ"}).type == "QĐ"
    with pytest.raises(ValidationError, match="unknown layout key"):
        DraftArgs.model_validate({**DRAFT, "layout": {"header": "x"}})
    with pytest.raises(ValidationError, match="step"):
        DraftArgs.model_validate({**DRAFT, "step": "da_phat_hanh"})


def test_agency_arguments_refuse_a_role_the_candidate_does_not_hold() -> None:
    with pytest.raises(ValidationError, match="start_role"):
        AgencyArgs.model_validate({"start_role": "lanh_dao_phong"})
