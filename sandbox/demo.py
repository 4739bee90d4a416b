"""The demo room `make run` boots: one exam starting now, three candidates, one operator.

A second run keeps everything (candidates, passwords, their work); if the demo exam's time
is over, it is moved to start again now so that the demo is always usable.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from mock_services.core.accounts import NewCandidate, candidates_of_exam
from mock_services.core.db import Database
from mock_services.core.exams import Exam, ExamPhase, create_exam, exams, get_exam, reschedule_exam
from mock_services.core.settings import RoomSettings
from mock_services.mail.store import tenant_contacts
from sandbox import roster
from sandbox.demo_mail import fill_demo_mailbox
from sandbox.demo_tasks import DEMO_DIR, load_demo_tasks
from sandbox.paper import assign
from sandbox.setup_context import setup_context

DEMO_EXAM_NAME = "Kỳ thi thử phần thực hành ứng dụng CNTT năm 2026 (bản demo)"
DEMO_DURATION_MINUTES = 60
DEMO_OPERATOR = "giamthi"

DEMO_CANDIDATES = [
    NewCandidate(
        "DEMO01",
        "Nguyễn Thị Minh Thư",
        "Phó Chủ tịch UBND phường",
        "UBND phường Ninh Kiều",
        "thu.ntm@phuong-ninhkieu.egov.test",
    ),
    NewCandidate(
        "DEMO02",
        "Trần Quốc Huy",
        "Chủ tịch UBND phường",
        "UBND phường Cái Khế",
        "huy.tq@phuong-caikhe.egov.test",
    ),
    NewCandidate(
        "DEMO03",
        "Lê Hoàng Phúc",
        "Trưởng phòng Văn hóa - Xã hội",
        "UBND phường Tân An",
        "phuc.lh@phuong-tanan.egov.test",
    ),
]


@dataclass(frozen=True, slots=True)
class DemoRoom:
    exam: Exam
    credentials: list[roster.Credential]
    operator: str
    operator_password: str
    created: bool
    restarted: bool


def ensure_demo(db: Database, *, settings: RoomSettings, now: datetime) -> DemoRoom:
    """Create the demo exam on first run, in one transaction; otherwise reuse it, restarting its
    clock if its time is up."""
    start = now.replace(second=0, microsecond=0)
    with db.read() as conn:
        exam_id = conn.execute(
            select(exams.c.id).where(exams.c.is_demo.is_(True)).order_by(exams.c.id.desc()).limit(1)
        ).scalar()
    secret = settings.secret()
    created = restarted = False
    if exam_id is None:
        tasks = load_demo_tasks()  # before anything is written: a bad task file leaves no half demo
        prepared = roster.prepare(DEMO_CANDIDATES, secret=secret)
        with db.write() as conn:
            exam = create_exam(
                conn,
                name=DEMO_EXAM_NAME,
                starts_at=start,
                duration_minutes=DEMO_DURATION_MINUTES,
                seed=secrets.randbits(63),
                now=now,
                is_demo=True,
            )
            roster.insert_candidates(conn, exam.id, prepared, now=now)
            for candidate in candidates_of_exam(conn, exam.id):
                for position, task in enumerate(tasks, start=1):
                    assign(conn, candidate, task.for_candidate(position, candidate), now=now)
                fill_demo_mailbox(setup_context(conn, candidate, now=now, settings=settings, fixtures=DEMO_DIR))
        created = True
    else:
        with db.write() as conn:
            exam = get_exam(conn, exam_id)
            if exam.phase(now) is ExamPhase.ended:
                reschedule_exam(conn, exam.id, starts_at=start)
                restarted = True
            exam = get_exam(conn, exam_id)
            for candidate in candidates_of_exam(conn, exam.id):
                # A demo made before the mail service existed gets its mailboxes now.
                if not tenant_contacts(conn, candidate.id):
                    fill_demo_mailbox(setup_context(conn, candidate, now=now, settings=settings, fixtures=DEMO_DIR))
    password = roster.add_operator(db, DEMO_OPERATOR, "Giám thị phòng thi demo", now=now, reset=True)
    return DemoRoom(
        exam=exam,
        credentials=roster.credentials(db, exam.id, secret=secret),
        operator=DEMO_OPERATOR,
        operator_password=password,
        created=created,
        restarted=restarted,
    )
