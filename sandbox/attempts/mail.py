"""Attempts at the mail tasks (tasks/mail/): what a candidate does in the webmail, step by step."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from mock_services.core.blobs import BlobStore
from mock_services.mail import domain, mailbox
from mock_services.mail import store as mail_store
from mock_services.mail.events import AttachmentOpened, LinkClicked
from mock_services.mail.folders import USER, Location
from mock_services.mail.mailbox import Outgoing
from mock_services.mail.mime import Attachment
from mock_services.mail.sanitize import linkify_text, sanitize_html
from mock_services.mail.web import INLINE_TYPES
from sandbox.recording import RECORDER, Attempt

ORGANISERS = "bantochuc@sonoivu.cantho.egov.test"
FIXTURES = Path(__file__).resolve().parents[2] / "tasks" / "mail" / "fixtures"


@RECORDER.attempt("mail.send-report", "full.jsonl")
def send_report_in_full(attempt: Attempt) -> None:
    """Opens the office's mail, forwards its attachment to the organisers with the leader in Cc."""
    original = attempt.message("báo cáo kết quả chuyển đổi số")
    mailbox.open_message(attempt.conn, attempt.candidate, original, attempt.acting())
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=[ORGANISERS],
            cc=[attempt.params["leader"]["email"]],
            bcc=[],
            subject=f"Báo cáo kết quả chuyển đổi số năm 2026 – {attempt.candidate.ho_ten}",
            body="Kính gửi Ban Tổ chức,\nĐơn vị xin gửi báo cáo kết quả chuyển đổi số năm 2026.\nTrân trọng.",
            kind="forward",
            original=original,
            kept=list(original.attachments),
        ),
        attempt.acting(),
    )


@RECORDER.attempt("mail.send-report", "no-cc-no-attachment.jsonl")
def send_report_without_cc_or_file(attempt: Attempt) -> None:
    """A new message to the organisers only, subject typed without diacritics' care, no file."""
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=[ORGANISERS],
            cc=[],
            bcc=[],
            subject=f"báo cáo kết quả chuyển đổi số năm 2026 –  {attempt.candidate.ho_ten.upper()}",
            body="Gửi Ban Tổ chức báo cáo của đơn vị.",
        ),
        attempt.acting(),
    )


@RECORDER.attempt("mail.send-report", "nothing.jsonl")
def send_report_not_at_all(attempt: Attempt) -> None:
    """Reads the office's mail and stops there."""
    mailbox.open_message(attempt.conn, attempt.candidate, attempt.message("chuyển đổi số"), attempt.acting())


@RECORDER.attempt("mail.send-report", "replied-to-office.jsonl")
def send_report_as_reply_to_the_office(attempt: Attempt) -> None:
    """Downloads the report, then Trả lời on the office's mail (believing it goes on to the organisers):
    the leader in Cc, the report attached again, the "Re:" subject kept."""
    original = mailbox.open_message(
        attempt.conn, attempt.candidate, attempt.message("báo cáo kết quả chuyển đổi số"), attempt.acting()
    )
    report = open_attachment(attempt, original, 0, download=True)
    to, cc = domain.reply_recipients(original, attempt.candidate.email, everyone=False)
    typed = "Kính gửi Ban Tổ chức,\nĐơn vị xin gửi báo cáo kết quả chuyển đổi số năm 2026.\nTrân trọng."
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=to,
            cc=[*cc, attempt.params["leader"]["email"]],
            bcc=[],
            subject=domain.reply_subject(original.subject),
            body=reply_body(attempt, original, typed),
            kind="reply",
            original=original,
            uploads=[report],
        ),
        attempt.acting(),
    )


# --- Helpers: what a page does besides calling mailbox (read_message's links, an attachment's download)


def open_attachment(attempt: Attempt, message: mail_store.Message, index: int, *, download: bool) -> Attachment:
    """Xem or Tải về: logged as the attachment route logs it; the bytes the browser gets."""
    found = message.attachments[index]
    inline = not download and found["content_type"] in INLINE_TYPES
    event = AttachmentOpened(name=found["name"], sha256=found["sha256"], disposition="view" if inline else "download")
    mailbox.emit(attempt.conn, attempt.candidate, attempt.acting(), event, str(message.id))
    data = BlobStore(attempt.settings.blob_max_bytes).get(attempt.conn, found["sha256"])
    return Attachment(name=found["name"], content_type=found["content_type"], data=data)


def click_link(attempt: Attempt, message: mail_store.Message, position: int) -> None:
    """A click on the ``position``-th link of the body, as the reading page numbers and logs it."""
    links: list[tuple[str, str]] = []

    def rewrite(url: str, text: str) -> str:
        if not url.lower().startswith("mailto:"):
            links.append((url, text))
        return "#"

    if message.html_body is not None:
        sanitize_html(message.html_body, rewrite)
    else:
        linkify_text(message.text_body, rewrite)
    url, text = links[position - 1]
    event = LinkClicked(url=url, text=text, link=position)
    mailbox.emit(attempt.conn, attempt.candidate, attempt.acting(), event, str(message.id))


def _answer_prefill(attempt: Attempt, original: mail_store.Message) -> tuple[str, str]:
    """The signature block and the original's time, as the compose form fills them in."""
    signature = mail_store.get_settings(attempt.conn, attempt.candidate.id).signature
    block = f"\n\n-- \n{signature}" if signature.strip() else ""
    when = original.date.astimezone(ZoneInfo(attempt.settings.timezone)).strftime("%H:%M ngày %d/%m/%Y")
    return block, when


def reply_body(attempt: Attempt, original: mail_store.Message, typed: str) -> str:
    """What Trả lời leaves in the body (the signature, the quoted original) with ``typed`` on top."""
    block, when = _answer_prefill(attempt, original)
    return typed + block + domain.quoted_reply(original, when)


def reply(attempt: Attempt, original: mail_store.Message, typed: str, uploads: list[Attachment] | None = None) -> None:
    """Trả lời: To filled with the sender, "Trả lời:" subject, ``typed`` above the quoted original."""
    to, cc = domain.reply_recipients(original, attempt.candidate.email, everyone=False)
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=to,
            cc=cc,
            bcc=[],
            subject=domain.reply_subject(original.subject),
            body=reply_body(attempt, original, typed),
            kind="reply",
            original=original,
            uploads=uploads or [],
        ),
        attempt.acting(),
    )


def forward_body(attempt: Attempt, original: mail_store.Message, typed: str) -> str:
    """What Chuyển tiếp leaves in the body (the signature, the forwarded original) with ``typed`` on top."""
    block, when = _answer_prefill(attempt, original)
    return typed + block + domain.forwarded_body(original, when)


def fixture(name: str) -> bytes:
    """A file on the candidate's own computer (not from the mailbox)."""
    return (FIXTURES / name).read_bytes()


# --- mail.forward-invitation

INVITATION = "Giấy mời họp giao ban"


@RECORDER.attempt("mail.forward-invitation", "full.jsonl")
def forward_invitation_in_full(attempt: Attempt) -> None:
    """Opens the invitation, Chuyển tiếp to the colleague with the note, the PDF kept."""
    colleague = attempt.params["colleague"]
    invitation = mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(INVITATION), attempt.acting())
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=[colleague["email"]],
            cc=[],
            bcc=[],
            subject=domain.forward_subject(invitation.subject),
            body=forward_body(attempt, invitation, f"Đề nghị đồng chí {colleague['name']} dự họp thay."),
            kind="forward",
            original=invitation,
            kept=list(invitation.attachments),
        ),
        attempt.acting(),
    )


@RECORDER.attempt("mail.forward-invitation", "no-note-no-attachment.jsonl")
def forward_invitation_bare(attempt: Attempt) -> None:
    """Forwards to the right colleague, but unticks the PDF and writes nothing above the original."""
    colleague = attempt.params["colleague"]
    invitation = mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(INVITATION), attempt.acting())
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=[colleague["email"]],
            cc=[],
            bcc=[],
            subject=domain.forward_subject(invitation.subject),
            body=forward_body(attempt, invitation, ""),
            kind="forward",
            original=invitation,
            kept=[],
        ),
        attempt.acting(),
    )


@RECORDER.attempt("mail.forward-invitation", "new-message.jsonl")
def forward_invitation_as_new_message(attempt: Attempt) -> None:
    """Downloads the PDF and sends it in a new message (Soạn thư), not as a forward of the invitation."""
    colleague = attempt.params["colleague"]
    invitation = mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(INVITATION), attempt.acting())
    pdf = open_attachment(attempt, invitation, 0, download=True)
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=[colleague["email"]],
            cc=[],
            bcc=[],
            subject="Giấy mời họp giao ban",
            body=f"Đề nghị đồng chí {colleague['name']} dự họp thay.",
            uploads=[pdf],
        ),
        attempt.acting(),
    )


@RECORDER.attempt("mail.forward-invitation", "nothing.jsonl")
def forward_invitation_not_at_all(attempt: Attempt) -> None:
    """Opens the invitation, looks at the PDF and leaves it there."""
    invitation = mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(INVITATION), attempt.acting())
    open_attachment(attempt, invitation, 0, download=False)


# --- mail.organise-folders

CONTEST_MAILS = ("kehoach", "lich", "danhsach")  # the organiser's three mails, as the task's params name them


def contest(attempt: Attempt) -> dict[str, str]:
    """The organiser the candidate drew: its folder's name, its tag and its mails' subjects."""
    topic: dict[str, str] = attempt.params["topics"][attempt.params["topic"]]
    return topic


def contest_subject(attempt: Attempt, mail: str) -> str:
    """The subject of the organiser's mail ``mail`` (kehoach, lich, danhsach), tag included."""
    topic = contest(attempt)
    return f"{topic['tag']} {topic[mail]}"


def unaccented(text: str) -> str:
    """ "Hội thi CĐS 2026" as typed without diacritics: "Hoi thi CDS 2026"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def organise(attempt: Attempt, folder_name: str, subjects: tuple[str, ...], flag: tuple[str, ...]) -> None:
    """Thư mục mới, then Chuyển of the ticked messages, then Gắn cờ from the folder's list."""
    folder = mailbox.create_folder(attempt.conn, attempt.candidate, folder_name, attempt.acting())
    target = Location(USER, folder.id)
    for subject in subjects:
        mailbox.move(attempt.conn, attempt.candidate, attempt.message(subject), target, attempt.acting())
    for subject in flag:
        message = attempt.message(subject, folder=target.key)
        mailbox.set_flag(attempt.conn, attempt.candidate, message, "flagged", True, attempt.acting())


@RECORDER.attempt("mail.organise-folders", "full.jsonl")
def organise_folders_in_full(attempt: Attempt) -> None:
    to_flag = contest_subject(attempt, attempt.params["flag"])
    mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(to_flag), attempt.acting())
    mails = tuple(contest_subject(attempt, mail) for mail in CONTEST_MAILS)
    organise(attempt, contest(attempt)["folder"], mails, flag=(to_flag,))


@RECORDER.attempt("mail.organise-folders", "folder-name-without-accents.jsonl")
def organise_folders_without_accents(attempt: Attempt) -> None:
    """Everything right but the folder's name, typed without diacritics."""
    mails = tuple(contest_subject(attempt, mail) for mail in CONTEST_MAILS)
    to_flag = contest_subject(attempt, attempt.params["flag"])
    organise(attempt, unaccented(contest(attempt)["folder"]), mails, flag=(to_flag,))


@RECORDER.attempt("mail.organise-folders", "wrong-mail-moved.jsonl")
def organise_folders_with_the_wrong_mail(attempt: Attempt) -> None:
    """Takes the office's Lịch công tác for one of the three, and flags it too."""
    flag = attempt.params["flag"]
    other = next(mail for mail in CONTEST_MAILS if mail != flag)
    to_flag = contest_subject(attempt, flag)
    chosen = (contest_subject(attempt, other), to_flag, "Lịch công tác tuần")
    organise(attempt, contest(attempt)["folder"], chosen, flag=(to_flag, "Lịch công tác tuần"))


@RECORDER.attempt("mail.organise-folders", "copied-neighbour.jsonl")
def organise_folders_as_the_neighbour_did(attempt: Attempt) -> None:
    """Copies the neighbour's screen: their folder's name (Hội thi CĐS 2026) and the mail they flagged,
    though this paper names another organiser and another mail to flag; files its own three mails."""
    neighbour = attempt.params["topics"]["hoi_thi_cds"]
    mails = tuple(contest_subject(attempt, mail) for mail in CONTEST_MAILS)
    their_flag = next(mail for mail in ("lich", "kehoach") if mail != attempt.params["flag"])
    organise(attempt, neighbour["folder"], mails, flag=(contest_subject(attempt, their_flag),))


@RECORDER.attempt("mail.organise-folders", "nothing.jsonl")
def organise_folders_not_at_all(attempt: Attempt) -> None:
    """Reads the three mails and leaves them where they are."""
    for mail in CONTEST_MAILS:
        subject = contest_subject(attempt, mail)
        mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(subject), attempt.acting())


# --- mail.phishing

# The three mails that come real or faked (the one the params name ``genuine`` is real), in the order
# they arrive, and the three that are always real.
LOOK_ALIKES = ("tap_huan", "hop_thu", "hoa_toc")
LEGITIMATE = ("số liệu hồ sơ một cửa", "kinh tế số", "Vì người nghèo")


def look_alike(attempt: Attempt, mail: str) -> mail_store.Message:
    """The mail ``mail`` (hop_thu, tap_huan, hoa_toc) as this paper has it, real or fake, wherever it is."""
    ids = attempt.params["ids"][mail]
    wanted = ids["real"] if attempt.params["genuine"] == mail else ids["fake"]
    for folder in ("inbox", "junk"):
        for message in mail_store.messages_in(attempt.conn, attempt.candidate.id, Location.parse(folder)):
            if message.message_id == wanted:
                return message
    raise LookupError(f"no message {wanted}")


def fakes(attempt: Attempt) -> tuple[str, str]:
    """The two fakes of this paper: the one with a fake login link, then the other one."""
    genuine = attempt.params["genuine"]
    return ("tap_huan" if genuine == "hop_thu" else "hop_thu", "tap_huan" if genuine == "hoa_toc" else "hoa_toc")


@RECORDER.attempt("mail.phishing", "full.jsonl")
def phishing_in_full(attempt: Attempt) -> None:
    """Reads everything; opens only the real mail's file or link; reports one fake, junks the other."""
    conn, candidate = attempt.conn, attempt.candidate
    link_fake, other_fake = fakes(attempt)
    domain_seen = attempt.params["lures"][attempt.params["lure"]]["domain"]
    for mail in LOOK_ALIKES:
        message = mailbox.open_message(conn, candidate, look_alike(attempt, mail), attempt.acting())
        if mail == link_fake:
            note = f"Thư giả mạo: gửi từ tên miền {domain_seen}, liên kết dẫn tới trang đăng nhập giả."
            mailbox.report_phishing(conn, candidate, message, note, attempt.acting())
        elif mail == other_fake:
            mailbox.mark_junk(conn, candidate, message, True, attempt.acting())
        else:
            open_attachment(attempt, message, 0, download=False)
            if mail == "tap_huan":
                click_link(attempt, message, 1)
    for subject in LEGITIMATE:
        mailbox.open_message(conn, candidate, attempt.message(subject), attempt.acting())


@RECORDER.attempt("mail.phishing", "clicked-and-junked-legitimate.jsonl")
def phishing_half_safe(attempt: Attempt) -> None:
    """Clicks the fake login link before seeing the warning, then reports that mail; junks the
    union's appeal for money as spam; reads the second fake and leaves it in the inbox."""
    conn, candidate = attempt.conn, attempt.candidate
    link_fake, other_fake = fakes(attempt)
    message = mailbox.open_message(conn, candidate, look_alike(attempt, link_fake), attempt.acting())
    click_link(attempt, message, 1)
    mailbox.report_phishing(conn, candidate, message, "", attempt.acting())
    mailbox.open_message(conn, candidate, look_alike(attempt, other_fake), attempt.acting())
    mailbox.mark_junk(conn, candidate, attempt.message("Vì người nghèo"), True, attempt.acting())


@RECORDER.attempt("mail.phishing", "fell-for-both.jsonl")
def phishing_fallen_for(attempt: Attempt) -> None:
    """Downloads the "urgent" attachment and follows the link to "verify" the mailbox."""
    conn, candidate = attempt.conn, attempt.candidate
    link_fake, other_fake = fakes(attempt)
    message = mailbox.open_message(conn, candidate, look_alike(attempt, other_fake), attempt.acting())
    if other_fake == "hoa_toc":
        open_attachment(attempt, message, 0, download=True)
    else:
        click_link(attempt, message, 1)
    message = mailbox.open_message(conn, candidate, look_alike(attempt, link_fake), attempt.acting())
    click_link(attempt, message, 1)


@RECORDER.attempt("mail.phishing", "copied-neighbour.jsonl")
def phishing_as_the_neighbour_did(attempt: Attempt) -> None:
    """Junks the two kinds of mail the neighbour junked (on whose paper the urgent document was the
    real one): here that puts a real mail in Thư rác and leaves a fake in the inbox."""
    conn, candidate = attempt.conn, attempt.candidate
    neighbours_genuine = "hoa_toc" if attempt.params["genuine"] != "hoa_toc" else "hop_thu"
    for mail in LOOK_ALIKES:
        message = mailbox.open_message(conn, candidate, look_alike(attempt, mail), attempt.acting())
        if mail != neighbours_genuine:
            mailbox.mark_junk(conn, candidate, message, True, attempt.acting())


@RECORDER.attempt("mail.phishing", "nothing.jsonl")
def phishing_not_at_all(attempt: Attempt) -> None:
    """Reads the real mails and leaves the two fakes unread in the inbox."""
    conn, candidate = attempt.conn, attempt.candidate
    mailbox.open_message(conn, candidate, look_alike(attempt, attempt.params["genuine"]), attempt.acting())
    for subject in LEGITIMATE:
        mailbox.open_message(conn, candidate, attempt.message(subject), attempt.acting())


# --- mail.signature-out-of-office


def typed_day(iso: str) -> str:
    """A date as the candidate types it in Tùy chọn: 27/11/2026."""
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def save_out_of_office(attempt: Attempt, *, enabled: bool, start: str, end: str, message: str) -> None:
    """Ra khỏi văn phòng › Lưu: the typed dates read as the options route reads them."""
    first, last = domain.parse_day(start), domain.parse_day(end)
    value = domain.OutOfOffice(
        enabled=enabled,
        start=first.isoformat() if first else "",
        end=last.isoformat() if last else "",
        subject="Trả lời tự động: đang đi học",
        message=message,
    )
    mailbox.save_out_of_office(attempt.conn, attempt.candidate, value, attempt.acting())


@RECORDER.attempt("mail.signature-out-of-office", "full.jsonl")
def signature_and_out_of_office_in_full(attempt: Attempt) -> None:
    who, params = attempt.candidate, attempt.params
    signature = f"{who.ho_ten}\n{who.chuc_vu}\n{who.don_vi}\nĐT: {params['phone']}"
    mailbox.save_signature(attempt.conn, who, signature, attempt.acting())
    start, end = typed_day(params["course_start"]), typed_day(params["course_end"])
    message = f"Tôi đang tham dự lớp bồi dưỡng từ ngày {start} đến ngày {end}; tôi sẽ trả lời thư sau ngày {end}."
    save_out_of_office(attempt, enabled=True, start=start, end=end, message=message)


@RECORDER.attempt("mail.signature-out-of-office", "no-phone-wrong-end.jsonl")
def signature_without_phone_and_one_day_off(attempt: Attempt) -> None:
    """A signature without the phone number; the reply ends on the course's first day."""
    who, params = attempt.candidate, attempt.params
    mailbox.save_signature(attempt.conn, who, f"{who.ho_ten}\n{who.chuc_vu} – {who.don_vi}", attempt.acting())
    start = typed_day(params["course_start"])
    message = "Tôi đang đi học, sẽ trả lời thư của đồng chí khi trở lại cơ quan."
    save_out_of_office(attempt, enabled=True, start=start, end=start, message=message)


@RECORDER.attempt("mail.signature-out-of-office", "not-switched-on.jsonl")
def signature_name_only_reply_off(attempt: Attempt) -> None:
    """Only the name as signature; the reply's dates and text typed but Bật left unticked."""
    who, params = attempt.candidate, attempt.params
    mailbox.save_signature(attempt.conn, who, who.ho_ten, attempt.acting())
    start, end = typed_day(params["course_start"]), typed_day(params["course_end"])
    save_out_of_office(attempt, enabled=False, start=start, end=end, message="Tôi đang đi học.")


@RECORDER.attempt("mail.signature-out-of-office", "nothing.jsonl")
def signature_and_out_of_office_not_at_all(attempt: Attempt) -> None:
    """Opens Tùy chọn, reads it and leaves without saving anything: nothing is logged."""
    attempt.wait(60)


# --- mail.reply-with-attachment

PLAN = "Kế hoạch chuyển đổi số năm 2026 của UBND phường"
PLAN_REQUEST = "Xin tệp Kế hoạch chuyển đổi số"


def reply_to_request(attempt: Attempt, typed: str, uploads: list[Attachment]) -> None:
    """Opens the request, Trả lời (To filled with the sender), the body on top of the quote."""
    request = mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(PLAN_REQUEST), attempt.acting())
    reply(attempt, request, typed, uploads)


@RECORDER.attempt("mail.reply-with-attachment", "full.jsonl")
def reply_with_attachment_in_full(attempt: Attempt) -> None:
    """Downloads the plan from the office's mail, then replies to the colleague with it attached."""
    plan = mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(PLAN), attempt.acting())
    downloaded = open_attachment(attempt, plan, 0, download=True)
    typed = "Chào đồng chí,\nTôi gửi đồng chí tệp Kế hoạch chuyển đổi số năm 2026 đính kèm.\nTrân trọng."
    reply_to_request(attempt, typed, [downloaded])


@RECORDER.attempt("mail.reply-with-attachment", "forgot-attachment.jsonl")
def reply_without_attachment(attempt: Attempt) -> None:
    reply_to_request(attempt, "Chào đồng chí,\nTôi gửi đồng chí kế hoạch như đề nghị.\nTrân trọng.", [])


@RECORDER.attempt("mail.reply-with-attachment", "wrong-file-empty-body.jsonl")
def reply_with_the_wrong_file(attempt: Attempt) -> None:
    """Attaches another report from the computer and writes nothing above the quote."""
    wrong = Attachment(name="BaoCao_CDS_2026.pdf", content_type="application/pdf", data=fixture("BaoCao_CDS_2026.pdf"))
    reply_to_request(attempt, "", [wrong])


@RECORDER.attempt("mail.reply-with-attachment", "nothing.jsonl")
def reply_not_at_all(attempt: Attempt) -> None:
    """Reads the request and the office's mail, sends nothing."""
    mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(PLAN_REQUEST), attempt.acting())
    mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(PLAN), attempt.acting())


# --- mail.send-meeting-invitation

PLAN_FOR_TET = "dự thảo Kế hoạch mừng Xuân Đinh Mùi 2027"
CHIEF_OF_OFFICE = "hung.nv@egov.test"
DEPUTY_OF = {  # each invited head of unit, and the deputy listed beside them in the directory
    "tam.pm@egov.test": "linh.ttm@egov.test",
    "ha.vtt@egov.test": "loi.qv@egov.test",
    "phuong.ctk@egov.test": "sang.mt@egov.test",
}


def invitation_subject(attempt: Attempt) -> str:
    """The subject the instructions dictate, typed as written there."""
    day = typed_day(attempt.params["meeting_day"])
    return f"Giấy mời số {attempt.params['so_giay_moi']} họp triển khai Kế hoạch mừng Xuân Đinh Mùi 2027 ngày {day}"


def invitation_text(attempt: Attempt, *, place: bool) -> str:
    """The invitation's few lines: the time (and the place, unless forgotten)."""
    day, time = typed_day(attempt.params["meeting_day"]), attempt.params["meeting_time"]
    where = f", tại {attempt.params['phong_hop']}" if place else ""
    return (
        "Kính gửi các đồng chí,\n"
        "UBND phường trân trọng kính mời đồng chí dự họp triển khai Kế hoạch tổ chức các hoạt động mừng Đảng, "
        f"mừng Xuân Đinh Mùi năm 2027, vào lúc {time} ngày {day}{where}.\n"
        "Đề nghị đồng chí nghiên cứu dự thảo Kế hoạch gửi kèm.\nTrân trọng."
    )


def invited_heads(attempt: Attempt) -> list[str]:
    invited = attempt.params["invited"]
    return [invited["first_email"], invited["second_email"]]


@RECORDER.attempt("mail.send-meeting-invitation", "full.jsonl")
def send_meeting_invitation_in_full(attempt: Attempt) -> None:
    """Looks the heads up in the directory, then Chuyển tiếp on the office's mail (the plan kept), with To,
    Cc and the subject written as the instructions say."""
    plan = mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(PLAN_FOR_TET), attempt.acting())
    attempt.wait(60)  # Danh sách địa chỉ chung: searching the units, reading the titles
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=invited_heads(attempt),
            cc=[CHIEF_OF_OFFICE],
            bcc=[],
            subject=invitation_subject(attempt),
            body=forward_body(attempt, plan, invitation_text(attempt, place=True)),
            kind="forward",
            original=plan,
            kept=list(plan.attachments),
        ),
        attempt.acting(),
    )


@RECORDER.attempt("mail.send-meeting-invitation", "no-attachment-no-place.jsonl")
def send_meeting_invitation_without_plan_or_place(attempt: Attempt) -> None:
    """A new message (Soạn thư) to the right people with the right subject, but the plan is not attached
    and the body gives the time without the place."""
    attempt.wait(60)
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=invited_heads(attempt),
            cc=[CHIEF_OF_OFFICE],
            bcc=[],
            subject=invitation_subject(attempt),
            body=invitation_text(attempt, place=False),
        ),
        attempt.acting(),
    )


@RECORDER.attempt("mail.send-meeting-invitation", "deputies.jsonl")
def send_meeting_invitation_to_the_deputies(attempt: Attempt) -> None:
    """Picks each unit's first entry found by the unit's name (its deputy) and copies the office's sender
    (the Phó Chánh Văn phòng) instead of the Chánh Văn phòng; the rest is right."""
    plan = mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(PLAN_FOR_TET), attempt.acting())
    downloaded = open_attachment(attempt, plan, 0, download=True)
    attempt.wait(60)
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=[DEPUTY_OF[head] for head in invited_heads(attempt)],
            cc=[plan.from_addr],
            bcc=[],
            subject=invitation_subject(attempt),
            body=invitation_text(attempt, place=True),
            uploads=[downloaded],
        ),
        attempt.acting(),
    )


@RECORDER.attempt("mail.send-meeting-invitation", "nothing.jsonl")
def send_meeting_invitation_not_at_all(attempt: Attempt) -> None:
    """Reads the office's mail and the plan, sends nothing."""
    plan = mailbox.open_message(attempt.conn, attempt.candidate, attempt.message(PLAN_FOR_TET), attempt.acting())
    open_attachment(attempt, plan, 0, download=False)
