"""Attempts at the cross-service tasks (tasks/cross/): work that starts in one service and ends in
another (a question read by mail, looked up in the document system and the one-stop desk, and
answered), through the services' own domain functions as the pages call them."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from mock_services.core.acting import emit as onestop_emit
from mock_services.core.blobs import BlobStore
from mock_services.documents import incoming
from mock_services.documents import store as documents_store
from mock_services.documents.acting import emit as documents_emit
from mock_services.documents.events import FileOpened as DocumentFileOpened
from mock_services.documents.events import Searched as DocumentsSearched
from mock_services.documents.store import Incoming
from mock_services.mail import mailbox
from mock_services.mail import store as mail_store
from mock_services.mail.mailbox import Outgoing
from mock_services.mail.mime import Attachment
from mock_services.onestop import pages as onestop_pages
from mock_services.onestop import store as onestop_store
from mock_services.onestop.events import Searched as OnestopSearched
from sandbox.attempts.documents import incoming_numbered, open_incoming, switch_role
from sandbox.attempts.mail import reply
from sandbox.attempts.onestop import acting as onestop_acting
from sandbox.attempts.onestop import desk
from sandbox.recording import RECORDER, Attempt

# --- Helpers: the pages of three services, as a candidate moves between them


def search_documents(attempt: Attempt, text: str) -> list[Incoming]:
    """The search box of the document system (Tìm kiếm văn bản): the incoming documents found."""
    query = " ".join(text.split())
    found_in, found_out = documents_store.search(attempt.conn, attempt.candidate.id, query)
    event = DocumentsSearched(query=query, scope="tat_ca", results=len(found_in) + len(found_out))
    documents_emit(attempt.conn, attempt.candidate, attempt.documents_acting(), event, str(attempt.candidate.id))
    return found_in


def open_document(attempt: Attempt, doc: Incoming) -> Incoming:
    """Opens an incoming document's page (logged: the access history)."""
    incoming.opened(attempt.conn, attempt.candidate, doc, attempt.documents_acting())
    return doc


def onestop_list(attempt: Attempt, slug: str, procedure: str = "") -> list[onestop_store.Dossier]:
    """A list of the Một cửa menus (Hồ sơ quá hạn, Hồ sơ tới hạn …), filtered by procedure, as the
    page shows it on the exam's day: viewing a list with no search text logs nothing."""
    desk(attempt)  # every page of the desk first brings in the results the handlers have finished
    tz = ZoneInfo(attempt.settings.timezone)
    today = attempt.now.astimezone(tz).date()
    chosen = onestop_pages.find_list(slug)
    wanted = onestop_pages.Filters(procedure=procedure)
    return [
        d
        for d in onestop_store.dossiers_of(attempt.conn, attempt.candidate.id)
        if chosen.keep(d, today, tz) and wanted.keep(d, tz)
    ]


def open_mail(attempt: Attempt, subject_part: str) -> mail_store.Message:
    return mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(subject_part), attempt.acting())


# --- cross.answer-inquiry

INQUIRY = "Đề nghị báo nhanh tình hình xử lý văn bản"
TONG_HOP = "phongtonghop@vpubnd.cantho.egov.test"
TRICH_LUC = "2.000635"


def inquiry_answer(attempt: Attempt, doc: Incoming, overdue: int) -> str:
    """The four lines the instructions ask for, filled in from ``doc``'s page and the count."""
    assert doc.due_date is not None
    agency = documents_store.get_agency(attempt.conn, attempt.candidate.id)
    assert agency is not None
    return (
        "Kính gửi Phòng Tổng hợp,\n"
        "UBND phường xin báo cáo nhanh như sau:\n"
        f"Số, ký hiệu công văn: {doc.number}\n"
        f"Đơn vị chủ trì xử lý: {agency.label_of(doc.lead)}\n"
        f"Hạn xử lý: {doc.due_date:%d/%m/%Y}\n"
        f"Số hồ sơ quá hạn: {overdue}\n"
        "Trân trọng."
    )


@RECORDER.attempt("cross.answer-inquiry", "full.jsonl")
@RECORDER.attempt("cross.answer-inquiry", "full-four-overdue.jsonl")
def answer_inquiry_in_full(attempt: Attempt) -> None:
    """Reads the question; finds the Sở Nội vụ's công văn by its trích yếu and opens it; counts the
    overdue dossiers of Cấp bản sao trích lục hộ tịch (Hồ sơ quá hạn, filtered by the procedure);
    answers the question with the four lines."""
    open_mail(attempt, INQUIRY)
    [doc] = search_documents(attempt, attempt.params["van_ban"]["trich_yeu"])
    doc = open_document(attempt, doc)
    overdue = onestop_list(attempt, "qua-han", TRICH_LUC)
    reply(attempt, attempt.message(INQUIRY), inquiry_answer(attempt, doc, len(overdue)))


@RECORDER.attempt("cross.answer-inquiry", "all-overdue-counted.jsonl")
def answer_inquiry_counting_every_procedure(attempt: Attempt) -> None:
    """The document part right; the count read off the menu of Hồ sơ quá hạn, every procedure's."""
    open_mail(attempt, INQUIRY)
    [doc] = search_documents(attempt, attempt.params["van_ban"]["trich_yeu"])
    doc = open_document(attempt, doc)
    overdue = onestop_list(attempt, "qua-han")
    reply(attempt, attempt.message(INQUIRY), inquiry_answer(attempt, doc, len(overdue)))


@RECORDER.attempt("cross.answer-inquiry", "wrong-document.jsonl")
def answer_inquiry_about_the_other_document(attempt: Attempt) -> None:
    """Searches "công chức cấp xã", opens the Sở's other công văn found (on a nearby matter) and
    answers about it; counts the trích lục dossiers overdue and due today together."""
    open_mail(attempt, INQUIRY)
    found = search_documents(attempt, "công chức cấp xã")
    [other] = [d for d in found if d.number == attempt.params["so_nhieu"]]
    doc = open_document(attempt, other)
    late = onestop_list(attempt, "qua-han", TRICH_LUC) + onestop_list(attempt, "toi-han", TRICH_LUC)
    reply(attempt, attempt.message(INQUIRY), inquiry_answer(attempt, doc, len(late)))


@RECORDER.attempt("cross.answer-inquiry", "new-message.jsonl")
def answer_inquiry_in_a_new_message(attempt: Attempt) -> None:
    """Looks everything up right, then writes to the Phòng Tổng hợp in a new message (Soạn thư)
    instead of answering its mail: the answer is not in the question's thread."""
    open_mail(attempt, INQUIRY)
    [doc] = search_documents(attempt, attempt.params["van_ban"]["trich_yeu"])
    doc = open_document(attempt, doc)
    overdue = onestop_list(attempt, "qua-han", TRICH_LUC)
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=[TONG_HOP],
            cc=[],
            bcc=[],
            subject="Báo nhanh tình hình xử lý văn bản và hồ sơ quá hạn",
            body=inquiry_answer(attempt, doc, len(overdue)),
        ),
        attempt.acting(),
    )


@RECORDER.attempt("cross.answer-inquiry", "nothing.jsonl")
def answer_inquiry_not_at_all(attempt: Attempt) -> None:
    """Reads the question and stops there."""
    open_mail(attempt, INQUIRY)


# --- cross.dossier-inquiry

DOSSIER_QUESTION = "Hỏi về hồ sơ đăng ký kết hôn"


def search_dossiers(attempt: Attempt, query: str) -> list[onestop_store.Dossier]:
    """Tra cứu (the search box of the Một cửa pages): every dossier whose code, applicant's name,
    căn cước or phone has ``query``, newest first; logged with the number found."""
    desk(attempt)
    now = onestop_acting(attempt)
    wanted = onestop_pages.Filters(text=" ".join(query.split()))
    found = [d for d in onestop_store.dossiers_of(attempt.conn, attempt.candidate.id) if wanted.keep(d, now.tz)]
    event = OnestopSearched(query=wanted.text, results=len(found))
    onestop_emit(attempt.conn, attempt.candidate, now, event, str(attempt.candidate.id))
    return found[::-1]


def dossier_answer(dossier: onestop_store.Dossier, day_given: date) -> str:
    return (
        "Kính gửi đồng chí,\n"
        "Bộ phận Một cửa xin báo cáo hồ sơ đăng ký kết hôn của bà như sau:\n"
        f"Mã hồ sơ: {dossier.code}\n"
        f"Ngày hẹn trả kết quả: {day_given:%d/%m/%Y}\n"
        "Trân trọng."
    )


@RECORDER.attempt("cross.dossier-inquiry", "full.jsonl")
def dossier_inquiry_in_full(attempt: Attempt) -> None:
    """Reads the leader's mail, searches the desk by the citizen's phone, reads the one dossier found
    and answers with its code and return date."""
    question = open_mail(attempt, DOSSIER_QUESTION)
    [dossier] = search_dossiers(attempt, attempt.params["dien_thoai"])
    reply(attempt, question, dossier_answer(dossier, dossier.due_date))


@RECORDER.attempt("cross.dossier-inquiry", "intake-day-as-due.jsonl")
def dossier_inquiry_with_the_intake_day(attempt: Attempt) -> None:
    """Finds the right dossier by phone, but gives the day it was received as the return date."""
    question = open_mail(attempt, DOSSIER_QUESTION)
    [dossier] = search_dossiers(attempt, attempt.params["dien_thoai"])
    received = dossier.received_at.astimezone(ZoneInfo(attempt.settings.timezone)).date()
    reply(attempt, question, dossier_answer(dossier, received))


@RECORDER.attempt("cross.dossier-inquiry", "namesake.jsonl")
def dossier_inquiry_about_the_namesake(attempt: Attempt) -> None:
    """Searches by the citizen's name, finds two dossiers of that name and answers with the one of
    the woman whose phone is not the one the leader gave."""
    question = open_mail(attempt, DOSSIER_QUESTION)
    found = search_dossiers(attempt, attempt.params["cong_dan"])
    [namesake] = [d for d in found if d.applicant["phone"] == attempt.params["dien_thoai_trung"]]
    reply(attempt, question, dossier_answer(namesake, namesake.due_date))


@RECORDER.attempt("cross.dossier-inquiry", "both-codes.jsonl")
def dossier_inquiry_hedged(attempt: Attempt) -> None:
    """Searches by the citizen's name, cannot tell the two dossiers apart and gives both codes,
    with the right one's return date."""
    question = open_mail(attempt, DOSSIER_QUESTION)
    found = search_dossiers(attempt, attempt.params["cong_dan"])
    [hers] = [d for d in found if d.applicant["phone"] == attempt.params["dien_thoai"]]
    [namesake] = [d for d in found if d.applicant["phone"] == attempt.params["dien_thoai_trung"]]
    answer = dossier_answer(hers, hers.due_date).replace(
        f"Mã hồ sơ: {hers.code}", f"Mã hồ sơ: {namesake.code} hoặc {hers.code}"
    )
    reply(attempt, question, answer)


@RECORDER.attempt("cross.dossier-inquiry", "nothing.jsonl")
def dossier_inquiry_not_at_all(attempt: Attempt) -> None:
    """Reads the leader's mail and stops there."""
    open_mail(attempt, DOSSIER_QUESTION)


# --- cross.send-document


def download_document_file(attempt: Attempt, doc: Incoming) -> Attachment:
    """Tệp văn bản › the PDF (its newest version) opened in the browser and saved to the computer:
    logged as opened; the bytes are what the candidate then uploads in the webmail."""
    current = doc.files[-1]
    event = DocumentFileOpened(
        document="incoming", document_id=str(doc.id), name=current["name"], sha256=current["sha256"]
    )
    documents_emit(attempt.conn, attempt.candidate, attempt.documents_acting(), event, current["sha256"])
    data = BlobStore(attempt.settings.blob_max_bytes).get(attempt.conn, current["sha256"])
    return Attachment(name=current["name"], content_type="application/pdf", data=data)


def send_on(attempt: Attempt, doc: Incoming, *, subject: str, recipients: list[str]) -> None:
    """As chuyên viên: opens ``doc``, saves its PDF, and writes a new message with it attached."""
    pdf = download_document_file(attempt, open_document(attempt, doc))
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=recipients,
            cc=[],
            bcc=[],
            subject=subject,
            body=(
                "Kính gửi Quý đơn vị,\n"
                "UBND phường gửi kèm theo thư này công văn của UBND thành phố Cần Thơ, "
                "đề nghị Quý đơn vị triển khai thực hiện.\nTrân trọng."
            ),
            uploads=[pdf],
        ),
        attempt.acting(),
    )


def complete_document(attempt: Attempt, number: str, note: str) -> None:
    """Hoàn thành xử lý on the document's page, with the result typed in."""
    doc = open_incoming(attempt, number)
    incoming.complete(attempt.conn, attempt.candidate, doc, note, None, attempt.documents_acting())


def both_units(attempt: Attempt) -> list[str]:
    cong_van = attempt.params["cong_van"]
    return [cong_van["mail1"], cong_van["mail2"]]


@RECORDER.attempt("cross.send-document", "full.jsonl")
@RECORDER.attempt("cross.send-document", "full-schools.jsonl")
def send_document_in_full(attempt: Attempt) -> None:
    """As chuyên viên: opens the công văn from Chờ xử lý, saves its PDF, mails it to both units with
    its number in the subject, then completes it with the result."""
    switch_role(attempt, "cv")
    number = attempt.params["so_cv"]
    send_on(
        attempt,
        incoming_numbered(attempt, number),
        subject=f"Gửi Công văn số {number} của UBND thành phố Cần Thơ",
        recipients=both_units(attempt),
    )
    cong_van = attempt.params["cong_van"]
    note = f"Đã gửi công văn qua thư điện tử đến {cong_van['dv1']} và {cong_van['dv2']}."
    complete_document(attempt, number, note)


@RECORDER.attempt("cross.send-document", "subject-plain-not-completed.jsonl")
def send_document_without_number_or_completion(attempt: Attempt) -> None:
    """The right file to both units, under the subject "Gửi công văn"; the document left open."""
    switch_role(attempt, "cv")
    send_on(
        attempt,
        incoming_numbered(attempt, attempt.params["so_cv"]),
        subject="Gửi công văn",
        recipients=both_units(attempt),
    )


@RECORDER.attempt("cross.send-document", "old-document-attached.jsonl")
def send_document_with_the_old_one(attempt: Attempt) -> None:
    """Searches the matter's key words, opens the city's older công văn on it, of the two found, and
    mails its PDF (the subject typed from the paper), then completes the right document."""
    switch_role(attempt, "cv")
    number = attempt.params["so_cv"]
    found = search_documents(attempt, attempt.params["cong_van"]["tu_khoa"])
    [old] = [d for d in found if d.number == attempt.params["so_cu"]]
    send_on(
        attempt, old, subject=f"Gửi Công văn số {number} của UBND thành phố Cần Thơ", recipients=both_units(attempt)
    )
    complete_document(attempt, number, "Đã gửi công văn qua thư điện tử cho hai đơn vị.")


@RECORDER.attempt("cross.send-document", "nothing.jsonl")
def send_document_not_at_all(attempt: Attempt) -> None:
    """Switches to chuyên viên and reads the công văn, nothing more."""
    switch_role(attempt, "cv")
    open_incoming(attempt, attempt.params["so_cv"])
