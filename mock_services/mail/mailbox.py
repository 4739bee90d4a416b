"""What happens to a mailbox: every operation changes the tables and appends its event in the
caller's ``db.write()`` transaction, so both exist or neither does.

The webmail, the SMTP listener and task setup all come through here; none of them touches
the tables or the log directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from mock_services.core import log
from mock_services.core.accounts import Candidate
from mock_services.core.blobs import BlobStore
from mock_services.core.errors import SathachError
from mock_services.core.events import Actor, EventContext, EventData
from mock_services.mail import domain, store
from mock_services.mail.events import (
    AutoReplySent,
    DraftSaved,
    FlagsChanged,
    FolderChanged,
    MarkedJunk,
    MessageDeleted,
    MessageMoved,
    MessageOpened,
    MessageReceived,
    MessageSent,
    PhishingReported,
    SettingsChanged,
)
from mock_services.mail.folders import USER, Location, SystemFolder, validate_folder_name
from mock_services.mail.mime import Attachment, ParsedMessage, new_message_id, normalize_line_endings, parse_message
from mock_services.mail.store import MailSettings, Message

SECURITY_UNIT = "antt@cantho.egov.test"


class MailError(SathachError):
    """An operation the mailbox refuses; the message is Vietnamese, for the candidate."""


@dataclass(frozen=True, slots=True)
class Acting:
    """Who acts, when, and with what: passed to every operation."""

    now: datetime
    blobs: BlobStore
    tz: ZoneInfo
    domains: tuple[str, ...]
    actor: Actor = Actor.candidate
    context: EventContext | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message being composed: the fields of the form, its files, and what it answers."""

    to: list[str]
    cc: list[str]
    bcc: list[str]
    subject: str
    body: str
    kind: str = "new"
    original: Message | None = None
    draft: Message | None = None
    kept: list[dict[str, Any]] = field(default_factory=list)  # attachments already stored
    uploads: list[Attachment] = field(default_factory=list)
    message_id: str = ""  # a mail client's own Message-ID, kept as it sent it
    envelope: list[str] | None = None  # SMTP submission: whom the client actually sent it to


def emit(conn: Connection, candidate: Candidate, acting: Acting, event: EventData, object_id: str) -> None:
    log.append(
        conn, candidate, actor=acting.actor, event=event, object_id=object_id, now=acting.now, context=acting.context
    )


def state(conn: Connection, message: Message) -> dict[str, Any]:
    return message.state(store.location_name(conn, message.candidate_id, message.location))


def own_domain(candidate: Candidate) -> str:
    return candidate.email.rpartition("@")[2] or "egov.test"


# --- Arrivals


@dataclass(frozen=True, slots=True)
class Arrival:
    """A message as it came, normalised and parsed: done before the write transaction, so
    the transaction holds the database only for the writing."""

    raw: bytes
    parsed: ParsedMessage
    bare_line_endings: bool

    @classmethod
    def of(cls, raw: bytes) -> Arrival:
        normalized, bare = normalize_line_endings(raw)
        return cls(normalized, parse_message(normalized), bare)


def deliver(
    conn: Connection,
    candidate: Candidate,
    raw: bytes | Arrival,
    acting: Acting,
    *,
    channel: str,
    envelope_from: str,
    folder: SystemFolder = SystemFolder.inbox,
    received_at: datetime | None = None,
    seen: bool = False,
) -> Message:
    """A message arrives in the candidate's mailbox (SMTP, setup, bounce …); logged by ``system``."""
    arrival = raw if isinstance(raw, Arrival) else Arrival.of(raw)
    parsed, bare_endings = arrival.parsed, arrival.bare_line_endings
    raw_ref = acting.blobs.put(conn, arrival.raw, now=acting.now)
    attachments = [_store_attachment(conn, acting, a) for a in parsed.attachments]
    defects = list(parsed.defects) + (["bare CR or LF line endings"] if bare_endings else [])
    message = store.insert_message(
        conn,
        candidate.id,
        {
            "folder": folder,
            "message_id": parsed.message_id or new_message_id(own_domain(candidate)),
            "in_reply_to": parsed.in_reply_to,
            "references": parsed.references,
            "from_addr": parsed.from_addr or envelope_from.lower(),
            "from_name": parsed.from_name,
            "reply_to": parsed.reply_to,
            "to_addrs": parsed.to,
            "cc_addrs": parsed.cc,
            "subject": parsed.subject,
            "sent_at": parsed.date,
            "received_at": received_at or acting.now,
            "text_body": parsed.text,
            "html_body": parsed.html,
            "attachments": attachments,
            "raw_sha256": raw_ref.sha256,
            "size": raw_ref.size,
            "seen": seen,
            "malformed": parsed.malformed,
            "defects": defects[:20],
            "origin": channel,
            "auto_submitted": parsed.auto_submitted,
        },
    )
    system = _as_system(acting)
    event = MessageReceived(channel=channel, envelope_from=envelope_from, after=state(conn, message))
    emit(conn, candidate, system, event, str(message.id))
    _maybe_autoreply(conn, candidate, message, system)
    return message


def _maybe_autoreply(conn: Connection, candidate: Candidate, message: Message, acting: Acting) -> None:
    settings = store.get_settings(conn, candidate.id)
    automatic = message.auto_submitted or message.origin == "bounce"
    if not domain.should_autoreply(
        settings, now=acting.now, tz=acting.tz, sender=message.from_addr, own=candidate.email, automatic=automatic
    ):
        return
    if not store.claim_autoreply(conn, candidate.id, message.from_addr.lower()):
        return
    subject = settings.ooo_subject.strip() or f"Trả lời tự động: {message.subject}"
    event = AutoReplySent(
        to=message.from_addr,
        subject=subject,
        text=settings.ooo_message,
        message_id=new_message_id(own_domain(candidate)),
        in_reply_to=message.message_id,
    )
    emit(conn, candidate, acting, event, str(message.id))


def _as_system(acting: Acting) -> Acting:
    return replace(acting, actor=Actor.system)


def _store_attachment(conn: Connection, acting: Acting, attachment: Attachment) -> dict[str, Any]:
    ref = acting.blobs.put(conn, attachment.data, now=acting.now)
    return {"name": attachment.name, "sha256": ref.sha256, "size": ref.size, "content_type": attachment.content_type}


# --- Sending and drafts


def send(
    conn: Connection, candidate: Candidate, outgoing: Outgoing, acting: Acting, *, channel: str = "webmail"
) -> Message:
    """Send: the copy goes to Thư đã gửi, mail to oneself arrives in the inbox, and mail to any
    address outside the room's domains comes back as a bounce (nothing ever leaves)."""
    recipients = list(dict.fromkeys(outgoing.envelope or [*outgoing.to, *outgoing.cc, *outgoing.bcc]))
    if not recipients:
        raise MailError("Vui lòng nhập ít nhất một người nhận (Tới, Cc hoặc Bcc).")
    if len(recipients) > domain.MAX_RECIPIENTS:
        raise MailError(f"Một thư chỉ được gửi tới tối đa {domain.MAX_RECIPIENTS} người nhận.")
    values = _outgoing_values(conn, candidate, outgoing, acting)
    values.update(folder=SystemFolder.sent, seen=True, origin="webmail" if channel == "webmail" else "smtp")
    message = _write_outgoing(conn, candidate, outgoing.draft, values)
    delivered = [r for r in recipients if domain.in_room(r, acting.domains)]
    bounced = [r for r in recipients if r not in delivered]
    event = MessageSent(
        kind=outgoing.kind,
        original=str(outgoing.original.id) if outgoing.original else None,
        channel=channel,
        delivered=delivered,
        bounced=bounced,
        after=state(conn, message),
    )
    emit(conn, candidate, acting, event, str(message.id))
    if candidate.email.lower() in delivered:
        _deliver_copy(conn, candidate, message, acting)
    if bounced:
        _bounce(conn, candidate, message, bounced, acting)
    return message


def save_draft(conn: Connection, candidate: Candidate, outgoing: Outgoing, acting: Acting) -> Message:
    values = _outgoing_values(conn, candidate, outgoing, acting)
    values.update(folder=SystemFolder.drafts, seen=True, origin="webmail")
    message = _write_outgoing(conn, candidate, outgoing.draft, values)
    event = DraftSaved(
        kind=outgoing.kind,
        original=str(outgoing.original.id) if outgoing.original else None,
        after=state(conn, message),
    )
    emit(conn, candidate, acting, event, str(message.id))
    return message


def _outgoing_values(conn: Connection, candidate: Candidate, outgoing: Outgoing, acting: Acting) -> dict[str, Any]:
    attachments = [*outgoing.kept, *(_store_attachment(conn, acting, a) for a in outgoing.uploads)]
    original = outgoing.original
    threaded = original is not None and outgoing.kind in ("reply", "reply_all", "forward")
    in_reply_to = original.message_id if threaded and original and outgoing.kind != "forward" else ""
    return {
        "message_id": outgoing.message_id
        or (outgoing.draft.message_id if outgoing.draft else new_message_id(own_domain(candidate))),
        "in_reply_to": in_reply_to,
        "references": domain.thread_references(original) if threaded and original else [],
        "from_addr": candidate.email.lower(),
        "from_name": candidate.ho_ten,
        "to_addrs": outgoing.to,
        "cc_addrs": outgoing.cc,
        "bcc_addrs": outgoing.bcc,
        "subject": outgoing.subject,
        "sent_at": acting.now,
        "received_at": acting.now,
        "text_body": outgoing.body,
        "attachments": attachments,
        "size": len(outgoing.body.encode()) + sum(a["size"] for a in attachments),
        "draft_kind": outgoing.kind,
        "draft_original": original.id if original else None,
    }


def _write_outgoing(conn: Connection, candidate: Candidate, draft: Message | None, values: dict[str, Any]) -> Message:
    if draft is not None:
        return store.update_message(conn, draft, **values)
    return store.insert_message(conn, candidate.id, values)


def _deliver_copy(conn: Connection, candidate: Candidate, sent: Message, acting: Acting) -> None:
    values = {
        name: getattr(sent, name)
        for name in ("message_id", "in_reply_to", "references", "from_addr", "from_name", "to_addrs", "cc_addrs")
    }
    values.update(
        subject=sent.subject,
        sent_at=sent.sent_at,
        received_at=acting.now,
        text_body=sent.text_body,
        attachments=sent.attachments,
        size=sent.size,
        folder=SystemFolder.inbox,
        origin="internal",
    )
    copy = store.insert_message(conn, candidate.id, values)
    event = MessageReceived(channel="internal", envelope_from=sent.from_addr, after=state(conn, copy))
    emit(conn, candidate, _as_system(acting), event, str(copy.id))


def _bounce(conn: Connection, candidate: Candidate, sent: Message, bounced: list[str], acting: Acting) -> None:
    system = _as_system(acting)
    values = {
        "folder": SystemFolder.inbox,
        "message_id": new_message_id(own_domain(candidate)),
        "in_reply_to": sent.message_id,
        "references": [sent.message_id],
        "from_addr": f"mailer-daemon@{own_domain(candidate)}",
        "from_name": "Hệ thống thư điện tử",
        "to_addrs": [candidate.email.lower()],
        "cc_addrs": [],
        "subject": f"Thư không gửi được: {sent.subject}",
        "sent_at": acting.now,
        "received_at": acting.now,
        "text_body": domain.bounce_text(bounced, sent.subject),
        "attachments": [],
        "size": 0,
        "origin": "bounce",
        "auto_submitted": True,
    }
    message = store.insert_message(conn, candidate.id, values)
    event = MessageReceived(channel="bounce", envelope_from="", after=state(conn, message))
    emit(conn, candidate, system, event, str(message.id))


def submit(
    conn: Connection, candidate: Candidate, raw: bytes | Arrival, recipients: list[str], acting: Acting
) -> Message:
    """A message the candidate's own mail client submitted through SMTP (after AUTH): sent as
    from the webmail; envelope recipients missing from To and Cc were Bcc."""
    parsed = (raw if isinstance(raw, Arrival) else Arrival.of(raw)).parsed
    if parsed.from_addr and parsed.from_addr != candidate.email.lower():
        raise MailError(f"From {parsed.from_addr} is not the authenticated account {candidate.email}")
    shown = {*parsed.to, *parsed.cc}
    original = store.find_by_message_id(conn, candidate.id, parsed.in_reply_to) if parsed.in_reply_to else None
    outgoing = Outgoing(
        to=parsed.to,
        cc=parsed.cc,
        bcc=[r.lower() for r in recipients if r.lower() not in shown],
        subject=parsed.subject,
        body=parsed.text,
        kind="reply" if original else "new",
        original=original,
        uploads=parsed.attachments,
        message_id=parsed.message_id,
        envelope=[r.lower() for r in recipients],
    )
    return send(conn, candidate, outgoing, acting, channel="smtp")


# --- Reading and organising


def open_message(conn: Connection, candidate: Candidate, message: Message, acting: Acting) -> Message:
    if not message.seen:
        message = store.update_message(conn, message, seen=True)
    emit(conn, candidate, acting, MessageOpened(after=state(conn, message)), str(message.id))
    return message


def set_flag(
    conn: Connection, candidate: Candidate, message: Message, flag: str, value: bool, acting: Acting
) -> Message:
    if flag not in ("seen", "flagged"):
        raise MailError("Thao tác không hợp lệ.")
    message = store.update_message(conn, message, **{flag: value})
    event = FlagsChanged(flag=flag, value=value, after=state(conn, message))
    emit(conn, candidate, acting, event, str(message.id))
    return message


def move(conn: Connection, candidate: Candidate, message: Message, target: Location, acting: Acting) -> Message:
    if target.folder == USER and (
        target.folder_id is None or store.get_folder(conn, candidate.id, target.folder_id) is None
    ):
        raise MailError("Thư mục này không tồn tại.")
    if target.folder == SystemFolder.drafts or message.folder == SystemFolder.drafts:
        raise MailError("Không thể chuyển thư vào hoặc ra khỏi Thư nháp.")
    return _relocate(conn, candidate, message, target, acting)


def delete(conn: Connection, candidate: Candidate, message: Message, acting: Acting) -> Message:
    """Xóa: into Thùng rác; from Thùng rác, gone for good."""
    before = store.location_name(conn, candidate.id, message.location)
    if message.folder == SystemFolder.trash:
        message = store.update_message(conn, message, purged=True)
        permanent = True
    else:
        message = store.update_message(
            conn, message, folder=SystemFolder.trash, folder_id=None, trashed_from=message.location.key
        )
        permanent = False
    event = MessageDeleted(from_folder=before, permanent=permanent, after=state(conn, message))
    emit(conn, candidate, acting, event, str(message.id))
    return message


def restore(conn: Connection, candidate: Candidate, message: Message, acting: Acting) -> Message:
    """Khôi phục: back where it was before Xóa (the inbox if that folder is gone)."""
    if message.folder != SystemFolder.trash:
        raise MailError("Chỉ khôi phục được thư trong Thùng rác.")
    try:
        target = Location.parse(message.trashed_from or SystemFolder.inbox)
    except ValueError:
        target = Location(SystemFolder.inbox)
    if target.folder == USER and store.get_folder(conn, candidate.id, target.folder_id or 0) is None:
        target = Location(SystemFolder.inbox)
    if target.folder == SystemFolder.trash:
        target = Location(SystemFolder.inbox)
    return _relocate(conn, candidate, message, target, acting)


def _relocate(conn: Connection, candidate: Candidate, message: Message, target: Location, acting: Acting) -> Message:
    """Put the message in ``target`` and log it as moved (Chuyển, Khôi phục)."""
    before = store.location_name(conn, candidate.id, message.location)
    message = store.update_message(conn, message, folder=target.folder, folder_id=target.folder_id, trashed_from=None)
    event = MessageMoved(
        from_folder=before, to_folder=store.location_name(conn, candidate.id, target), after=state(conn, message)
    )
    emit(conn, candidate, acting, event, str(message.id))
    return message


def empty_trash(conn: Connection, candidate: Candidate, acting: Acting) -> int:
    trashed = store.messages_in(conn, candidate.id, Location(SystemFolder.trash))
    for message in trashed:
        delete(conn, candidate, message, acting)
    return len(trashed)


def mark_junk(conn: Connection, candidate: Candidate, message: Message, junk: bool, acting: Acting) -> Message:
    target = SystemFolder.junk if junk else SystemFolder.inbox
    message = store.update_message(conn, message, folder=target, folder_id=None, trashed_from=None)
    emit(conn, candidate, acting, MarkedJunk(junk=junk, after=state(conn, message)), str(message.id))
    return message


def report_phishing(conn: Connection, candidate: Candidate, message: Message, note: str, acting: Acting) -> Message:
    message = store.update_message(
        conn, message, folder=SystemFolder.junk, folder_id=None, reported=True, trashed_from=None
    )
    event = PhishingReported(reported_to=SECURITY_UNIT, note=note, after=state(conn, message))
    emit(conn, candidate, acting, event, str(message.id))
    return message


# --- Folders


def create_folder(conn: Connection, candidate: Candidate, name: str, acting: Acting) -> store.Folder:
    name = domain.nfc(name).strip()
    problem = _folder_name_problem(conn, candidate, name)
    if problem:
        raise MailError(problem)
    folder = store.add_folder(conn, candidate.id, name, now=acting.now)
    _folder_event(conn, candidate, folder, "created", acting)
    return folder


def rename_folder(
    conn: Connection, candidate: Candidate, folder: store.Folder, name: str, acting: Acting
) -> store.Folder:
    name = domain.nfc(name).strip()
    problem = _folder_name_problem(conn, candidate, name, ignore=folder.id)
    if problem:
        raise MailError(problem)
    store.set_folder(conn, candidate.id, folder.id, name=name)
    renamed = store.Folder(folder.id, name)
    _folder_event(conn, candidate, renamed, "renamed", acting)
    # The messages inside keep their folder_id; their events' folder_name is the name they last saw.
    return renamed


def delete_folder(conn: Connection, candidate: Candidate, folder: store.Folder, acting: Acting) -> None:
    for message in store.messages_in(conn, candidate.id, Location(USER, folder.id)):
        delete(conn, candidate, message, acting)
    store.set_folder(conn, candidate.id, folder.id, deleted=True)
    _folder_event(conn, candidate, folder, "deleted", acting, deleted=True)


def _folder_name_problem(conn: Connection, candidate: Candidate, name: str, ignore: int | None = None) -> str | None:
    existing = [f.name for f in store.user_folders(conn, candidate.id) if f.id != ignore]
    return validate_folder_name(name, existing)


def _folder_event(
    conn: Connection, candidate: Candidate, folder: store.Folder, action: str, acting: Acting, *, deleted: bool = False
) -> None:
    event = FolderChanged(action=action, after={"id": str(folder.id), "name": folder.name, "deleted": deleted})
    emit(conn, candidate, acting, event, str(folder.id))


# --- Settings


def save_signature(conn: Connection, candidate: Candidate, signature: str, acting: Acting) -> MailSettings:
    current = store.get_settings(conn, candidate.id)
    updated = MailSettings(**{**current.state(), "signature": domain.nfc(signature).strip()})
    return _save_settings(conn, candidate, updated, "signature", acting)


def save_out_of_office(
    conn: Connection, candidate: Candidate, value: domain.OutOfOffice, acting: Acting
) -> MailSettings:
    problem = domain.check_out_of_office(value)
    if problem:
        raise MailError(problem)
    current = store.get_settings(conn, candidate.id)
    updated = MailSettings(
        signature=current.signature,
        ooo_enabled=value.enabled,
        ooo_start=value.start,
        ooo_end=value.end,
        ooo_subject=domain.nfc(value.subject).strip(),
        ooo_message=domain.nfc(value.message).strip(),
    )
    store.forget_autoreplies(conn, candidate.id)
    return _save_settings(conn, candidate, updated, "out_of_office", acting)


def _save_settings(
    conn: Connection, candidate: Candidate, settings: MailSettings, section: str, acting: Acting
) -> MailSettings:
    store.put_settings(conn, candidate.id, settings, now=acting.now)
    event = SettingsChanged(section=section, after=settings.state())
    emit(conn, candidate, acting, event, str(candidate.id))
    return settings
