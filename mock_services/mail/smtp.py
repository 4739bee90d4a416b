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
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate, get_candidate, login_candidates
from mock_services.core.blobs import BlobStore, BlobTooLarge
from mock_services.core.clock import Clock
from mock_services.core.db import BUSY_ERRORS, Database
from mock_services.core.events import Actor, EventContext
from mock_services.core.exams import ExamPhase, get_exam
from mock_services.core.group_commit import LoopGroupCommitter
from mock_services.core.passwords import verify_password
from mock_services.core.ratelimit import LoginThrottle, address_key
from mock_services.core.settings import RoomSettings
from mock_services.mail import domain, mailbox, store
from mock_services.mail.tls import SMTP_HOSTNAME, tls_context

log = logging.getLogger("sathach.smtp")

RCPT_MEMORY_SECONDS = 5.0

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

    def __init__(
        self, db: Database, blobs: BlobStore, clock: Clock, policy: SmtpPolicy, throttle: LoginThrottle
    ) -> None:
        self.db = db
        self.throttle = throttle
        self.blobs = blobs
        self.clock = clock
        self.policy = policy
        # Deliveries from many senders share transactions (and their fsync): see core.group_commit.
        self.writer: LoopGroupCommitter[str] = LoopGroupCommitter(db)
        # RCPT answers from a few seconds' memory; delivery looks the mailbox up again, in its
        # transaction, so a mailbox gone meanwhile receives nothing.
        self._known: dict[str, tuple[float, bool]] = {}

    # --- AUTH: candidates' own accounts (address or số báo danh, and their password)

    def check_credentials(self, auth_data: Any, peer: Any) -> AuthResult:
        """AUTH PLAIN or LOGIN, decoded by aiosmtpd: the candidate's id, or a refusal (535)."""
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode("utf-8", errors="replace").strip()
        password = auth_data.password.decode("utf-8", errors="replace")
        candidate = self._check_login(login, password, _peer_host(peer))
        if candidate is None:
            log.info("SMTP AUTH refused for %r from %s", login, peer)
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=candidate.id)

    def _check_login(self, login: str, password: str, client: str) -> Candidate | None:
        """The portal's rules: failures counted before the check, in the same counts as the
        portal's (a password guessed over SMTP locks the account on the web too)."""
        now = self.clock()
        with self.db.write() as conn:
            if "@" in login:  # the mailbox address, as a mail client's account name
                owners = {c.id: c.so_bao_danh for c in store.mailboxes_for(conn, login)}
                numbers = set(owners.values())
                found = [(c, h) for n in numbers for c, h in login_candidates(conn, n, now) if c.id in owners]
            else:
                found = login_candidates(conn, login, now)
            account = "candidate:" + (",".join(str(c.id) for c, _ in found) if found else login.lower()[:100])
            admitted = self.throttle.admit(conn, account=account, address=address_key(client), now=now)
        if isinstance(admitted, datetime):
            return None
        matched = next((c for c, password_hash in found if verify_password(password_hash, password)), None)
        if not found:
            verify_password(None, password)  # the same cost whether or not the account exists, as the portal
        if matched is not None:
            with self.db.write() as conn:
                self.throttle.succeeded(conn, admitted)
        return matched

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
        elif not await self._is_mailbox(address):
            return "550 5.1.1 No such mailbox in this exam room; relaying is not allowed"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        try:
            # Parsed here, on the loop: a thread hop costs more than the parse of a usual message.
            arrival = mailbox.Arrival.of(envelope.original_content or b"")
            if session.authenticated:
                job = partial(self._submit, _account_id(session), list(envelope.rcpt_tos), arrival, session.peer)
            else:
                job = partial(self._deliver, list(envelope.rcpt_tos), envelope.mail_from or "", arrival, session.peer)
            return await self.writer.submit(job)
        except BUSY_ERRORS:
            return "451 4.3.0 The mail system is busy; please try again"
        except _Refused as refused:
            return refused.reply
        except BlobTooLarge:
            return "552 5.3.4 Message too big for this mail system"
        except Exception:  # never a crash, never a lost connection: the client may retry
            log.exception("SMTP delivery failed")
            return "451 4.3.0 Local error in processing"

    # --- Work done in a thread, one transaction each

    def _account(self, session: Session) -> Candidate | None:
        with self.db.read() as conn:
            return get_candidate(conn, _account_id(session))

    async def _is_mailbox(self, address: str) -> bool:
        key = address.lower()
        now = time.monotonic()
        cached = self._known.get(key)
        if cached is not None and now - cached[0] < RCPT_MEMORY_SECONDS:
            return cached[1]
        found = bool(await asyncio.to_thread(self._mailboxes, key))
        if len(self._known) > 10_000:
            self._known.clear()
        self._known[key] = (now, found)
        return found

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

    def _deliver(
        self, recipients: list[str], sender: str, arrival: mailbox.Arrival, peer: Any, conn: Connection
    ) -> str:
        acting = self._acting(Actor.system, _peer_host(peer))
        delivered: set[int] = set()
        for address in recipients:
            for candidate in store.mailboxes_for(conn, address):
                if candidate.id not in delivered:
                    delivered.add(candidate.id)
                    mailbox.deliver(conn, candidate, arrival, acting, channel="smtp", envelope_from=sender)
        if not delivered:
            return "554 5.5.1 No valid recipients"
        return f"250 2.0.0 OK: delivered to {len(delivered)} mailbox(es)"

    def _submit(
        self, account: int, recipients: list[str], arrival: mailbox.Arrival, peer: Any, conn: Connection
    ) -> str:
        acting = self._acting(Actor.candidate, _peer_host(peer))
        candidate = get_candidate(conn, account)
        if candidate is None:
            return "535 5.7.8 Account no longer exists"
        if get_exam(conn, candidate.exam_id).phase(acting.now) is not ExamPhase.in_progress:
            return "550 5.7.1 The exam is not in progress: mail is not accepted from this account now"
        try:
            mailbox.submit(conn, candidate, arrival, recipients, acting)
        except mailbox.MailError as exc:
            raise _Refused(f"550 5.7.1 {exc}") from None
        return "250 2.0.0 OK: sent"


class _Refused(Exception):
    """A job refused with an SMTP reply; raised so that its savepoint is rolled back."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


def _account_id(session: Session) -> int:
    value: Any = session.auth_data  # what ``authenticate`` returned: the candidate's id
    assert isinstance(value, int), "only an authenticated session has an account"
    return value


def _peer_host(peer: Any) -> str:
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return str(peer or "unknown")


_DEFERRED = "deferred"


class RoomSMTP(SMTP):
    line_length_limit = LINE_LENGTH_LIMIT

    # AUTH: aiosmtpd decodes PLAIN and LOGIN, then checks the password synchronously, on the
    # event loop. argon2 takes tens of milliseconds on purpose, so the check runs in a thread
    # instead: no other sender waits for someone's login.
    async def auth_PLAIN(self, _: Any, args: list[str]) -> AuthResult:
        return await self._check_in_thread(await super().auth_PLAIN(_, args))

    async def auth_LOGIN(self, _: Any, args: list[str]) -> AuthResult:
        return await self._check_in_thread(await super().auth_LOGIN(_, args))

    def _authenticate(self, mechanism: str, auth_data: Any) -> AuthResult:
        return AuthResult(success=False, handled=False, message=_DEFERRED, auth_data=auth_data)

    async def _check_in_thread(self, decoded: AuthResult) -> AuthResult:
        if decoded.message != _DEFERRED:  # the client's answer could not be decoded: already said
            return decoded
        handler: RoomMailHandler = self.event_handler
        peer = self.session.peer if self.session is not None else None
        return await asyncio.to_thread(handler.check_credentials, decoded.auth_data, peer)


def smtp_factory(settings: RoomSettings, db: Database, clock: Clock) -> Callable[[], SMTP]:
    """A protocol factory for ``loop.create_server`` (one SMTP instance per connection)."""
    policy = SmtpPolicy(
        max_message_bytes=settings.smtp_max_message_bytes,
        max_recipients=settings.smtp_max_recipients,
        domains=domain.room_domains(settings.mail_domains),
        tz=ZoneInfo(settings.timezone),
    )
    throttle = LoginThrottle.of_room(settings)
    blobs = BlobStore(max(settings.blob_max_bytes, settings.smtp_max_message_bytes))
    handler = RoomMailHandler(db, blobs, clock, policy, throttle)
    context = tls_context(settings.data_dir)
    return lambda: RoomSMTP(
        handler,
        hostname=SMTP_HOSTNAME,
        ident="Sat hach exam-room mail (no relay)",
        data_size_limit=settings.smtp_max_message_bytes,
        tls_context=context,
        require_starttls=False,
        auth_require_tls=True,
        auth_exclude_mechanism=["CRAM-MD5"],
    )
