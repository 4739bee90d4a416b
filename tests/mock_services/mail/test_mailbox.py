"""Mailbox operations against the database, on SQLite and on PostgreSQL.

Every operation changes the tables and appends its event in the caller's transaction: each test
checks the rows, and that exactly the expected events were appended, each ``after`` equal to the
live row's ``Message.state(...)``. A refused operation writes nothing at all.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from mock_services.core import log
from mock_services.core.accounts import Candidate
from mock_services.core.blobs import BlobStore
from mock_services.core.db import Database
from mock_services.core.events import Actor, EventContext, EventRecord
from mock_services.mail import domain, mailbox, store
from mock_services.mail.folders import USER, Location, SystemFolder
from mock_services.mail.mime import Attachment, build_message, new_message_id
from mock_services.mail.store import Message
from tests.support.room import EXAM_START, seed_exam
from tests.support.webmail import live_state_of, stored_row

NOW = EXAM_START + timedelta(minutes=10)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DOMAINS = ("egov.test",)
OUTSIDER = "ban.be@gmail.com"
COLLEAGUE = "vanthu@cantho.egov.test"
SENDER = "noivu@cantho.egov.test"

T = TypeVar("T")


@dataclass
class Mailroom:
    """One candidate's mailbox (``me``), a second candidate's, and the database under them."""

    db: Database
    me: Candidate
    other: Candidate

    def acting(self, actor: Actor = Actor.candidate, now: datetime = NOW) -> mailbox.Acting:
        return mailbox.Acting(
            now=now,
            blobs=BlobStore(10 * 1024 * 1024),
            tz=TZ,
            domains=DOMAINS,
            actor=actor,
            context=EventContext(session_id="s" * 32, client="10.0.0.7"),
        )

    def write(self, operation: Callable[[Connection], T]) -> T:
        with self.db.write() as conn:
            return operation(conn)

    def head(self) -> int:
        with self.db.read() as conn:
            return log.head_seq(conn)

    def events_since(self, seq: int) -> list[EventRecord]:
        with self.db.read() as conn:
            return log.select_events(conn, seq)

    def row(self, message_id: int) -> Message:
        """The stored row, purged or not."""
        return stored_row(self.db, message_id)

    def live_state(self, message_id: int) -> dict[str, Any]:
        return live_state_of(self.db, message_id)

    def in_folder(self, location: Location, candidate: Candidate | None = None) -> list[Message]:
        with self.db.read() as conn:
            return store.messages_in(conn, (candidate or self.me).id, location)

    def count_messages(self) -> int:
        with self.db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(store.messages)).scalar_one())

    def receive(self, raw: bytes | None = None, *, candidate: Candidate | None = None, **fields: Any) -> Message:
        """A message arrives through SMTP (as ``system``)."""
        data = raw if raw is not None else incoming(**fields)
        return self.write(
            lambda conn: mailbox.deliver(
                conn,
                candidate or self.me,
                data,
                self.acting(Actor.system),
                channel="smtp",
                envelope_from=fields.get("sender", SENDER),
            )
        )

    def send(self, **fields: Any) -> Message:
        outgoing = outgoing_message(**fields)
        return self.write(lambda conn: mailbox.send(conn, self.me, outgoing, self.acting()))


@pytest.fixture
def mail(db: Database) -> Mailroom:
    room = seed_exam(db, now=EXAM_START - timedelta(minutes=30))
    return Mailroom(db, room.candidates[0], room.candidates[1])


def incoming(
    *,
    sender: str = SENDER,
    sender_name: str = "Phòng Nội vụ",
    to: list[str] | None = None,
    subject: str = "Công văn số 123/UBND-VP về việc báo cáo chuyển đổi số",
    text: str = "Kính gửi các đồng chí,\nĐề nghị báo cáo trước ngày 30/11.",
    message_id: str = "",
    extra_headers: dict[str, str] | None = None,
    attachments: list[Attachment] | None = None,
) -> bytes:
    return build_message(
        from_addr=sender,
        from_name=sender_name,
        to=to if to is not None else ["an.nv@ninhkieu.egov.test"],
        cc=[],
        subject=subject,
        text=text,
        date=NOW - timedelta(hours=1),
        message_id=message_id or new_message_id("cantho.egov.test"),
        attachments=attachments or [],
        extra_headers=extra_headers,
    )


def outgoing_message(
    *,
    to: list[str] | None = None,
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    subject: str = "Báo cáo kết quả chuyển đổi số",
    body: str = "Kính gửi Văn phòng,\nTôi xin gửi báo cáo.",
    **rest: Any,
) -> mailbox.Outgoing:
    return mailbox.Outgoing(
        to=[COLLEAGUE] if to is None else to, cc=cc or [], bcc=bcc or [], subject=subject, body=body, **rest
    )


def check_event(
    mail: Mailroom, record: EventRecord, verb: str, message_id: int, *, actor: Actor = Actor.candidate
) -> None:
    """The event names the message, and its ``after`` is the message as it is stored now."""
    assert record.verb == verb
    assert record.actor == actor
    assert record.object_kind == "message"
    assert record.object_id == str(message_id)
    assert record.data["after"] == mail.live_state(message_id)
    assert record.typed().model_dump(mode="json") == record.data  # the data is a valid event of its type


def only_event(
    mail: Mailroom, since: int, verb: str, message_id: int, *, actor: Actor = Actor.candidate
) -> EventRecord:
    records = mail.events_since(since)
    assert [r.verb for r in records] == [verb]
    check_event(mail, records[0], verb, message_id, actor=actor)
    return records[0]


# --- Arrivals


def test_a_delivered_message_lands_unread_in_the_inbox_and_is_logged_as_received(mail: Mailroom) -> None:
    before = mail.head()
    raw = incoming(message_id="<cv123@cantho.egov.test>")
    message = mail.receive(raw)

    record = only_event(mail, before, "mail.message_received", message.id, actor=Actor.system)
    assert record.data["channel"] == "smtp"
    assert record.data["envelope_from"] == SENDER
    assert record.context == {"session_id": "s" * 32, "client": "10.0.0.7"}
    after = record.data["after"]
    assert after["folder"] == "inbox"
    assert after["folder_name"] == "Hộp thư đến"
    assert after["from"] == SENDER
    assert after["from_name"] == "Phòng Nội vụ"
    assert after["to"] == ["an.nv@ninhkieu.egov.test"]
    assert after["subject"] == "Công văn số 123/UBND-VP về việc báo cáo chuyển đổi số"
    assert "Đề nghị báo cáo trước ngày 30/11." in after["text"]
    assert after["message_id"] == "<cv123@cantho.egov.test>"
    assert after["seen"] is False
    assert after["malformed"] is False
    assert after["origin"] == "smtp"
    assert after["date"] == "2026-11-24T00:10:00.000000Z"  # the Date header, not the arrival
    assert mail.row(message.id).received_at == NOW
    assert [m.id for m in mail.in_folder(Location(SystemFolder.inbox))] == [message.id]
    assert mail.in_folder(Location(SystemFolder.inbox), mail.other) == []


def test_delivery_keeps_the_raw_bytes_and_each_attachment_as_blobs(mail: Mailroom) -> None:
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 8
    mime = EmailMessage(policy=policy.SMTP)  # as a mail client sends it: the name in RFC 2231
    mime["From"], mime["To"], mime["Subject"] = SENDER, "an.nv@ninhkieu.egov.test", "Kế hoạch"
    mime.set_content("Xem tệp đính kèm.")
    mime.add_attachment(pdf, maintype="application", subtype="pdf", filename="Kế hoạch số 45-KH.pdf")
    raw = mime.as_bytes()
    message = mail.receive(raw)

    assert message.attachments == [
        {
            "name": "Kế hoạch số 45-KH.pdf",
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "size": len(pdf),
            "content_type": "application/pdf",
        }
    ]
    assert message.raw_sha256 == hashlib.sha256(raw).hexdigest()
    assert message.size == len(raw)
    blobs = mail.acting().blobs
    with mail.db.read() as conn:
        assert blobs.get(conn, message.raw_sha256) == raw
        assert blobs.get(conn, message.attachments[0]["sha256"]) == pdf


def test_a_message_without_a_from_header_is_from_its_envelope_sender(mail: Mailroom) -> None:
    message = mail.receive(b"To: an.nv@ninhkieu.egov.test\r\nSubject: no from\r\n\r\nbody\r\n", sender=SENDER)
    assert message.from_addr == SENDER
    assert message.message_id.endswith("@ninhkieu.egov.test>")  # one was made up for it


def test_bare_line_endings_are_normalised_and_recorded_as_a_defect(mail: Mailroom) -> None:
    raw = b"From: a@cantho.egov.test\nSubject: bare\n\nfirst\rsecond\n.\nMAIL FROM:<x@evil.test>\n"
    before = mail.head()
    message = mail.receive(raw)

    assert "bare CR or LF line endings" in message.defects
    assert message.text_body.split("\r\n")[:4] == ["first", "second", ".", "MAIL FROM:<x@evil.test>"]
    with mail.db.read() as conn:
        stored = mail.acting().blobs.get(conn, message.raw_sha256 or "")
    assert b"\n" not in stored.replace(b"\r\n", b"")
    assert b"\r" not in stored.replace(b"\r\n", b"")
    only_event(mail, before, "mail.message_received", message.id, actor=Actor.system)


def test_malformed_mime_is_stored_as_it_came_and_flagged(mail: Mailroom) -> None:
    raw = (
        b"From: a@cantho.egov.test\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n"
    )
    before = mail.head()
    message = mail.receive(raw)

    assert message.malformed is True
    assert message.defects
    with mail.db.read() as conn:
        assert mail.acting().blobs.get(conn, message.raw_sha256 or "") == raw
    record = only_event(mail, before, "mail.message_received", message.id, actor=Actor.system)
    assert record.data["after"]["malformed"] is True


def test_nul_bytes_leave_the_fields_but_not_the_raw_message(mail: Mailroom) -> None:
    # PostgreSQL refuses NUL in text, so no field keeps one (on either backend); the blob keeps every byte.
    raw = b"From: a@cantho.egov.test\r\nSubject: nul\x00here\r\n\r\nbefore\x00after\r\n"
    before = mail.head()
    message = mail.receive(raw)

    assert message.subject == "nulhere"
    assert message.text_body.strip() == "beforeafter"
    with mail.db.read() as conn:
        assert mail.acting().blobs.get(conn, message.raw_sha256 or "") == raw
    only_event(mail, before, "mail.message_received", message.id, actor=Actor.system)


def test_overlong_header_fields_are_cut_to_their_columns(mail: Mailroom) -> None:
    # PostgreSQL would refuse them whole; the blob keeps them as they came.
    name = "Phòng " * 60
    raw = f"From: {name}<a@cantho.egov.test>\r\nMessage-ID: <{'m' * 300}@x>\r\nSubject: dài\r\n\r\nx\r\n".encode()
    before = mail.head()
    message = mail.receive(raw)

    assert message.from_addr == "a@cantho.egov.test"
    assert message.from_name == name.strip()[:200]
    assert message.message_id == f"<{'m' * 300}@x>"[:250]
    with mail.db.read() as conn:
        assert mail.acting().blobs.get(conn, message.raw_sha256 or "") == raw
    only_event(mail, before, "mail.message_received", message.id, actor=Actor.system)


def test_setup_can_deliver_read_mail_into_junk_with_an_earlier_arrival(mail: Mailroom) -> None:
    earlier = NOW - timedelta(days=2)
    before = mail.head()
    message = mail.write(
        lambda conn: mailbox.deliver(
            conn,
            mail.me,
            incoming(),
            mail.acting(Actor.system),
            channel="setup",
            envelope_from=SENDER,
            folder=SystemFolder.junk,
            received_at=earlier,
            seen=True,
        )
    )
    record = only_event(mail, before, "mail.message_received", message.id, actor=Actor.system)
    assert record.data["channel"] == "setup"
    assert record.data["after"]["folder"] == "junk"
    assert record.data["after"]["folder_name"] == "Thư rác"
    assert record.data["after"]["seen"] is True
    assert mail.row(message.id).received_at == earlier


# --- Sending and drafts


def test_sending_files_a_copy_in_sent_and_bounces_addresses_outside_the_room(mail: Mailroom) -> None:
    before = mail.head()
    sent = mail.send(to=[COLLEAGUE], cc=[OUTSIDER], bcc=["giamdoc@sotttt.cantho.egov.test"])

    records = mail.events_since(before)
    assert [r.verb for r in records] == ["mail.message_sent", "mail.message_received"]
    check_event(mail, records[0], "mail.message_sent", sent.id)
    assert records[0].data["kind"] == "new"
    assert records[0].data["original"] is None
    assert records[0].data["channel"] == "webmail"
    assert records[0].data["delivered"] == [COLLEAGUE, "giamdoc@sotttt.cantho.egov.test"]
    assert records[0].data["bounced"] == [OUTSIDER]
    after = records[0].data["after"]
    assert after["folder"] == "sent"
    assert after["folder_name"] == "Thư đã gửi"
    assert after["from"] == "an.nv@ninhkieu.egov.test"
    assert after["from_name"] == "Nguyễn Văn An"
    assert (after["to"], after["cc"], after["bcc"]) == ([COLLEAGUE], [OUTSIDER], ["giamdoc@sotttt.cantho.egov.test"])
    assert after["seen"] is True
    assert after["origin"] == "webmail"

    (bounce,) = mail.in_folder(Location(SystemFolder.inbox))
    check_event(mail, records[1], "mail.message_received", bounce.id, actor=Actor.system)
    assert records[1].data["channel"] == "bounce"
    assert records[1].data["envelope_from"] == ""
    assert bounce.from_addr == "mailer-daemon@ninhkieu.egov.test"
    assert bounce.subject == "Thư không gửi được: Báo cáo kết quả chuyển đổi số"
    assert OUTSIDER in bounce.text_body
    assert COLLEAGUE not in bounce.text_body
    assert bounce.in_reply_to == sent.message_id
    assert bounce.auto_submitted is True
    assert bounce.seen is False


def test_mail_to_oneself_arrives_as_an_unread_copy_in_the_inbox(mail: Mailroom) -> None:
    before = mail.head()
    sent = mail.send(to=["an.nv@ninhkieu.egov.test"], subject="Ghi chú cho mình")

    records = mail.events_since(before)
    assert [r.verb for r in records] == ["mail.message_sent", "mail.message_received"]
    check_event(mail, records[0], "mail.message_sent", sent.id)
    (copy,) = mail.in_folder(Location(SystemFolder.inbox))
    check_event(mail, records[1], "mail.message_received", copy.id, actor=Actor.system)
    assert records[1].data["channel"] == "internal"
    assert records[1].data["envelope_from"] == "an.nv@ninhkieu.egov.test"
    assert copy.id != sent.id
    assert (copy.message_id, copy.subject, copy.text_body) == (sent.message_id, sent.subject, sent.text_body)
    assert copy.seen is False
    assert copy.origin == "internal"


def test_mail_only_inside_the_room_is_one_event_and_no_bounce(mail: Mailroom) -> None:
    before = mail.head()
    sent = mail.send(to=[COLLEAGUE, "hoa@caikhe.egov.test"])

    record = only_event(mail, before, "mail.message_sent", sent.id)
    assert record.data["delivered"] == [COLLEAGUE, "hoa@caikhe.egov.test"]
    assert record.data["bounced"] == []
    assert mail.in_folder(Location(SystemFolder.inbox)) == []
    assert mail.in_folder(Location(SystemFolder.inbox), mail.other) == []  # no tenant ever sees another's mail


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"to": []}, "Vui lòng nhập ít nhất một người nhận (Tới, Cc hoặc Bcc)."),
        (
            {"to": [f"nguoi{i}@cantho.egov.test" for i in range(domain.MAX_RECIPIENTS + 1)]},
            "Một thư chỉ được gửi tới tối đa 100 người nhận.",
        ),
    ],
    ids=["no recipient", "too many recipients"],
)
def test_sending_is_refused_in_vietnamese_and_writes_nothing(
    mail: Mailroom, fields: dict[str, Any], error: str
) -> None:
    before = mail.head()
    with pytest.raises(mailbox.MailError) as refused:
        mail.send(**fields)
    assert str(refused.value) == error
    assert mail.events_since(before) == []
    assert mail.count_messages() == 0


def test_a_draft_keeps_its_id_through_saves_and_sending(mail: Mailroom) -> None:
    before = mail.head()
    draft = mail.write(
        lambda conn: mailbox.save_draft(conn, mail.me, outgoing_message(subject="Bản nháp"), mail.acting())
    )
    record = only_event(mail, before, "mail.draft_saved", draft.id)
    assert record.data["after"]["folder"] == "drafts"
    assert record.data["after"]["draft"] is True
    assert record.data["kind"] == "new"

    before = mail.head()
    resaved = mail.write(
        lambda conn: mailbox.save_draft(
            conn, mail.me, outgoing_message(subject="Bản nháp sửa lại", draft=draft), mail.acting()
        )
    )
    assert resaved.id == draft.id
    assert resaved.message_id == draft.message_id
    only_event(mail, before, "mail.draft_saved", draft.id)

    before = mail.head()
    sent = mail.send(subject="Bản chính thức", draft=resaved)
    assert sent.id == draft.id
    assert sent.message_id == draft.message_id
    record = only_event(mail, before, "mail.message_sent", draft.id)
    assert record.data["after"]["folder"] == "sent"
    assert record.data["after"]["draft"] is False
    assert record.data["after"]["subject"] == "Bản chính thức"
    assert mail.in_folder(Location(SystemFolder.drafts)) == []
    assert [m.id for m in mail.in_folder(Location(SystemFolder.sent))] == [draft.id]


def test_a_reply_threads_to_the_message_it_answers(mail: Mailroom) -> None:
    original = mail.receive(incoming(message_id="<goc@cantho.egov.test>"))
    before = mail.head()
    reply = mail.send(to=[SENDER], subject=domain.reply_subject(original.subject), kind="reply", original=original)
    record = only_event(mail, before, "mail.message_sent", reply.id)
    assert record.data["kind"] == "reply"
    assert record.data["original"] == str(original.id)
    assert record.data["after"]["in_reply_to"] == "<goc@cantho.egov.test>"
    assert record.data["after"]["references"] == ["<goc@cantho.egov.test>"]
    assert record.data["after"]["subject"].startswith("Re: Công văn số 123")


def test_a_mail_client_submission_counts_envelope_recipients_missing_from_the_headers_as_bcc(mail: Mailroom) -> None:
    raw = build_message(
        from_addr="an.nv@ninhkieu.egov.test",
        from_name="Nguyễn Văn An",
        to=[COLLEAGUE],
        cc=[OUTSIDER],
        subject="Gửi từ Thunderbird",
        text="Nội dung thư.",
        date=NOW,
        message_id="<client-1@ninhkieu.egov.test>",
    )
    envelope = [COLLEAGUE, OUTSIDER, "An.Hidden@CanTho.egov.test"]
    before = mail.head()
    sent = mail.write(lambda conn: mailbox.submit(conn, mail.me, raw, envelope, mail.acting()))

    records = mail.events_since(before)
    assert [r.verb for r in records] == ["mail.message_sent", "mail.message_received"]
    check_event(mail, records[0], "mail.message_sent", sent.id)
    assert records[0].data["channel"] == "smtp"
    assert records[0].data["after"]["bcc"] == ["an.hidden@cantho.egov.test"]
    assert records[0].data["after"]["message_id"] == "<client-1@ninhkieu.egov.test>"
    assert records[0].data["after"]["origin"] == "smtp"
    assert records[0].data["bounced"] == [OUTSIDER]


def test_a_mail_client_submission_from_another_address_is_refused(mail: Mailroom) -> None:
    raw = incoming(sender="hoa@caikhe.egov.test")
    before = mail.head()
    with pytest.raises(mailbox.MailError, match="is not the authenticated account"):
        mail.write(lambda conn: mailbox.submit(conn, mail.me, raw, [COLLEAGUE], mail.acting()))
    assert mail.events_since(before) == []
    assert mail.count_messages() == 0


# --- Reading and organising


def test_opening_marks_a_message_read_and_logs_each_opening(mail: Mailroom) -> None:
    message = mail.receive()
    for _ in range(2):
        before = mail.head()
        with mail.db.write() as conn:
            message = mailbox.open_message(conn, mail.me, message, mail.acting())
        record = only_event(mail, before, "mail.message_opened", message.id)
        assert record.data["after"]["seen"] is True


def test_flags_are_set_and_cleared_with_one_event_each(mail: Mailroom) -> None:
    message = mail.receive()
    for flag, value in [("flagged", True), ("seen", True), ("flagged", False), ("seen", False)]:
        before = mail.head()
        with mail.db.write() as conn:
            message = mailbox.set_flag(conn, mail.me, message, flag, value, mail.acting())
        record = only_event(mail, before, "mail.flags_changed", message.id)
        assert (record.data["flag"], record.data["value"]) == (flag, value)
        assert record.data["after"][flag] is value


def test_an_unknown_flag_is_refused_without_an_event(mail: Mailroom) -> None:
    message = mail.receive()
    before = mail.head()
    with pytest.raises(mailbox.MailError, match=re.escape("Thao tác không hợp lệ.")):
        mail.write(lambda conn: mailbox.set_flag(conn, mail.me, message, "reported", True, mail.acting()))
    assert mail.events_since(before) == []
    assert mail.row(message.id).reported is False


def test_moving_to_a_folder_of_ones_own_and_back_names_both_folders(mail: Mailroom) -> None:
    message = mail.receive()
    folder = mail.write(lambda conn: mailbox.create_folder(conn, mail.me, "Công văn đến", mail.acting()))

    before = mail.head()
    message = mail.write(lambda conn: mailbox.move(conn, mail.me, message, Location(USER, folder.id), mail.acting()))
    record = only_event(mail, before, "mail.message_moved", message.id)
    assert (record.data["from_folder"], record.data["to_folder"]) == ("Hộp thư đến", "Công văn đến")
    assert record.data["after"]["folder"] == "user"
    assert record.data["after"]["folder_id"] == folder.id
    assert record.data["after"]["folder_name"] == "Công văn đến"

    before = mail.head()
    message = mail.write(lambda conn: mailbox.move(conn, mail.me, message, Location(SystemFolder.inbox), mail.acting()))
    record = only_event(mail, before, "mail.message_moved", message.id)
    assert (record.data["from_folder"], record.data["to_folder"]) == ("Công văn đến", "Hộp thư đến")
    assert record.data["after"]["folder_id"] is None


@pytest.mark.parametrize(
    ("start", "target", "error"),
    [
        ("inbox", Location(SystemFolder.drafts), "Không thể chuyển thư vào hoặc ra khỏi Thư nháp."),
        ("drafts", Location(SystemFolder.inbox), "Không thể chuyển thư vào hoặc ra khỏi Thư nháp."),
        ("inbox", Location(USER, 9999), "Thư mục này không tồn tại."),
        ("inbox", Location(USER, None), "Thư mục này không tồn tại."),
    ],
    ids=["into drafts", "out of drafts", "unknown folder", "no folder id"],
)
def test_moves_into_or_out_of_drafts_or_to_a_missing_folder_are_refused(
    mail: Mailroom, start: str, target: Location, error: str
) -> None:
    if start == "drafts":
        message = mail.write(lambda conn: mailbox.save_draft(conn, mail.me, outgoing_message(), mail.acting()))
    else:
        message = mail.receive()
    before = mail.head()
    with pytest.raises(mailbox.MailError) as refused:
        mail.write(lambda conn: mailbox.move(conn, mail.me, message, target, mail.acting()))
    assert str(refused.value) == error
    assert mail.events_since(before) == []
    assert mail.row(message.id).folder == start


def test_a_folder_of_another_candidate_is_not_a_move_target(mail: Mailroom) -> None:
    theirs = mail.write(lambda conn: mailbox.create_folder(conn, mail.other, "Của người khác", mail.acting()))
    message = mail.receive()
    with pytest.raises(mailbox.MailError, match=re.escape("Thư mục này không tồn tại.")):
        mail.write(lambda conn: mailbox.move(conn, mail.me, message, Location(USER, theirs.id), mail.acting()))


def test_delete_moves_to_the_trash_and_a_second_delete_purges(mail: Mailroom) -> None:
    message = mail.receive()
    before = mail.head()
    message = mail.write(lambda conn: mailbox.delete(conn, mail.me, message, mail.acting()))
    record = only_event(mail, before, "mail.message_deleted", message.id)
    assert record.data["from_folder"] == "Hộp thư đến"
    assert record.data["permanent"] is False
    assert record.data["after"]["folder"] == "trash"
    assert record.data["after"]["purged"] is False
    assert mail.row(message.id).trashed_from == "inbox"

    before = mail.head()
    mail.write(lambda conn: mailbox.delete(conn, mail.me, message, mail.acting()))
    record = only_event(mail, before, "mail.message_deleted", message.id)
    assert record.data["from_folder"] == "Thùng rác"
    assert record.data["permanent"] is True
    assert record.data["after"]["purged"] is True
    with mail.db.read() as conn:
        assert store.get_message(conn, mail.me.id, message.id) is None
    assert mail.in_folder(Location(SystemFolder.trash)) == []


@pytest.mark.parametrize("origin", ["sent", "junk", "user"])
def test_restore_puts_a_message_back_where_it_was_deleted_from(mail: Mailroom, origin: str) -> None:
    if origin == "sent":
        message = mail.send()
        home = Location(SystemFolder.sent)
    else:
        message = mail.receive()
        if origin == "junk":
            home = Location(SystemFolder.junk)
        else:
            folder = mail.write(lambda conn: mailbox.create_folder(conn, mail.me, "Lưu trữ", mail.acting()))
            home = Location(USER, folder.id)
        message = mail.write(lambda conn: mailbox.move(conn, mail.me, message, home, mail.acting()))
    message = mail.write(lambda conn: mailbox.delete(conn, mail.me, message, mail.acting()))

    before = mail.head()
    message = mail.write(lambda conn: mailbox.restore(conn, mail.me, message, mail.acting()))
    record = only_event(mail, before, "mail.message_moved", message.id)
    assert record.data["from_folder"] == "Thùng rác"
    assert message.location == home
    assert mail.row(message.id).trashed_from is None


def test_restore_falls_back_to_the_inbox_when_the_folder_is_gone(mail: Mailroom) -> None:
    folder = mail.write(lambda conn: mailbox.create_folder(conn, mail.me, "Tạm", mail.acting()))
    message = mail.receive()
    message = mail.write(lambda conn: mailbox.move(conn, mail.me, message, Location(USER, folder.id), mail.acting()))
    mail.write(lambda conn: mailbox.delete_folder(conn, mail.me, folder, mail.acting()))
    message = mail.row(message.id)
    assert message.folder == "trash"

    before = mail.head()
    message = mail.write(lambda conn: mailbox.restore(conn, mail.me, message, mail.acting()))
    record = only_event(mail, before, "mail.message_moved", message.id)
    assert record.data["to_folder"] == "Hộp thư đến"
    assert message.location == Location(SystemFolder.inbox)


def test_restore_outside_the_trash_is_refused(mail: Mailroom) -> None:
    message = mail.receive()
    before = mail.head()
    with pytest.raises(mailbox.MailError, match=re.escape("Chỉ khôi phục được thư trong Thùng rác.")):
        mail.write(lambda conn: mailbox.restore(conn, mail.me, message, mail.acting()))
    assert mail.events_since(before) == []


def test_emptying_the_trash_purges_each_trashed_message_with_its_own_event(mail: Mailroom) -> None:
    kept = mail.receive(subject="Giữ lại")
    trashed = [mail.receive(subject=f"Xóa {i}") for i in range(3)]
    for message in trashed:
        with mail.db.write() as conn:
            mailbox.delete(conn, mail.me, message, mail.acting())
    theirs = mail.receive(candidate=mail.other)
    mail.write(lambda conn: mailbox.delete(conn, mail.other, theirs, mail.acting()))

    before = mail.head()
    count = mail.write(lambda conn: mailbox.empty_trash(conn, mail.me, mail.acting()))
    assert count == 3
    records = mail.events_since(before)
    assert [r.verb for r in records] == ["mail.message_deleted"] * 3
    for record, message in zip(records, trashed, strict=True):
        check_event(mail, record, "mail.message_deleted", message.id)
        assert record.data["permanent"] is True
    assert mail.in_folder(Location(SystemFolder.trash)) == []
    assert [m.id for m in mail.in_folder(Location(SystemFolder.inbox))] == [kept.id]
    assert [m.id for m in mail.in_folder(Location(SystemFolder.trash), mail.other)] == [theirs.id]


def test_marking_junk_and_not_junk_moves_between_junk_and_the_inbox(mail: Mailroom) -> None:
    message = mail.receive()
    for junk, folder in [(True, "junk"), (False, "inbox")]:
        before = mail.head()
        with mail.db.write() as conn:
            message = mailbox.mark_junk(conn, mail.me, message, junk, mail.acting())
        record = only_event(mail, before, "mail.marked_junk", message.id)
        assert record.data["junk"] is junk
        assert record.data["after"]["folder"] == folder


def test_reporting_phishing_moves_to_junk_marks_it_reported_and_names_the_security_unit(mail: Mailroom) -> None:
    message = mail.receive(sender="it-support@egov-test.com", subject="Tài khoản của bạn sắp bị khóa")
    before = mail.head()
    message = mail.write(
        lambda conn: mailbox.report_phishing(conn, mail.me, message, "Thư giả mạo bộ phận CNTT", mail.acting())
    )
    record = only_event(mail, before, "mail.phishing_reported", message.id)
    assert record.data["reported_to"] == "antt@cantho.egov.test"
    assert record.data["note"] == "Thư giả mạo bộ phận CNTT"
    assert record.data["after"]["folder"] == "junk"
    assert record.data["after"]["reported"] is True


# --- Folders


def folder_events(mail: Mailroom, since: int) -> list[EventRecord]:
    return [r for r in mail.events_since(since) if r.verb == "mail.folder_changed"]


def test_folders_are_created_renamed_and_deleted_with_one_event_each(mail: Mailroom) -> None:
    before = mail.head()
    folder = mail.write(lambda conn: mailbox.create_folder(conn, mail.me, "  Công văn  ", mail.acting()))
    assert folder.name == "Công văn"
    renamed = mail.write(lambda conn: mailbox.rename_folder(conn, mail.me, folder, "Công văn đến", mail.acting()))
    mail.write(lambda conn: mailbox.delete_folder(conn, mail.me, renamed, mail.acting()))

    records = mail.events_since(before)
    assert [(r.verb, r.actor, r.object_kind, r.object_id) for r in records] == [
        ("mail.folder_changed", "candidate", "folder", str(folder.id))
    ] * 3
    assert [(r.data["action"], r.data["after"]) for r in records] == [
        ("created", {"id": str(folder.id), "name": "Công văn", "deleted": False}),
        ("renamed", {"id": str(folder.id), "name": "Công văn đến", "deleted": False}),
        ("deleted", {"id": str(folder.id), "name": "Công văn đến", "deleted": True}),
    ]
    with mail.db.read() as conn:
        assert store.user_folders(conn, mail.me.id) == []


def test_a_duplicate_folder_name_is_refused_in_vietnamese(mail: Mailroom) -> None:
    mail.write(lambda conn: mailbox.create_folder(conn, mail.me, "Công văn", mail.acting()))
    other = mail.write(lambda conn: mailbox.create_folder(conn, mail.me, "Báo cáo", mail.acting()))
    before = mail.head()
    for name in ["Công văn", "CÔNG VĂN", unicodedata.normalize("NFD", "công văn")]:
        with pytest.raises(mailbox.MailError) as refused, mail.db.write() as conn:
            mailbox.create_folder(conn, mail.me, name, mail.acting())
        assert str(refused.value).startswith("Đã có thư mục “")
    with pytest.raises(mailbox.MailError, match=re.escape("Đã có thư mục “Công văn”.")):
        mail.write(lambda conn: mailbox.rename_folder(conn, mail.me, other, "Công văn", mail.acting()))
    assert mail.events_since(before) == []

    # Renaming a folder to its own name is no clash, and another candidate may use any name.
    mail.write(lambda conn: mailbox.rename_folder(conn, mail.me, other, "Báo cáo", mail.acting()))
    mail.write(lambda conn: mailbox.create_folder(conn, mail.other, "Công văn", mail.acting()))
    assert len(folder_events(mail, before)) == 2


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("Hộp thư đến", "Tên này trùng với một thư mục hệ thống."),
        ("thùng rác", "Tên này trùng với một thư mục hệ thống."),
        ("   ", "Vui lòng nhập tên thư mục."),
        ("a/b", "Tên thư mục không được chứa ký tự “/” hay ký tự điều khiển."),
        ("x" * 61, "Tên thư mục dài tối đa 60 ký tự."),
    ],
)
def test_an_unusable_folder_name_is_refused_in_vietnamese(mail: Mailroom, name: str, error: str) -> None:
    before = mail.head()
    with pytest.raises(mailbox.MailError) as refused:
        mail.write(lambda conn: mailbox.create_folder(conn, mail.me, name, mail.acting()))
    assert str(refused.value) == error
    assert mail.events_since(before) == []


def test_deleting_a_folder_first_moves_each_of_its_messages_to_the_trash(mail: Mailroom) -> None:
    folder = mail.write(lambda conn: mailbox.create_folder(conn, mail.me, "Dự án", mail.acting()))
    inside = [mail.receive(subject=f"Dự án {i}") for i in range(2)]
    for message in inside:
        with mail.db.write() as conn:
            mailbox.move(conn, mail.me, message, Location(USER, folder.id), mail.acting())

    before = mail.head()
    mail.write(lambda conn: mailbox.delete_folder(conn, mail.me, folder, mail.acting()))
    records = mail.events_since(before)
    assert [r.verb for r in records] == ["mail.message_deleted", "mail.message_deleted", "mail.folder_changed"]
    for record, message in zip(records, inside, strict=False):
        check_event(mail, record, "mail.message_deleted", message.id)
        assert record.data["from_folder"] == "Dự án"
        assert record.data["permanent"] is False
    assert records[2].data["action"] == "deleted"
    assert [m.id for m in mail.in_folder(Location(SystemFolder.trash))] == [m.id for m in inside]


# --- Out of office


def out_of_office(mail: Mailroom, *, start: str = "2026-11-24", end: str = "2026-11-24", subject: str = "") -> None:
    value = domain.OutOfOffice(True, start, end, subject, "Tôi đang đi công tác, sẽ trả lời sau.")
    mail.write(lambda conn: mailbox.save_out_of_office(conn, mail.me, value, mail.acting()))


def test_saving_out_of_office_is_logged_with_every_setting(mail: Mailroom) -> None:
    before = mail.head()
    out_of_office(mail, subject="Vắng mặt")
    (record,) = mail.events_since(before)
    assert record.verb == "mail.settings_changed"
    assert (record.object_kind, record.object_id) == ("mail_settings", str(mail.me.id))
    assert record.data == {
        "section": "out_of_office",
        "after": {
            "signature": "",
            "ooo_enabled": True,
            "ooo_start": "2026-11-24",
            "ooo_end": "2026-11-24",
            "ooo_subject": "Vắng mặt",
            "ooo_message": "Tôi đang đi công tác, sẽ trả lời sau.",
        },
    }


def test_out_of_office_settings_without_a_message_are_refused(mail: Mailroom) -> None:
    value = domain.OutOfOffice(True, "2026-11-24", "2026-11-23", "", "   ")
    with pytest.raises(mailbox.MailError, match=re.escape("Vui lòng nhập nội dung thư trả lời tự động.")):
        mail.write(lambda conn: mailbox.save_out_of_office(conn, mail.me, value, mail.acting()))


def test_out_of_office_answers_each_sender_once(mail: Mailroom) -> None:
    out_of_office(mail)
    before = mail.head()
    first = mail.receive(message_id="<mot@cantho.egov.test>")
    records = mail.events_since(before)
    assert [r.verb for r in records] == ["mail.message_received", "mail.autoreply_sent"]
    reply = records[1]
    assert (reply.actor, reply.object_kind, reply.object_id) == ("system", "message", str(first.id))
    assert reply.data["to"] == SENDER
    assert reply.data["subject"] == f"Trả lời tự động: {first.subject}"
    assert reply.data["text"] == "Tôi đang đi công tác, sẽ trả lời sau."
    assert reply.data["in_reply_to"] == "<mot@cantho.egov.test>"
    assert reply.data["message_id"].endswith("@ninhkieu.egov.test>")
    assert mail.in_folder(Location(SystemFolder.sent)) == []  # like Zimbra, the reply is not kept

    before = mail.head()
    mail.receive(sender=SENDER.upper())
    assert [r.verb for r in mail.events_since(before)] == ["mail.message_received"]

    before = mail.head()
    mail.receive(sender="vanthu@cantho.egov.test")
    assert [r.verb for r in mail.events_since(before)] == ["mail.message_received", "mail.autoreply_sent"]


@pytest.mark.parametrize(
    ("sender", "headers"),
    [
        ("an.nv@ninhkieu.egov.test", None),
        ("mailer-daemon@cantho.egov.test", None),
        (SENDER, {"Auto-Submitted": "auto-replied"}),
        (SENDER, {"Precedence": "bulk"}),
    ],
    ids=["oneself", "mailer-daemon", "auto-submitted", "bulk"],
)
def test_out_of_office_never_answers_oneself_or_automatic_mail(
    mail: Mailroom, sender: str, headers: dict[str, str] | None
) -> None:
    out_of_office(mail)
    before = mail.head()
    mail.receive(sender=sender, extra_headers=headers)
    assert [r.verb for r in mail.events_since(before)] == ["mail.message_received"]


def test_out_of_office_does_not_answer_a_bounce(mail: Mailroom) -> None:
    out_of_office(mail)
    before = mail.head()
    mail.send(to=[OUTSIDER])
    assert [r.verb for r in mail.events_since(before)] == ["mail.message_sent", "mail.message_received"]


@pytest.mark.parametrize(
    ("start", "end", "answered"),
    [
        ("2026-11-25", "2026-11-30", False),  # not yet
        ("2026-11-01", "2026-11-23", False),  # over
        ("2026-11-24", "", True),  # from today, open-ended
        ("", "2026-11-24", True),  # until today
    ],
)
def test_out_of_office_answers_only_between_its_dates(mail: Mailroom, start: str, end: str, answered: bool) -> None:
    # NOW is 08:10 on 24/11/2026 in the room's time zone (01:10 UTC).
    out_of_office(mail, start=start, end=end)
    before = mail.head()
    mail.receive()
    verbs = [r.verb for r in mail.events_since(before)]
    assert ("mail.autoreply_sent" in verbs) is answered


def test_saving_the_signature_keeps_the_out_of_office_memory(mail: Mailroom) -> None:
    out_of_office(mail)
    mail.receive()
    before = mail.head()
    mail.write(
        lambda conn: mailbox.save_signature(conn, mail.me, "Nguyễn Văn An\nUBND phường Ninh Kiều", mail.acting())
    )
    (record,) = mail.events_since(before)
    assert (record.verb, record.data["section"]) == ("mail.settings_changed", "signature")
    assert record.data["after"]["ooo_enabled"] is True

    before = mail.head()
    mail.receive()
    assert [r.verb for r in mail.events_since(before)] == ["mail.message_received"]


def test_a_new_out_of_office_period_answers_every_sender_once_more(mail: Mailroom) -> None:
    out_of_office(mail)
    mail.receive()
    out_of_office(mail, subject="Nghỉ phép")
    before = mail.head()
    mail.receive()
    records = mail.events_since(before)
    assert [r.verb for r in records] == ["mail.message_received", "mail.autoreply_sent"]
    assert records[1].data["subject"] == "Nghỉ phép"
