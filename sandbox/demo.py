"""The demo room `make run` boots: two exams starting now, and one operator.

- The demo exam: three candidates whose papers are drawn from the bank's real blueprint
  (``tasks/blueprints/thuc-hanh-2026.yaml``), as an exam day draws them.
- The practice exam (ôn tập): two candidates whose paper is the whole bank, every task, so that an
  author, a trainer or a test can try any task.

A second run the same day keeps everything (candidates, passwords, their work); an exam whose
time is over is moved to start again now, so that the demo is always usable. On another day the
demo is made afresh, since its tasks date what they set up from the day they were set up. If
the bank changed since (a new version: another blueprint, other tasks, a task's title, points or
instructions), the old exam is closed and a fresh one made.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection

from graderd.spec.blueprint import Blueprint
from graderd.spec.model import TaskSpec
from mock_services.core.accounts import Candidate, NewCandidate, candidates_of_exam
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
from sandbox import exam_draw, roster
from sandbox.demo_mail import fill_demo_mailbox
from sandbox.paper import as_bank_has_it, put_task
from sandbox.setup_context import setup_context

DEMO_FIXTURES = Path(__file__).resolve().parent.parent / "tasks" / "demo"
DEMO_EXAM_NAME = "Kỳ thi thử phần thực hành ứng dụng CNTT năm 2026 (bản demo)"
PRACTICE_EXAM_NAME = "Ôn tập phần thực hành: toàn bộ ngân hàng đề (bản demo)"
PRACTICE_MINUTES = 240  # the whole bank takes a prepared candidate about three hours
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
PRACTICE_CANDIDATES = [
    NewCandidate(
        "ONTAP01",
        "Võ Minh Khang",
        "Phó Chủ tịch UBND phường",
        "UBND phường An Bình",
        "khang.vm@phuong-anbinh.egov.test",
    ),
    NewCandidate(
        "ONTAP02",
        "Đặng Thị Thu Trang",
        "Trưởng phòng Kinh tế",
        "UBND phường Hưng Phú",
        "trang.dtt@phuong-hungphu.egov.test",
    ),
]


@dataclass(frozen=True, slots=True)
class DemoExam:
    exam: Exam
    credentials: list[roster.Credential]
    created: bool
    restarted: bool


@dataclass(frozen=True, slots=True)
class DemoRoom:
    drawn: DemoExam  # papers drawn from the blueprint
    practice: DemoExam  # the whole bank on one paper
    blueprint: Blueprint
    operator: str
    operator_password: str

    # The drawn exam is "the demo" (what the banner and most callers mean).
    @property
    def exam(self) -> Exam:
        return self.drawn.exam

    @property
    def credentials(self) -> list[roster.Credential]:
        return self.drawn.credentials


PutPapers = Callable[[Connection, Exam, list[Candidate]], None]


def ensure_demo(db: Database, *, settings: RoomSettings, now: datetime) -> DemoRoom:
    """Create the demo's exams on first run, each in one transaction; otherwise reuse them,
    restarting their clocks if their time is up."""
    bank = exam_draw.load(settings.tasks_dir)  # before anything is written: a bad bank leaves no half demo
    blueprint = bank.blueprint(exam_draw.DEFAULT_BLUEPRINT)
    whole_bank = [task.id for task in bank.tasks]

    def draw(conn: Connection, exam: Exam, candidates: list[Candidate]) -> None:
        exam_draw.draw_new_candidates(conn, exam, {c.id for c in candidates}, bank, settings=settings, now=now)

    def everything(conn: Connection, exam: Exam, candidates: list[Candidate]) -> None:
        exam_day = exam.day(ZoneInfo(settings.timezone))
        for candidate in candidates:
            for position, task in enumerate(bank.tasks, start=1):
                put_task(
                    conn, candidate, position, task, exam_seed=exam.seed, exam_day=exam_day, settings=settings, now=now
                )

    drawn = _ensure(
        db,
        settings,
        now,
        name=DEMO_EXAM_NAME,
        people=DEMO_CANDIDATES,
        minutes=blueprint.minutes,
        blueprint=blueprint,
        current=lambda conn, exam: (
            (exam.drawn_from or {}).get("sha256") == blueprint.sha256 and _as_bank_has_it(conn, exam.id, bank.by_id)
        ),
        put_papers=draw,
    )
    practice = _ensure(
        db,
        settings,
        now,
        name=PRACTICE_EXAM_NAME,
        people=PRACTICE_CANDIDATES,
        minutes=PRACTICE_MINUTES,
        blueprint=None,
        current=lambda conn, exam: (
            _paper_of(conn, exam.id) == whole_bank and _as_bank_has_it(conn, exam.id, bank.by_id)
        ),
        put_papers=everything,
    )
    password = roster.add_operator(db, DEMO_OPERATOR, "Giám thị phòng thi demo", now=now, reset=True)
    return DemoRoom(drawn, practice, blueprint, DEMO_OPERATOR, password)


def _ensure(
    db: Database,
    settings: RoomSettings,
    now: datetime,
    *,
    name: str,
    people: Sequence[NewCandidate],
    minutes: int,
    blueprint: Blueprint | None,
    current: Callable[[Connection, Exam], bool],
    put_papers: PutPapers,
) -> DemoExam:
    start = now.replace(second=0, microsecond=0)
    secret = settings.secret()
    drawn = blueprint is not None
    tz = ZoneInfo(settings.timezone)
    with db.read() as conn:
        exam_id = _latest(conn, drawn=drawn)
        found = None if exam_id is None else get_exam(conn, exam_id)
        stale = found is not None and (
            not current(conn, found) or found.created_at.astimezone(tz).date() != now.astimezone(tz).date()
        )
    created = restarted = False
    if exam_id is not None and stale:
        # The bank changed since this exam was made (a new version of Sát hạch), or it was made on
        # another day (its tasks date what they set up, a dossier's return date or an overdue
        # count, from the day they were set up): the old exam is closed and a fresh one made.
        with db.write() as conn:
            close_exam(conn, exam_id, now=now)
        exam_id = None
    if exam_id is None:
        prepared = roster.prepare(list(people), secret=secret)
        with db.write() as conn:
            exam = create_exam(
                conn,
                name=name,
                starts_at=start,
                duration_minutes=minutes,
                seed=secrets.randbits(63),
                now=now,
                is_demo=True,
                blueprint=None if blueprint is None else blueprint.summary(),
            )
            roster.insert_candidates(conn, exam.id, prepared, now=now)
            candidates = candidates_of_exam(conn, exam.id)
            for candidate in candidates:
                fill_demo_mailbox(setup_context(conn, candidate, now=now, settings=settings, fixtures=DEMO_FIXTURES))
            put_papers(conn, exam, candidates)
        created = True
    else:
        with db.write() as conn:
            exam = get_exam(conn, exam_id)
            if exam.phase(now) is ExamPhase.ended:
                reschedule_exam(conn, exam.id, starts_at=start)
                restarted = True
            exam = get_exam(conn, exam_id)
    return DemoExam(exam, roster.credentials(db, exam.id, secret=secret), created, restarted)


def _latest(conn: Connection, *, drawn: bool) -> int | None:
    """The newest open demo exam of a kind: drawn from a blueprint, or the practice paper."""
    kind = exams.c.blueprint.is_not(None) if drawn else exams.c.blueprint.is_(None)
    query = (
        select(exams.c.id)
        .where(exams.c.is_demo.is_(True), exams.c.closed_at.is_(None), kind)
        .order_by(exams.c.id.desc())
        .limit(1)
    )
    found: int | None = conn.execute(query).scalar()
    return found


def _as_bank_has_it(conn: Connection, exam_id: int, by_id: dict[str, TaskSpec]) -> bool:
    """Whether every paper of the exam still reads as the bank has its tasks (a new version of
    Sát hạch may have changed a task's instructions or points)."""
    return all(as_bank_has_it(conn, candidate, by_id) for candidate in candidates_of_exam(conn, exam_id))


def _paper_of(conn: Connection, exam_id: int) -> list[str]:
    """The task ids on an exam's first candidate's paper."""
    first = candidates_of_exam(conn, exam_id)[:1]
    return [assignment.task_id for assignment in assignments_for(conn, first[0].id)] if first else []
