"""The pure rules of document management: which action each status allows and to whom, and the
rules of a leader's routing (one xử lý chính, nobody twice, phối hợp only with a chủ trì)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_services.documents.domain import (
    ACTION_NAMES,
    INCOMING_ACTIONS,
    INCOMING_STATUS_NAMES,
    MAX_DIRECTION,
    OUTGOING_ACTIONS,
    OUTGOING_STATUS_NAMES,
    ROLE_NAMES,
    DocumentError,
    IncomingStatus,
    OutgoingStatus,
    Role,
    Routing,
    check_routing,
    is_overdue,
    parse_keys,
    require_incoming,
    require_outgoing,
)

TODAY = date(2026, 11, 24)
KNOWN = {
    "vp": "Văn phòng HĐND và UBND",
    "kt": "Phòng Kinh tế, Hạ tầng và Đô thị",
    "vhxh": "Phòng Văn hóa - Xã hội",
    "cv": "Nguyễn Văn An - Chuyên viên",
    "tp_vhxh": "Võ Thị Thu Hà - Trưởng phòng",
}


# --- Who may do what, in which status


def test_every_action_status_and_role_has_a_vietnamese_name() -> None:
    assert set(ACTION_NAMES) == set(INCOMING_ACTIONS) | set(OUTGOING_ACTIONS)
    assert set(INCOMING_STATUS_NAMES) == set(IncomingStatus)
    assert set(OUTGOING_STATUS_NAMES) == set(OutgoingStatus)
    assert set(ROLE_NAMES) == set(Role)


@pytest.mark.parametrize("action", sorted(INCOMING_ACTIONS))
def test_an_incoming_action_is_allowed_exactly_in_its_statuses_to_its_roles(action: str) -> None:
    statuses, roles = INCOMING_ACTIONS[action]
    for status in IncomingStatus:
        for role in Role:
            if status in statuses and role in roles:
                require_incoming(action, status, role)
                continue
            with pytest.raises(DocumentError) as refused:
                require_incoming(action, status, role)
            if status not in statuses:  # the status is named first: switching role would not help
                assert str(refused.value) == (
                    f"Văn bản đang ở trạng thái “{INCOMING_STATUS_NAMES[status]}”, "
                    f"không thể thực hiện “{ACTION_NAMES[action]}”."
                )
            else:
                assert str(refused.value).startswith(f"“{ACTION_NAMES[action]}” dành cho vai trò ")
                assert "Hãy chuyển vai trò" in str(refused.value)


@pytest.mark.parametrize("action", sorted(OUTGOING_ACTIONS))
def test_an_outgoing_action_is_allowed_exactly_in_its_statuses_to_its_roles(action: str) -> None:
    statuses, roles = OUTGOING_ACTIONS[action]
    for status in OutgoingStatus:
        for role in Role:
            if status in statuses and role in roles:
                require_outgoing(action, status, role)
                continue
            with pytest.raises(DocumentError) as refused:
                require_outgoing(action, status, role)
            if status not in statuses:
                assert OUTGOING_STATUS_NAMES[status] in str(refused.value)
            else:
                for allowed in roles:
                    assert ROLE_NAMES[allowed] in str(refused.value)


@pytest.mark.parametrize(
    ("actions", "action", "roles"),
    [
        (INCOMING_ACTIONS, "register", {Role.van_thu}),
        (INCOMING_ACTIONS, "return", {Role.van_thu}),
        (INCOMING_ACTIONS, "present", {Role.van_thu}),
        (INCOMING_ACTIONS, "route", {Role.lanh_dao}),
        (INCOMING_ACTIONS, "complete", {Role.chuyen_vien, Role.lanh_dao_phong}),
        (OUTGOING_ACTIONS, "edit", {Role.chuyen_vien}),
        (OUTGOING_ACTIONS, "submit", {Role.chuyen_vien}),
        (OUTGOING_ACTIONS, "approve", {Role.lanh_dao_phong, Role.lanh_dao}),
        (OUTGOING_ACTIONS, "sign", {Role.lanh_dao}),
        (OUTGOING_ACTIONS, "to_clerk", {Role.lanh_dao}),
        (OUTGOING_ACTIONS, "number", {Role.van_thu}),
        (OUTGOING_ACTIONS, "issue", {Role.van_thu}),
        (OUTGOING_ACTIONS, "recall", {Role.van_thu, Role.lanh_dao}),
    ],
)
def test_each_step_belongs_to_the_roles_of_nghi_dinh_30(
    actions: dict[str, tuple[frozenset[object], frozenset[Role]]], action: str, roles: set[Role]
) -> None:
    assert set(actions[action][1]) == roles


def test_the_role_message_lists_the_allowed_roles_in_vietnamese() -> None:
    with pytest.raises(DocumentError) as refused:
        require_outgoing("recall", OutgoingStatus.da_phat_hanh, Role.chuyen_vien)
    # the rule and its remedy; where the role chooser sits on the page is the pages' business
    assert str(refused.value).startswith("“Thu hồi” dành cho vai trò Lãnh đạo cơ quan, Văn thư. Hãy chuyển vai trò")


@pytest.mark.parametrize("status", [IncomingStatus.hoan_thanh, IncomingStatus.tra_lai])
def test_a_finished_or_returned_incoming_document_allows_no_action(status: IncomingStatus) -> None:
    for action in INCOMING_ACTIONS:
        for role in Role:
            with pytest.raises(DocumentError):
                require_incoming(action, status, role)


def test_a_recalled_outgoing_document_is_frozen() -> None:
    for action in OUTGOING_ACTIONS:
        for role in Role:
            with pytest.raises(DocumentError):
                require_outgoing(action, OutgoingStatus.thu_hoi, role)


def test_a_draft_is_edited_only_before_approval() -> None:
    editable = OUTGOING_ACTIONS["edit"][0]
    assert editable == {OutgoingStatus.du_thao, OutgoingStatus.bi_tra_lai}


# --- Routing


def route(lead: str = "vhxh", **changes: object) -> Routing:
    values: dict[str, object] = {
        "lead": lead,
        "cooperate": (),
        "for_info": (),
        "due": TODAY,
        "direction": "Giao Phòng Văn hóa - Xã hội chủ trì.",
    }
    values.update(changes)
    return Routing(**values)  # type: ignore[arg-type]


def test_a_routing_with_one_lead_and_others_assisting_and_informed_is_accepted() -> None:
    check_routing(route(cooperate=("kt", "tp_vhxh"), for_info=("vp",)), known=KNOWN, today=TODAY)
    check_routing(route("cv", due=None), known=KNOWN, today=TODAY)  # a person may lead; no deadline is fine


@pytest.mark.parametrize(
    ("routing", "said"),
    [
        (route(""), "Vui lòng chọn một đơn vị hoặc cá nhân xử lý chính (chủ trì)."),
        (route("", cooperate=("kt",)), "Đã chọn đơn vị phối hợp thì phải chọn một đơn vị xử lý chính (chủ trì)."),
        (route("vhxh,kt"), "Có đơn vị hoặc người nhận không thuộc cơ quan. Vui lòng chọn lại."),  # two leads
        (route(cooperate=("vhxh",)), "“Phòng Văn hóa - Xã hội” được chọn hai lần"),
        (route(cooperate=("kt", "kt")), "“Phòng Kinh tế, Hạ tầng và Đô thị” được chọn hai lần"),
        (route(cooperate=("kt",), for_info=("kt",)), "“Phòng Kinh tế, Hạ tầng và Đô thị” được chọn hai lần"),
        (route(for_info=("vhxh",)), "“Phòng Văn hóa - Xã hội” được chọn hai lần"),
        (route(due=TODAY - timedelta(days=1)), "Hạn xử lý không được trước ngày hôm nay."),
        (route(cooperate=("so_tai_chinh",)), "không thuộc cơ quan"),
        (route(direction="x" * (MAX_DIRECTION + 1)), f"Ý kiến chỉ đạo dài quá {MAX_DIRECTION} ký tự."),
    ],
    ids=[
        "no-lead",
        "cooperate-without-lead",
        "two-leads",
        "lead-also-cooperates",
        "cooperates-twice",
        "cooperates-and-informed",
        "lead-also-informed",
        "deadline-past",
        "unknown-unit",
        "direction-too-long",
    ],
)
def test_a_routing_breaking_a_rule_is_refused_naming_it(routing: Routing, said: str) -> None:
    with pytest.raises(DocumentError) as refused:
        check_routing(routing, known=KNOWN, today=TODAY)
    assert said in str(refused.value)


_KEYS = sorted(KNOWN)


@settings(max_examples=300, derandomize=True, database=None)
@given(
    chosen=st.lists(st.sampled_from(_KEYS), min_size=1, max_size=len(_KEYS), unique=True),
    split=st.integers(min_value=0, max_value=len(_KEYS)),
    days=st.integers(min_value=0, max_value=60),
)
def test_any_routing_of_distinct_known_keys_with_a_lead_is_accepted(chosen: list[str], split: int, days: int) -> None:
    lead, *rest = chosen
    cooperate, for_info = tuple(rest[:split]), tuple(rest[split:])
    check_routing(
        route(lead, cooperate=cooperate, for_info=for_info, due=TODAY + timedelta(days=days)), known=KNOWN, today=TODAY
    )


@settings(max_examples=300, derandomize=True, database=None)
@given(
    chosen=st.lists(st.sampled_from(_KEYS), min_size=1, max_size=len(_KEYS), unique=True),
    again=st.integers(min_value=0, max_value=len(_KEYS) - 1),
    into_info=st.booleans(),
)
def test_any_routing_choosing_someone_twice_is_refused_naming_them(
    chosen: list[str], again: int, into_info: bool
) -> None:
    lead, *rest = chosen
    twice = chosen[again % len(chosen)]
    cooperate, for_info = (tuple(rest), (twice,)) if into_info else ((*rest, twice), ())
    with pytest.raises(DocumentError) as refused:
        check_routing(route(lead, cooperate=cooperate, for_info=for_info), known=KNOWN, today=TODAY)
    assert str(refused.value) == f"“{KNOWN[twice]}” được chọn hai lần: mỗi đơn vị, cá nhân chỉ nhận một vai trò."


@pytest.mark.parametrize(
    ("due", "done", "overdue"),
    [
        (None, False, False),
        (TODAY, False, False),
        (TODAY - timedelta(days=1), False, True),
        (TODAY - timedelta(days=1), True, False),
        (TODAY + timedelta(days=1), False, False),
    ],
)
def test_a_document_is_overdue_when_its_deadline_passed_unfinished(due: date | None, done: bool, overdue: bool) -> None:
    assert is_overdue(due, TODAY, done=done) is overdue


def test_form_values_become_keys_in_order_without_blanks() -> None:
    assert parse_keys(["", " vhxh ", "kt", "   ", "vp"]) == ("vhxh", "kt", "vp")
