"""What happens to an incoming document (văn bản đến, Nghị định 30/2020 Điều 20–24): received →
vào sổ → trình → bút phê, chuyển xử lý → hoàn thành; or trả lại to its sender.

Every operation changes the tables and appends its event in the caller's ``db.write()``
transaction. The web pages, task setup and simulated colleagues all come through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.documents import store
from mock_services.documents.acting import Acting, emit
from mock_services.documents.agency import agency_of, log_action, me, require_own
from mock_services.documents.domain import (
    DocumentError,
    IncomingStatus,
    Role,
    Routing,
    Secrecy,
    Urgency,
    check_routing,
    require_incoming,
)
from mock_services.documents.events import (
    IncomingCompleted,
    IncomingOpened,
    IncomingPresented,
    IncomingReceived,
    IncomingRegistered,
    IncomingReturned,
    IncomingRouted,
)
from mock_services.documents.numbering import TYPE_NAMES, check_number_symbol, nfc
from mock_services.documents.store import Agency, Incoming, Person

MIN_REASON = 5
MAX_TEXT = 2000


def _at_desk(
    conn: Connection, candidate: Candidate, doc: Incoming, action: str, acting: Acting
) -> tuple[Agency, Person]:
    """The agency and the person acting, once the rules let that person take this action now."""
    require_own(candidate, doc)
    agency = agency_of(conn, candidate, acting)
    person = me(agency, acting)
    require_incoming(action, doc.status, person.role)
    return agency, person


# --- Arrival


@dataclass(frozen=True, slots=True)
class Arrival:
    """An incoming document as it arrives: its metadata and its files (already in the blob store)."""

    number: str
    issued_date: date | None
    organ_name: str
    type: str
    subject: str
    signer: str = ""
    addressed_to: str = ""
    sender_email: str = ""
    urgency: Urgency = Urgency.thuong
    secrecy: Secrecy = Secrecy.thuong
    due_date: date | None = None
    files: tuple[dict[str, Any], ...] = ()


def receive(conn: Connection, candidate: Candidate, arrival: Arrival, acting: Acting, *, channel: str) -> Incoming:
    """The document arrives and waits in Chờ vào sổ; logged by ``system``."""
    agency = agency_of(conn, candidate, acting)
    doc = store.insert_incoming(
        conn,
        candidate.id,
        {
            "status": IncomingStatus.cho_vao_so,
            "channel": channel,
            "received_at": acting.now,
            "number": nfc(arrival.number),
            "issued_date": arrival.issued_date,
            "organ_name": nfc(arrival.organ_name),
            "sender_email": arrival.sender_email,
            "type": arrival.type,
            "subject": nfc(arrival.subject),
            "signer": nfc(arrival.signer),
            "addressed_to": nfc(arrival.addressed_to),
            "urgency": str(arrival.urgency),
            "secrecy": str(arrival.secrecy),
            "due_date": arrival.due_date,
            "files": [dict(f, version=i + 1) for i, f in enumerate(arrival.files)],
        },
    )
    event = IncomingReceived(channel=channel, after=doc.state(agency))
    emit(conn, candidate, acting.as_system(), event, str(doc.id))
    return doc


def opened(conn: Connection, candidate: Candidate, doc: Incoming, acting: Acting) -> None:
    """Who opened it and when: Phụ lục VI asks the system to keep the access history."""
    require_own(candidate, doc)
    agency = agency_of(conn, candidate, acting)
    log_action(conn, candidate, acting, agency, me(agency, acting), doc, IncomingOpened)


# --- Vào sổ, trả lại, trình


@dataclass(frozen=True, slots=True)
class Registration:
    """The metadata as the văn thư enters it when registering (it may correct what arrived)."""

    number: str
    issued_date: date | None
    organ_name: str
    type: str
    subject: str
    signer: str
    urgency: Urgency
    secrecy: Secrecy
    due_date: date | None


def check_registration(entry: Registration) -> None:
    problems = check_number_symbol(entry.number)
    if problems:
        raise DocumentError(problems[0].message)
    if entry.issued_date is None:
        raise DocumentError("Vui lòng nhập ngày văn bản.")
    if not entry.organ_name.strip():
        raise DocumentError("Vui lòng nhập cơ quan ban hành.")
    if entry.type not in TYPE_NAMES:
        raise DocumentError("Vui lòng chọn loại văn bản.")
    if not entry.subject.strip():
        raise DocumentError("Vui lòng nhập trích yếu.")


def register(conn: Connection, candidate: Candidate, doc: Incoming, entry: Registration, acting: Acting) -> Incoming:
    """Vào sổ: the next số đến of the year, the arrival date, and the metadata as entered."""
    agency, person = _at_desk(conn, candidate, doc, "register", acting)
    check_registration(entry)
    if entry.issued_date is not None and entry.issued_date > acting.today:
        raise DocumentError("Ngày văn bản không được sau ngày hôm nay.")
    year = acting.today.year
    arrival_number = store.next_arrival_number(conn, candidate.id, year)
    doc = store.update_incoming(
        conn,
        doc,
        status=IncomingStatus.cho_trinh,
        arrival_number=arrival_number,
        arrival_year=year,
        arrival_date=acting.today,
        number=" ".join(nfc(entry.number).split()),
        issued_date=entry.issued_date,
        organ_name=nfc(entry.organ_name).strip(),
        type=entry.type,
        subject=nfc(entry.subject).strip(),
        signer=nfc(entry.signer).strip(),
        urgency=str(entry.urgency),
        secrecy=str(entry.secrecy),
        due_date=entry.due_date,
    )
    log_action(conn, candidate, acting, agency, person, doc, IncomingRegistered, arrival_number=arrival_number)
    return doc


def return_to_sender(conn: Connection, candidate: Candidate, doc: Incoming, reason: str, acting: Acting) -> Incoming:
    """Trả lại: a document sent to the wrong agency, or failing the checks, goes back on the
    exchange with the reason, and is never registered (no số đến used)."""
    agency, person = _at_desk(conn, candidate, doc, "return", acting)
    reason = nfc(reason).strip()
    if len(reason) < MIN_REASON:
        raise DocumentError("Vui lòng ghi rõ lý do trả lại (ví dụ: gửi nhầm nơi nhận).")
    if len(reason) > MAX_TEXT:
        raise DocumentError(f"Lý do trả lại dài quá {MAX_TEXT} ký tự.")
    doc = store.update_incoming(conn, doc, status=IncomingStatus.tra_lai, return_reason=reason)
    log_action(conn, candidate, acting, agency, person, doc, IncomingReturned, reason=reason)
    return doc


def present(conn: Connection, candidate: Candidate, doc: Incoming, leader_key: str, acting: Acting) -> Incoming:
    """Trình: to the leader who directs its handling."""
    agency, person = _at_desk(conn, candidate, doc, "present", acting)
    leader = agency.person(leader_key)
    if leader is None or leader.role is not Role.lanh_dao:
        raise DocumentError("Vui lòng chọn lãnh đạo để trình văn bản.")
    doc = store.update_incoming(conn, doc, status=IncomingStatus.cho_but_phe, presented_to=leader.key)
    log_action(conn, candidate, acting, agency, person, doc, IncomingPresented, to=leader.name, to_title=leader.title)
    return doc


# --- Bút phê, chuyển xử lý; hoàn thành


def route_targets(agency: Agency) -> dict[str, str]:
    """Whom a leader may give a document to: every unit, and every person but the agency's leaders."""
    targets = {u.key: u.name for u in agency.units}
    targets.update({p.key: agency.label_of(p.key) for p in agency.people if p.role is not Role.lanh_dao})
    return targets


def route(conn: Connection, candidate: Candidate, doc: Incoming, routing: Routing, acting: Acting) -> Incoming:
    """Bút phê: exactly one xử lý chính, the phối hợp, the nhận để biết, the deadline, the direction."""
    agency, person = _at_desk(conn, candidate, doc, "route", acting)
    if doc.presented_to != person.key:
        raise DocumentError("Văn bản này được trình cho lãnh đạo khác, không phải bạn.")
    check_routing(routing, known=route_targets(agency), today=acting.today)
    direction = nfc(routing.direction).strip()
    doc = store.update_incoming(
        conn,
        doc,
        status=IncomingStatus.dang_xu_ly,
        lead=routing.lead,
        cooperate=list(routing.cooperate),
        for_info=list(routing.for_info),
        due_date=routing.due or doc.due_date,  # no hạn given: the document's own deadline stands
        direction=direction,
        routed_by=person.key,
    )
    log_action(
        conn,
        candidate,
        acting,
        agency,
        person,
        doc,
        IncomingRouted,
        lead=agency.name_of(routing.lead),
        cooperate=[agency.name_of(k) for k in routing.cooperate],
        for_info=[agency.name_of(k) for k in routing.for_info],
        due=doc.due_date.isoformat() if doc.due_date else None,
        direction=direction,
    )
    return doc


def handles(person: Person, doc: Incoming) -> bool:
    """Whether this position leads the handling: named itself, or its unit."""
    return bool(doc.lead) and doc.lead in (person.key, person.unit)


def complete(
    conn: Connection, candidate: Candidate, doc: Incoming, note: str, reply_id: int | None, acting: Acting
) -> Incoming:
    """Hoàn thành xử lý, with the result and, if there is one, the outgoing document that answers it."""
    agency, person = _at_desk(conn, candidate, doc, "complete", acting)
    if not handles(person, doc):
        raise DocumentError("Chỉ đơn vị, cá nhân xử lý chính mới hoàn thành được văn bản này.")
    note = nfc(note).strip()
    if not note:
        raise DocumentError("Vui lòng nhập kết quả xử lý.")
    if len(note) > MAX_TEXT:
        raise DocumentError(f"Kết quả xử lý dài quá {MAX_TEXT} ký tự.")
    reply = None
    if reply_id is not None:
        reply = store.get_outgoing(conn, candidate.id, reply_id)
        if reply is None:
            raise DocumentError("Không tìm thấy văn bản trả lời đã chọn.")
    doc = store.update_incoming(conn, doc, status=IncomingStatus.hoan_thanh, result_note=note, reply_id=reply_id)
    log_action(
        conn,
        candidate,
        acting,
        agency,
        person,
        doc,
        IncomingCompleted,
        note=note,
        reply_number=reply.reference if reply else "",
    )
    return doc
