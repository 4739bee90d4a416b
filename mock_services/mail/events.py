"""Events of the mail service (thư điện tử công vụ): every action in the webmail and every arrival.

A message's ``after`` is its whole state, the shape graders match against (see docs/mail.md):
``id``, ``folder`` (inbox, sent, drafts, junk, trash or user), ``folder_name`` (as the candidate
sees it), ``folder_id`` (user folders only), ``message_id``, ``in_reply_to``, ``references``,
``from``, ``from_name``, ``to``, ``cc``, ``bcc`` (lists of addresses), ``subject``, ``date``,
``text`` (the body as text), ``has_html``, ``attachments`` (name, sha256, size, content_type),
``seen``, ``flagged``, ``reported`` (reported as phishing), ``malformed``, ``origin`` (smtp,
setup, webmail, internal, bounce) and ``purged`` (gone for good after the trash was emptied).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from mock_services.core.events import EventData, StateEvent, event_type

MESSAGE_AFTER = "The message's full state after the action (see the module's documentation and docs/mail.md)."


@event_type
class MessageReceived(StateEvent):
    """A message arrived in the candidate's mailbox. Actor: system.

    ``channel`` says how: `smtp` (through the room's SMTP listener), `setup` (a task's setup
    delivered it), `internal` (the candidate mailed their own address), `bounce` (the room's mail
    system returned an undeliverable message).
    """

    verb = "mail.message_received"
    object_kind = "message"

    channel: Literal["smtp", "setup", "internal", "bounce"] = Field(
        description="How the message arrived: smtp, setup, internal or bounce."
    )
    envelope_from: str = Field(description="The SMTP envelope sender (MAIL FROM); empty for a bounce.")
    after: dict[str, Any] = Field(description=MESSAGE_AFTER)


@event_type
class MessageSent(StateEvent):
    """The candidate sent a message, from the webmail or from a mail client through SMTP submission.

    ``kind`` is `new`, `reply`, `reply_all` or `forward`; for the last three, ``original`` is the
    id of the message answered or forwarded, and ``after.in_reply_to`` / ``after.references``
    thread it. ``after`` is the copy in Thư đã gửi. ``delivered`` and ``bounced`` split the
    recipients (To, Cc and Bcc) by whether they are inside the room's mail domains.
    """

    verb = "mail.message_sent"
    object_kind = "message"

    kind: Literal["new", "reply", "reply_all", "forward"] = Field(description="new, reply, reply_all or forward.")
    original: str | None = Field(description="Id of the message replied to or forwarded, if any.")
    channel: Literal["webmail", "smtp"] = Field(description="webmail, or smtp for an authenticated mail client.")
    delivered: list[str] = Field(description="Recipients inside the room's mail domains.")
    bounced: list[str] = Field(description="Recipients outside them: the message came back to the sender.")
    after: dict[str, Any] = Field(description=MESSAGE_AFTER)


@event_type
class DraftSaved(StateEvent):
    """The candidate saved a draft (Lưu bản nháp); a saved draft keeps its id on later saves."""

    verb = "mail.draft_saved"
    object_kind = "message"

    kind: Literal["new", "reply", "reply_all", "forward"] = Field(description="new, reply, reply_all or forward.")
    original: str | None = Field(description="Id of the message replied to or forwarded, if any.")
    after: dict[str, Any] = Field(description=MESSAGE_AFTER)


@event_type
class MessageOpened(StateEvent):
    """The candidate opened a message to read it (it is marked as read)."""

    verb = "mail.message_opened"
    object_kind = "message"

    after: dict[str, Any] = Field(description=MESSAGE_AFTER)


@event_type
class FlagsChanged(StateEvent):
    """The candidate flagged or unflagged a message (Gắn cờ), or marked it read or unread."""

    verb = "mail.flags_changed"
    object_kind = "message"

    flag: Literal["seen", "flagged"] = Field(description="`seen` (đã đọc) or `flagged` (gắn cờ).")
    value: bool = Field(description="The flag's new value.")
    after: dict[str, Any] = Field(description=MESSAGE_AFTER)


@event_type
class MessageMoved(StateEvent):
    """The candidate moved a message to another folder (Chuyển), or restored it from Thùng rác."""

    verb = "mail.message_moved"
    object_kind = "message"

    from_folder: str = Field(description="Name of the folder the message left, as the candidate saw it.")
    to_folder: str = Field(description="Name of the folder it went to.")
    after: dict[str, Any] = Field(description=MESSAGE_AFTER)


@event_type
class MessageDeleted(StateEvent):
    """The candidate deleted a message (Xóa): it went to Thùng rác, or, already there, was purged."""

    verb = "mail.message_deleted"
    object_kind = "message"

    from_folder: str = Field(description="Name of the folder the message was in.")
    permanent: bool = Field(description="True when the message is gone for good (deleted from Thùng rác).")
    after: dict[str, Any] = Field(description=MESSAGE_AFTER)


@event_type
class MarkedJunk(StateEvent):
    """The candidate marked a message as Thư rác, or as Không phải thư rác (it returns to the inbox)."""

    verb = "mail.marked_junk"
    object_kind = "message"

    junk: bool = Field(description="True for Thư rác, False for Không phải thư rác.")
    after: dict[str, Any] = Field(description=MESSAGE_AFTER)


@event_type
class PhishingReported(StateEvent):
    """The candidate reported a message as phishing (Báo cáo thư giả mạo).

    The message goes to Thư rác with ``reported`` set, and the report goes to the agency's
    information-security unit (``reported_to``), as the official advice asks; the unit is outside
    the candidate's mailbox, so no copy appears in Thư đã gửi.
    """

    verb = "mail.phishing_reported"
    object_kind = "message"

    reported_to: str = Field(description="Address of the security unit the report went to.")
    note: str = Field(description="What the candidate wrote in the report (may be empty).")
    after: dict[str, Any] = Field(description=MESSAGE_AFTER)


@event_type
class FolderChanged(StateEvent):
    """The candidate created, renamed or deleted a folder of their own (Thư mục mới …).

    Deleting a folder moves the messages in it to Thùng rác, each with its own event.
    """

    verb = "mail.folder_changed"
    object_kind = "folder"

    action: Literal["created", "renamed", "deleted"] = Field(description="created, renamed or deleted.")
    after: dict[str, Any] = Field(description="The folder: id, name, deleted.")


@event_type
class LinkClicked(EventData):
    """The candidate clicked a link in a message. The room never leaves for it: the candidate
    sees a warning page naming the address instead."""

    verb = "mail.link_clicked"
    object_kind = "message"

    url: str = Field(description="The address the link pointed to.")
    text: str = Field(description="The link's visible text (it may differ from the address).")
    link: int = Field(description="Position of the link in the message, from 1.")


@event_type
class AttachmentOpened(EventData):
    """The candidate opened or downloaded an attachment of a message (Tải về)."""

    verb = "mail.attachment_opened"
    object_kind = "message"

    name: str = Field(description="The attachment's file name.")
    sha256: str = Field(description="The attachment's sha256.")
    disposition: Literal["view", "download"] = Field(description="`view` (opened in the browser) or `download`.")


@event_type
class Searched(EventData):
    """The candidate searched their mail (Tìm Thư)."""

    verb = "mail.searched"
    object_kind = "mailbox"

    query: dict[str, Any] = Field(
        description="The criteria given: text, sender, subject, body, has_attachment, since, until, folder."
    )
    results: int = Field(description="How many messages matched.")


@event_type
class SettingsChanged(StateEvent):
    """The candidate changed their mail settings: signature (Chữ ký) or out-of-office reply
    (Ra khỏi văn phòng)."""

    verb = "mail.settings_changed"
    object_kind = "mail_settings"

    section: Literal["signature", "out_of_office"] = Field(description="signature or out_of_office.")
    after: dict[str, Any] = Field(
        description="All the settings: signature, ooo_enabled, ooo_start, ooo_end (dates, YYYY-MM-DD), "
        "ooo_subject, ooo_message."
    )


@event_type
class AutoReplySent(EventData):
    """The mail system answered a message with the candidate's out-of-office reply. Actor: system.

    Sent once per sender while the reply is on, never to automatic mail or to the candidate;
    like Zimbra, the reply is not kept in Thư đã gửi. ``object.id`` is the message answered.
    """

    verb = "mail.autoreply_sent"
    object_kind = "message"

    to: str = Field(description="The address answered.")
    subject: str = Field(description="Subject of the reply.")
    text: str = Field(description="Text of the reply.")
    message_id: str = Field(description="Message-ID of the reply.")
    in_reply_to: str = Field(description="Message-ID of the message answered.")


@event_type
class ContactAdded(StateEvent):
    """A person was added to the agency directory (Danh sách địa chỉ chung) the candidate sees.
    Actor: system (a task's setup)."""

    verb = "mail.contact_added"
    object_kind = "contact"

    after: dict[str, Any] = Field(description="The contact: id, name, email, title (chức vụ), unit (đơn vị).")
