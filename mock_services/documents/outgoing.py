"""What happens to an outgoing document (văn bản đi, Nghị định 30/2020 Điều 10–19): dự thảo →
trình duyệt → duyệt or trả lại → trình ký → ký → chuyển văn thư → cấp số → phát hành → thu hồi;
and lấy ý kiến on a draft.

Each change re-renders the document's PDF as a new version (every version is kept, each a blob);
each appends its event in the caller's transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.documents import store
from mock_services.documents.acting import Acting
from mock_services.documents.agency import agency_of, at_outgoing_desk, log_action, me, require_own
from mock_services.documents.domain import (
    DocumentError,
    Opinion,
    OutgoingStatus,
    Role,
    Secrecy,
    Urgency,
)
from mock_services.documents.events import (
    DraftApproved,
    DraftCreated,
    DraftSentBack,
    DraftSigned,
    DraftSubmitted,
    DraftUpdated,
    OpinionGiven,
    OpinionRequested,
    OutgoingIssued,
    OutgoingNumbered,
    OutgoingRecalled,
    SentToClerk,
    SignatureRequested,
)
from mock_services.documents.letters import outgoing_letter, planned_symbol, signer_lines_for
from mock_services.documents.mailing import mail_issued
from mock_services.documents.numbering import TYPE_NAMES, check_number_symbol, nfc
from mock_services.documents.render import render_letter
from mock_services.documents.signatures import ATTACHMENT, is_signed
from mock_services.documents.store import Agency, Outgoing, Person

MAX_TEXT = 20_000
MAX_COMMENT = 2000


def _render(conn: Connection, agency: Agency, doc: Outgoing, acting: Acting, kind: str) -> list[dict[str, Any]]:
    """The files with a new version of the document's PDF appended (unless the bytes are unchanged)."""
    data = render_letter(outgoing_letter(doc, agency, on=doc.issued_date))
    ref = acting.blobs.put(conn, data, now=acting.now)
    files = list(doc.files)
    if files and files[-1]["sha256"] == ref.sha256:
        return files
    version = 1 + sum(1 for f in files if f.get("kind") != ATTACHMENT)
    name = f"{'du-thao' if kind == 'du_thao' else 'van-ban'}-v{version}.pdf"
    files.append({"name": name, "sha256": ref.sha256, "size": ref.size, "version": version, "kind": kind})
    return files


# --- Drafting


@dataclass(frozen=True, slots=True)
class Draft:
    """The fields of a draft as the drafter fills them in."""

    type: str
    subject: str
    body: str
    kinh_gui: tuple[str, ...]
    recipients: tuple[str, ...]
    signer: str  # key of the person who will sign
    urgency: Urgency = Urgency.thuong
    secrecy: Secrecy = Secrecy.thuong
    related_incoming: int | None = None
    signer_lines: tuple[str, ...] = ()  # default: from the signer's title
    layout: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[dict[str, Any], ...] = ()  # already in the blob store: {name, sha256, size}


def check_draft(draft: Draft, agency: Agency) -> None:
    if draft.type not in TYPE_NAMES:
        raise DocumentError("Vui lòng chọn loại văn bản.")
    if not draft.subject.strip():
        raise DocumentError("Vui lòng nhập trích yếu nội dung.")
    if len(draft.subject) > 500:
        raise DocumentError("Trích yếu dài quá 500 ký tự.")
    if len(draft.body) > MAX_TEXT:
        raise DocumentError(f"Nội dung dài quá {MAX_TEXT} ký tự.")
    signer = agency.person(draft.signer)
    if signer is None or signer.role is not Role.lanh_dao:
        raise DocumentError("Vui lòng chọn người ký (lãnh đạo cơ quan).")
    if not draft.recipients:
        raise DocumentError("Vui lòng nhập nơi nhận (ít nhất dòng “- Lưu: VT, …”).")


def _draft_values(draft: Draft, agency: Agency, conn: Connection, candidate_id: int) -> dict[str, Any]:
    signer = agency.person(draft.signer)
    assert signer is not None
    if draft.related_incoming is not None and store.get_incoming(conn, candidate_id, draft.related_incoming) is None:
        raise DocumentError("Không tìm thấy văn bản đến liên quan đã chọn.")
    return {
        "type": draft.type,
        "subject": nfc(draft.subject).strip(),
        "body": nfc(draft.body).strip(),
        "kinh_gui": [nfc(k).strip() for k in draft.kinh_gui if k.strip()],
        "recipients": [nfc(r).strip() for r in draft.recipients if r.strip()],
        "signer": signer.key,
        "signer_lines": list(draft.signer_lines) or signer_lines_for(signer.title),
        "urgency": str(draft.urgency),
        "secrecy": str(draft.secrecy),
        "related_incoming": draft.related_incoming,
        "layout": dict(draft.layout),
    }


def create_draft(conn: Connection, candidate: Candidate, draft: Draft, acting: Acting) -> Outgoing:
    """Dự thảo mới, by the candidate as chuyên viên, or by a setup for a simulated drafter."""
    agency = agency_of(conn, candidate, acting)
    author = me(agency, acting)
    if author.role is not Role.chuyen_vien:
        raise DocumentError("Dự thảo văn bản đi dành cho vai trò Chuyên viên. Hãy chuyển vai trò.")
    check_draft(draft, agency)
    doc = store.insert_outgoing(
        conn,
        candidate.id,
        {
            **_draft_values(draft, agency, conn, candidate.id),
            "status": OutgoingStatus.du_thao,
            "created_at": acting.now,
            "drafting_unit": author.unit or "vp",
            "drafter": author.key,
            "holder": author.key,
            "files": [dict(a, version=1, kind="dinh_kem") for a in draft.attachments],
        },
    )
    doc = store.update_outgoing(conn, doc, files=_render(conn, agency, doc, acting, "du_thao"))
    log_action(conn, candidate, acting, agency, author, doc, DraftCreated)
    return doc


def update_draft(conn: Connection, candidate: Candidate, doc: Outgoing, draft: Draft, acting: Acting) -> Outgoing:
    agency, person = at_outgoing_desk(conn, candidate, doc, "edit", acting, holding=True)
    check_draft(draft, agency)
    values = _draft_values(draft, agency, conn, candidate.id)
    changed = [k for k, v in values.items() if getattr(doc, k) != v]
    new_files = [dict(a, version=1, kind="dinh_kem") for a in draft.attachments]
    if not changed and not new_files:
        return doc
    edited = replace(doc, **values, files=[*doc.files, *new_files])
    doc = store.update_outgoing(conn, doc, **values, files=_render(conn, agency, edited, acting, "du_thao"))
    log_action(
        conn, candidate, acting, agency, person, doc, DraftUpdated, changed=changed + (["files"] if new_files else [])
    )
    return doc


def submit(
    conn: Connection, candidate: Candidate, doc: Outgoing, approver_key: str, note: str, acting: Acting
) -> Outgoing:
    """Trình duyệt: to the unit's head or a leader."""
    agency, person = at_outgoing_desk(conn, candidate, doc, "submit", acting, holding=True)
    approver = agency.person(approver_key)
    if approver is None or approver.role not in (Role.lanh_dao, Role.lanh_dao_phong) or approver.key == person.key:
        raise DocumentError("Vui lòng chọn lãnh đạo duyệt dự thảo.")
    note = _comment(note, required=False)
    doc = store.update_outgoing(conn, doc, status=OutgoingStatus.cho_duyet, approver=approver.key, holder=approver.key)
    log_action(
        conn,
        candidate,
        acting,
        agency,
        person,
        doc,
        DraftSubmitted,
        to=approver.name,
        to_title=approver.title,
        note=note,
    )
    return doc


def _comment(text: str, *, required: bool, what: str = "ý kiến") -> str:
    text = nfc(text).strip()
    if required and not text:
        raise DocumentError(f"Vui lòng nhập {what}.")
    if len(text) > MAX_COMMENT:
        raise DocumentError(f"Nội dung dài quá {MAX_COMMENT} ký tự.")
    return text


def _with_comment(doc: Outgoing, person: Person, kind: str, text: str, acting: Acting) -> list[dict[str, Any]]:
    entry = {"by": person.name, "role": str(person.role), "kind": kind, "text": text, "at": acting.now.isoformat()}
    return [*doc.comments, entry] if text else list(doc.comments)


# --- Lấy ý kiến


def consult(
    conn: Connection,
    candidate: Candidate,
    doc: Outgoing,
    people: list[str],
    due: date | None,
    note: str,
    acting: Acting,
) -> Outgoing:
    """Xin ý kiến: colleagues answer; simulated ones answer at once (Đồng ý), as ``system``."""
    agency, person = at_outgoing_desk(conn, candidate, doc, "consult", acting)
    asked = [agency.person(k) for k in dict.fromkeys(people)]
    if not people or any(p is None or p.key == person.key for p in asked):
        raise DocumentError("Vui lòng chọn người cho ý kiến (không chọn chính mình).")
    if due is not None and due < acting.today:
        raise DocumentError("Hạn cho ý kiến không được trước ngày hôm nay.")
    note = _comment(note, required=True, what="nội dung xin ý kiến")
    entries = [
        {
            "person": p.key,
            "name": p.name,
            "asked_by": person.name,
            "due": due.isoformat() if due else None,
            "note": note,
            "answer": "",
            "answer_note": "",
            "at": "",
        }
        for p in asked
        if p is not None
    ]
    doc = store.update_outgoing(conn, doc, opinions=[*doc.opinions, *entries])
    names = [p.name for p in asked if p is not None]
    log_action(
        conn,
        candidate,
        acting,
        agency,
        person,
        doc,
        OpinionRequested,
        asked=names,
        due=due.isoformat() if due else None,
        note=note,
    )
    for colleague in (p for p in asked if p is not None and not p.candidate):
        doc = _answer(
            conn, candidate, agency, doc, colleague, Opinion.dong_y, "Thống nhất với dự thảo.", acting.as_system()
        )
    return doc


def pending_opinion(doc: Outgoing, person: Person) -> int | None:
    """Index of the unanswered request for this person's opinion, if any."""
    return next((i for i, o in enumerate(doc.opinions) if o["person"] == person.key and not o["answer"]), None)


def give_opinion(
    conn: Connection, candidate: Candidate, doc: Outgoing, answer: Opinion, note: str, acting: Acting
) -> Outgoing:
    require_own(candidate, doc)
    agency = agency_of(conn, candidate, acting)
    person = me(agency, acting)
    if pending_opinion(doc, person) is None:
        raise DocumentError("Không có yêu cầu cho ý kiến nào dành cho bạn trên văn bản này.")
    note = _comment(note, required=True, what="nội dung ý kiến")
    return _answer(conn, candidate, agency, doc, person, answer, note, acting)


def _answer(
    conn: Connection,
    candidate: Candidate,
    agency: Agency,
    doc: Outgoing,
    person: Person,
    answer: Opinion,
    note: str,
    acting: Acting,
) -> Outgoing:
    index = pending_opinion(doc, person)
    assert index is not None
    opinions = [dict(o) for o in doc.opinions]
    opinions[index].update(answer=str(answer), answer_note=note, at=acting.now.isoformat())
    doc = store.update_outgoing(conn, doc, opinions=opinions)
    log_action(conn, candidate, acting, agency, person, doc, OpinionGiven, opinion=str(answer), note=note)
    return doc


# --- Duyệt, trả lại, trình ký, ký, chuyển văn thư


def approve(
    conn: Connection, candidate: Candidate, doc: Outgoing, comment: str, acting: Acting, *, to_signer: bool = True
) -> Outgoing:
    """Duyệt; by default the draft goes on to its signer at once (duyệt và trình ký)."""
    agency, person = at_outgoing_desk(conn, candidate, doc, "approve", acting, holding=True)
    comment = _comment(comment, required=False)
    comments = _with_comment(doc, person, "duyet", comment, acting)
    status, holder = (OutgoingStatus.cho_ky, doc.signer) if to_signer else (OutgoingStatus.da_duyet, doc.drafter)
    changes: dict[str, Any] = {"status": status, "holder": holder, "approved_by": person.key, "comments": comments}
    if to_signer:  # the clean copy to sign: no "DỰ THẢO" label, number and date left blank
        changes["files"] = _render(conn, agency, replace(doc, status=status), acting, "trinh_ky")
    doc = store.update_outgoing(conn, doc, **changes)
    log_action(conn, candidate, acting, agency, person, doc, DraftApproved, comment=comment)
    if to_signer:
        log_action(conn, candidate, acting, agency, person, doc, SignatureRequested, to=agency.name_of(doc.signer))
    return doc


def send_back(conn: Connection, candidate: Candidate, doc: Outgoing, comment: str, acting: Acting) -> Outgoing:
    """Trả lại to the drafter, saying what must change."""
    agency, person = at_outgoing_desk(conn, candidate, doc, "send_back", acting, holding=True)
    comment = _comment(comment, required=True, what="ý kiến (những điểm cần sửa)")
    comments = _with_comment(doc, person, "tra_lai", comment, acting)
    doc = store.update_outgoing(conn, doc, status=OutgoingStatus.bi_tra_lai, holder=doc.drafter, comments=comments)
    log_action(conn, candidate, acting, agency, person, doc, DraftSentBack, comment=comment)
    return doc


def request_signature(conn: Connection, candidate: Candidate, doc: Outgoing, acting: Acting) -> Outgoing:
    agency, person = at_outgoing_desk(conn, candidate, doc, "request_signature", acting, holding=True)
    files = _render(conn, agency, replace(doc, status=OutgoingStatus.cho_ky), acting, "trinh_ky")
    doc = store.update_outgoing(conn, doc, status=OutgoingStatus.cho_ky, holder=doc.signer, files=files)
    log_action(conn, candidate, acting, agency, person, doc, SignatureRequested, to=agency.name_of(doc.signer))
    return doc


def sign(conn: Connection, candidate: Candidate, doc: Outgoing, acting: Acting) -> Outgoing:
    """Ký duyệt on paper: records who approved the document for issue, and when. Ký số, the
    digital signature, is ``signatures.sign_as_leader``."""
    agency, person = at_outgoing_desk(conn, candidate, doc, "sign", acting, holding=True)
    doc = store.update_outgoing(conn, doc, status=OutgoingStatus.da_ky, signed_by=person.key, signed_at=acting.now)
    log_action(conn, candidate, acting, agency, person, doc, DraftSigned, method="phe_duyet")
    return doc


def clerk_of(agency: Agency) -> Person:
    clerks = [p for p in agency.people if p.role is Role.van_thu]
    if not clerks:
        raise DocumentError("Cơ quan chưa có văn thư để chuyển văn bản.")
    return next((p for p in clerks if p.candidate), clerks[0])


def to_clerk(conn: Connection, candidate: Candidate, doc: Outgoing, acting: Acting) -> Outgoing:
    agency, person = at_outgoing_desk(conn, candidate, doc, "to_clerk", acting, holding=True)
    doc = store.update_outgoing(conn, doc, status=OutgoingStatus.cho_phat_hanh, holder=clerk_of(agency).key)
    log_action(conn, candidate, acting, agency, person, doc, SentToClerk)
    return doc


# --- Cấp số, phát hành, thu hồi


def proposed_number(conn: Connection, agency: Agency, doc: Outgoing, year: int) -> tuple[int, str]:
    """The next number of the year and the symbol the rules give this document."""
    kind = doc.type if agency.numbering == "theo_loai" else None
    number = store.next_outgoing_number(conn, doc.candidate_id, year, secret=doc.secrecy != "thuong", kind=kind)
    return number, planned_symbol(doc, agency)


def number(
    conn: Connection, candidate: Candidate, doc: Outgoing, acting: Acting, *, written: str | None = None
) -> Outgoing:
    """Cấp số: the system gives the next number; a văn thư who types it is checked against the rules."""
    agency, person = at_outgoing_desk(conn, candidate, doc, "number", acting)
    if doc.code_number is not None:
        raise DocumentError("Văn bản đã được cấp số.")
    year = acting.today.year
    code_number, symbol = proposed_number(conn, agency, doc, year)
    if written is not None and written.strip():
        problems = check_number_symbol(written, kind=doc.type, issuer_abbr=agency.abbreviation)
        if problems:
            raise DocumentError(problems[0].message)
        typed_number, _, symbol = re.sub(r"^Số\s*:?\s*", "", written.strip()).partition("/")
        code_number = int(typed_number)
    if store.number_taken(conn, candidate.id, year, code_number, symbol, secret=doc.secrecy != "thuong"):
        raise DocumentError(f"Số {code_number:02d}/{symbol} đã được cấp cho văn bản khác trong năm {year}.")
    numbered: dict[str, Any] = {"code_number": code_number, "symbol": symbol, "year": year, "issued_date": acting.today}
    if not is_signed(doc):  # a digitally signed PDF is never re-rendered: Thêm số, Thêm ngày stamp it
        numbered["files"] = _render(conn, agency, replace(doc, **numbered), acting, "ban_phat_hanh")
    doc = store.update_outgoing(conn, doc, **numbered)
    log_action(
        conn,
        candidate,
        acting,
        agency,
        person,
        doc,
        OutgoingNumbered,
        number=doc.number,
        issued_date=acting.today.isoformat(),
    )
    return doc


@dataclass(frozen=True, slots=True)
class Distribution:
    """Where an issued document goes: units and people of the agency, other agencies, addresses."""

    internal: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


def issue(conn: Connection, candidate: Candidate, doc: Outgoing, to: Distribution, acting: Acting) -> Outgoing:
    """Phát hành: the numbered document goes to its recipients. Mail goes through the mail service,
    from the candidate's mailbox, with the PDF attached (addresses outside the room bounce)."""
    agency, person = at_outgoing_desk(conn, candidate, doc, "issue", acting)
    if doc.code_number is None:
        raise DocumentError("Văn bản chưa được cấp số: hãy cấp số trước khi phát hành.")
    known_agencies = {a["name"] for a in agency.agencies}
    if any(a not in known_agencies for a in to.agencies):
        raise DocumentError("Có cơ quan nhận không có trong danh sách liên thông.")
    if any(agency.unit(k) is None and agency.person(k) is None for k in to.internal):
        raise DocumentError("Có đơn vị nhận không thuộc cơ quan.")
    if not (to.internal or to.agencies or to.emails):
        raise DocumentError("Vui lòng chọn ít nhất một nơi nhận để phát hành.")
    emails = list(to.emails)
    if emails:
        mail_issued(conn, candidate, doc, agency, emails, acting)
    issued_to: dict[str, Any] = {
        "internal": [agency.name_of(k) for k in to.internal],
        "agencies": list(to.agencies),
        "emails": emails,
    }
    doc = store.update_outgoing(conn, doc, status=OutgoingStatus.da_phat_hanh, issued_to=issued_to, holder="")
    log_action(conn, candidate, acting, agency, person, doc, OutgoingIssued, **issued_to)
    return doc


def recall(conn: Connection, candidate: Candidate, doc: Outgoing, reason: str, acting: Acting) -> Outgoing:
    """Thu hồi: the document is frozen with its metadata; the reason is kept."""
    agency, person = at_outgoing_desk(conn, candidate, doc, "recall", acting)
    reason = _comment(reason, required=True, what="lý do thu hồi")
    doc = store.update_outgoing(conn, doc, status=OutgoingStatus.thu_hoi, recall_reason=reason)
    log_action(conn, candidate, acting, agency, person, doc, OutgoingRecalled, reason=reason)
    return doc
