"""The webmail in-process, for its tests: candidates' browsers logged in during the exam, mail
delivered through the setup operations (never by writing rows by hand), and the log and rows to
check what a page did against."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import select
from starlette.testclient import TestClient

from mock_services.core import log
from mock_services.core.accounts import Candidate
from mock_services.core.db import Database
from mock_services.core.events import EventRecord
from mock_services.core.settings import RoomSettings
from mock_services.core.setup_ops import run_operation
from mock_services.mail import store
from mock_services.mail.store import Message
from sandbox.setup_context import setup_context
from tests.support.room import EXAM_START, FakeClock, SeededExam, csrf_from, seed_exam

IN_EXAM = EXAM_START + timedelta(minutes=10)
SENDER = "Sở Nội vụ thành phố <noivu@cantho.egov.test>"
SENDER_ADDRESS = "noivu@cantho.egov.test"

# What must never reach a candidate's page: a trace, or the framework's English.
_LEAKS = (
    "Traceback",
    "Internal Server Error",
    "Not Found",
    "Method Not Allowed",
    "Unprocessable",
    '"detail"',
    "Exception",
    "sqlalchemy",
    'File "',
)


def assert_clean(response: httpx.Response) -> None:
    """No 500, no stack trace and no English error text on what the candidate sees."""
    assert response.status_code < 500, response.text[:2000]
    for leak in _LEAKS:
        assert leak not in response.text, f"{leak!r} reached the candidate's page"


def hidden(page: str, name: str) -> list[str]:
    """Values of the form fields called ``name`` (hidden inputs, checkboxes) on a page."""
    return re.findall(rf'name="{re.escape(name)}" value="([^"]*)"', page)


def textarea(page: str, name: str) -> str:
    """The text of the textarea called ``name``, as the browser would show it."""
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name!r} on the page"
    return html.unescape(match.group(1))


def field_value(page: str, name: str) -> str:
    """The value of the input called ``name``, as the browser would show it."""
    match = re.search(rf'<input[^>]*name="{re.escape(name)}" value="([^"]*)"', page)
    assert match, f"no input {name!r} on the page"
    return html.unescape(match.group(1))


@dataclass
class Browser:
    """One candidate at their seat: a browser logged in to the room."""

    client: TestClient
    candidate: Candidate
    password: str
    csrf: str = ""

    def login(self) -> Browser:
        if "sh_session" in self.client.cookies:
            self.client.cookies.delete("sh_session")
        token = csrf_from(self.client.get("/dang-nhap").text)
        response = self.client.post(
            "/dang-nhap",
            data={"so_bao_danh": self.candidate.so_bao_danh, "mat_khau": self.password, "csrf_token": token},
        )
        assert response.status_code == 303, response.text
        self.csrf = csrf_from(self.client.get("/bai-thi").text)
        return self

    @property
    def session_id(self) -> str:
        """The session's id, as events carry it in ``context.session_id``."""
        return hashlib.sha256(self.client.cookies["sh_session"].encode()).hexdigest()[:32]

    @contextmanager
    def as_the_candidate_sees_it(self) -> Iterator[Browser]:
        """The same browser, but a server error comes back as the page the candidate would get
        (the test client otherwise raises the server's exception in the test)."""
        with TestClient(
            self.client.app, base_url="http://testserver", follow_redirects=False, raise_server_exceptions=False
        ) as seat:
            seat.cookies.update(self.client.cookies)
            yield Browser(seat, self.candidate, self.password, self.csrf)

    def get(self, url: str) -> httpx.Response:
        response = self.client.get(url)
        assert_clean(response)
        return response

    def post(
        self, url: str, data: dict[str, Any] | None = None, files: list[tuple[str, Any]] | None = None
    ) -> httpx.Response:
        response = self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, files=files)
        assert_clean(response)
        return response


@dataclass
class Mailroom:
    """An exam with three candidates, its database, the room's clock, and a folder of fixtures."""

    db: Database
    settings: RoomSettings
    clock: FakeClock
    room: SeededExam
    fixtures: Path

    @classmethod
    def open(cls, db: Database, settings: RoomSettings, clock: FakeClock, fixtures: Path) -> Mailroom:
        fixtures.mkdir(parents=True, exist_ok=True)
        return cls(db, settings, clock, seed_exam(db, now=clock()), fixtures)

    def candidate(self, number: str) -> Candidate:
        return next(c for c in self.room.candidates if c.so_bao_danh == number)

    def browser(self, client: TestClient, number: str) -> Browser:
        """Log ``number`` in from this browser, the room's clock moved into the exam first."""
        if self.clock() < IN_EXAM:
            self.clock.now = IN_EXAM
        return Browser(client, self.candidate(number), self.room.passwords[number]).login()

    def fixture(self, name: str, data: bytes) -> bytes:
        (self.fixtures / name).write_bytes(data)
        return data

    # --- Setup operations, as a task's setup runs them

    def setup(self, candidate: Candidate, operation: str, arguments: dict[str, Any]) -> Any:
        with self.db.write() as conn:
            ctx = setup_context(conn, candidate, now=self.clock(), settings=self.settings, fixtures=self.fixtures)
            return run_operation(ctx, operation, arguments)

    def deliver(self, candidate: Candidate, *, sender: str = SENDER, subject: str = "Thư thử", **args: Any) -> int:
        return int(self.setup(candidate, "mail.deliver", {"from": sender, "subject": subject, **args}))

    def add_contact(self, candidate: Candidate, name: str, email: str, title: str = "", unit: str = "") -> int:
        arguments = {"name": name, "email": email, "title": title, "unit": unit}
        return int(self.setup(candidate, "mail.add_contact", arguments))

    def create_folder(self, candidate: Candidate, name: str) -> int:
        return int(self.setup(candidate, "mail.create_folder", {"name": name}))

    # --- The log

    def head(self) -> int:
        with self.db.read() as conn:
            return log.head_seq(conn)

    def events(self, candidate: Candidate, after: int = 0) -> list[EventRecord]:
        with self.db.read() as conn:
            return log.select_events(conn, after, 1000, candidate_id=candidate.id)

    def mark(self) -> int:
        """Where the log stands now: ``since(mark)`` gives what was appended after."""
        return self.head()

    def since(self, mark: int, candidate: Candidate | None = None) -> list[EventRecord]:
        with self.db.read() as conn:
            found = log.select_events(conn, mark, 1000)
        return [r for r in found if candidate is None or r.candidate_id == candidate.id]

    # --- The rows

    def message(self, candidate: Candidate, message_id: int) -> Message:
        with self.db.read() as conn:
            found = store.get_message(conn, candidate.id, message_id)
        assert found is not None, f"message {message_id} is not in {candidate.so_bao_danh}'s mailbox"
        return found

    def row(self, message_id: int) -> Message:
        return stored_row(self.db, message_id)

    def live_state(self, message_id: int) -> dict[str, Any]:
        return live_state_of(self.db, message_id)

    def messages_of(self, candidate: Candidate) -> list[Message]:
        return stored_rows(self.db, candidate.id)

    def tenant(self, candidate: Candidate) -> dict[str, Any]:
        """Everything of a candidate's mailbox: messages, folders, settings and directory."""
        with self.db.read() as conn:
            folder_rows = conn.execute(
                select(store.folders).where(store.folders.c.candidate_id == candidate.id).order_by(store.folders.c.id)
            ).mappings()
            folders = [dict(row) for row in folder_rows]
            settings = store.get_settings(conn, candidate.id)
            contacts = store.tenant_contacts(conn, candidate.id)
        return {
            "messages": self.messages_of(candidate),
            "folders": folders,
            "settings": settings,
            "contacts": contacts,
        }

    def folder_id(self, candidate: Candidate, name: str) -> int:
        with self.db.read() as conn:
            return next(f.id for f in store.user_folders(conn, candidate.id) if f.name == name)

    def settings_of(self, candidate: Candidate) -> store.MailSettings:
        with self.db.read() as conn:
            return store.get_settings(conn, candidate.id)


def message_events(records: list[EventRecord], verb: str) -> list[EventRecord]:
    return [r for r in records if r.verb == verb]


def only(records: list[EventRecord], verb: str) -> EventRecord:
    """The one event of this verb among ``records`` (fails if there are none or several)."""
    found = message_events(records, verb)
    assert len(found) == 1, f"expected one {verb}, got {[r.verb for r in records]}"
    return found[0]


# --- The mail tables as stored (purged messages included), for comparing with the log


def stored_row(db: Database, message_id: int) -> Message:
    with db.read() as conn:
        found = conn.execute(select(store.messages).where(store.messages.c.id == message_id)).mappings().one()
    return Message.from_row(found)


def stored_rows(db: Database, candidate_id: int) -> list[Message]:
    with db.read() as conn:
        rows = conn.execute(
            select(store.messages).where(store.messages.c.candidate_id == candidate_id).order_by(store.messages.c.id)
        ).mappings()
        return [Message.from_row(row) for row in rows]


def live_state_of(db: Database, message_id: int) -> dict[str, Any]:
    """The message as the log's ``after`` must show it: the row's state, named as it stands."""
    message = stored_row(db, message_id)
    with db.read() as conn:
        return message.state(store.location_name(conn, message.candidate_id, message.location))
