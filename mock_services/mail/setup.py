"""How the mail service's setup operations run (declared in ``operations.py``): deliver a
message, add people to the agency directory, create folders, in one candidate's tenant, as
``system``. Only the sandbox loads this; graderd reads the declarations."""

from __future__ import annotations

import mimetypes
from datetime import datetime
from email.utils import parseaddr

from mock_services.core.events import Actor, EventContext
from mock_services.core.setup_ops import SetupContext, SetupError, implements
from mock_services.mail import mailbox, store
from mock_services.mail.events import ContactAdded
from mock_services.mail.folders import SystemFolder
from mock_services.mail.mime import Attachment, build_message, new_message_id, safe_filename
from mock_services.mail.operations import AttachmentFile, ContactArgs, DeliverArgs, FolderArgs


@implements("mail.deliver")
def deliver(ctx: SetupContext, args: DeliverArgs) -> int:
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


@implements("mail.add_contact")
def add_contact(ctx: SetupContext, args: ContactArgs) -> int:
    # Two tasks on one paper may both need the organisers in the directory: one entry, one event.
    existing = store.contact_with_address(ctx.conn, ctx.candidate.id, args.email)
    if existing is not None:
        return existing
    contact = store.Contact(name=args.name, email=args.email, title=args.title, unit=args.unit)
    contact_id = store.add_contact(ctx.conn, ctx.candidate.id, contact, now=ctx.now)
    after = {"id": str(contact_id), "name": contact.name, "email": contact.email, "title": contact.title}
    event = ContactAdded(after={**after, "unit": contact.unit})
    mailbox.emit(ctx.conn, ctx.candidate, _acting(ctx), event, str(contact_id))
    return contact_id


@implements("mail.create_folder")
def create_folder(ctx: SetupContext, args: FolderArgs) -> int:
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
