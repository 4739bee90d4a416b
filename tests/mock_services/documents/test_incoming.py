"""Văn bản đến (Nghị định 30/2020, Điều 20–24): received → vào sổ → trình → bút phê → hoàn thành,
or trả lại. Each action writes exactly its event (who acted, in which role, the state after) in
the transaction of its change; a refused action writes nothing at all."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Connection

from mock_services.documents import incoming
from mock_services.documents.acting import Acting
from mock_services.documents.domain import Routing
from mock_services.documents.store import Incoming
from tests.mock_services.documents.office import (
    A_NAME,
    ARRIVAL,
    FIRST_MORNING_OF_2027,
    LAST_EVENING_OF_2026,
    TODAY,
    Office,
    registration_of,
    routing,
    who,
)


def test_an_arriving_document_waits_for_the_van_thu_logged_by_system(office: Office) -> None:
    mark = office.head()
    doc = office.receive(office.a)
    found = office.since(mark)
    # The first thing the candidate's agency needs makes it, logged by system too.
    assert who(found) == [
        ("documents.agency_prepared", "system", None, None),
        ("documents.incoming_received", "system", None, None),
    ]
    received = found[1]
    assert (received.object_kind, received.object_id) == ("incoming", str(doc.id))
    assert received.data["channel"] == "lien_thong"
    assert received.data["after"] == office.incoming_state(office.a, doc.id)
    assert received.data["after"]["status"] == "cho_vao_so"
    assert received.data["after"]["arrival_number"] is None


def test_registering_gives_the_next_arrival_number_of_the_year(office: Office) -> None:
    docs = [office.receive(office.a, subject=f"Văn bản thứ {n}") for n in range(1, 4)]
    mark = office.head()
    registered = [office.register(office.a, doc) for doc in reversed(docs)]
    assert [d.arrival_number for d in registered] == [1, 2, 3]  # in order of registration, not of arrival
    assert {d.arrival_date for d in registered} == {TODAY}
    events = [e for e in office.since(mark) if e.verb == "documents.incoming_registered"]
    assert [(e.object_id, e.data["arrival_number"]) for e in events] == [
        (str(d.id), d.arrival_number) for d in registered
    ]
    assert {(e.actor, e.data["by"], e.data["role"]) for e in events} == {("candidate", A_NAME, "van_thu")}
    for event, doc in zip(events, registered, strict=True):
        assert event.data["after"] == office.incoming_state(office.a, doc.id)
        assert event.data["after"]["status"] == "cho_trinh"


def test_each_action_writes_exactly_its_event(office: Office) -> None:
    doc = office.receive(office.a)
    office.as_role(office.a, "vt")

    def step(
        action: Callable[[Connection, Acting], Incoming],
    ) -> list[tuple[str, str, str | None, str | None]]:
        mark = office.head()
        done = office.do(action)
        found = office.since(mark)
        assert [e.object_id for e in found] == [str(done.id)] * len(found)
        assert found[-1].data["after"] == office.incoming_state(office.a, done.id)
        return who(found)

    entry = registration_of(doc)
    assert step(lambda c, a: incoming.register(c, office.a, doc, entry, a)) == [
        ("documents.incoming_registered", "candidate", A_NAME, "van_thu")
    ]
    doc = office.incoming(office.a, doc.id)
    assert step(lambda c, a: incoming.present(c, office.a, doc, "ct", a)) == [
        ("documents.incoming_presented", "candidate", A_NAME, "van_thu")
    ]
    office.as_role(office.a, "ct")
    doc = office.incoming(office.a, doc.id)
    assert step(lambda c, a: incoming.route(c, office.a, doc, routing(), a)) == [
        ("documents.incoming_routed", "candidate", A_NAME, "lanh_dao")
    ]
    office.as_role(office.a, "cv")
    doc = office.incoming(office.a, doc.id)
    assert step(lambda c, a: incoming.complete(c, office.a, doc, "Đã tham mưu tổ chức.", None, a)) == [
        ("documents.incoming_completed", "candidate", A_NAME, "chuyen_vien")
    ]
    doc = office.incoming(office.a, doc.id)
    mark = office.head()
    office.do(lambda c, a: incoming.opened(c, office.a, doc, a))
    assert who(office.since(mark)) == [("documents.incoming_opened", "candidate", A_NAME, "chuyen_vien")]
    assert office.incoming(office.a, doc.id) == doc  # opening changes nothing


def test_the_van_thu_may_correct_the_metadata_when_registering(office: Office) -> None:
    doc = office.receive(office.a, number="215/UBND-VP", subject="tổ chức ngày hội")
    decomposed = unicodedata.normalize("NFD", "  tổ chức Ngày hội Đại đoàn kết toàn dân tộc  ")
    registered = office.register(office.a, doc, number="216/UBND-VP", subject=decomposed, type="KH")
    assert registered.number == "216/UBND-VP"
    assert registered.subject == "tổ chức Ngày hội Đại đoàn kết toàn dân tộc"  # NFC, trimmed
    assert registered.type == "KH"
    assert office.incoming_state(office.a, doc.id)["type_name"] == "Kế hoạch"


def test_arrival_numbers_run_per_year_from_one(office: Office) -> None:
    with office.at(LAST_EVENING_OF_2026):
        first = office.register(office.a, office.receive(office.a))
        second = office.register(office.a, office.receive(office.a))
    with office.at(FIRST_MORNING_OF_2027):  # already 2027 in Cần Thơ, still 2026 in UTC
        new_year = office.register(office.a, office.receive(office.a))
        next_one = office.register(office.a, office.receive(office.a))
    assert (first.arrival_number, second.arrival_number) == (1, 2)
    assert (new_year.arrival_number, new_year.arrival_date) == (1, date(2027, 1, 1))
    assert next_one.arrival_number == 2


def test_arrival_numbers_run_per_candidate(office: Office) -> None:
    for _ in range(3):
        office.register(office.a, office.receive(office.a))
    assert office.register(office.b, office.receive(office.b)).arrival_number == 1
    assert office.register(office.a, office.receive(office.a)).arrival_number == 4


def test_a_document_sent_to_the_wrong_agency_goes_back_without_a_number(office: Office) -> None:
    wrong = office.receive(office.a, addressed_to="UBND phường Cái Khế")
    office.as_role(office.a, "vt")
    mark = office.head()
    returned = office.do(lambda c, a: incoming.return_to_sender(c, office.a, wrong, "  Gửi nhầm nơi nhận.  ", a))
    assert (returned.status, returned.return_reason, returned.arrival_number) == ("tra_lai", "Gửi nhầm nơi nhận.", None)
    [event] = office.since(mark)
    assert who([event]) == [("documents.incoming_returned", "candidate", A_NAME, "van_thu")]
    assert event.data["reason"] == "Gửi nhầm nơi nhận."
    assert event.data["after"] == office.incoming_state(office.a, wrong.id)
    assert office.register(office.a, office.receive(office.a)).arrival_number == 1  # no số đến was used


def test_presenting_and_routing_record_the_leader_s_direction(office: Office) -> None:
    doc = office.register(office.a, office.receive(office.a))
    office.as_role(office.a, "vt")
    mark = office.head()
    doc = office.do(lambda c, a: incoming.present(c, office.a, doc, "ct", a))
    [presented] = office.since(mark)
    assert (presented.data["to"], presented.data["to_title"]) == (A_NAME, "Chủ tịch UBND")
    assert presented.data["after"]["status"] == "cho_but_phe"
    assert presented.data["after"]["presented_to"] == A_NAME

    direction = routing("vhxh", cooperate=("kt", "tp_vhxh"), for_info=("vp",), due=TODAY + timedelta(days=6))
    office.as_role(office.a, "ct")
    mark = office.head()
    doc = office.do(lambda c, a: incoming.route(c, office.a, doc, direction, a))
    [routed] = office.since(mark)
    assert routed.data["lead"] == "Phòng Văn hóa - Xã hội"
    assert routed.data["cooperate"] == ["Phòng Kinh tế, Hạ tầng và Đô thị", "Võ Thị Thu Hà"]
    assert routed.data["for_info"] == ["Văn phòng HĐND và UBND"]
    assert routed.data["due"] == "2026-11-30"
    assert routed.data["direction"] == direction.direction
    after = routed.data["after"]
    assert after == office.incoming_state(office.a, doc.id)
    assert (after["status"], after["lead"], after["due_date"], after["routed_by"]) == (
        "dang_xu_ly",
        "Phòng Văn hóa - Xã hội",
        "2026-11-30",
        A_NAME,
    )


def test_a_document_presented_to_one_leader_is_routed_only_by_that_leader(office: Office) -> None:
    doc = office.present(office.a, office.register(office.a, office.receive(office.a)), leader="pct1")
    office.as_role(office.a, "ct")
    said = office.refused(lambda c, a: incoming.route(c, office.a, doc, routing(), a))
    assert said == "Văn bản này được trình cho lãnh đạo khác, không phải bạn."
    routed = office.do(lambda c, a: incoming.route(c, office.a, doc, routing(), a), colleague="pct1")
    assert routed.routed_by == "pct1"


def test_the_unit_leading_completes_it_with_its_reply(office: Office) -> None:
    doc = office.routed(office.a, routing("vhxh"))
    reply = office.draft(office.a)
    mark = office.head()
    done = office.do(lambda c, a: incoming.complete(c, office.a, doc, " Đã báo cáo UBND thành phố. ", reply.id, a))
    assert (done.status, done.result_note, done.reply_id) == ("hoan_thanh", "Đã báo cáo UBND thành phố.", reply.id)
    [event] = office.since(mark)
    assert event.data["note"] == "Đã báo cáo UBND thành phố."
    assert event.data["reply_number"] == reply.subject  # not numbered yet: named by its trích yếu
    assert event.data["after"] == office.incoming_state(office.a, doc.id)
    assert event.data["after"]["reply_id"] == str(reply.id)


# --- Refusals: each names what is wrong in Vietnamese, and changes nothing


def test_only_the_van_thu_registers_returns_and_presents(office: Office) -> None:
    doc = office.receive(office.a)
    office.as_role(office.a, "ct")
    said = office.refused(lambda c, a: incoming.register(c, office.a, doc, registration_of(doc), a))
    assert said.startswith("“Vào sổ” dành cho vai trò Văn thư. Hãy chuyển vai trò")
    office.refused(lambda c, a: incoming.return_to_sender(c, office.a, doc, "Gửi nhầm nơi nhận.", a))
    registered = office.register(office.a, doc)
    office.as_role(office.a, "cv")
    assert "“Trình” dành cho vai trò Văn thư" in office.refused(
        lambda c, a: incoming.present(c, office.a, registered, "ct", a)
    )


def test_only_a_leader_routes_and_only_a_handler_completes(office: Office) -> None:
    doc = office.presented(office.a)
    office.as_role(office.a, "vt")
    said = office.refused(lambda c, a: incoming.route(c, office.a, doc, routing(), a))
    assert said.startswith("“Bút phê / Chuyển xử lý” dành cho vai trò Lãnh đạo cơ quan. Hãy chuyển vai trò")
    routed = office.route(office.a, doc)
    office.as_role(office.a, "vt")
    assert "dành cho vai trò Lãnh đạo đơn vị, Chuyên viên" in office.refused(
        lambda c, a: incoming.complete(c, office.a, routed, "Xong.", None, a)
    )


@pytest.mark.parametrize(
    ("step", "action", "status_name"),
    [
        ("registered", "register", "Đã vào sổ, chờ trình"),
        ("registered", "return", "Đã vào sổ, chờ trình"),
        ("received", "present", "Chờ vào sổ"),
        ("registered", "route", "Đã vào sổ, chờ trình"),
        ("presented", "complete", "Chờ bút phê"),
        ("completed", "route", "Hoàn thành"),
        ("returned", "register", "Đã trả lại nơi gửi"),
    ],
)
def test_an_action_out_of_turn_is_refused(office: Office, step: str, action: str, status_name: str) -> None:
    doc = office.receive(office.a)
    if step == "returned":
        office.as_role(office.a, "vt")
        doc = office.do(lambda c, a: incoming.return_to_sender(c, office.a, doc, "Gửi nhầm nơi nhận.", a))
    if step in ("registered", "presented", "completed"):
        doc = office.register(office.a, doc)
    if step in ("presented", "completed"):
        doc = office.present(office.a, doc)
    if step == "completed":
        doc = office.route(office.a, doc, routing("cv"))
        office.as_role(office.a, "cv")
        doc = office.do(lambda c, a: incoming.complete(c, office.a, doc, "Xong.", None, a))
    role = {"register": "vt", "return": "vt", "present": "vt", "route": "ct", "complete": "cv"}[action]
    office.as_role(office.a, role)
    run: dict[str, Callable[[Connection, Acting], object]] = {
        "register": lambda c, a: incoming.register(c, office.a, doc, registration_of(doc), a),
        "return": lambda c, a: incoming.return_to_sender(c, office.a, doc, "Gửi nhầm nơi nhận.", a),
        "present": lambda c, a: incoming.present(c, office.a, doc, "ct", a),
        "route": lambda c, a: incoming.route(c, office.a, doc, routing(), a),
        "complete": lambda c, a: incoming.complete(c, office.a, doc, "Xong.", None, a),
    }
    said = office.refused(run[action])
    assert said.startswith(f"Văn bản đang ở trạng thái “{status_name}”, không thể thực hiện")


@pytest.mark.parametrize(
    ("direction", "said"),
    [
        (routing(""), "Vui lòng chọn một đơn vị hoặc cá nhân xử lý chính (chủ trì)."),
        (routing("vhxh,kt"), "không thuộc cơ quan"),  # two leads
        (routing("", cooperate=("kt",)), "Đã chọn đơn vị phối hợp thì phải chọn một đơn vị xử lý chính (chủ trì)."),
        (routing("vhxh", cooperate=("vhxh",)), "“Phòng Văn hóa - Xã hội” được chọn hai lần"),
        (routing("kt", cooperate=("vp",), for_info=("vp",)), "“Văn phòng HĐND và UBND” được chọn hai lần"),
        (routing(due=TODAY - timedelta(days=1)), "Hạn xử lý không được trước ngày hôm nay."),
        (routing("pct1"), "không thuộc cơ quan"),  # a leader does not route to another leader
    ],
    ids=[
        "no-lead",
        "two-leads",
        "cooperate-without-lead",
        "same-unit-twice",
        "cooperate-and-informed",
        "past",
        "leader",
    ],
)
def test_a_routing_breaking_the_rules_is_refused_and_changes_nothing(
    office: Office, direction: Routing, said: str
) -> None:
    doc = office.presented(office.a)
    office.as_role(office.a, "ct")
    assert said in office.refused(lambda c, a: incoming.route(c, office.a, doc, direction, a))
    assert office.incoming(office.a, doc.id).status == "cho_but_phe"


def test_a_deadline_of_today_is_accepted(office: Office) -> None:
    assert office.routed(office.a, routing(due=TODAY)).due_date == TODAY


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"number": "5/UBND-VP"}, "Số “5”: số nhỏ hơn 10 phải ghi thêm số 0 phía trước"),
        ({"number": "05/CV-UBND"}, "“CV” không có trong Phụ lục III"),
        ({"number": "12 / QĐ-UBND"}, "số, ký hiệu viết liền, không có dấu cách"),
        ({"issued_date": None}, "Vui lòng nhập ngày văn bản."),
        ({"issued_date": TODAY + timedelta(days=1)}, "Ngày văn bản không được sau ngày hôm nay."),
        ({"organ_name": "  "}, "Vui lòng nhập cơ quan ban hành."),
        ({"type": "XYZ"}, "Vui lòng chọn loại văn bản."),
        ({"subject": ""}, "Vui lòng nhập trích yếu."),
    ],
)
def test_registering_with_bad_metadata_is_refused_and_changes_nothing(
    office: Office, changes: dict[str, object], said: str
) -> None:
    doc = office.receive(office.a)
    office.as_role(office.a, "vt")
    entry = registration_of(doc, **changes)
    assert said in office.refused(lambda c, a: incoming.register(c, office.a, doc, entry, a))


@pytest.mark.parametrize(("reason", "said"), [("sai", "Vui lòng ghi rõ lý do trả lại"), ("x" * 2001, "dài quá 2000")])
def test_a_return_needs_a_reason(office: Office, reason: str, said: str) -> None:
    doc = office.receive(office.a)
    office.as_role(office.a, "vt")
    assert said in office.refused(lambda c, a: incoming.return_to_sender(c, office.a, doc, reason, a))


@pytest.mark.parametrize("leader", ["cvp", "cv", "nobody"])
def test_a_document_is_presented_only_to_a_leader(office: Office, leader: str) -> None:
    doc = office.register(office.a, office.receive(office.a))
    said = office.refused(lambda c, a: incoming.present(c, office.a, doc, leader, a))
    assert said == "Vui lòng chọn lãnh đạo để trình văn bản."


def test_only_the_unit_or_person_leading_completes_it(office: Office) -> None:
    doc = office.routed(office.a, routing("kt", cooperate=("vhxh",)))
    office.as_role(office.a, "cv")  # Phòng Văn hóa - Xã hội only assists
    said = office.refused(lambda c, a: incoming.complete(c, office.a, doc, "Xong.", None, a))
    assert said == "Chỉ đơn vị, cá nhân xử lý chính mới hoàn thành được văn bản này."
    done = office.do(lambda c, a: incoming.complete(c, office.a, doc, "Xong.", None, a), colleague="cv_kt")
    assert done.status == "hoan_thanh"


@pytest.mark.parametrize(
    ("note", "reply", "said"),
    [
        ("   ", None, "Vui lòng nhập kết quả xử lý."),
        ("x" * 2001, None, "Kết quả xử lý dài quá 2000 ký tự."),
        ("Xong.", 9999, "Không tìm thấy văn bản trả lời đã chọn."),
    ],
)
def test_completing_needs_a_result_and_a_real_reply(office: Office, note: str, reply: int | None, said: str) -> None:
    doc = office.routed(office.a, routing("cv"))
    office.as_role(office.a, "cv")
    assert office.refused(lambda c, a: incoming.complete(c, office.a, doc, note, reply, a)) == said


def test_the_arrival_keeps_what_the_sender_wrote(office: Office) -> None:
    doc = office.receive(office.a, subject=unicodedata.normalize("NFD", ARRIVAL.subject))
    assert doc.subject == ARRIVAL.subject
    assert (doc.urgency, doc.secrecy, doc.channel) == ("khan", "thuong", "lien_thong")
