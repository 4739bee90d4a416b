"""Tables of the mail service and their queries. Every query is scoped to one candidate here:
a route can only ever name a message, folder or contact inside the candidate's own mailbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.sql.elements import ColumnElement

from mock_services.core.accounts import Candidate, candidates
from mock_services.core.clock import format_at
from mock_services.core.db import UTCDateTime, metadata
from mock_services.core.exams import exams
from mock_services.mail.folders import FOLDER_NAMES, USER, Location

folders = Table(
    "mail_folders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=False, index=True),
    Column("name", String(80), nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
)

messages = Table(
    "mail_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=False),
    Column("folder", String(16), nullable=False),
    Column("folder_id", ForeignKey("mail_folders.id"), nullable=True),
    Column("trashed_from", String(24), nullable=True),  # where Khôi phục puts it back
    Column("message_id", String(250), nullable=False),
    Column("in_reply_to", String(250), nullable=False, default=""),
    Column("references", JSON, nullable=False),
    Column("from_addr", String(254), nullable=False),
    Column("from_name", String(200), nullable=False),
    Column("reply_to", JSON, nullable=False),  # where Trả lời goes, when the sender asked (Reply-To)
    Column("to_addrs", JSON, nullable=False),
    Column("cc_addrs", JSON, nullable=False),
    Column("bcc_addrs", JSON, nullable=False),
    Column("subject", Text, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),  # the Date header
    Column("received_at", UTCDateTime, nullable=False),  # server time it entered this mailbox
    Column("text_body", Text, nullable=False),
    Column("html_body", Text, nullable=True),
    Column("attachments", JSON, nullable=False),  # [{name, sha256, size, content_type}]
    Column("raw_sha256", String(64), nullable=True),
    Column("size", Integer, nullable=False),
    Column("seen", Boolean, nullable=False),
    Column("flagged", Boolean, nullable=False),
    Column("reported", Boolean, nullable=False),
    Column("malformed", Boolean, nullable=False),
    Column("defects", JSON, nullable=False),
    Column("origin", String(16), nullable=False),
    Column("auto_submitted", Boolean, nullable=False),
    Column("draft_kind", String(16), nullable=True),
    Column("draft_original", Integer, nullable=True),
    Column("purged", Boolean, nullable=False),
)
Index("ix_mail_messages_box", messages.c.candidate_id, messages.c.folder, messages.c.folder_id, messages.c.purged)

contacts = Table(
    "mail_contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=False),
    Column("title", String(200), nullable=False),
    Column("unit", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

mail_settings = Table(
    "mail_settings",
    metadata,
    Column("candidate_id", ForeignKey("candidates.id"), primary_key=True),
    Column("signature", Text, nullable=False),
    Column("ooo_enabled", Boolean, nullable=False),
    Column("ooo_start", String(10), nullable=False),
    Column("ooo_end", String(10), nullable=False),
    Column("ooo_subject", String(250), nullable=False),
    Column("ooo_message", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Senders an out-of-office reply already went to (once per sender while the reply is on).
autoreplied = Table(
    "mail_autoreplied",
    metadata,
    Column("candidate_id", ForeignKey("candidates.id"), primary_key=True),
    Column("address", String(254), primary_key=True),
)

# Body text kept in each event's ``after``; beyond this a grader reads the message itself.
TEXT_IN_EVENT = 20_000


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    candidate_id: int
    folder: str
    folder_id: int | None
    trashed_from: str | None
    message_id: str
    in_reply_to: str
    references: list[str]
    from_addr: str
    from_name: str
    reply_to: list[str]
    to_addrs: list[str]
    cc_addrs: list[str]
    bcc_addrs: list[str]
    subject: str
    sent_at: datetime | None
    received_at: datetime
    text_body: str
    html_body: str | None
    attachments: list[dict[str, Any]]
    raw_sha256: str | None
    size: int
    seen: bool
    flagged: bool
    reported: bool
    malformed: bool
    defects: list[str]
    origin: str
    auto_submitted: bool
    draft_kind: str | None
    draft_original: int | None
    purged: bool

    @classmethod
    def from_row(cls, row: RowMapping) -> Message:
        return cls(**{name: row[name] for name in cls.__slots__})

    @property
    def location(self) -> Location:
        return Location(self.folder, self.folder_id)

    @property
    def date(self) -> datetime:
        return self.sent_at or self.received_at

    def attachment(self, index: int) -> dict[str, Any] | None:
        return self.attachments[index] if 0 <= index < len(self.attachments) else None

    def state(self, folder_name: str) -> dict[str, Any]:
        """The message as events carry it in ``after``."""
        text = self.text_body
        return {
            "id": str(self.id),
            "folder": self.folder,
            "folder_name": folder_name,
            "folder_id": self.folder_id,
            "message_id": self.message_id,
            "in_reply_to": self.in_reply_to,
            "references": self.references,
            "from": self.from_addr,
            "from_name": self.from_name,
            "reply_to": self.reply_to,
            "to": self.to_addrs,
            "cc": self.cc_addrs,
            "bcc": self.bcc_addrs,
            "subject": self.subject,
            "date": format_at(self.date),
            "text": text[:TEXT_IN_EVENT],
            "text_truncated": len(text) > TEXT_IN_EVENT,
            "has_html": self.html_body is not None,
            "attachments": self.attachments,
            "seen": self.seen,
            "flagged": self.flagged,
            "reported": self.reported,
            "malformed": self.malformed,
            "origin": self.origin,
            "draft": self.folder == "drafts",
            "purged": self.purged,
        }


@dataclass(frozen=True, slots=True)
class Folder:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    email: str
    title: str
    unit: str


@dataclass(frozen=True, slots=True)
class MailSettings:
    signature: str = ""
    ooo_enabled: bool = False
    ooo_start: str = ""
    ooo_end: str = ""
    ooo_subject: str = ""
    ooo_message: str = ""

    def state(self) -> dict[str, Any]:
        return {
            "signature": self.signature,
            "ooo_enabled": self.ooo_enabled,
            "ooo_start": self.ooo_start,
            "ooo_end": self.ooo_end,
            "ooo_subject": self.ooo_subject,
            "ooo_message": self.ooo_message,
        }


# --- Messages


# Built once: a statement built per call costs more than SQLite's own work (see bench/).
_INSERT_MESSAGE = messages.insert().returning(*messages.c)


def insert_message(conn: Connection, candidate_id: int, values: dict[str, Any]) -> Message:
    row = {
        "folder_id": None,
        "trashed_from": None,
        "in_reply_to": "",
        "references": [],
        "reply_to": [],
        "bcc_addrs": [],
        "html_body": None,
        "raw_sha256": None,
        "seen": False,
        "flagged": False,
        "reported": False,
        "malformed": False,
        "defects": [],
        "auto_submitted": False,
        "draft_kind": None,
        "draft_original": None,
        "purged": False,
        **values,
        "candidate_id": candidate_id,
    }
    return Message.from_row(conn.execute(_INSERT_MESSAGE, _storable(row)).mappings().one())


def _storable(row: dict[str, Any]) -> dict[str, Any]:
    """What arrives from outside fits its columns: cut to their length, and no NUL character
    (PostgreSQL refuses it in text). The raw message keeps every byte, in the blob store."""
    for name, value in row.items():
        if isinstance(value, str):
            value = value.replace("\x00", "")
            length = getattr(messages.c[name].type, "length", None)
            row[name] = value[:length] if length else value
    return row


# Ids outside the database's integer range name nothing (and must not reach a query).
MAX_ID = 2**31 - 1


def get_message(conn: Connection, candidate_id: int, message_id: int) -> Message | None:
    """The candidate's message by id; None for another candidate's or a purged one."""
    if not 0 < message_id <= MAX_ID:
        return None
    row = (
        conn.execute(
            select(messages).where(
                messages.c.id == message_id, messages.c.candidate_id == candidate_id, messages.c.purged.is_(False)
            )
        )
        .mappings()
        .one_or_none()
    )
    return None if row is None else Message.from_row(row)


def update_message(conn: Connection, message: Message, **values: Any) -> Message:
    """The message changed, as stored (purged ones too), read back in the same statement."""
    row = (
        conn.execute(
            update(messages)
            .where(messages.c.id == message.id, messages.c.candidate_id == message.candidate_id)
            .values(**values)
            .returning(*messages.c)
        )
        .mappings()
        .one()
    )
    return Message.from_row(row)


def _in_location(location: Location) -> ColumnElement[bool]:
    if location.folder == USER:
        return and_(messages.c.folder == USER, messages.c.folder_id == location.folder_id)
    return messages.c.folder == location.folder


def _in_box(candidate_id: int, location: Location) -> ColumnElement[bool]:
    return and_(messages.c.candidate_id == candidate_id, messages.c.purged.is_(False), _in_location(location))


def count_messages(conn: Connection, candidate_id: int, location: Location) -> int:
    return int(
        conn.execute(select(func.count()).select_from(messages).where(_in_box(candidate_id, location))).scalar_one()
    )


def list_messages(conn: Connection, candidate_id: int, location: Location, *, offset: int, limit: int) -> list[Message]:
    """A page of the folder, newest first."""
    rows = conn.execute(
        select(messages).where(_in_box(candidate_id, location))
        .order_by(messages.c.received_at.desc(), messages.c.id.desc()).offset(offset).limit(limit)
    ).mappings()  # fmt: skip
    return [Message.from_row(row) for row in rows]


def messages_in(conn: Connection, candidate_id: int, location: Location) -> list[Message]:
    rows = conn.execute(select(messages).where(_in_box(candidate_id, location)).order_by(messages.c.id)).mappings()
    return [Message.from_row(row) for row in rows]


def unread_counts(conn: Connection, candidate_id: int) -> dict[str, int]:
    """Unread messages per location key (``inbox`` … ``user:<id>``); drafts and sent count none."""
    rows = conn.execute(
        select(messages.c.folder, messages.c.folder_id, func.count())
        .where(messages.c.candidate_id == candidate_id, messages.c.purged.is_(False), messages.c.seen.is_(False))
        .group_by(messages.c.folder, messages.c.folder_id)
    )
    return {Location(folder, folder_id).key: int(count) for folder, folder_id, count in rows}


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    text: str = ""
    sender: str = ""
    subject: str = ""
    body: str = ""
    has_attachment: bool = False
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    location: Location | None = None

    def is_empty(self) -> bool:
        return not (self.text or self.sender or self.subject or self.body or self.has_attachment) and (
            self.since is None and self.until is None
        )


def search_messages(conn: Connection, candidate_id: int, criteria: SearchCriteria, *, limit: int) -> list[Message]:
    """Messages matching every criterion given (case-insensitive substrings), newest first.

    Trash and junk are searched only when asked for by folder, as in Zimbra."""
    query = select(messages).where(messages.c.candidate_id == candidate_id, messages.c.purged.is_(False))
    if criteria.location is not None:
        query = query.where(_in_location(criteria.location))
    else:
        query = query.where(messages.c.folder.not_in(("trash", "junk")))
    if criteria.has_attachment:
        query = query.where(messages.c.attachments != [])
    if criteria.since is not None:
        query = query.where(messages.c.received_at >= criteria.since)
    if criteria.until is not None:
        query = query.where(messages.c.received_at < criteria.until)
    rows = [
        Message.from_row(row)
        for row in conn.execute(query.order_by(messages.c.received_at.desc(), messages.c.id.desc())).mappings()
    ]
    return [m for m in rows if _matches(m, criteria)][:limit]


def _matches(message: Message, criteria: SearchCriteria) -> bool:
    # Matched in Python, not SQL: Vietnamese case folding is not the database's lower().
    sender = f"{message.from_name} {message.from_addr}".casefold()
    subject = message.subject.casefold()
    body = message.text_body.casefold()
    names = " ".join(a.get("name", "") for a in message.attachments).casefold()
    if criteria.has_attachment and not message.attachments:
        return False
    checks = [
        (criteria.sender, sender),
        (criteria.subject, subject),
        (criteria.body, body),
        (criteria.text, f"{sender} {subject} {body} {names} {' '.join(message.to_addrs)}"),
    ]
    return all(needle.casefold() in haystack for needle, haystack in checks if needle)


# --- Folders


def user_folders(conn: Connection, candidate_id: int) -> list[Folder]:
    rows = conn.execute(
        select(folders.c.id, folders.c.name)
        .where(folders.c.candidate_id == candidate_id, folders.c.deleted.is_(False))
        .order_by(folders.c.name, folders.c.id)
    )
    return [Folder(id=row.id, name=row.name) for row in rows]


def get_folder(conn: Connection, candidate_id: int, folder_id: int) -> Folder | None:
    if not 0 < folder_id <= MAX_ID:
        return None
    row = conn.execute(
        select(folders.c.id, folders.c.name).where(
            folders.c.id == folder_id, folders.c.candidate_id == candidate_id, folders.c.deleted.is_(False)
        )
    ).one_or_none()
    return None if row is None else Folder(id=row.id, name=row.name)


def add_folder(conn: Connection, candidate_id: int, name: str, *, now: datetime) -> Folder:
    new_id = conn.execute(
        insert(folders)
        .values(candidate_id=candidate_id, name=name, deleted=False, created_at=now)
        .returning(folders.c.id)
    ).scalar_one()
    return Folder(id=new_id, name=name)


def set_folder(conn: Connection, candidate_id: int, folder_id: int, **values: Any) -> None:
    conn.execute(
        update(folders).where(folders.c.id == folder_id, folders.c.candidate_id == candidate_id).values(**values)
    )


def location_name(conn: Connection, candidate_id: int, location: Location) -> str:
    if location.folder == USER and location.folder_id is not None:
        if not 0 < location.folder_id <= MAX_ID:
            return ""
        row = conn.execute(
            select(folders.c.name).where(folders.c.id == location.folder_id, folders.c.candidate_id == candidate_id)
        ).scalar_one_or_none()
        return row or ""
    return FOLDER_NAMES.get(location.folder, location.folder)


# --- Directory


def add_contact(conn: Connection, candidate_id: int, contact: Contact, *, now: datetime) -> int:
    return int(
        conn.execute(
            insert(contacts)
            .values(
                candidate_id=candidate_id,
                name=contact.name,
                email=contact.email,
                title=contact.title,
                unit=contact.unit,
                created_at=now,
            )
            .returning(contacts.c.id)
        ).scalar_one()
    )


def contact_with_address(conn: Connection, candidate_id: int, email: str) -> int | None:
    """The id of the directory entry with this address (any case), if there is one."""
    return conn.execute(
        select(contacts.c.id).where(
            contacts.c.candidate_id == candidate_id, func.lower(contacts.c.email) == email.strip().lower()
        )
    ).scalar()


def tenant_contacts(conn: Connection, candidate_id: int) -> list[Contact]:
    rows = conn.execute(
        select(contacts).where(contacts.c.candidate_id == candidate_id).order_by(contacts.c.name, contacts.c.id)
    ).mappings()
    return [Contact(name=r["name"], email=r["email"], title=r["title"], unit=r["unit"]) for r in rows]


# --- Settings


_GET_SETTINGS = select(mail_settings).where(mail_settings.c.candidate_id == bindparam("candidate_id"))


def get_settings(conn: Connection, candidate_id: int) -> MailSettings:
    row = conn.execute(_GET_SETTINGS, {"candidate_id": candidate_id}).mappings().first()
    if row is None:
        return MailSettings()
    return MailSettings(**{name: row[name] for name in MailSettings.__dataclass_fields__})


def put_settings(conn: Connection, candidate_id: int, value: MailSettings, *, now: datetime) -> None:
    values = {**value.state(), "updated_at": now}
    done = conn.execute(update(mail_settings).where(mail_settings.c.candidate_id == candidate_id).values(**values))
    if done.rowcount == 0:
        conn.execute(insert(mail_settings).values(candidate_id=candidate_id, **values))


def forget_autoreplies(conn: Connection, candidate_id: int) -> None:
    """A new out-of-office period: every sender will be answered once again."""
    conn.execute(autoreplied.delete().where(autoreplied.c.candidate_id == candidate_id))


def claim_autoreply(conn: Connection, candidate_id: int, address: str) -> bool:
    """True the first time this sender is answered while the reply is on (then never again)."""
    seen = conn.execute(
        select(autoreplied.c.address).where(
            autoreplied.c.candidate_id == candidate_id, autoreplied.c.address == address
        )
    ).first()
    if seen is not None:
        return False
    conn.execute(insert(autoreplied).values(candidate_id=candidate_id, address=address))
    return True


# --- Mailboxes by address


_MAILBOXES_FOR = (
    select(candidates)
    .join(exams, exams.c.id == candidates.c.exam_id)
    .where(func.lower(candidates.c.email) == bindparam("address"), exams.c.closed_at.is_(None))
    .order_by(candidates.c.id)
)


def mailboxes_for(conn: Connection, address: str) -> list[Candidate]:
    """The candidates, in exams not closed, whose mailbox is this address (case-insensitive)."""
    rows = conn.execute(_MAILBOXES_FOR, {"address": address.lower()}).mappings()
    return [Candidate.from_row(row) for row in rows]


def find_by_message_id(conn: Connection, candidate_id: int, message_id: str) -> Message | None:
    """The candidate's newest message with this Message-ID header (a thread's parent)."""
    row = (
        conn.execute(
            select(messages)
            .where(
                messages.c.candidate_id == candidate_id,
                messages.c.message_id == message_id,
                messages.c.purged.is_(False),
            )
            .order_by(messages.c.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    return None if row is None else Message.from_row(row)
