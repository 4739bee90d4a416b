"""Folders of a mailbox: the five system folders, with Zimbra's Vietnamese names, and the user's own."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SystemFolder(StrEnum):
    inbox = "inbox"
    sent = "sent"
    drafts = "drafts"
    junk = "junk"
    trash = "trash"


USER = "user"

FOLDER_NAMES: dict[str, str] = {
    SystemFolder.inbox: "Hộp thư đến",
    SystemFolder.sent: "Thư đã gửi",
    SystemFolder.drafts: "Thư nháp",
    SystemFolder.junk: "Thư rác",
    SystemFolder.trash: "Thùng rác",
}

# The address of each system folder in the webmail (/thu/<slug>).
FOLDER_SLUGS: dict[str, str] = {
    SystemFolder.inbox: "hop-thu-den",
    SystemFolder.sent: "da-gui",
    SystemFolder.drafts: "thu-nhap",
    SystemFolder.junk: "thu-rac",
    SystemFolder.trash: "thung-rac",
}
SLUG_FOLDERS = {slug: key for key, slug in FOLDER_SLUGS.items()}

MAX_FOLDER_NAME = 60


@dataclass(frozen=True, slots=True)
class Location:
    """Where a message is: a system folder, or a user folder (``folder == "user"`` and its id)."""

    folder: str
    folder_id: int | None = None

    @classmethod
    def parse(cls, value: str) -> Location:
        """From the form value: ``inbox`` … ``trash``, or ``user:<id>``."""
        number = value[len(USER) + 1 :]
        if value.startswith(USER + ":") and number.isascii() and number.isdigit() and 0 < int(number) < 2**31:
            return cls(USER, int(number))
        if value in FOLDER_NAMES:
            return cls(value)
        raise ValueError(value)

    @property
    def key(self) -> str:
        return f"{USER}:{self.folder_id}" if self.folder == USER else self.folder


def validate_folder_name(name: str, existing: list[str]) -> str | None:
    """The Vietnamese reason a folder name cannot be used, or None if it can."""
    stripped = name.strip()
    if not stripped:
        return "Vui lòng nhập tên thư mục."
    if len(stripped) > MAX_FOLDER_NAME:
        return f"Tên thư mục dài tối đa {MAX_FOLDER_NAME} ký tự."
    if "/" in stripped or any(ord(ch) < 32 for ch in stripped):
        return "Tên thư mục không được chứa ký tự “/” hay ký tự điều khiển."
    folded = stripped.casefold()
    if folded in {n.casefold() for n in FOLDER_NAMES.values()} | {"đã gửi"}:
        return "Tên này trùng với một thư mục hệ thống."
    if folded in {n.casefold() for n in existing}:
        return f"Đã có thư mục “{stripped}”."
    return None
