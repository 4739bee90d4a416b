"""The room's SMTP listener, for real: `python -m sandbox serve-smtp` in its own process, spoken to
with ``smtplib`` (and raw bytes where smtplib would tidy them), on the SQLite file it serves.

Every test checks what reached the database: the stored messages, and the events appended (or
that none were, for whatever the listener refused).
"""

from __future__ import annotations

import base64
import hashlib
import smtplib
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import func, select

from mock_services import catalog
from mock_services.core import log
from mock_services.core.accounts import Candidate
from mock_services.core.blobs import BlobStore
from mock_services.core.clock import utcnow
from mock_services.core.db import Database
from mock_services.core.events import EventRecord
from mock_services.mail import store
from mock_services.mail.store import Message
from mock_services.mail.tls import ensure_certificate, tls_context
from tests.support.live import ROOT, LiveServer, room_env, smtp_server
from tests.support.room import SeededExam, seed_exam
from tests.support.webmail import stored_rows

pytestmark = pytest.mark.live

SENDER = "noivu@cantho.egov.test"
COLLEAGUE = "vanthu@cantho.egov.test"
OUTSIDER = "ban.be@gmail.com"
HIDDEN = "giamdoc@sotttt.cantho.egov.test"


@dataclass
class SmtpRoom:
    """A running listener and the database it serves, with an exam in progress and three candidates."""

    db: Database
    server: LiveServer
    seeded: SeededExam
    data_dir: Path

    @property
    def an(self) -> Candidate:  # CT001, an.nv@ninhkieu.egov.test
        return self.seeded.candidates[0]

    @property
    def hoa(self) -> Candidate:  # CT002, hoa@caikhe.egov.test
        return self.seeded.candidates[1]

    @property
    def viet(self) -> Candidate:  # CT003, viet.lq@tanan.egov.test
        return self.seeded.candidates[2]

    def password(self, candidate: Candidate) -> str:
        return self.seeded.passwords[candidate.so_bao_danh]

    def connect(self) -> smtplib.SMTP:
        return smtplib.SMTP("127.0.0.1", self.server.port, local_hostname="client.egov.test", timeout=15)

    def submission(self, candidate: Candidate, *, login: str | None = None, mechanism: str = "PLAIN") -> smtplib.SMTP:
        """A mail client of the candidate: STARTTLS, then AUTH with the address (or ``login``)."""
        client = self.connect()
        try:
            client.starttls(context=insecure_tls())
            client.ehlo("client.egov.test")
            client.user, client.password = login or candidate.email, self.password(candidate)
            code, _ = client.auth(mechanism, client.auth_plain if mechanism == "PLAIN" else client.auth_login)
        except BaseException:
            client.close()
            raise
        assert code == 235
        return client

    def head(self) -> int:
        with self.db.read() as conn:
            return log.head_seq(conn)

    def events_since(self, seq: int) -> list[EventRecord]:
        with self.db.read() as conn:
            return log.select_events(conn, seq)

    def messages(self, candidate: Candidate) -> list[Message]:
        return stored_rows(self.db, candidate.id)

    def count_messages(self) -> int:
        with self.db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(store.messages)).scalar_one())

    def live_state(self, message: Message) -> dict[str, Any]:
        with self.db.read() as conn:
            found = store.get_message(conn, message.candidate_id, message.id)
            assert found is not None
            return found.state(store.location_name(conn, found.candidate_id, found.location))

    def blob(self, sha256: str | None) -> bytes:
        assert sha256 is not None
        with self.db.read() as conn:
            return BlobStore(1 << 30).get(conn, sha256)

    def check_event(
        self, record: EventRecord, verb: str, candidate: Candidate, message: Message, *, actor: str
    ) -> dict[str, Any]:
        """The event is the candidate's, about this message, and its ``after`` is the stored row."""
        assert record.verb == verb
        assert record.actor == actor
        assert record.candidate_id == candidate.id
        assert (record.object_kind, record.object_id) == ("message", str(message.id))
        assert record.data["after"] == self.live_state(message)
        assert record.context == {"client": "127.0.0.1"}
        return record.data

    def nothing_written_since(self, seq: int) -> None:
        assert self.events_since(seq) == []
        assert self.count_messages() == 0

    def still_serves(self) -> None:
        """A fresh connection still delivers, and the listener never logged a crash."""
        before = self.head()
        with self.connect() as client:
            refused = client.sendmail(SENDER, [self.viet.email], message(to=self.viet.email, subject="Vẫn hoạt động"))
        assert refused == {}
        assert [r.verb for r in self.events_since(before)] == ["mail.message_received"]
        assert self.server.process is not None
        assert self.server.process.poll() is None
        assert "Traceback" not in self.server.output()


@pytest.fixture
def start_room(tmp_path: Path) -> Iterator[Callable[..., SmtpRoom]]:
    """Start a listener (extra settings as keyword arguments) on a database seeded in-process:
    the exam starts ``starts_in`` from now (5 minutes ago by default) and lasts two hours."""
    started: list[SmtpRoom] = []

    def start(*, starts_in: timedelta = timedelta(minutes=-5), **settings: str) -> SmtpRoom:
        data_dir = tmp_path / "var"
        data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(f"sqlite:///{data_dir / 'sathach.db'}")
        catalog.prepare_schema(db)
        now = utcnow()
        seeded = seed_exam(db, now=now, starts_at=now + starts_in, duration=120)
        server = smtp_server(tmp_path / "run", room_env(data_dir, **settings))
        room = SmtpRoom(db, server, seeded, data_dir)
        started.append(room)
        server.start()
        return room

    yield start
    for room in started:
        room.server.stop()
        room.db.dispose()


@pytest.fixture
def room(start_room: Callable[..., SmtpRoom]) -> SmtpRoom:
    return start_room()


def insecure_tls() -> ssl.SSLContext:
    """The listener's certificate is self-signed, made for the room: a client accepts it as it is."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def message(
    *,
    sender: str = SENDER,
    to: str = "an.nv@ninhkieu.egov.test",
    cc: str = "",
    subject: str = "Công văn số 123/UBND-VP về việc báo cáo chuyển đổi số",
    text: str = "Kính gửi các đồng chí,\nĐề nghị báo cáo trước ngày 30/11.\n",
    attachment: tuple[str, bytes] | None = None,
) -> bytes:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{hashlib.sha256(subject.encode() + text.encode()).hexdigest()[:16]}@client.egov.test>"
    msg.set_content(text, charset="utf-8")
    if attachment is not None:
        name, data = attachment
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return msg.as_bytes()


def plain(login: str, password: str) -> str:
    return base64.b64encode(f"\0{login}\0{password}".encode()).decode()


# --- Delivery to the room's mailboxes


def test_mail_for_a_candidate_is_delivered_to_their_inbox_and_logged(room: SmtpRoom) -> None:
    raw = message()
    before = room.head()
    with room.connect() as client:
        assert client.sendmail(SENDER, [room.an.email], raw) == {}

    (stored,) = room.messages(room.an)
    (record,) = room.events_since(before)
    data = room.check_event(record, "mail.message_received", room.an, stored, actor="system")
    assert data["channel"] == "smtp"
    assert data["envelope_from"] == SENDER
    after = data["after"]
    assert after["folder"] == "inbox"
    assert after["from"] == SENDER
    assert after["to"] == ["an.nv@ninhkieu.egov.test"]
    assert after["subject"] == "Công văn số 123/UBND-VP về việc báo cáo chuyển đổi số"
    assert after["text"].replace("\r\n", "\n") == "Kính gửi các đồng chí,\nĐề nghị báo cáo trước ngày 30/11.\n"
    assert after["seen"] is False
    assert after["malformed"] is False
    assert after["origin"] == "smtp"
    assert stored.raw_sha256 == hashlib.sha256(raw).hexdigest()
    assert room.blob(stored.raw_sha256) == raw
    assert room.messages(room.hoa) == []


def test_an_attachment_arrives_as_a_blob_named_by_its_sha256_in_the_event(room: SmtpRoom) -> None:
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 16
    before = room.head()
    with room.connect() as client:
        client.sendmail(SENDER, [room.an.email], message(attachment=("Kế hoạch số 45-KH.pdf", pdf)))

    (stored,) = room.messages(room.an)
    (record,) = room.events_since(before)
    data = room.check_event(record, "mail.message_received", room.an, stored, actor="system")
    assert data["after"]["attachments"] == [
        {
            "name": "Kế hoạch số 45-KH.pdf",
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "size": len(pdf),
            "content_type": "application/pdf",
        }
    ]
    assert room.blob(hashlib.sha256(pdf).hexdigest()) == pdf


def test_mail_to_several_candidates_reaches_each_mailbox_once(room: SmtpRoom) -> None:
    before = room.head()
    with room.connect() as client:
        client.ehlo()
        client.mail(SENDER)
        for address in (room.an.email, room.hoa.email, room.an.email.upper()):
            assert client.rcpt(address)[0] == 250
        code, reply = client.data(message(to=f"{room.an.email}, {room.hoa.email}"))
    assert code == 250
    assert b"delivered to 2 mailbox(es)" in reply

    records = room.events_since(before)
    assert [(r.verb, r.candidate_id) for r in records] == [
        ("mail.message_received", room.an.id),
        ("mail.message_received", room.hoa.id),
    ]
    (for_an,), (for_hoa,) = room.messages(room.an), room.messages(room.hoa)
    room.check_event(records[0], "mail.message_received", room.an, for_an, actor="system")
    room.check_event(records[1], "mail.message_received", room.hoa, for_hoa, actor="system")


def test_an_unknown_recipient_is_refused_with_550_and_nothing_is_stored(room: SmtpRoom) -> None:
    before = room.head()
    with room.connect() as client:
        client.ehlo()
        assert client.mail(SENDER)[0] == 250
        code, reply = client.rcpt("khong.ton.tai@ninhkieu.egov.test")
        assert code == 550
        assert b"No such mailbox" in reply
        assert client.docmd("DATA")[0] == 503  # no recipient was accepted
    room.nothing_written_since(before)


def test_nothing_is_relayed_for_an_unauthenticated_client(room: SmtpRoom) -> None:
    before = room.head()
    with room.connect() as client:
        client.ehlo()
        assert "auth" not in client.esmtp_features  # no AUTH offered before STARTTLS
        client.mail(SENDER)
        code, reply = client.rcpt(OUTSIDER)
        assert code == 550
        assert b"relaying is not allowed" in reply
        client.rset()
        refused = client.sendmail(SENDER, [OUTSIDER, room.an.email], message())
    assert set(refused) == {OUTSIDER}
    assert refused[OUTSIDER][0] == 550
    (record,) = room.events_since(before)
    (stored,) = room.messages(room.an)
    room.check_event(record, "mail.message_received", room.an, stored, actor="system")
    assert room.count_messages() == 1


# --- Submission by a candidate's own mail client


def test_a_mail_client_sends_after_starttls_and_auth_plain_with_bcc_and_a_bounce(room: SmtpRoom) -> None:
    with room.connect() as client:
        client.ehlo("client.egov.test")
        assert client.has_extn("starttls")
        client.starttls(context=insecure_tls())
        assert isinstance(client.sock, ssl.SSLSocket)
        served = client.sock.getpeercert(binary_form=True)
        assert served == x509.load_pem_x509_certificate(ensure_certificate(room.data_dir).read_bytes()).public_bytes(
            serialization.Encoding.DER
        )  # the room's own certificate, made on first start
        client.ehlo("client.egov.test")
        mechanisms = client.esmtp_features["auth"].split()
        assert {"PLAIN", "LOGIN"} <= set(mechanisms)
        assert "CRAM-MD5" not in mechanisms
        client.user, client.password = room.an.email, room.password(room.an)
        assert client.auth("PLAIN", client.auth_plain)[0] == 235

        before = room.head()
        raw = message(sender=f"Nguyễn Văn An <{room.an.email}>", to=COLLEAGUE, cc=OUTSIDER, subject="Báo cáo tuần")
        assert client.sendmail(room.an.email, [COLLEAGUE, OUTSIDER, HIDDEN], raw) == {}

    records = room.events_since(before)
    assert [r.verb for r in records] == ["mail.message_sent", "mail.message_received"]
    sent, bounce = room.messages(room.an)
    data = room.check_event(records[0], "mail.message_sent", room.an, sent, actor="candidate")
    assert data["channel"] == "smtp"
    assert data["kind"] == "new"
    assert data["delivered"] == [COLLEAGUE, HIDDEN]
    assert data["bounced"] == [OUTSIDER]
    after = data["after"]
    assert after["folder"] == "sent"
    assert after["from"] == room.an.email
    assert (after["to"], after["cc"], after["bcc"]) == ([COLLEAGUE], [OUTSIDER], [HIDDEN])
    assert after["subject"] == "Báo cáo tuần"
    assert after["origin"] == "smtp"

    data = room.check_event(records[1], "mail.message_received", room.an, bounce, actor="system")
    assert data["channel"] == "bounce"
    assert data["after"]["folder"] == "inbox"
    assert data["after"]["from"] == "mailer-daemon@ninhkieu.egov.test"
    assert data["after"]["subject"] == "Thư không gửi được: Báo cáo tuần"
    assert OUTSIDER in data["after"]["text"]
    assert HIDDEN not in data["after"]["text"]


def test_auth_login_with_the_so_bao_danh_and_mail_to_oneself_arrives_in_the_inbox(room: SmtpRoom) -> None:
    before = room.head()
    with room.submission(room.an, login="ct001", mechanism="LOGIN") as client:
        client.sendmail(room.an.email, [room.an.email], message(sender=room.an.email, to=room.an.email))

    records = room.events_since(before)
    assert [r.verb for r in records] == ["mail.message_sent", "mail.message_received"]
    sent, copy = room.messages(room.an)
    data = room.check_event(records[0], "mail.message_sent", room.an, sent, actor="candidate")
    assert (data["delivered"], data["bounced"]) == ([room.an.email], [])
    assert data["after"]["bcc"] == []
    data = room.check_event(records[1], "mail.message_received", room.an, copy, actor="system")
    assert data["channel"] == "internal"
    assert data["after"]["folder"] == "inbox"
    assert data["after"]["message_id"] == sent.message_id


def test_auth_before_starttls_is_refused_with_538(room: SmtpRoom) -> None:
    before = room.head()
    with room.connect() as client:
        client.ehlo()
        code, reply = client.docmd("AUTH", "PLAIN " + plain(room.an.email, room.password(room.an)))
        assert code == 538
        assert b"Encryption required" in reply
        client.mail(room.an.email)
        assert client.rcpt(OUTSIDER)[0] == 550  # still a stranger
    room.nothing_written_since(before)


@pytest.mark.parametrize("whose", ["wrong", "another candidate's"])
def test_a_wrong_password_is_refused_with_535(room: SmtpRoom, whose: str) -> None:
    password = "khong-dung-mat-khau" if whose == "wrong" else room.password(room.hoa)
    before = room.head()
    with room.connect() as client:
        client.starttls(context=insecure_tls())
        client.ehlo()
        client.user, client.password = room.an.email, password
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            client.auth("PLAIN", client.auth_plain)
        assert refused.value.smtp_code == 535
        client.mail(room.an.email)
        assert client.rcpt(OUTSIDER)[0] == 550
    room.nothing_written_since(before)


def test_guessing_passwords_locks_the_account_as_the_portal_does(room: SmtpRoom) -> None:
    def try_login(password: str) -> int:
        with room.connect() as client:
            client.starttls(context=insecure_tls())
            client.ehlo()
            code, _ = client.docmd("AUTH", "PLAIN " + plain(room.an.email, password))
            return code

    assert [try_login(f"doan-sai-{n}") for n in range(5)] == [535] * 5  # SATHACH_LOGIN_MAX_FAILURES
    assert try_login(room.password(room.an)) == 535  # locked: even the right password is refused now
    assert try_login(room.password(room.hoa)) == 535
    with room.connect() as client:  # another account is not locked
        client.starttls(context=insecure_tls())
        client.ehlo()
        assert client.docmd("AUTH", "PLAIN " + plain(room.hoa.email, room.password(room.hoa)))[0] == 235


def test_after_auth_mail_from_another_address_is_refused_with_553(room: SmtpRoom) -> None:
    before = room.head()
    with room.submission(room.an) as client:
        code, reply = client.mail(room.hoa.email)
        assert code == 553
        assert b"not the authenticated account" in reply
        assert client.mail(room.an.email.upper())[0] == 250  # the same address, in any case
    room.nothing_written_since(before)


def test_after_auth_a_from_header_of_another_address_is_refused_with_550(room: SmtpRoom) -> None:
    before = room.head()
    with room.submission(room.an) as client, pytest.raises(smtplib.SMTPDataError) as refused:
        client.sendmail(room.an.email, [COLLEAGUE], message(sender=f"Trần Thị Bích Hòa <{room.hoa.email}>"))
    assert refused.value.smtp_code == 550
    assert b"is not the authenticated account" in refused.value.smtp_error
    room.nothing_written_since(before)


def test_submission_is_refused_with_550_while_the_exam_is_not_in_progress(start_room: Callable[..., SmtpRoom]) -> None:
    room = start_room(starts_in=timedelta(hours=2))  # candidates may log in, but the exam has not begun
    before = room.head()
    with room.submission(room.an) as client, pytest.raises(smtplib.SMTPDataError) as refused:
        client.sendmail(room.an.email, [COLLEAGUE], message(sender=room.an.email, to=COLLEAGUE))
    assert refused.value.smtp_code == 550
    assert b"not in progress" in refused.value.smtp_error
    room.nothing_written_since(before)


# --- Limits


def test_a_message_over_the_size_limit_is_refused_with_552(start_room: Callable[..., SmtpRoom]) -> None:
    room = start_room(SATHACH_SMTP_MAX_MESSAGE_BYTES="2048")
    big = message(text="Nội dung rất dài. " * 200)
    assert len(big) > 2048
    before = room.head()
    with room.connect() as client:
        client.ehlo()
        assert client.esmtp_features["size"] == "2048"
        assert client.mail(SENDER, [f"SIZE={len(big)}"])[0] == 552  # announced too big
        assert client.mail(SENDER)[0] == 250  # or found too big while reading
        assert client.rcpt(room.an.email)[0] == 250
        assert client.data(big)[0] == 552
        room.nothing_written_since(before)
        assert client.sendmail(SENDER, [room.an.email], message()) == {}  # the session goes on
    assert [r.verb for r in room.events_since(before)] == ["mail.message_received"]
    room.still_serves()


def test_more_recipients_than_allowed_are_refused_with_452(start_room: Callable[..., SmtpRoom]) -> None:
    room = start_room(SATHACH_SMTP_MAX_RECIPIENTS="2")
    before = room.head()
    with room.connect() as client:
        client.ehlo()
        client.mail(SENDER)
        assert client.rcpt(room.an.email)[0] == 250
        assert client.rcpt(room.hoa.email)[0] == 250
        code, reply = client.rcpt(room.viet.email)
        assert code == 452
        assert b"at most 2" in reply
        assert client.data(message())[0] == 250
    assert [(r.verb, r.candidate_id) for r in room.events_since(before)] == [
        ("mail.message_received", room.an.id),
        ("mail.message_received", room.hoa.id),
    ]
    assert room.messages(room.viet) == []


def test_a_line_over_the_smtp_limit_is_refused_with_500(room: SmtpRoom) -> None:
    longest = "x" * 998  # RFC 5321: 998 characters and CRLF
    too_long = "y" * 1100
    before = room.head()
    with room.connect() as client:
        client.ehlo()
        client.mail(SENDER)
        client.rcpt(room.an.email)
        head = b"From: " + SENDER.encode() + b"\r\nSubject: long line\r\n\r\n"
        code, reply = client.data(head + b"before\r\n" + too_long.encode() + b"\r\nafter\r\n")
        assert (code, reply) == (500, b"Line too long (see RFC5321 4.5.3.1.6)")
        room.nothing_written_since(before)

        client.mail(SENDER)
        client.rcpt(room.an.email)
        assert client.data(head + longest.encode() + b"\r\n")[0] == 250
        assert client.docmd("NOOP " + "z" * 1100)[0] == 500  # a command line is limited too
    (stored,) = room.messages(room.an)
    assert stored.text_body.strip() == longest
    assert [r.verb for r in room.events_since(before)] == ["mail.message_received"]
    room.still_serves()


# --- Hostile and broken input


@pytest.mark.parametrize("separator", [b"\n.\n", b"\r.\r", b"\n.\r\n", b"\r\n.\n"], ids=repr)
def test_an_smtp_smuggling_probe_stays_one_message_flagged_for_its_bare_line_endings(
    room: SmtpRoom, separator: bytes
) -> None:
    smuggled = (
        b"MAIL FROM:<spoof@evil.test>\r\nRCPT TO:<" + room.hoa.email.encode() + b">\r\nDATA\r\n"
        b"From: spoof@evil.test\r\nSubject: smuggled\r\n\r\nsecond message\r\n"
    )
    raw = (
        b"From: " + SENDER.encode() + b"\r\nTo: " + room.an.email.encode() + b"\r\nSubject: first\r\n\r\n"
        b"first message" + separator + smuggled
    )
    before = room.head()
    with room.connect() as client:
        client.ehlo()
        client.mail(SENDER)
        client.rcpt(room.an.email)
        assert client.docmd("DATA")[0] == 354
        client.send(raw + b".\r\n")  # the only end of data: CRLF . CRLF
        code, _ = client.getreply()
        assert code == 250
        code, reply = client.docmd("HELP")  # no reply to a smuggled command is waiting in line
        assert code == 250
        assert reply.startswith(b"Supported commands")

    assert room.messages(room.hoa) == []
    (stored,) = room.messages(room.an)
    assert stored.subject == "first"
    assert "MAIL FROM:<spoof@evil.test>" in stored.text_body
    assert "second message" in stored.text_body
    assert any("bare" in defect for defect in stored.defects)
    (record,) = room.events_since(before)
    data = room.check_event(record, "mail.message_received", room.an, stored, actor="system")
    assert "MAIL FROM:<spoof@evil.test>" in data["after"]["text"]
    room.still_serves()


BROKEN = {
    "multipart without boundary": (
        b"Subject: no boundary\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n"
        b"--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n"
    ),
    "broken base64": (
        b"Subject: bad base64\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29ybGQ!!!*\r\n"
    ),
    "undecodable encoded subject": b"Subject: =?x-khong-ro?q?abc?= =?utf-8?q?=FF=FE?=\r\n\r\nhello\r\n",
    "unparseable address header": b"Subject: bad to\r\nTo: <\r\n\r\nhello\r\n",
    "date out of range": b"Subject: far date\r\nDate: Fri, 31 Dec 9999 23:59:59 -1200\r\n\r\nhello\r\n",
}


@pytest.mark.parametrize(
    "case",
    [
        "multipart without boundary",
        "broken base64",
        "undecodable encoded subject",
        "unparseable address header",
        "date out of range",
    ],
)
def test_malformed_mime_is_accepted_stored_raw_and_flagged(room: SmtpRoom, case: str) -> None:
    raw = b"From: " + SENDER.encode() + b"\r\n" + BROKEN[case]
    before = room.head()
    with room.connect() as client:
        client.ehlo()
        client.mail(SENDER)
        client.rcpt(room.an.email)
        code, reply = client.data(raw)
    assert (code, reply) == (250, b"2.0.0 OK: delivered to 1 mailbox(es)")

    (stored,) = room.messages(room.an)
    assert stored.malformed is True
    assert stored.raw_sha256 == hashlib.sha256(raw).hexdigest()
    assert room.blob(stored.raw_sha256) == raw
    (record,) = room.events_since(before)
    data = room.check_event(record, "mail.message_received", room.an, stored, actor="system")
    assert data["after"]["malformed"] is True
    room.still_serves()


def test_a_date_at_the_calendars_edge_is_accepted_and_stored_without_a_date(room: SmtpRoom) -> None:
    raw = b"From: " + SENDER.encode() + b"\r\n" + BROKEN["date out of range"]
    before = room.head()
    with room.connect() as client:
        assert client.sendmail(SENDER, [room.an.email], raw) == {}
    (stored,) = room.messages(room.an)
    assert stored.sent_at is None
    (record,) = room.events_since(before)
    room.check_event(record, "mail.message_received", room.an, stored, actor="system")
    assert stored.date == stored.received_at  # the arrival stands in for the Date header
    room.still_serves()


# --- The STARTTLS certificate

MAKE_CERTIFICATE = """
import sys, time
from pathlib import Path
from mock_services.mail.tls import ensure_certificate
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
ensure_certificate(Path(sys.argv[1]))
"""


@pytest.mark.parametrize("attempt", range(4))
def test_workers_making_the_certificate_at_once_agree_on_one_matching_pair(tmp_path: Path, attempt: int) -> None:
    """The listener's workers start together on a fresh data directory: whichever wins, the key and
    the certificate on disk belong together (the room would not start otherwise)."""
    go = tmp_path / "go"
    workers = [
        subprocess.Popen([sys.executable, "-c", MAKE_CERTIFICATE, str(tmp_path), str(go)], cwd=ROOT) for _ in range(8)
    ]
    time.sleep(1.0)  # every worker has imported and waits at the line
    go.touch()
    assert [worker.wait(60) for worker in workers] == [0] * 8
    tls_context(tmp_path)  # loads the key and the certificate together
    assert sorted(p.name for p in (tmp_path / "smtp-tls").iterdir()) == ["smtp.pem"]  # no draft left behind


def test_the_certificate_is_made_once_private_and_names_the_rooms_mail_host(tmp_path: Path) -> None:
    path = ensure_certificate(tmp_path)
    first = path.read_bytes()
    assert ensure_certificate(tmp_path) == path
    assert path.read_bytes() == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    certificate = x509.load_pem_x509_certificate(first)
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["mail.egov.test", "localhost"]
