"""The room's SMTP listener (aiosmtpd): it translates SMTP into mailbox operations, nothing more.

- Mail for a candidate's address is delivered to that mailbox; any other recipient gets 550.
- A candidate's desktop mail client may submit mail after STARTTLS and AUTH (PLAIN or LOGIN),
  as its own account only (MAIL FROM and From: must be the account's address).
- Nothing is ever relayed: there is no outbound path in this code.
- Limits: message size (552), recipients per message (452), line length (500, aiosmtpd).
  Bare CR and LF are normalised before parsing; malformed MIME is stored raw and flagged.
- Parsing, delivery and the event commit in one transaction, off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from mock_services.core.accounts import Candidate, get_candidate, login_candidates
from mock_services.core.blobs import BlobStore, BlobTooLarge
from mock_services.core.clock import Clock
from mock_services.core.db import BUSY_ERRORS, Database
from mock_services.core.events import Actor, EventContext
from mock_services.core.exams import ExamPhase, get_exam
from mock_services.core.passwords import verify_password
from mock_services.core.settings import RoomSettings
from mock_services.mail import domain, mailbox, store
from mock_services.mail.tls import SMTP_HOSTNAME, tls_context

log = logging.getLogger("sathach.smtp")

# RFC 5321 §4.5.3.1.6: 998 characters and CRLF, plus one for a transparency dot.
LINE_LENGTH_LIMIT = 1001


@dataclass(frozen=True, slots=True)
class SmtpPolicy:
    max_message_bytes: int
    max_recipients: int
    domains: tuple[str, ...]
    tz: ZoneInfo


class RoomMailHandler:
    """Policy of the listener; ``aiosmtpd.smtp.SMTP`` owns the protocol."""

    def __init__(self, db: Database, blobs: BlobStore, clock: Clock, policy: SmtpPolicy) -> None:
        self.db = db
        self.blobs = blobs
        self.clock = clock
        self.policy = policy

    # --- AUTH: candidates' own accounts (address or số báo danh, and their password)

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode("utf-8", errors="replace").strip()
        password = auth_data.password.decode("utf-8", errors="replace")
        candidate = self._check_login(login, password)
        if candidate is None:
            log.info("SMTP AUTH refused for %r from %s", login, session.peer)
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=candidate.id)

    def _check_login(self, login: str, password: str) -> Candidate | None:
        now = self.clock()
        with self.db.read() as conn:
            if "@" in login:  # the mailbox address, as a mail client's account name
                owners = {c.id: c.so_bao_danh for c in store.mailboxes_for(conn, login)}
                numbers = set(owners.values())
                found = [(c, h) for n in numbers for c, h in login_candidates(conn, n, now) if c.id in owners]
            else:
                found = login_candidates(conn, login, now)
        for candidate, password_hash in found:
            if verify_password(password_hash, password):
                return candidate
        return None

    # --- Envelope

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        if session.authenticated:
            account = await asyncio.to_thread(self._account, session)
            if account is None or address.lower() != account.email.lower():
                return "553 5.7.1 Sender address is not the authenticated account"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= self.policy.max_recipients:
            return f"452 4.5.3 Too many recipients (at most {self.policy.max_recipients})"
        if session.authenticated:
            if not domain.is_address(address):
                return "553 5.1.3 Bad recipient address syntax"
        else:
            known = await asyncio.to_thread(self._mailboxes, address)
            if not known:
                return "550 5.1.1 No such mailbox in this exam room; relaying is not allowed"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            if session.authenticated:
                return await asyncio.to_thread(self._submit, session, envelope, raw)
            return await asyncio.to_thread(self._deliver, envelope, raw, session.peer)
        except BUSY_ERRORS:
            return "451 4.3.0 The mail system is busy; please try again"
        except BlobTooLarge:
            return "552 5.3.4 Message too big for this mail system"
        except Exception:  # never a crash, never a lost connection: the client may retry
            log.exception("SMTP delivery failed")
            return "451 4.3.0 Local error in processing"

    # --- Work done in a thread, one transaction each

    def _account(self, session: Session) -> Candidate | None:
        with self.db.read() as conn:
            return get_candidate(conn, _account_id(session))

    def _mailboxes(self, address: str) -> list[Candidate]:
        with self.db.read() as conn:
            return store.mailboxes_for(conn, address)

    def _acting(self, actor: Actor, client: str) -> mailbox.Acting:
        return mailbox.Acting(
            now=self.clock(),
            blobs=self.blobs,
            tz=self.policy.tz,
            domains=self.policy.domains,
            actor=actor,
            context=EventContext(client=client),
        )

    def _deliver(self, envelope: Envelope, raw: bytes, peer: Any) -> str:
        client = _peer_host(peer)
        delivered = 0
        with self.db.write() as conn:
            seen: set[int] = set()
            for address in envelope.rcpt_tos:
                for candidate in store.mailboxes_for(conn, address):
                    if candidate.id in seen:
                        continue
                    seen.add(candidate.id)
                    mailbox.deliver(
                        conn,
                        candidate,
                        raw,
                        self._acting(Actor.system, client),
                        channel="smtp",
                        envelope_from=envelope.mail_from or "",
                    )
                    delivered += 1
        if not delivered:
            return "554 5.5.1 No valid recipients"
        return f"250 2.0.0 OK: delivered to {delivered} mailbox(es)"

    def _submit(self, session: Session, envelope: Envelope, raw: bytes) -> str:
        acting = self._acting(Actor.candidate, _peer_host(session.peer))
        try:
            with self.db.write() as conn:
                candidate = get_candidate(conn, _account_id(session))
                if candidate is None:
                    return "535 5.7.8 Account no longer exists"
                if get_exam(conn, candidate.exam_id).phase(acting.now) is not ExamPhase.in_progress:
                    return "550 5.7.1 The exam is not in progress: mail is not accepted from this account now"
                mailbox.submit(conn, candidate, raw, list(envelope.rcpt_tos), acting)
        except mailbox.MailError as exc:  # raised inside the transaction, so nothing was written
            return f"550 5.7.1 {exc}"
        return "250 2.0.0 OK: sent"


def _account_id(session: Session) -> int:
    value: Any = session.auth_data  # what ``authenticate`` returned: the candidate's id
    assert isinstance(value, int), "only an authenticated session has an account"
    return value


def _peer_host(peer: Any) -> str:
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return str(peer or "unknown")


class RoomSMTP(SMTP):
    line_length_limit = LINE_LENGTH_LIMIT


def smtp_factory(settings: RoomSettings, db: Database, clock: Clock) -> Callable[[], SMTP]:
    """A protocol factory for ``loop.create_server`` (one SMTP instance per connection)."""
    policy = SmtpPolicy(
        max_message_bytes=settings.smtp_max_message_bytes,
        max_recipients=settings.smtp_max_recipients,
        domains=domain.room_domains(settings.mail_domains),
        tz=ZoneInfo(settings.timezone),
    )
    handler = RoomMailHandler(
        db, BlobStore(max(settings.blob_max_bytes, settings.smtp_max_message_bytes)), clock, policy
    )
    context = tls_context(settings.data_dir)
    return lambda: RoomSMTP(
        handler,
        hostname=SMTP_HOSTNAME,
        ident="Sat hach exam-room mail (no relay)",
        data_size_limit=settings.smtp_max_message_bytes,
        tls_context=context,
        require_starttls=False,
        auth_require_tls=True,
        authenticator=handler.authenticate,
        auth_exclude_mechanism=["CRAM-MD5"],
    )
