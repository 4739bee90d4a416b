"""The document service in-process, for its tests: a seeded exam whose candidates act through the
service's own operations (never rows written by hand), and the rows and log to check what an
action did against.

Candidate A is Nguyễn Văn An (CT001, UBND phường Ninh Kiều), B is Trần Thị Bích Hòa (CT002,
UBND phường Cái Khế). Each holds three positions in their agency: ``ct`` (Chủ tịch, lãnh đạo),
``cv`` (chuyên viên of Phòng Văn hóa - Xã hội, ``vhxh``) and ``vt`` (văn thư).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pypdf
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection

from mock_services.core import log
from mock_services.core.accounts import Candidate
from mock_services.core.blobs import BlobStore, blobs
from mock_services.core.db import Database
from mock_services.core.events import EventRecord
from mock_services.core.settings import RoomSettings
from mock_services.core.setup_ops import run_operation
from mock_services.documents import agency, incoming, outgoing, store
from mock_services.documents.acting import Acting
from mock_services.documents.domain import DocumentError, Routing, Secrecy, Urgency
from mock_services.documents.outgoing import Distribution
from mock_services.documents.store import Agency, Incoming, Outgoing
from mock_services.mail import store as mail_store
from sandbox.setup_context import setup_context
from tests.support.room import EXAM_START, SeededExam, seed_exam

T = TypeVar("T")

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = EXAM_START + timedelta(minutes=10)  # 08:10 on 24/11/2026 in Cần Thơ
TODAY = date(2026, 11, 24)
ROOM_DOMAINS = ("egov.test",)
TASK = "test.task-1"

A_NAME = "Nguyễn Văn An"
B_NAME = "Trần Thị Bích Hòa"
CLERK_NAME = "Trương Thị Kim Yến"  # vt2, the simulated văn thư of a setup

# The last minutes of 2026 and the first of 2027, in Cần Thơ (UTC+7).
LAST_EVENING_OF_2026 = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 23:30 on 31/12/2026
FIRST_MORNING_OF_2027 = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 01/01/2027

ARRIVAL = incoming.Arrival(
    number="215/UBND-VP",
    issued_date=date(2026, 11, 20),
    organ_name="UBND thành phố Cần Thơ",
    type="CV",
    subject="tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2026",
    signer="Trần Văn Lâu",
    sender_email="vanthu@cantho.egov.test",
    urgency=Urgency.khan,
)

DRAFT = outgoing.Draft(
    type="CV",
    subject="V/v báo cáo kết quả tổ chức Ngày hội Đại đoàn kết toàn dân tộc",
    body="Thực hiện Công văn số 215/UBND-VP của UBND thành phố, UBND phường báo cáo như sau.\n\nTrân trọng./.",
    kinh_gui=("Ủy ban nhân dân thành phố Cần Thơ",),
    recipients=("- Như trên;", "- Lưu: VT, VHXH."),
    signer="ct",
)


def registration_of(doc: Incoming, **changes: Any) -> incoming.Registration:
    """The metadata as arrived, entered by the văn thư (with ``changes``)."""
    entry = incoming.Registration(
        number=doc.number,
        issued_date=doc.issued_date,
        organ_name=doc.organ_name,
        type=doc.type,
        subject=doc.subject,
        signer=doc.signer,
        urgency=Urgency(doc.urgency),
        secrecy=Secrecy(doc.secrecy),
        due_date=doc.due_date,
    )
    return replace(entry, **changes)


def routing(lead: str = "vhxh", **changes: Any) -> Routing:
    values: dict[str, Any] = {
        "lead": lead,
        "cooperate": (),
        "for_info": (),
        "due": TODAY + timedelta(days=7),
        "direction": "Giao Phòng Văn hóa - Xã hội chủ trì, tham mưu thực hiện.",
    }
    return Routing(**{**values, **changes})


def pdf_text(data: bytes) -> str:
    """The text of a PDF as pypdf reads it, NFC, spaces collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


class Office:
    """A seeded exam on a real database; candidates act through the document service."""

    def __init__(self, db: Database, settings: RoomSettings, room: SeededExam) -> None:
        self.db, self.settings, self.room = db, settings, room
        self.blobs = BlobStore(settings.blob_max_bytes)
        self.now = NOW

    @classmethod
    def open(cls, db: Database, settings: RoomSettings) -> Office:
        return cls(db, settings, seed_exam(db, now=EXAM_START))

    @property
    def a(self) -> Candidate:
        return self.room.candidates[0]

    @property
    def b(self) -> Candidate:
        return self.room.candidates[1]

    # --- Acting

    def acting(self, *, colleague: str | None = None) -> Acting:
        acting = Acting(now=self.now, blobs=self.blobs, tz=TZ, mail_domains=ROOM_DOMAINS)
        return acting.as_colleague(colleague) if colleague else acting

    def tick(self, minutes: int = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now

    def do(self, action: Callable[[Connection, Acting], T], *, colleague: str | None = None) -> T:
        """One action in its own write transaction, by the candidate (or a simulated colleague)."""
        with self.db.write() as conn:
            return action(conn, self.acting(colleague=colleague))

    def refused(self, action: Callable[[Connection, Acting], object], *, colleague: str | None = None) -> str:
        """The action is refused with a DocumentError, and it wrote nothing: the error is caught
        inside the write transaction, which then commits, so anything written before the refusal
        would stay. Returns the message."""
        before = self.snapshot()
        with self.db.write() as conn, pytest.raises(DocumentError) as caught:
            action(conn, self.acting(colleague=colleague))
        after = self.snapshot()
        changed = sorted(name for name in before if before[name] != after[name])
        assert not changed, f"a refused action ({caught.value}) changed: {', '.join(changed)}"
        return str(caught.value)

    def as_role(self, candidate: Candidate, key: str) -> Agency:
        return self.do(lambda conn, acting: agency.switch_role(conn, candidate, key, acting))

    def setup(
        self, candidate: Candidate, operation: str, arguments: dict[str, Any], *, fixtures: Path | None = None
    ) -> Any:
        with self.db.write() as conn:
            ctx = setup_context(conn, candidate, now=self.now, settings=self.settings, fixtures=fixtures, task_id=TASK)
            return run_operation(ctx, operation, arguments)

    # --- Reading

    def agency(self, candidate: Candidate) -> Agency:
        with self.db.read() as conn:
            found = store.get_agency(conn, candidate.id)
        assert found is not None
        return found

    def incoming(self, candidate: Candidate, doc_id: int) -> Incoming:
        with self.db.read() as conn:
            found = store.get_incoming(conn, candidate.id, doc_id)
        assert found is not None
        return found

    def outgoing(self, candidate: Candidate, doc_id: int) -> Outgoing:
        with self.db.read() as conn:
            found = store.get_outgoing(conn, candidate.id, doc_id)
        assert found is not None
        return found

    def incoming_state(self, candidate: Candidate, doc_id: int) -> dict[str, Any]:
        with self.db.read() as conn:
            doc = store.get_incoming(conn, candidate.id, doc_id)
            found = store.get_agency(conn, candidate.id)
            assert doc is not None
            assert found is not None
            return doc.state(found)

    def outgoing_state(self, candidate: Candidate, doc_id: int) -> dict[str, Any]:
        with self.db.read() as conn:
            doc = store.get_outgoing(conn, candidate.id, doc_id)
            found = store.get_agency(conn, candidate.id)
            assert doc is not None
            assert found is not None
            return doc.state(found)

    def blob(self, sha256: str) -> bytes:
        with self.db.read() as conn:
            return self.blobs.get(conn, sha256)

    def head(self) -> int:
        with self.db.read() as conn:
            return log.head_seq(conn)

    def events(self, candidate: Candidate | None = None) -> list[EventRecord]:
        with self.db.read() as conn:
            return list(log.iter_events(conn, candidate_id=candidate.id if candidate else None))

    def since(self, mark: int) -> list[EventRecord]:
        with self.db.read() as conn:
            return log.select_events(conn, mark, 10_000)

    def snapshot(self) -> dict[str, Any]:
        """Every row an action of the service could write, and the log."""
        tables = {
            "agencies": store.agencies,
            "incoming": store.incoming,
            "outgoing": store.outgoing,
            "mail": mail_store.messages,
            "chain_heads": log.chain_heads,
        }
        with self.db.read() as conn:
            found: dict[str, Any] = {
                name: [dict(row) for row in conn.execute(select(table)).mappings()] for name, table in tables.items()
            }
            found["blobs"] = sorted(conn.execute(select(blobs.c.sha256)).scalars())
            found["log"] = log.head_seq(conn)
        return found

    # --- Documents, through the candidate's own positions

    def receive(self, candidate: Candidate, **changes: Any) -> Incoming:
        arrival = replace(ARRIVAL, **changes)
        return self.do(lambda conn, acting: incoming.receive(conn, candidate, arrival, acting, channel="lien_thong"))

    def register(self, candidate: Candidate, doc: Incoming, **changes: Any) -> Incoming:
        self.as_role(candidate, "vt")
        entry = registration_of(doc, **changes)
        return self.do(lambda conn, acting: incoming.register(conn, candidate, doc, entry, acting))

    def present(self, candidate: Candidate, doc: Incoming, leader: str = "ct") -> Incoming:
        self.as_role(candidate, "vt")
        return self.do(lambda conn, acting: incoming.present(conn, candidate, doc, leader, acting))

    def route(self, candidate: Candidate, doc: Incoming, direction: Routing | None = None) -> Incoming:
        self.as_role(candidate, "ct")
        chosen = direction or routing()
        return self.do(lambda conn, acting: incoming.route(conn, candidate, doc, chosen, acting))

    def presented(self, candidate: Candidate, **changes: Any) -> Incoming:
        """Received, registered by the candidate as văn thư and presented to them as Chủ tịch."""
        return self.present(candidate, self.register(candidate, self.receive(candidate, **changes)))

    def routed(self, candidate: Candidate, direction: Routing | None = None, **changes: Any) -> Incoming:
        return self.route(candidate, self.presented(candidate, **changes), direction)

    def draft(self, candidate: Candidate, **changes: Any) -> Outgoing:
        self.as_role(candidate, "cv")
        draft = replace(DRAFT, **changes)
        return self.do(lambda conn, acting: outgoing.create_draft(conn, candidate, draft, acting))

    def submitted(self, candidate: Candidate, **changes: Any) -> Outgoing:
        """A draft by the candidate as chuyên viên, sent for approval to them as Chủ tịch."""
        doc = self.draft(candidate, **changes)
        return self.do(lambda conn, acting: outgoing.submit(conn, candidate, doc, "ct", "", acting))

    def at_signer(self, candidate: Candidate, **changes: Any) -> Outgoing:
        doc = self.submitted(candidate, **changes)
        self.as_role(candidate, "ct")
        return self.do(lambda conn, acting: outgoing.approve(conn, candidate, doc, "", acting))

    def with_clerk(self, candidate: Candidate, **changes: Any) -> Outgoing:
        """Approved, signed and sent to the văn thư, by the candidate as Chủ tịch; left acting as văn thư."""
        doc = self.at_signer(candidate, **changes)
        doc = self.do(lambda conn, acting: outgoing.sign(conn, candidate, doc, acting))
        doc = self.do(lambda conn, acting: outgoing.to_clerk(conn, candidate, doc, acting))
        self.as_role(candidate, "vt")
        return doc

    def number(self, candidate: Candidate, doc: Outgoing, written: str | None = None) -> Outgoing:
        self.as_role(candidate, "vt")
        return self.do(lambda conn, acting: outgoing.number(conn, candidate, doc, acting, written=written))

    def numbered(self, candidate: Candidate, **changes: Any) -> Outgoing:
        return self.number(candidate, self.with_clerk(candidate, **changes))

    def issue(self, candidate: Candidate, doc: Outgoing, to: Distribution | None = None) -> Outgoing:
        self.as_role(candidate, "vt")
        where = to or Distribution(internal=("vhxh",))
        return self.do(lambda conn, acting: outgoing.issue(conn, candidate, doc, where, acting))

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        """Act at another moment for a while."""
        kept, self.now = self.now, moment
        try:
            yield
        finally:
            self.now = kept


def verbs(records: list[EventRecord]) -> list[str]:
    return [r.verb for r in records]


def who(records: list[EventRecord]) -> list[tuple[str, str, str | None, str | None]]:
    """(verb, actor, data.by, data.role) of each record."""
    return [(r.verb, r.actor, r.data.get("by"), r.data.get("role")) for r in records]
