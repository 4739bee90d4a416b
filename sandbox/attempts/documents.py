"""Attempts at the document-management tasks (tasks/documents/): what a candidate does on the pages of
the quản lý văn bản service, step by step, through the service's own domain functions.

The candidate holds three positions in their agency (Chủ tịch ``ct``, chuyên viên ``cv`` of Phòng
Văn hóa - Xã hội, văn thư ``vt``) and switches between them with Chuyển vai trò; every task says
which one to act in.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from mock_services.documents import agency, incoming, outgoing, store
from mock_services.documents.acting import emit
from mock_services.documents.domain import Routing, Secrecy, Urgency
from mock_services.documents.events import FileOpened
from mock_services.documents.store import Incoming, Outgoing
from sandbox.recording import RECORDER, Attempt

# The default agency's units, by key (mock_services/documents/agency.py), as the tasks name them.
VAN_PHONG = "vp"
PHONG_KINH_TE = "kt"
PHONG_VHXH = "vhxh"
UNIT_KEYS = {
    "Văn phòng HĐND và UBND": VAN_PHONG,
    "Phòng Kinh tế, Hạ tầng và Đô thị": PHONG_KINH_TE,
    "Phòng Văn hóa - Xã hội": PHONG_VHXH,
}


# --- Helpers: what the pages do around the domain functions


def switch_role(attempt: Attempt, key: str) -> None:
    """Chuyển vai trò (the “Vai trò” select atop the left-hand menu): ``ct``, ``cv`` or ``vt``."""
    agency.switch_role(attempt.conn, attempt.candidate, key, attempt.documents_acting())


def incoming_numbered(attempt: Attempt, number: str) -> Incoming:
    """The incoming document whose số, ký hiệu is ``number``, as the lists show it."""
    for doc in store.incoming_of(attempt.conn, attempt.candidate.id):
        if doc.number == number:
            return doc
    raise LookupError(f"no incoming document numbered {number!r}")


def open_incoming(attempt: Attempt, number: str) -> Incoming:
    """Opens an incoming document (its page logs the access)."""
    doc = incoming_numbered(attempt, number)
    incoming.opened(attempt.conn, attempt.candidate, doc, attempt.documents_acting())
    return doc


def outgoing_about(attempt: Attempt, subject_part: str) -> Outgoing:
    """The outgoing document whose trích yếu contains ``subject_part``."""
    for doc in store.outgoing_of(attempt.conn, attempt.candidate.id):
        if subject_part in doc.subject:
            return doc
    raise LookupError(f"no outgoing document about {subject_part!r}")


def as_arrived(doc: Incoming) -> incoming.Registration:
    """The Vào sổ form as it opens: filled in with the metadata that came with the document."""
    return incoming.Registration(
        number=doc.number,
        issued_date=doc.issued_date,
        organ_name=doc.organ_name,
        type=doc.type,
        subject=doc.subject,
        signer=doc.signer,
        urgency=Urgency(doc.urgency),
        secrecy=Secrecy(doc.secrecy),
        due_date=doc.due_date,
    )


def register(attempt: Attempt, doc: Incoming, entry: incoming.Registration) -> Incoming:
    return incoming.register(attempt.conn, attempt.candidate, doc, entry, attempt.documents_acting())


def present(attempt: Attempt, doc: Incoming, leader: str) -> Incoming:
    return incoming.present(attempt.conn, attempt.candidate, doc, leader, attempt.documents_acting())


# --- documents.register-urgent


def register_urgent(attempt: Attempt, *, leader: str, **typed: object) -> None:
    """As văn thư: opens the urgent công văn, registers it with the form's fields as ``typed``
    changes them, and presents it to ``leader``."""
    switch_role(attempt, "vt")
    doc = open_incoming(attempt, attempt.params["so_van_ban"])
    doc = register(attempt, doc, replace(as_arrived(doc), **typed))  # type: ignore[arg-type]
    present(attempt, doc, leader)


@RECORDER.attempt("documents.register-urgent", "full.jsonl")
def register_urgent_in_full(attempt: Attempt) -> None:
    """Checks every field against the document (Khẩn kept), registers it and presents it to the Chủ tịch."""
    register_urgent(attempt, leader="ct", urgency=Urgency.khan)


@RECORDER.attempt("documents.register-urgent", "not-urgent-to-deputy.jsonl")
def register_urgent_as_routine(attempt: Attempt) -> None:
    """Sets the urgency to Thường and presents the document to a Phó Chủ tịch instead of the Chủ tịch."""
    register_urgent(attempt, leader="pct1", urgency=Urgency.thuong)


@RECORDER.attempt("documents.register-urgent", "typos.jsonl")
def register_urgent_with_typos(attempt: Attempt) -> None:
    """Types the number with two digits swapped, the arrival day as the document's date, the sender
    as "Văn phòng UBND thành phố" and a shortened trích yếu; Khẩn, and presented to the Chủ tịch."""
    number, _, symbol = attempt.params["so_van_ban"].partition("/")
    register_urgent(
        attempt,
        leader="ct",
        number=f"{number[1]}{number[0]}{number[2:]}/{symbol}",
        issued_date=date(2026, 11, 23),
        organ_name="Văn phòng UBND thành phố Cần Thơ",
        subject=" ".join(attempt.params["van_ban"]["summary"].split()[:4]),
        urgency=Urgency.khan,
    )


@RECORDER.attempt("documents.register-urgent", "nothing.jsonl")
def register_urgent_not_at_all(attempt: Attempt) -> None:
    """Switches to văn thư, opens the công văn and stops there."""
    switch_role(attempt, "vt")
    open_incoming(attempt, attempt.params["so_van_ban"])


# --- documents.return-misdelivered


def return_document(attempt: Attempt, number: str, reason: str) -> None:
    doc = open_incoming(attempt, number)
    incoming.return_to_sender(attempt.conn, attempt.candidate, doc, reason, attempt.documents_acting())


def misdelivered_to(attempt: Attempt) -> str:
    return "UBND phường Bình Thủy" if "Cái Răng" in attempt.candidate.don_vi else "UBND phường Cái Răng"


@RECORDER.attempt("documents.return-misdelivered", "full.jsonl")
def return_misdelivered_in_full(attempt: Attempt) -> None:
    """Opens both documents, returns the one addressed to another ward, saying so."""
    switch_role(attempt, "vt")
    open_incoming(attempt, attempt.params["so_dung"])
    return_document(
        attempt,
        attempt.params["so_gui_nham"],
        f"Văn bản gửi nhầm nơi nhận: văn bản gửi {misdelivered_to(attempt)}, không phải đơn vị chúng tôi. "
        "Đề nghị quý cơ quan gửi lại đúng nơi nhận.",
    )


@RECORDER.attempt("documents.return-misdelivered", "vague-reason.jsonl")
def return_misdelivered_without_a_reason(attempt: Attempt) -> None:
    """Returns the misdelivered document, with a reason that does not say what is wrong."""
    switch_role(attempt, "vt")
    return_document(attempt, attempt.params["so_gui_nham"], "Trả lại văn bản.")


@RECORDER.attempt("documents.return-misdelivered", "returned-both.jsonl")
def return_misdelivered_and_the_plan(attempt: Attempt) -> None:
    """Returns the misdelivered document rightly, then the ward's own plan too, by mistake."""
    switch_role(attempt, "vt")
    return_document(attempt, attempt.params["so_gui_nham"], "Sai nơi nhận, đề nghị gửi đúng đơn vị.")
    return_document(attempt, attempt.params["so_dung"], "Văn bản gửi nhầm nơi nhận.")


@RECORDER.attempt("documents.return-misdelivered", "registered-it.jsonl")
def return_misdelivered_registered_instead(attempt: Attempt) -> None:
    """Registers both documents as they came, the misdelivered one included, and presents them."""
    switch_role(attempt, "vt")
    for number in (attempt.params["so_dung"], attempt.params["so_gui_nham"]):
        doc = open_incoming(attempt, number)
        doc = register(attempt, doc, as_arrived(doc))
        present(attempt, doc, "ct")


@RECORDER.attempt("documents.return-misdelivered", "nothing.jsonl")
def return_misdelivered_not_at_all(attempt: Attempt) -> None:
    """Opens both documents as văn thư and leaves them waiting."""
    switch_role(attempt, "vt")
    open_incoming(attempt, attempt.params["so_dung"])
    open_incoming(attempt, attempt.params["so_gui_nham"])


# --- documents.direct-incoming


def direct(attempt: Attempt, routing: Routing) -> None:
    """As Chủ tịch: opens the plan and routes it (Bút phê / Chuyển xử lý)."""
    switch_role(attempt, "ct")
    doc = open_incoming(attempt, attempt.params["so_ke_hoach"])
    incoming.route(attempt.conn, attempt.candidate, doc, routing, attempt.documents_acting())


def deadline(attempt: Attempt) -> tuple[date, str]:
    due = date.fromisoformat(attempt.params["han"])
    return due, due.strftime("%d/%m/%Y")


@RECORDER.attempt("documents.direct-incoming", "full.jsonl")
def direct_incoming_in_full(attempt: Attempt) -> None:
    """One lead, the other unit assisting, the office informed, the deadline, a full direction."""
    giao = attempt.params["giao"]
    due, day = deadline(attempt)
    direction = (
        f"Giao {giao['lead']} chủ trì, phối hợp {giao['other']} tham mưu triển khai kế hoạch; "
        f"báo cáo UBND phường trước ngày {day}."
    )
    routing = Routing(
        lead=UNIT_KEYS[giao["lead"]],
        cooperate=(UNIT_KEYS[giao["other"]],),
        for_info=(VAN_PHONG,),
        due=due,
        direction=direction,
    )
    direct(attempt, routing)


@RECORDER.attempt("documents.direct-incoming", "lead-swapped.jsonl")
def direct_incoming_lead_swapped(attempt: Attempt) -> None:
    """Gives the lead to the unit that should assist, and the assisting role to the lead unit; the
    direction names the units by their initials only."""
    giao = attempt.params["giao"]
    due, day = deadline(attempt)
    routing = Routing(
        lead=UNIT_KEYS[giao["other"]],
        cooperate=(UNIT_KEYS[giao["lead"]],),
        for_info=(VAN_PHONG,),
        due=due,
        direction=f"Giao hai phòng KT-HT-ĐT và VH-XH cùng chủ trì thực hiện, báo cáo trước ngày {day}.",
    )
    direct(attempt, routing)


@RECORDER.attempt("documents.direct-incoming", "no-cooperation-no-date.jsonl")
def direct_incoming_lead_only(attempt: Attempt) -> None:
    """The right lead and deadline, nobody assisting or informed, a direction without the date."""
    giao = attempt.params["giao"]
    due, _ = deadline(attempt)
    routing = Routing(
        lead=UNIT_KEYS[giao["lead"]],
        cooperate=(),
        for_info=(),
        due=due,
        direction=f"Giao {giao['lead']} chủ trì thực hiện.",
    )
    direct(attempt, routing)


@RECORDER.attempt("documents.direct-incoming", "nothing.jsonl")
def direct_incoming_not_at_all(attempt: Attempt) -> None:
    """Opens the plan as Chủ tịch and leaves it waiting."""
    switch_role(attempt, "ct")
    open_incoming(attempt, attempt.params["so_ke_hoach"])


# --- documents.draft-reply


def request_number(attempt: Attempt) -> str:
    return f"{attempt.params['so']}/{attempt.params['gui']['symbol']}"


def reply_draft(attempt: Attempt, *, subject: str, signer: str, linked: bool) -> Outgoing:
    """As chuyên viên: opens the công văn to answer, then Dự thảo mới with the fields as given."""
    switch_role(attempt, "cv")
    request = open_incoming(attempt, request_number(attempt))
    gui = attempt.params["gui"]
    draft = outgoing.Draft(
        type="CV",
        subject=subject,
        body=f"Thực hiện Công văn số {request.number} của {gui['name']}, UBND phường báo cáo như sau: …",
        kinh_gui=(gui["name"],),
        recipients=("- Như trên;", "- Lưu: VT, VHXH."),
        signer=signer,
        related_incoming=request.id if linked else None,
    )
    return outgoing.create_draft(attempt.conn, attempt.candidate, draft, attempt.documents_acting())


def submit(attempt: Attempt, doc: Outgoing, approver: str) -> None:
    outgoing.submit(attempt.conn, attempt.candidate, doc, approver, "Kính trình xem xét.", attempt.documents_acting())


@RECORDER.attempt("documents.draft-reply", "full.jsonl")
@RECORDER.attempt("documents.draft-reply", "full-chairman-signs.jsonl")
def draft_reply_in_full(attempt: Attempt) -> None:
    """A công văn “V/v …” to the sender, the signer asked for, linked, sent to the unit's head."""
    subject = f"V/v {attempt.params['gui']['summary']}"
    doc = reply_draft(attempt, subject=subject, signer=attempt.params["nguoi_ky"]["key"], linked=True)
    submit(attempt, doc, "tp_vhxh")


@RECORDER.attempt("documents.draft-reply", "wrong-approver.jsonl")
def draft_reply_to_the_wrong_head(attempt: Attempt) -> None:
    """A right draft, sent for approval to the head of Phòng Kinh tế instead of the drafter's own head."""
    subject = f"V/v {attempt.params['gui']['summary']}"
    doc = reply_draft(attempt, subject=subject, signer=attempt.params["nguoi_ky"]["key"], linked=True)
    submit(attempt, doc, "tp_kt")


@RECORDER.attempt("documents.draft-reply", "chairman-signs-instead.jsonl")
def draft_reply_for_the_chairman(attempt: Attempt) -> None:
    """Asked for the Phó Chủ tịch's signature, names the Chủ tịch as signer; the rest right."""
    subject = f"V/v {attempt.params['gui']['summary']}"
    doc = reply_draft(attempt, subject=subject, signer="ct", linked=True)
    submit(attempt, doc, "tp_vhxh")


@RECORDER.attempt("documents.draft-reply", "not-linked-not-submitted.jsonl")
def draft_reply_left_as_draft(attempt: Attempt) -> None:
    """Writes “Về việc …” for the trích yếu, links nothing, and leaves the draft unsent."""
    subject = f"Về việc {attempt.params['gui']['summary']}"
    reply_draft(attempt, subject=subject, signer=attempt.params["nguoi_ky"]["key"], linked=False)


@RECORDER.attempt("documents.draft-reply", "nothing.jsonl")
def draft_reply_not_at_all(attempt: Attempt) -> None:
    """Opens the công văn as chuyên viên and stops there."""
    switch_role(attempt, "cv")
    open_incoming(attempt, request_number(attempt))


# --- documents.check-format


def open_file(attempt: Attempt, doc: Outgoing) -> None:
    """Xem tệp: the document's current PDF, as its page logs the opening."""
    current = doc.current_file
    assert current is not None
    event = FileOpened(document="outgoing", document_id=str(doc.id), name=current["name"], sha256=current["sha256"])
    emit(attempt.conn, attempt.candidate, attempt.documents_acting(), event, current["sha256"])


def check_format(attempt: Attempt, comment: str | None) -> None:
    """As Chủ tịch: opens the draft waiting for approval and reads its PDF; sends it back with
    ``comment`` (None: leaves it waiting)."""
    switch_role(attempt, "ct")
    doc = outgoing_about(attempt, attempt.params["de_tai"]["summary"])
    open_file(attempt, doc)
    if comment is not None:
        outgoing.send_back(attempt.conn, attempt.candidate, doc, comment, attempt.documents_acting())


@RECORDER.attempt("documents.check-format", "full.jsonl")
def check_format_in_full(attempt: Attempt) -> None:
    """Names every error of the draft and how to put it right."""
    so, ngay = attempt.params["so_sai"], attempt.params["ngay_sai"]
    check_format(
        attempt,
        "Đề nghị Văn phòng sửa các lỗi thể thức sau rồi trình lại:\n"
        f"1. Số, ký hiệu “Số: {so}/CV-UBND” sai: số nhỏ hơn 10 phải ghi 0{so}; công văn không có chữ viết tắt "
        "tên loại “CV”, ký hiệu đúng là UBND-VP.\n"
        f"2. Ngày tháng phải ghi “ngày 0{ngay} tháng 11 năm 2026”.\n"
        "3. Trích yếu công văn phải bắt đầu bằng “V/v”.\n"
        "4. Phó Chủ tịch ký thay ghi “KT. CHỦ TỊCH”, không viết “K/T”.\n"
        "5. Nơi nhận thiếu dòng “- Lưu: VT, VP.”",
    )


@RECORDER.attempt("documents.check-format", "two-found-no-accents.jsonl")
def check_format_two_errors_without_accents(attempt: Attempt) -> None:
    """Finds the number line and the trích yếu, and types the comment without diacritics."""
    so = attempt.params["so_sai"]
    check_format(attempt, f"So ky hieu sai: {so}/CV-UBND, cong van khong dung CV. Trich yeu thieu chu V/v.")


@RECORDER.attempt("documents.check-format", "three-found.jsonl")
def check_format_three_errors(attempt: Attempt) -> None:
    """Finds the date, the signer's authority and the missing Lưu line; misses the other two."""
    ngay = attempt.params["ngay_sai"]
    check_format(
        attempt,
        f"Ngày {ngay} tháng 11 phải ghi là ngày 0{ngay}. Ký thay Chủ tịch ghi “KT.” chứ không phải “K/T”. "
        "Nơi nhận thiếu dòng Lưu: VT, VP.",
    )


@RECORDER.attempt("documents.check-format", "approved-as-is.jsonl")
def check_format_approved(attempt: Attempt) -> None:
    """Reads the draft, sees nothing wrong and approves it (Duyệt), which goes on for signature."""
    check_format(attempt, None)
    doc = outgoing_about(attempt, attempt.params["de_tai"]["summary"])
    outgoing.approve(attempt.conn, attempt.candidate, doc, "Đồng ý, trình ký.", attempt.documents_acting())


@RECORDER.attempt("documents.check-format", "nothing.jsonl")
def check_format_not_at_all(attempt: Attempt) -> None:
    """Opens the draft's PDF as Chủ tịch and leaves it waiting."""
    check_format(attempt, None)


# --- documents.complete-with-reply


def complete(attempt: Attempt, note: str, reply_subject: str | None) -> None:
    """As chuyên viên: opens the công văn, Hoàn thành xử lý with ``note`` and the reply chosen by its trích yếu."""
    switch_role(attempt, "cv")
    doc = open_incoming(attempt, attempt.params["so_van_ban"])
    reply = outgoing_about(attempt, reply_subject).id if reply_subject is not None else None
    incoming.complete(attempt.conn, attempt.candidate, doc, note, reply, attempt.documents_acting())


@RECORDER.attempt("documents.complete-with-reply", "full.jsonl")
def complete_with_reply_in_full(attempt: Attempt) -> None:
    """A result note, and the reply drafted for this công văn linked."""
    note = "Đã tham mưu công văn trả lời, Phó Chủ tịch đã ký, chuyển văn thư phát hành."
    complete(attempt, note, attempt.params["noi_dung"]["reply"])


@RECORDER.attempt("documents.complete-with-reply", "wrong-reply-linked.jsonl")
def complete_with_the_wrong_reply(attempt: Attempt) -> None:
    """A result note, but the other draft of the list (the Tết duty roster) chosen as the reply."""
    note = "Đã tham mưu công văn trả lời, Phó Chủ tịch đã ký, chuyển văn thư phát hành."
    complete(attempt, note, "lịch trực Tết")


@RECORDER.attempt("documents.complete-with-reply", "no-link-short-note.jsonl")
def complete_without_reply(attempt: Attempt) -> None:
    """Completes the công văn with a two-word note and no reply chosen."""
    complete(attempt, "Đã xong", None)


@RECORDER.attempt("documents.complete-with-reply", "nothing.jsonl")
def complete_not_at_all(attempt: Attempt) -> None:
    """Opens the công văn as chuyên viên and leaves it in Đang xử lý."""
    switch_role(attempt, "cv")
    open_incoming(attempt, attempt.params["so_van_ban"])


# --- documents.issue-outgoing


def number_and_issue(attempt: Attempt, to: outgoing.Distribution | None, *, typed: str | None = None) -> None:
    """As văn thư: opens the signed công văn, Cấp số (the number the system proposes, or ``typed``
    over it), then Phát hành to ``to`` (None: stops after numbering)."""
    switch_role(attempt, "vt")
    doc = outgoing_about(attempt, attempt.params["trich_yeu"])
    open_file(attempt, doc)
    doc = outgoing.number(attempt.conn, attempt.candidate, doc, attempt.documents_acting(), written=typed)
    if to is not None:
        outgoing.issue(attempt.conn, attempt.candidate, doc, to, attempt.documents_acting())


def right_places(attempt: Attempt) -> outgoing.Distribution:
    """The agency of Kính gửi (through the exchange) and the unit of Nơi nhận (inside the agency)."""
    return outgoing.Distribution(
        internal=(UNIT_KEYS[attempt.params["don_vi"]],), agencies=(attempt.params["noi_nhan"],)
    )


@RECORDER.attempt("documents.issue-outgoing", "full.jsonl")
def issue_outgoing_in_full(attempt: Attempt) -> None:
    """Numbers the công văn and issues it to the agency it is addressed to and the unit in Nơi nhận."""
    number_and_issue(attempt, right_places(attempt))


@RECORDER.attempt("documents.issue-outgoing", "unit-forgotten.jsonl")
def issue_outgoing_without_the_unit(attempt: Attempt) -> None:
    """Issues it through the exchange only, forgetting the unit of the agency in Nơi nhận."""
    number_and_issue(attempt, outgoing.Distribution(agencies=(attempt.params["noi_nhan"],)))


@RECORDER.attempt("documents.issue-outgoing", "sent-everywhere.jsonl")
def issue_outgoing_to_everyone(attempt: Attempt) -> None:
    """Issues it to the right places and, to be safe, to every unit and both city agencies."""
    to = outgoing.Distribution(
        internal=tuple(UNIT_KEYS.values()),
        agencies=("UBND thành phố Cần Thơ", "Sở Nội vụ thành phố Cần Thơ"),
    )
    number_and_issue(attempt, to)


@RECORDER.attempt("documents.issue-outgoing", "typed-wrong-symbol.jsonl")
def issue_outgoing_with_a_typed_symbol(attempt: Attempt) -> None:
    """Types the number over the proposed one, with the chuyên viên's unit (VHXH) for the drafting
    unit's; issues it to the right places."""
    number_and_issue(attempt, right_places(attempt), typed="01/UBND-VHXH")


@RECORDER.attempt("documents.issue-outgoing", "numbered-only.jsonl")
def issue_outgoing_numbered_only(attempt: Attempt) -> None:
    """Gives the công văn its number and stops before Phát hành."""
    number_and_issue(attempt, None)


@RECORDER.attempt("documents.issue-outgoing", "nothing.jsonl")
def issue_outgoing_not_at_all(attempt: Attempt) -> None:
    """Opens the signed công văn's PDF as văn thư and leaves it waiting."""
    switch_role(attempt, "vt")
    open_file(attempt, outgoing_about(attempt, attempt.params["trich_yeu"]))


# --- documents.consult-draft


def consult_plan(attempt: Attempt, people: list[str], *, with_due: bool) -> None:
    """As chuyên viên: Lấy ý kiến on the plan's draft from ``people`` (keys), with the hạn asked
    for or none, and the note the task suggests."""
    doc = outgoing_about(attempt, attempt.params["ke_hoach"]["summary"])
    due = date.fromisoformat(attempt.params["han"]) if with_due else None
    note = "Đề nghị đồng chí góp ý dự thảo Kế hoạch, gửi ý kiến đúng hạn."
    outgoing.consult(attempt.conn, attempt.candidate, doc, people, due, note, attempt.documents_acting())


def submit_plan(attempt: Attempt) -> None:
    """Trình duyệt the plan's draft to the head of Phòng Văn hóa - Xã hội."""
    submit(attempt, outgoing_about(attempt, attempt.params["ke_hoach"]["summary"]), "tp_vhxh")


def open_plan(attempt: Attempt) -> None:
    """Switches to the chuyên viên and reads the draft's PDF."""
    switch_role(attempt, "cv")
    open_file(attempt, outgoing_about(attempt, attempt.params["ke_hoach"]["summary"]))


def named_people(attempt: Attempt) -> list[str]:
    ke_hoach = attempt.params["ke_hoach"]
    return [ke_hoach["nguoi1"]["key"], ke_hoach["nguoi2"]["key"]]


@RECORDER.attempt("documents.consult-draft", "full.jsonl")
@RECORDER.attempt("documents.consult-draft", "full-public-services.jsonl")
def consult_draft_in_full(attempt: Attempt) -> None:
    """Asks the two people named, with the hạn, then submits the draft to the unit's head."""
    open_plan(attempt)
    consult_plan(attempt, named_people(attempt), with_due=True)
    submit_plan(attempt)


@RECORDER.attempt("documents.consult-draft", "no-deadline-not-submitted.jsonl")
def consult_draft_without_deadline(attempt: Attempt) -> None:
    """Asks the two people named but leaves Hạn cho ý kiến empty, and never submits the draft."""
    open_plan(attempt)
    consult_plan(attempt, named_people(attempt), with_due=False)


@RECORDER.attempt("documents.consult-draft", "submitted-before-consulting.jsonl")
def consult_draft_after_submitting(attempt: Attempt) -> None:
    """Submits the draft to the unit's head first, then asks the two people for their opinion on it."""
    open_plan(attempt)
    submit_plan(attempt)
    consult_plan(attempt, named_people(attempt), with_due=True)


@RECORDER.attempt("documents.consult-draft", "asked-the-approver.jsonl")
def consult_draft_with_the_approver(attempt: Attempt) -> None:
    """Asks the first person named and, instead of the second, the unit's head who will approve it;
    then submits it to her."""
    open_plan(attempt)
    consult_plan(attempt, [named_people(attempt)[0], "tp_vhxh"], with_due=True)
    submit_plan(attempt)


@RECORDER.attempt("documents.consult-draft", "nothing.jsonl")
def consult_draft_not_at_all(attempt: Attempt) -> None:
    """Reads the draft as chuyên viên and leaves it as it is."""
    open_plan(attempt)
