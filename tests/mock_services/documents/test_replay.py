"""DESIGN.md §2: the final state of every object, rebuilt from the log alone (the last ``after`` per
candidate, object kind and object id), equals the live tables, for every agency, incoming and
outgoing document a busy scripted run across two candidates ends with. Each step of the run
writes exactly the events expected, each a registered verb, saying who acted and in which role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy.engine import Connection

from mock_services import catalog
from mock_services.core.accounts import Candidate
from mock_services.core.db import Database
from mock_services.core.events import lookup
from mock_services.core.log import iter_events
from mock_services.core.settings import RoomSettings
from mock_services.core.setup_ops import SetupError
from mock_services.core.verify import verify_log
from mock_services.documents import agency, incoming, outgoing, store
from mock_services.documents.acting import Acting
from mock_services.documents.domain import Opinion, Role
from mock_services.documents.events import PersonAction
from mock_services.documents.outgoing import Distribution
from mock_services.documents.store import Incoming, Outgoing
from tests.mock_services.documents.office import (
    A_NAME,
    ARRIVAL,
    B_NAME,
    CLERK_NAME,
    DRAFT,
    TODAY,
    Office,
    registration_of,
    routing,
    who,
)
from tests.support.room import SECRET

T = TypeVar("T")
Who = tuple[str, str, str | None, str | None]
KINDS = ("agency", "incoming", "outgoing")

ROLES = {"ct": "lanh_dao", "cv": "chuyen_vien", "vt": "van_thu"}
RECEIVED: Who = ("documents.incoming_received", "system", None, None)


def by(name: str, role: str, *verbs: str, actor: str = "candidate") -> list[Who]:
    return [(f"documents.{verb}", actor, name, role) for verb in verbs]


def numbering(
    candidate: Candidate, doc: Outgoing, written: str | None = None
) -> Callable[[Connection, Acting], Outgoing]:
    return lambda c, x: outgoing.number(c, candidate, doc, x, written=written)


def rebuilt_from_log(db: Database) -> dict[tuple[int, str, str], dict[str, Any]]:
    """The last ``after`` of each (candidate, object kind, object id): what graderd rebuilds."""
    state: dict[tuple[int, str, str], dict[str, Any]] = {}
    with db.read() as conn:
        for record in iter_events(conn):
            if record.object_kind in KINDS and "after" in record.data:
                state[(record.candidate_id, record.object_kind, record.object_id)] = record.data["after"]
    return state


def live_state(db: Database, candidates: list[Candidate]) -> dict[tuple[int, str, str], dict[str, Any]]:
    live: dict[tuple[int, str, str], dict[str, Any]] = {}
    with db.read() as conn:
        for candidate in candidates:
            found = store.get_agency(conn, candidate.id)
            if found is None:
                continue
            live[(candidate.id, "agency", str(candidate.id))] = found.state()
            for doc in store.incoming_of(conn, candidate.id):
                live[(candidate.id, "incoming", str(doc.id))] = doc.state(found)
            for out in store.outgoing_of(conn, candidate.id):
                live[(candidate.id, "outgoing", str(out.id))] = out.state(found)
    return live


def differences(
    rebuilt: dict[tuple[int, str, str], dict[str, Any]], live: dict[tuple[int, str, str], dict[str, Any]]
) -> list[str]:
    """Every object the log and the tables disagree on, field by field."""
    found = [f"{key}: in the tables, never logged" for key in sorted(set(live) - set(rebuilt))]
    found += [f"{key}: logged, not in the tables" for key in sorted(set(rebuilt) - set(live))]
    for key in sorted(set(live) & set(rebuilt)):
        logged, now = rebuilt[key], live[key]
        for name in sorted(set(logged) | set(now)):
            if logged.get(name, "<missing>") != now.get(name, "<missing>"):
                was, now_is = logged.get(name, "<missing>"), now.get(name, "<missing>")
                found.append(f"{key} {name}: log says {was!r}, tables say {now_is!r}")
    return found


# --- The scripted run


@dataclass
class Step:
    name: str
    candidate_id: int
    expected: list[Who]
    written: list[Who]
    chains: set[int]


@dataclass
class Run:
    office: Office
    steps: list[Step] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)

    def _record(self, name: str, candidate: Candidate, expected: list[Who], action: Callable[[], T]) -> T:
        self.office.tick()
        mark = self.office.head()
        result = action()
        found = self.office.since(mark)
        self.steps.append(Step(name, candidate.id, expected, who(found), {e.candidate_id for e in found}))
        return result

    def act(
        self,
        name: str,
        candidate: Candidate,
        action: Callable[[Connection, Acting], T],
        expected: list[Who],
        *,
        colleague: str | None = None,
    ) -> T:
        return self._record(name, candidate, expected, lambda: self.office.do(action, colleague=colleague))

    def switch(self, candidate: Candidate, key: str) -> None:
        switched: list[Who] = [("documents.role_switched", "candidate", None, ROLES[key])]
        self.act(f"switch to {key}", candidate, lambda c, a: agency.switch_role(c, candidate, key, a), switched)

    def setup(
        self, name: str, candidate: Candidate, operation: str, arguments: dict[str, Any], expected: list[Who]
    ) -> int:
        made = self._record(name, candidate, expected, lambda: self.office.setup(candidate, operation, arguments))
        if isinstance(made, int) and operation != "documents.agency":
            self.ids[name] = made
        return int(made)

    def incoming(self, candidate: Candidate, name: str) -> Incoming:
        return self.office.incoming(candidate, self.ids[name])

    def outgoing(self, candidate: Candidate, name: str) -> Outgoing:
        return self.office.outgoing(candidate, self.ids[name])


INCOMING: dict[str, Any] = {
    "from": "UBND thành phố Cần Thơ",
    "number": "215/UBND-VP",
    "date": "2026-11-20",
    "summary": "tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2026",
    "urgency": "khan",
}


DRAFTED: dict[str, Any] = {"summary": "báo cáo công tác tháng 11", "body": "UBND phường báo cáo như sau."}


def script(office: Office) -> Run:
    run = Run(office)
    a, b = office.a, office.b
    receive_a = [RECEIVED]
    clerk_steps = [RECEIVED, *by(CLERK_NAME, "van_thu", "incoming_registered", "incoming_presented", actor="system")]

    # Setups: the agency, incoming documents at every step, drafts further down the line.
    run.setup(
        "agency A",
        a,
        "documents.agency",
        {
            "units": [{"key": "tp", "name": "Phòng Tư pháp", "abbreviation": "TP"}],
            "people": [
                {"key": "cv_tp", "name": "Lý Thị Hạnh", "title": "Chuyên viên", "unit": "tp", "role": "chuyen_vien"}
            ],
            "agencies": [{"name": "Phòng Tư pháp thành phố", "email": "tuphap@cantho.egov.test"}],
            "start_role": "van_thu",
        },
        [("documents.agency_prepared", "system", None, None)],
    )
    run.setup("i1", a, "documents.incoming", INCOMING, receive_a)
    run.setup(
        "i2",
        a,
        "documents.incoming",
        {
            **INCOMING,
            "from": "Sở Nội vụ thành phố Cần Thơ",
            "number": "45/KH-SNV",
            "type": "Kế hoạch",
            "summary": "Kế hoạch thi đánh giá năng lực công chức",
            "step": "cho_but_phe",
            "urgency": "thuong",
        },
        clerk_steps,
    )
    run.setup(
        "i3",
        a,
        "documents.incoming",
        {**INCOMING, "from": "UBND phường Tân An", "number": "12/UBND-VP", "addressed_to": "UBND phường Tân An"},
        receive_a,
    )
    run.setup(
        "i4",
        a,
        "documents.incoming",
        {
            **INCOMING,
            "number": "301/UBND-KT",
            "step": "dang_xu_ly",
            "presented_to": "pct1",
            "lead": "cv",
            "due": str(TODAY + timedelta(days=10)),
            "direction": "Giao chuyên viên Văn hóa - Xã hội tham mưu.",
        },
        [*clerk_steps, *by("Lê Văn Bình", "lanh_dao", "incoming_routed", actor="system")],
    )
    run.setup(
        "d1",
        a,
        "documents.draft",
        {**DRAFTED, "drafter": "cv_vp", "approver": "cvp", "signer": "ct", "step": "cho_ky", "related": "215/UBND-VP"},
        [
            *by("Huỳnh Thị Ngọc Lan", "chuyen_vien", "draft_created", "draft_submitted", actor="system"),
            *by("Nguyễn Văn Hùng", "lanh_dao_phong", "draft_approved", "signature_requested", actor="system"),
        ],
    )
    run.setup(
        "d2",
        a,
        "documents.draft",
        {**DRAFTED, "summary": "tổ chức Ngày hội Đại đoàn kết", "consult": ["tp_vhxh", "ct"]},
        [
            *by(A_NAME, "chuyen_vien", "draft_created", "opinion_requested", actor="system"),
            *by("Võ Thị Thu Hà", "lanh_dao_phong", "opinion_given", actor="system"),
        ],
    )
    run.setup(
        "d4",
        a,
        "documents.draft",
        {
            **DRAFTED,
            "type": "Báo cáo",
            "summary": "Báo cáo tình hình an ninh trật tự",
            "secrecy": "mat",
            "step": "cho_phat_hanh",
        },
        [
            *by(A_NAME, "chuyen_vien", "draft_created", "draft_submitted", actor="system"),
            *by(
                A_NAME,
                "lanh_dao",
                "draft_approved",
                "signature_requested",
                "draft_signed",
                "sent_to_clerk",
                actor="system",
            ),
        ],
    )
    run.setup(
        "j1",
        b,
        "documents.incoming",
        {**INCOMING, "from": "Sở Nội vụ thành phố Cần Thơ", "number": "1234/SNV-CCVC", "summary": "thi công chức"},
        [("documents.agency_prepared", "system", None, None), RECEIVED],
    )
    run.setup(
        "e1",
        b,
        "documents.draft",
        {**DRAFTED, "step": "cho_phat_hanh"},
        [
            *by(B_NAME, "chuyen_vien", "draft_created", "draft_submitted", actor="system"),
            *by(
                B_NAME,
                "lanh_dao",
                "draft_approved",
                "signature_requested",
                "draft_signed",
                "sent_to_clerk",
                actor="system",
            ),
        ],
    )

    # The exam: A starts as văn thư, B as Chủ tịch; their actions interleave.
    i1, i3 = run.incoming(a, "i1"), run.incoming(a, "i3")
    run.act(
        "A registers i1",
        a,
        lambda c, x: incoming.register(c, a, i1, registration_of(i1), x),
        by(A_NAME, "van_thu", "incoming_registered"),
    )
    run.act(
        "A returns i3",
        a,
        lambda c, x: incoming.return_to_sender(c, a, i3, "Gửi nhầm nơi nhận.", x),
        by(A_NAME, "van_thu", "incoming_returned"),
    )
    i1 = run.incoming(a, "i1")
    run.act(
        "A presents i1",
        a,
        lambda c, x: incoming.present(c, a, i1, "ct", x),
        by(A_NAME, "van_thu", "incoming_presented"),
    )

    run.switch(b, "vt")
    j1 = run.incoming(b, "j1")
    run.act(
        "B registers j1",
        b,
        lambda c, x: incoming.register(c, b, j1, registration_of(j1), x),
        by(B_NAME, "van_thu", "incoming_registered"),
    )
    j1 = run.incoming(b, "j1")
    run.act(
        "B presents j1",
        b,
        lambda c, x: incoming.present(c, b, j1, "pct1", x),
        by(B_NAME, "van_thu", "incoming_presented"),
    )
    j1 = run.incoming(b, "j1")
    run.act(
        "pct1 routes j1",
        b,
        lambda c, x: incoming.route(c, b, j1, routing("cv", cooperate=("kt",)), x),
        by("Lê Văn Bình", "lanh_dao", "incoming_routed", actor="system"),
        colleague="pct1",
    )

    run.switch(a, "ct")
    i1 = run.incoming(a, "i1")
    direction = routing("vhxh", cooperate=("kt", "tp"), for_info=("vp",), due=TODAY + timedelta(days=6))
    run.act(
        "A routes i1", a, lambda c, x: incoming.route(c, a, i1, direction, x), by(A_NAME, "lanh_dao", "incoming_routed")
    )
    i2 = run.incoming(a, "i2")
    run.act(
        "A routes i2",
        a,
        lambda c, x: incoming.route(c, a, i2, routing("cv", due=None), x),
        by(A_NAME, "lanh_dao", "incoming_routed"),
    )
    d2 = run.outgoing(a, "d2")
    run.act(
        "A answers on d2",
        a,
        lambda c, x: outgoing.give_opinion(c, a, d2, Opinion.y_kien_khac, "Bổ sung kinh phí.", x),
        by(A_NAME, "lanh_dao", "opinion_given"),
    )
    d1 = run.outgoing(a, "d1")
    run.act("A signs d1", a, lambda c, x: outgoing.sign(c, a, d1, x), by(A_NAME, "lanh_dao", "draft_signed"))
    d1 = run.outgoing(a, "d1")
    run.act(
        "A sends d1 to the clerk",
        a,
        lambda c, x: outgoing.to_clerk(c, a, d1, x),
        by(A_NAME, "lanh_dao", "sent_to_clerk"),
    )

    run.switch(a, "cv")
    d2 = run.outgoing(a, "d2")
    changed = outgoing.Draft(
        type="CV",
        subject=d2.subject,
        body="Kinh phí: 20 triệu đồng.",
        kinh_gui=(),
        recipients=tuple(d2.recipients),
        signer="ct",
    )
    run.act(
        "A edits d2",
        a,
        lambda c, x: outgoing.update_draft(c, a, d2, changed, x),
        by(A_NAME, "chuyen_vien", "draft_updated"),
    )
    d2 = run.outgoing(a, "d2")
    run.act(
        "A submits d2",
        a,
        lambda c, x: outgoing.submit(c, a, d2, "ct", "Kính trình.", x),
        by(A_NAME, "chuyen_vien", "draft_submitted"),
    )
    plan = outgoing.Draft(
        type="KH",
        subject="Kế hoạch tổ chức thi đánh giá năng lực",
        body="Mục đích, yêu cầu.",
        kinh_gui=(),
        recipients=("- Lưu: VT, VHXH.",),
        signer="ct",
        related_incoming=run.ids["i2"],
    )
    run.ids["d3"] = run.act(
        "A drafts d3", a, lambda c, x: outgoing.create_draft(c, a, plan, x), by(A_NAME, "chuyen_vien", "draft_created")
    ).id
    i2 = run.incoming(a, "i2")
    run.act("A opens i2", a, lambda c, x: incoming.opened(c, a, i2, x), by(A_NAME, "chuyen_vien", "incoming_opened"))
    i4 = run.incoming(a, "i4")
    run.act(
        "A completes i4",
        a,
        lambda c, x: incoming.complete(c, a, i4, "Đã tham mưu, không cần văn bản trả lời.", None, x),
        by(A_NAME, "chuyen_vien", "incoming_completed"),
    )

    run.switch(b, "cv")
    j1 = run.incoming(b, "j1")
    run.act(
        "B completes j1",
        b,
        lambda c, x: incoming.complete(c, b, j1, "Đã xử lý.", None, x),
        by(B_NAME, "chuyen_vien", "incoming_completed"),
    )
    run.ids["e2"] = run.act(
        "B drafts e2", b, lambda c, x: outgoing.create_draft(c, b, DRAFT, x), by(B_NAME, "chuyen_vien", "draft_created")
    ).id
    e2 = run.outgoing(b, "e2")
    run.act(
        "B submits e2",
        b,
        lambda c, x: outgoing.submit(c, b, e2, "tp_vhxh", "", x),
        by(B_NAME, "chuyen_vien", "draft_submitted"),
    )
    e2 = run.outgoing(b, "e2")
    run.act(
        "tp_vhxh approves e2",
        b,
        lambda c, x: outgoing.approve(c, b, e2, "Đồng ý, trình ký.", x),
        by("Võ Thị Thu Hà", "lanh_dao_phong", "draft_approved", "signature_requested", actor="system"),
        colleague="tp_vhxh",
    )

    run.switch(a, "ct")
    d2 = run.outgoing(a, "d2")
    run.act(
        "A sends d2 back",
        a,
        lambda c, x: outgoing.send_back(c, a, d2, "Sửa lại phần kính gửi.", x),
        by(A_NAME, "lanh_dao", "draft_sent_back"),
    )
    run.switch(a, "cv")
    d2 = run.outgoing(a, "d2")
    fixed = outgoing.Draft(
        type="CV",
        subject=d2.subject,
        body=d2.body,
        kinh_gui=("UBND thành phố Cần Thơ",),
        recipients=tuple(d2.recipients),
        signer="ct",
    )
    run.act(
        "A fixes d2",
        a,
        lambda c, x: outgoing.update_draft(c, a, d2, fixed, x),
        by(A_NAME, "chuyen_vien", "draft_updated"),
    )
    d2 = run.outgoing(a, "d2")
    run.act(
        "A submits d2 again",
        a,
        lambda c, x: outgoing.submit(c, a, d2, "ct", "", x),
        by(A_NAME, "chuyen_vien", "draft_submitted"),
    )
    d3 = run.outgoing(a, "d3")
    run.act(
        "A submits d3",
        a,
        lambda c, x: outgoing.submit(c, a, d3, "ct", "", x),
        by(A_NAME, "chuyen_vien", "draft_submitted"),
    )

    run.switch(a, "ct")
    d2 = run.outgoing(a, "d2")
    run.act(
        "A approves d2",
        a,
        lambda c, x: outgoing.approve(c, a, d2, "", x),
        by(A_NAME, "lanh_dao", "draft_approved", "signature_requested"),
    )
    d3 = run.outgoing(a, "d3")
    run.act(
        "A approves d3",
        a,
        lambda c, x: outgoing.approve(c, a, d3, "Được.", x, to_signer=False),
        by(A_NAME, "lanh_dao", "draft_approved"),
    )
    d2 = run.outgoing(a, "d2")
    run.act("A signs d2", a, lambda c, x: outgoing.sign(c, a, d2, x), by(A_NAME, "lanh_dao", "draft_signed"))
    d2 = run.outgoing(a, "d2")
    run.act(
        "A sends d2 to the clerk",
        a,
        lambda c, x: outgoing.to_clerk(c, a, d2, x),
        by(A_NAME, "lanh_dao", "sent_to_clerk"),
    )

    run.switch(b, "ct")
    e2 = run.outgoing(b, "e2")
    run.act(
        "B sends e2 back",
        b,
        lambda c, x: outgoing.send_back(c, b, e2, "Chưa đúng thể thức.", x),
        by(B_NAME, "lanh_dao", "draft_sent_back"),
    )
    run.switch(b, "cv")
    e2 = run.outgoing(b, "e2")
    run.act(
        "B fixes e2",
        b,
        lambda c, x: outgoing.update_draft(c, b, e2, replace(DRAFT, body="Đã sửa thể thức."), x),
        by(B_NAME, "chuyen_vien", "draft_updated"),
    )
    e2 = run.outgoing(b, "e2")
    run.act(
        "B submits e2 to herself",
        b,
        lambda c, x: outgoing.submit(c, b, e2, "ct", "", x),
        by(B_NAME, "chuyen_vien", "draft_submitted"),
    )
    run.switch(b, "ct")
    e2 = run.outgoing(b, "e2")
    run.act(
        "B approves e2",
        b,
        lambda c, x: outgoing.approve(c, b, e2, "", x),
        by(B_NAME, "lanh_dao", "draft_approved", "signature_requested"),
    )
    e2 = run.outgoing(b, "e2")
    run.act("B signs e2", b, lambda c, x: outgoing.sign(c, b, e2, x), by(B_NAME, "lanh_dao", "draft_signed"))
    e2 = run.outgoing(b, "e2")
    run.act(
        "B sends e2 to the clerk",
        b,
        lambda c, x: outgoing.to_clerk(c, b, e2, x),
        by(B_NAME, "lanh_dao", "sent_to_clerk"),
    )

    # A's plan (d3) goes the long way: approved back to the drafter, who asks for signature; the
    # incoming document it answers is completed before the plan is numbered.
    run.switch(a, "cv")
    d3 = run.outgoing(a, "d3")
    run.act(
        "A asks for signature on d3",
        a,
        lambda c, x: outgoing.request_signature(c, a, d3, x),
        by(A_NAME, "chuyen_vien", "signature_requested"),
    )
    i2 = run.incoming(a, "i2")
    run.act(
        "A completes i2 with d3",
        a,
        lambda c, x: incoming.complete(c, a, i2, "Đã xây dựng kế hoạch.", run.ids["d3"], x),
        by(A_NAME, "chuyen_vien", "incoming_completed"),
    )
    run.switch(a, "ct")
    d3 = run.outgoing(a, "d3")
    run.act("A signs d3", a, lambda c, x: outgoing.sign(c, a, d3, x), by(A_NAME, "lanh_dao", "draft_signed"))
    d3 = run.outgoing(a, "d3")
    run.act(
        "A sends d3 to the clerk",
        a,
        lambda c, x: outgoing.to_clerk(c, a, d3, x),
        by(A_NAME, "lanh_dao", "sent_to_clerk"),
    )

    # The văn thư numbers and issues; one document is recalled.
    run.switch(a, "vt")
    for name, written in (("d1", None), ("d2", "Số: 02/UBND-VHXH"), ("d3", None), ("d4", None)):
        doc = run.outgoing(a, name)
        run.act(f"A numbers {name}", a, numbering(a, doc, written), by(A_NAME, "van_thu", "outgoing_numbered"))
    d1 = run.outgoing(a, "d1")
    to_city = Distribution(internal=("vhxh",), agencies=("UBND thành phố Cần Thơ",))
    run.act(
        "A issues d1", a, lambda c, x: outgoing.issue(c, a, d1, to_city, x), by(A_NAME, "van_thu", "outgoing_issued")
    )
    d2 = run.outgoing(a, "d2")
    by_mail = Distribution(emails=("vanthu@cantho.egov.test", "lanhdao@gmail.com"))
    run.act(
        "A issues d2 by email",
        a,
        lambda c, x: outgoing.issue(c, a, d2, by_mail, x),
        [
            ("mail.message_sent", "candidate", None, None),
            ("mail.message_received", "system", None, None),
            *by(A_NAME, "van_thu", "outgoing_issued"),
        ],
    )
    d3 = run.outgoing(a, "d3")
    inside = Distribution(internal=("vhxh", "tp", "cv_tp"))
    run.act(
        "A issues d3", a, lambda c, x: outgoing.issue(c, a, d3, inside, x), by(A_NAME, "van_thu", "outgoing_issued")
    )
    d4 = run.outgoing(a, "d4")
    to_noi_vu = Distribution(agencies=("Sở Nội vụ thành phố Cần Thơ",))
    run.act(
        "A issues d4", a, lambda c, x: outgoing.issue(c, a, d4, to_noi_vu, x), by(A_NAME, "van_thu", "outgoing_issued")
    )
    d1 = run.outgoing(a, "d1")
    run.act(
        "A recalls d1",
        a,
        lambda c, x: outgoing.recall(c, a, d1, "Sai thể thức, ban hành văn bản thay thế.", x),
        by(A_NAME, "van_thu", "outgoing_recalled"),
    )
    late = replace(ARRIVAL, number="09/GM-UBND", type="GM", subject="Giấy mời dự hội nghị")
    run.ids["i5"] = run.act(
        "i5 arrives by email", a, lambda c, x: incoming.receive(c, a, late, x, channel="email"), [RECEIVED]
    ).id
    i5 = run.incoming(a, "i5")
    run.act(
        "A registers i5",
        a,
        lambda c, x: incoming.register(c, a, i5, registration_of(i5), x),
        by(A_NAME, "van_thu", "incoming_registered"),
    )

    run.switch(b, "vt")
    for name in ("e1", "e2"):
        doc = run.outgoing(b, name)
        run.act(f"B numbers {name}", b, numbering(b, doc), by(B_NAME, "van_thu", "outgoing_numbered"))
    e1 = run.outgoing(b, "e1")
    to_city_mail = Distribution(emails=("vanthu@cantho.egov.test",))
    run.act(
        "B issues e1 by email",
        b,
        lambda c, x: outgoing.issue(c, b, e1, to_city_mail, x),
        [("mail.message_sent", "candidate", None, None), *by(B_NAME, "van_thu", "outgoing_issued")],
    )
    e2 = run.outgoing(b, "e2")
    run.act(
        "B issues e2",
        b,
        lambda c, x: outgoing.issue(c, b, e2, Distribution(internal=("vp",)), x),
        by(B_NAME, "van_thu", "outgoing_issued"),
    )
    e2 = run.outgoing(b, "e2")
    run.act(
        "B recalls e2",
        b,
        lambda c, x: outgoing.recall(c, b, e2, "Gửi nhầm.", x),
        by(B_NAME, "van_thu", "outgoing_recalled"),
    )
    run.ids["j2"] = run.act(
        "j2 arrives", b, lambda c, x: incoming.receive(c, b, ARRIVAL, x, channel="lien_thong"), [RECEIVED]
    ).id
    j2 = run.incoming(b, "j2")
    run.act(
        "B returns j2",
        b,
        lambda c, x: incoming.return_to_sender(c, b, j2, "Văn bản không đủ điều kiện.", x),
        by(B_NAME, "van_thu", "incoming_returned"),
    )

    run.switch(a, "cv")
    i1 = run.incoming(a, "i1")
    run.act(
        "A completes i1 with d2",
        a,
        lambda c, x: incoming.complete(c, a, i1, "Đã báo cáo.", run.ids["d2"], x),
        by(A_NAME, "chuyen_vien", "incoming_completed"),
    )
    run.switch(a, "ct")
    return run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """One busy run, shared by the tests of this module (it only reads it)."""
    folder = tmp_path_factory.mktemp("replay")
    url = f"sqlite:///{folder / 'room.db'}"
    db = Database(url)
    catalog.prepare_schema(db)
    settings = RoomSettings(data_dir=folder, database_url=url, secret_key=SECRET.decode())
    yield script(Office.open(db, settings))
    db.dispose()


def test_the_state_rebuilt_from_the_log_equals_the_live_tables(run: Run) -> None:
    db, candidates = run.office.db, [run.office.a, run.office.b]
    live = live_state(db, candidates)
    kinds = sorted({(cid, kind) for cid, kind, _ in live})
    assert kinds == sorted((c.id, kind) for c in candidates for kind in KINDS)  # the run reached every kind
    assert len(live) == 2 + 5 + 4 + 2 + 2  # agencies, A's incoming, A's outgoing, B's incoming, B's outgoing
    problems = differences(rebuilt_from_log(db), live)
    assert not problems, "the log does not rebuild the tables:\n" + "\n".join(problems)


def test_the_run_ends_where_the_story_says(run: Run) -> None:
    office, a, b = run.office, run.office.a, run.office.b
    status = {name: run.incoming(a, name).status for name in ("i1", "i2", "i3", "i4", "i5")}
    assert status == {"i1": "hoan_thanh", "i2": "hoan_thanh", "i3": "tra_lai", "i4": "hoan_thanh", "i5": "cho_trinh"}
    assert [run.incoming(a, n).arrival_number for n in ("i2", "i4", "i1", "i5")] == [1, 2, 3, 4]
    assert run.incoming(a, "i3").arrival_number is None
    assert [(run.incoming(b, n).status, run.incoming(b, n).arrival_number) for n in ("j1", "j2")] == [
        ("hoan_thanh", 1),
        ("tra_lai", None),
    ]
    numbers = {name: (run.outgoing(a, name).status, run.outgoing(a, name).number) for name in ("d1", "d2", "d3", "d4")}
    assert numbers == {
        "d1": ("thu_hoi", "01/UBND-VP"),
        "d2": ("da_phat_hanh", "02/UBND-VHXH"),
        "d3": ("da_phat_hanh", "03/KH-UBND"),
        "d4": ("da_phat_hanh", "01/BC-UBND"),  # secret: a sequence of its own
    }
    assert [(run.outgoing(b, n).status, run.outgoing(b, n).number) for n in ("e1", "e2")] == [
        ("da_phat_hanh", "01/UBND-VHXH"),
        ("thu_hoi", "02/UBND-VHXH"),
    ]
    assert [f["name"] for f in run.outgoing(a, "d2").files] == [
        "du-thao-v1.pdf",
        "du-thao-v2.pdf",
        "du-thao-v3.pdf",
        "van-ban-v4.pdf",  # the clean copy sent to sign
        "van-ban-v5.pdf",  # numbered and dated at issue
    ]
    assert (office.agency(a).acting_as, office.agency(b).acting_as) == ("ct", "vt")


def test_each_step_wrote_exactly_the_events_expected_in_its_candidate_s_chain(run: Run) -> None:
    wrong = [
        f"{step.name}: expected {step.expected}, wrote {step.written}"
        for step in run.steps
        if step.written != step.expected or step.chains != {step.candidate_id}
    ]
    assert not wrong, "\n".join(wrong)
    assert len(run.steps) > 80


def test_every_event_is_a_registered_verb_whose_data_parses(run: Run) -> None:
    records = run.office.events()
    assert {r.verb for r in records} >= {
        "documents.agency_prepared",
        "documents.role_switched",
        "documents.incoming_received",
        "documents.incoming_registered",
        "documents.incoming_returned",
        "documents.incoming_presented",
        "documents.incoming_routed",
        "documents.incoming_completed",
        "documents.incoming_opened",
        "documents.draft_created",
        "documents.draft_updated",
        "documents.draft_submitted",
        "documents.opinion_requested",
        "documents.opinion_given",
        "documents.draft_approved",
        "documents.draft_sent_back",
        "documents.signature_requested",
        "documents.draft_signed",
        "documents.sent_to_clerk",
        "documents.outgoing_numbered",
        "documents.outgoing_issued",
        "documents.outgoing_recalled",
        "mail.message_sent",
    }
    for record in records:
        event_class = lookup(record.verb)
        assert record.object_kind == event_class.object_kind
        assert record.typed().model_dump(mode="json") == record.data


def test_every_action_says_who_acted_in_the_role_they_held(run: Run) -> None:
    """A person's action names them and the role they acted in: the candidate's own name and the
    role they had switched to, or the simulated colleague's name and role."""
    office = run.office
    names = {c.id: c.ho_ten for c in (office.a, office.b)}
    people = {c.id: {(p.name, str(p.role)) for p in office.agency(c).people} for c in (office.a, office.b)}
    acting_role: dict[int, str] = {}
    checked = 0
    for record in office.events():
        if record.object_kind == "agency" and "after" in record.data:
            acting_role[record.candidate_id] = record.data["after"]["acting_role"]
            continue
        if not record.verb.startswith("documents."):
            continue
        event_class = lookup(record.verb)
        if not issubclass(event_class, PersonAction):
            continue
        data, checked = record.data, checked + 1
        assert (data["by"], data["role"]) in people[record.candidate_id], record
        assert data["role"] in set(Role)
        if record.actor == "candidate":
            assert (data["by"], data["role"]) == (names[record.candidate_id], acting_role[record.candidate_id]), record
    assert checked > 60


def test_every_chain_verifies(run: Run) -> None:
    with run.office.db.read() as conn:
        report = verify_log(conn)
    assert report.ok, report.breaks
    assert report.chains == len(run.office.room.candidates)


# --- Focused cases: a state one object shows of another must reach the log when the other changes


def test_an_incoming_document_s_reply_numbered_after_completion_is_in_the_log(office: Office) -> None:
    """Hoàn thành with the reply still a draft, then the reply is numbered: the incoming document
    names its reply by id (a number it would have to be logged again to follow), so the log and
    the tables still agree."""
    doc = office.routed(office.a, routing("cv"))
    reply = office.draft(office.a)
    office.as_role(office.a, "cv")
    office.do(lambda c, x: incoming.complete(c, office.a, doc, "Đã trả lời.", reply.id, x))
    reply = office.do(lambda c, x: outgoing.submit(c, office.a, reply, "ct", "", x))
    office.as_role(office.a, "ct")
    reply = office.do(lambda c, x: outgoing.approve(c, office.a, reply, "", x))
    reply = office.do(lambda c, x: outgoing.sign(c, office.a, reply, x))
    reply = office.do(lambda c, x: outgoing.to_clerk(c, office.a, reply, x))
    office.number(office.a, reply)
    assert office.incoming_state(office.a, doc.id)["reply_id"] == str(reply.id)
    assert "reply_number" not in office.incoming_state(office.a, doc.id)
    problems = differences(rebuilt_from_log(office.db), live_state(office.db, [office.a, office.b]))
    assert not problems, "\n".join(problems)


def test_a_draft_s_related_incoming_number_corrected_at_registration_is_in_the_log(office: Office) -> None:
    """A reply drafted to a document still waiting in Chờ vào sổ; the văn thư then registers that
    document with its number corrected."""
    waiting = office.receive(office.a, number="215/UBND-VP")
    office.draft(office.a, related_incoming=waiting.id)
    office.register(office.a, waiting, number="216/UBND-VP")
    problems = differences(rebuilt_from_log(office.db), live_state(office.db, [office.a, office.b]))
    assert not problems, "\n".join(problems)


def test_renaming_a_unit_after_documents_name_it_is_refused(office: Office) -> None:
    """Documents log the names of the units they name, so documents.agency may not rename a unit
    under documents already filed: the setup says to shape the agency first, and the log and the
    tables still agree."""
    office.setup(office.a, "documents.incoming", {**INCOMING, "step": "dang_xu_ly", "lead": "vhxh"})
    office.setup(office.a, "documents.draft", DRAFTED)
    with pytest.raises(SetupError, match=r"documents\.agency: 'vhxh' is already named by documents"):
        office.setup(
            office.a,
            "documents.agency",
            {"units": [{"key": "vhxh", "name": "Phòng Văn hóa, Khoa học và Thông tin", "abbreviation": "VHXH"}]},
        )
    problems = differences(rebuilt_from_log(office.db), live_state(office.db, [office.a, office.b]))
    assert not problems, "\n".join(problems)


def test_the_rebuild_sees_a_difference_when_there_is_one(office: Office) -> None:
    """The comparison itself can fail: a change the log never heard of is reported."""
    doc = office.receive(office.a)
    rebuilt = rebuilt_from_log(office.db)
    key = (office.a.id, "incoming", str(doc.id))
    rebuilt[key] = {**rebuilt[key], "subject": "khác"}
    assert differences(rebuilt, live_state(office.db, [office.a])) == [
        f"{key} subject: log says 'khác', tables say {ARRIVAL.subject!r}"
    ]
