"""Exams and the tasks assigned to each candidate.

An exam has a start (stored UTC, entered and shown in the room's time zone), a duration and
a seed from which every per-candidate draw is made. Its phase at any moment comes from
server time alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, RowMapping

from mock_services.core.db import UTCDateTime, metadata

exams = Table(
    "exams",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    # The blueprint the papers were drawn from, as JSON (its id, sha256, pools); none: a fixed paper.
    Column("blueprint", Text, nullable=True),
)

assignments = Table(
    "assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("exam_id", ForeignKey("exams.id"), nullable=False),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("task_id", String(120), nullable=False),
    Column("title", String(300), nullable=False),
    Column("service", String(40), nullable=False),
    Column("points", Numeric(6, 2), nullable=False),
    Column("instructions", Text, nullable=False),
    Column("params", Text, nullable=False, default="{}"),
    Column("pool", String(80), nullable=True),  # the blueprint's pool it was drawn from
    Column("variant", Integer, nullable=True),  # above 0: params drawn afresh to differ from the neighbour's
    UniqueConstraint("candidate_id", "position"),
    UniqueConstraint("candidate_id", "task_id"),
)


# Candidates may log in from half a day before the start to half a day after the end, unless the
# operator has closed the exam: outside that, a số báo danh reused by another exam opens nothing.
LOGIN_OPENS_BEFORE = timedelta(hours=12)
LOGIN_CLOSES_AFTER = timedelta(hours=12)


class ExamPhase(StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    ended = "ended"  # time is up; candidates may still log in to read
    closed = "closed"  # the operator closed the exam; nobody logs in any more


@dataclass(frozen=True, slots=True)
class Exam:
    id: int
    name: str
    starts_at: datetime
    duration_minutes: int
    seed: int
    is_demo: bool
    created_at: datetime
    closed_at: datetime | None
    blueprint: str | None  # JSON, see ``drawn_from``

    @property
    def drawn_from(self) -> dict[str, Any] | None:
        """The blueprint the papers were drawn from: id, title, sha256, points, minutes, pools."""
        return None if self.blueprint is None else dict(json.loads(self.blueprint))

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def day(self, tz: tzinfo) -> date:
        """The exam's day in the room's time zone: what params and setups date from."""
        return self.starts_at.astimezone(tz).date()

    def phase(self, now: datetime) -> ExamPhase:
        if self.closed_at is not None:
            return ExamPhase.closed
        if now < self.starts_at:
            return ExamPhase.not_started
        if now < self.ends_at:
            return ExamPhase.in_progress
        return ExamPhase.ended

    def seconds_to_start(self, now: datetime) -> float:
        return max(0.0, (self.starts_at - now).total_seconds())

    def seconds_left(self, now: datetime) -> float:
        return max(0.0, (self.ends_at - min(max(now, self.starts_at), self.ends_at)).total_seconds())

    @classmethod
    def from_row(cls, row: RowMapping) -> Exam:
        return cls(**{name: row[name] for name in cls.__slots__})


def accepts_logins(starts_at: datetime, duration_minutes: int, closed_at: datetime | None, now: datetime) -> bool:
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    return closed_at is None and starts_at - LOGIN_OPENS_BEFORE <= now < ends_at + LOGIN_CLOSES_AFTER


@dataclass(frozen=True, slots=True)
class Assignment:
    """One task on one candidate's paper, with the instructions rendered for them."""

    position: int
    task_id: str
    title: str
    service: str
    points: Decimal
    instructions: str
    params: dict[str, Any]
    pool: str | None = None  # drawn from this pool of the exam's blueprint; None on a fixed paper
    variant: int = 0

    def state(self) -> dict[str, Any]:
        """The assignment as ``exam.task_assigned`` records it in ``after``."""
        drawn = {} if self.pool is None else {"pool": self.pool, "variant": self.variant}
        return {
            "position": self.position,
            "title": self.title,
            "service": self.service,
            "points": str(self.points),
            "params": self.params,
            "instructions": self.instructions,
            **drawn,
        }


def create_exam(
    conn: Connection,
    *,
    name: str,
    starts_at: datetime,
    duration_minutes: int,
    seed: int,
    now: datetime,
    is_demo: bool = False,
    blueprint: dict[str, Any] | None = None,
) -> Exam:
    exam_id = conn.execute(
        insert(exams)
        .values(
            name=name,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            seed=seed,
            is_demo=is_demo,
            created_at=now,
            blueprint=None if blueprint is None else json.dumps(blueprint, ensure_ascii=False, sort_keys=True),
        )
        .returning(exams.c.id)
    ).scalar_one()
    return get_exam(conn, exam_id)


def get_exam(conn: Connection, exam_id: int) -> Exam:
    row = conn.execute(select(exams).where(exams.c.id == exam_id)).mappings().one()
    return Exam.from_row(row)


def find_exam(conn: Connection, exam_id: int) -> Exam | None:
    row = conn.execute(select(exams).where(exams.c.id == exam_id)).mappings().one_or_none()
    return None if row is None else Exam.from_row(row)


def list_exams(conn: Connection) -> list[Exam]:
    rows = conn.execute(select(exams).order_by(exams.c.starts_at.desc(), exams.c.id.desc())).mappings()
    return [Exam.from_row(row) for row in rows]


def reschedule_exam(conn: Connection, exam_id: int, *, starts_at: datetime) -> None:
    conn.execute(update(exams).where(exams.c.id == exam_id).values(starts_at=starts_at))


def close_exam(conn: Connection, exam_id: int, *, now: datetime) -> None:
    conn.execute(update(exams).where(exams.c.id == exam_id, exams.c.closed_at.is_(None)).values(closed_at=now))


def add_assignment(conn: Connection, *, exam_id: int, candidate_id: int, assignment: Assignment) -> None:
    conn.execute(
        insert(assignments).values(
            exam_id=exam_id,
            candidate_id=candidate_id,
            position=assignment.position,
            task_id=assignment.task_id,
            title=assignment.title,
            service=assignment.service,
            points=assignment.points,
            instructions=assignment.instructions,
            params=json.dumps(assignment.params, ensure_ascii=False, sort_keys=True),
            pool=assignment.pool,
            variant=None if assignment.pool is None else assignment.variant,
        )
    )


def assignments_for(conn: Connection, candidate_id: int) -> list[Assignment]:
    rows = conn.execute(
        select(assignments).where(assignments.c.candidate_id == candidate_id).order_by(assignments.c.position)
    ).mappings()
    return [
        Assignment(
            position=row["position"],
            task_id=row["task_id"],
            title=row["title"],
            service=row["service"],
            points=Decimal(row["points"]),
            instructions=row["instructions"],
            params=json.loads(row["params"]),
            pool=row["pool"],
            variant=row["variant"] or 0,
        )
        for row in rows
    ]
