"""The demo room `make run` boots: one exam starting now, three candidates, one operator.

A second run keeps everything (candidates, passwords, their work); if the demo exam's time
is over, it is moved to start again now so that the demo is always usable. If the demo paper
changed since (a new version), the old demo is closed and a fresh one made.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection

from mock_services.core.accounts import NewCandidate, candidates_of_exam
from mock_services.core.db import Database
from mock_services.core.exams import (
    Exam,
    ExamPhase,
    assignments_for,
    close_exam,
    create_exam,
    exams,
    get_exam,
    reschedule_exam,
)
from mock_services.core.settings import RoomSettings
from sandbox import roster
from sandbox.demo_mail import fill_demo_mailbox
from sandbox.demo_paper import demo_paper
from sandbox.paper import put_task
from sandbox.setup_context import setup_context

DEMO_FIXTURES = Path(__file__).resolve().parent.parent / "tasks" / "demo"
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
    tasks = demo_paper()  # before anything is written: a bad task file leaves no half demo
    with db.read() as conn:
        exam_id = conn.execute(
            select(exams.c.id).where(exams.c.is_demo.is_(True)).order_by(exams.c.id.desc()).limit(1)
        ).scalar()
        stale = exam_id is not None and _paper_of(conn, exam_id) != [task.id for task in tasks]
    secret = settings.secret()
    created = restarted = False
    if exam_id is not None and stale:
        # The bank's demo paper changed since this demo was made (a new version of Sát hạch):
        # the old demo is closed and a fresh one made, so graderd never meets a task it lacks.
        with db.write() as conn:
            close_exam(conn, exam_id, now=now)
        exam_id = None
    if exam_id is None:
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
            exam_day = start.astimezone(ZoneInfo(settings.timezone)).date()
            for candidate in candidates_of_exam(conn, exam.id):
                fill_demo_mailbox(setup_context(conn, candidate, now=now, settings=settings, fixtures=DEMO_FIXTURES))
                for position, task in enumerate(tasks, start=1):
                    put_task(
                        conn,
                        candidate,
                        position,
                        task,
                        exam_seed=exam.seed,
                        exam_day=exam_day,
                        settings=settings,
                        now=now,
                    )
        created = True
    else:
        with db.write() as conn:
            exam = get_exam(conn, exam_id)
            if exam.phase(now) is ExamPhase.ended:
                reschedule_exam(conn, exam.id, starts_at=start)
                restarted = True
            exam = get_exam(conn, exam_id)
    password = roster.add_operator(db, DEMO_OPERATOR, "Giám thị phòng thi demo", now=now, reset=True)
    return DemoRoom(
        exam=exam,
        credentials=roster.credentials(db, exam.id, secret=secret),
        operator=DEMO_OPERATOR,
        operator_password=password,
        created=created,
        restarted=restarted,
    )


def _paper_of(conn: Connection, exam_id: int) -> list[str]:
    """The task ids on the demo's paper (its first candidate's)."""
    first = candidates_of_exam(conn, exam_id)[:1]
    return [assignment.task_id for assignment in assignments_for(conn, first[0].id)] if first else []
