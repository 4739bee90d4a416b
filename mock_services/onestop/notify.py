"""Telling citizens about their dossier, as the one-stop systems do on every step: an SMS (brand-name
messages go without diacritics, as telecoms send them) and an email from the desk's address. Nothing
leaves the room: the messages are kept, listed on the desk's Tin nhắn, thư gửi công dân page and
logged, the email as the RFC 5322 message the system would have sent."""

from __future__ import annotations

import unicodedata
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.acting import Acting, emit
from mock_services.onestop import store
from mock_services.onestop.desk import Desk
from mock_services.onestop.events import CitizenNotified
from mock_services.onestop.store import Dossier

SMS_LIMIT = 459  # three concatenated 153-character parts


def unaccent(text: str) -> str:
    """ "Hồ sơ đã được tiếp nhận" → "Ho so da duoc tiep nhan"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def citizen(conn: Connection, candidate: Candidate, dossier: Dossier, desk: Desk, text: str, acting: Acting) -> None:
    """Send ``text`` by SMS to the applicant's phone and by email to their address, where they gave one."""
    system = acting.as_system()
    applicant = dossier.applicant
    if applicant.get("phone"):
        sms = unaccent(text)[:SMS_LIMIT]
        _keep(conn, candidate, dossier, "sms", applicant["phone"], sms, None, system)
    if applicant.get("email"):
        message = EmailMessage()
        message["From"] = f"{desk.unit} - Bộ phận Một cửa <{desk.email}>"
        message["To"] = applicant["email"]
        message["Subject"] = f"Thông báo về hồ sơ {dossier.code}"
        message["Date"] = format_datetime(acting.now)
        message["Message-ID"] = make_msgid(domain=desk.email.partition("@")[2] or "egov.test")
        message.set_content(
            f"Kính gửi Ông/Bà {applicant['name']},\n\n{text}\n\n"
            f"Mọi thắc mắc xin liên hệ {desk.unit} - Bộ phận Một cửa, điện thoại {desk.hotline}.\n"
            "Thư này được gửi tự động từ Hệ thống thông tin giải quyết thủ tục hành chính, vui lòng không trả lời."
        )
        ref = acting.blobs.put(conn, message.as_bytes(), now=acting.now)
        _keep(conn, candidate, dossier, "email", applicant["email"], text, ref.sha256, system)


def _keep(
    conn: Connection,
    candidate: Candidate,
    dossier: Dossier,
    channel: str,
    to: str,
    text: str,
    sha256: str | None,
    acting: Acting,
) -> None:
    store.add_notice(
        conn,
        candidate_id=candidate.id,
        dossier_id=dossier.id,
        channel=channel,
        to=to,
        text=text,
        sha256=sha256,
        at=acting.now,
    )
    emit(conn, candidate, acting, CitizenNotified(channel=channel, to=to, text=text), str(dossier.id))
