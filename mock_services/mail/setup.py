"""Setup operations of the mail service, for task specs: deliver a message, add people to the
agency directory, create folders. They run in one candidate's tenant, as ``system``."""

from __future__ import annotations

import mimetypes
from datetime import datetime
from email.utils import parseaddr
from typing import Literal

from pydantic import Field, field_validator

from mock_services.core.events import Actor, EventContext
from mock_services.core.setup_ops import SetupArgs, SetupContext, SetupError, setup_operation
from mock_services.mail import mailbox, store
from mock_services.mail.domain import is_address
from mock_services.mail.events import ContactAdded
from mock_services.mail.folders import SystemFolder
from mock_services.mail.mime import Attachment, build_message, new_message_id, safe_filename

_RESERVED_HEADERS = {"from", "to", "cc", "bcc", "subject", "date", "message-id", "content-type", "mime-version"}


class AttachmentFile(SetupArgs):
    file: str = Field(description="Path of the file, relative to the task's folder.")
    name: str | None = Field(None, description="Name the candidate sees; the file's own name by default.")
    content_type: str | None = Field(None, description="MIME type; guessed from the name by default.")


class DeliverArgs(SetupArgs):
    sender: str = Field(alias="from", description="Sender, `Tên hiển thị <dia.chi@...>` or a bare address.")
    to: list[str] | None = Field(None, description="Recipients shown in To; the candidate's address by default.")
    cc: list[str] = Field(default_factory=list, description="Recipients shown in Cc.")
    subject: str = Field(description="Subject (Chủ đề).")
    text: str = Field("", description="Plain-text body.")
    html: str | None = Field(None, description="HTML body (sanitised when shown; links tracked).")
    attachments: list[str | AttachmentFile] = Field(default_factory=list, description="Files from the task's folder.")
    date: datetime | None = Field(None, description="Date of the message (in the room's time zone if no offset).")
    headers: dict[str, str] = Field(default_factory=dict, description="More headers, such as Reply-To.")
    message_id: str | None = Field(None, description="Message-ID to give it, so other steps can refer to it.")
    folder: Literal["inbox", "junk"] = Field("inbox", description="Where it lands: inbox or junk.")
    seen: bool = Field(False, description="Whether it is already read.")

    @field_validator("sender")
    @classmethod
    def _sender_has_address(cls, value: str) -> str:
        if not is_address(parseaddr(value)[1]):
            raise ValueError(f"{value!r} has no valid e-mail address")
        return value

    @field_validator("headers")
    @classmethod
    def _no_reserved_headers(cls, value: dict[str, str]) -> dict[str, str]:
        reserved = sorted(name for name in value if name.lower() in _RESERVED_HEADERS)
        if reserved:
            raise ValueError(f"set {', '.join(reserved)} with its own key, not under headers")
        return value


@setup_operation("mail.deliver", DeliverArgs)
def deliver(ctx: SetupContext, args: DeliverArgs) -> int:
    """Deliver a message to the candidate's mailbox, as if it came from outside: any sender
    (a spoofed display name for a phishing exercise), text or HTML, attachments from the task's
    folder, a date in the past. Logged as ``mail.message_received`` with channel ``setup``."""
    name, address = parseaddr(args.sender)
    date = _aware(args.date, ctx) if args.date else ctx.now
    raw = build_message(
        from_addr=address,
        from_name=name,
        to=args.to if args.to is not None else [ctx.candidate.email],
        cc=args.cc,
        subject=args.subject,
        text=args.text,
        html=args.html,
        date=date,
        message_id=args.message_id or new_message_id(address.rpartition("@")[2]),
        attachments=[_attachment(ctx, a) for a in args.attachments],
        extra_headers=args.headers,
    )
    message = mailbox.deliver(
        ctx.conn,
        ctx.candidate,
        raw,
        _acting(ctx),
        channel="setup",
        envelope_from=address,
        folder=SystemFolder(args.folder),
        received_at=min(date, ctx.now),
        seen=args.seen,
    )
    return message.id


class ContactArgs(SetupArgs):
    name: str = Field(description="Họ tên, or the name of a unit's mailbox.")
    email: str = Field(description="Address.")
    title: str = Field("", description="Chức vụ.")
    unit: str = Field("", description="Đơn vị.")

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        if not is_address(value):
            raise ValueError(f"{value!r} is not a valid e-mail address")
        return value.lower()


@setup_operation("mail.add_contact", ContactArgs)
def add_contact(ctx: SetupContext, args: ContactArgs) -> int:
    """Add a person to the agency directory (Danh sách địa chỉ chung) the candidate's compose
    form suggests addresses from."""
    contact = store.Contact(name=args.name, email=args.email, title=args.title, unit=args.unit)
    contact_id = store.add_contact(ctx.conn, ctx.candidate.id, contact, now=ctx.now)
    after = {"id": str(contact_id), "name": contact.name, "email": contact.email, "title": contact.title}
    event = ContactAdded(after={**after, "unit": contact.unit})
    mailbox.emit(ctx.conn, ctx.candidate, _acting(ctx), event, str(contact_id))
    return contact_id


class FolderArgs(SetupArgs):
    name: str = Field(description="Name of the folder.")


@setup_operation("mail.create_folder", FolderArgs)
def create_folder(ctx: SetupContext, args: FolderArgs) -> int:
    """Create a folder of the candidate's own, as if they had made it before the exam."""
    try:
        return mailbox.create_folder(ctx.conn, ctx.candidate, args.name, _acting(ctx)).id
    except mailbox.MailError as exc:
        raise SetupError(f"mail.create_folder: {exc}") from None


def _acting(ctx: SetupContext) -> mailbox.Acting:
    return mailbox.Acting(
        now=ctx.now,
        blobs=ctx.blobs,
        tz=ctx.tz,
        domains=ctx.mail_domains,
        actor=Actor.system,
        context=EventContext(task_id=ctx.task_id),
    )


def _aware(value: datetime, ctx: SetupContext) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=ctx.tz)


def _attachment(ctx: SetupContext, spec: str | AttachmentFile) -> Attachment:
    item = AttachmentFile(file=spec) if isinstance(spec, str) else spec
    name = safe_filename(item.name or item.file.rsplit("/", 1)[-1])
    content_type = item.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Attachment(name=name, content_type=content_type, data=ctx.fixture(item.file))
