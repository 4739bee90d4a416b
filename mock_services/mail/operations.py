"""The mail service's setup operations as task specs see them: names, arguments, documentation.

Pure (pydantic and the address rules), so graderd can validate a spec's ``setup`` through
``mock_services.contract`` without loading the mailbox; ``setup.py`` implements them.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr
from typing import Literal

from pydantic import Field, field_validator

from mock_services.core.setup_ops import SetupArgs, declare_operation
from mock_services.mail.domain import is_address

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


declare_operation(
    "mail.deliver",
    DeliverArgs,
    """Deliver a message to the candidate's mailbox, as if it came from outside: any sender
    (a spoofed display name for a phishing exercise), text or HTML, attachments from the task's
    folder, a date in the past. Logged as ``mail.message_received`` with channel ``setup``.""",
)


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


declare_operation(
    "mail.add_contact",
    ContactArgs,
    """Add a person to the agency directory (Danh sách địa chỉ chung) the candidate's compose
    form suggests addresses from. An address already in the directory is left as it is, so
    several tasks may each add the people they need.""",
)


class FolderArgs(SetupArgs):
    name: str = Field(description="Name of the folder.")


declare_operation(
    "mail.create_folder",
    FolderArgs,
    "Create a folder of the candidate's own, as if they had made it before the exam.",
)
