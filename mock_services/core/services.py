"""The services of the room as the portal lists them: name, Vietnamese title, where they live."""

from __future__ import annotations

from dataclasses import dataclass

# Titles as the software is called at work, for every service a task may name.
SERVICE_TITLES: dict[str, str] = {
    "mail": "Thư điện tử công vụ",
    "documents": "Quản lý văn bản và điều hành",
    "signing": "Ký số",
    "onestop": "Một cửa điện tử",
    "cross": "Phối hợp nhiều phần mềm",  # a task done across services: read by mail, look up, reply
}


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    """A service mounted in this room: its key (as tasks name it), title, entry page and one-line purpose."""

    key: str
    title: str
    url: str
    description: str
