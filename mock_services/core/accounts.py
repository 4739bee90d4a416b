"""Accounts: candidates (thí sinh) of an exam, and the room's operators (giám thị), kept apart.

A candidate logs in with số báo danh and password; số báo danh is unique within an exam.
Operators have their own table, their own login page and their own cookie: no candidate
account can ever open a proctor page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
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
from mock_services.core.exams import accepts_logins, exams

candidates = Table(
    "candidates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("exam_id", ForeignKey("exams.id"), nullable=False, index=True),
    Column("so_bao_danh", String(32), nullable=False, index=True),
    Column("ho_ten", String(120), nullable=False),
    Column("chuc_vu", String(160), nullable=False),
    Column("don_vi", String(200), nullable=False),
    Column("email", String(254), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("password_sealed", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("exam_id", "so_bao_danh"),
)

operators = Table(
    "operators",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("ho_ten", String(120), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    exam_id: int
    so_bao_danh: str
    ho_ten: str
    chuc_vu: str
    don_vi: str
    email: str

    @classmethod
    def from_row(cls, row: RowMapping) -> Candidate:
        return cls(**{name: row[name] for name in cls.__slots__})


@dataclass(frozen=True, slots=True)
class NewCandidate:
    """A candidate to create; the password comes already hashed and sealed."""

    so_bao_danh: str
    ho_ten: str
    chuc_vu: str
    don_vi: str
    email: str


@dataclass(frozen=True, slots=True)
class Operator:
    id: int
    username: str
    ho_ten: str


def add_candidates(
    conn: Connection,
    exam_id: int,
    people: list[tuple[NewCandidate, str, str]],
    *,
    now: datetime,
) -> list[int]:
    """Insert ``(person, password_hash, password_sealed)`` triples; returns their ids, in order."""
    ids: list[int] = []
    for person, password_hash, sealed in people:
        ids.append(
            conn.execute(
                insert(candidates)
                .values(
                    exam_id=exam_id,
                    so_bao_danh=person.so_bao_danh,
                    ho_ten=person.ho_ten,
                    chuc_vu=person.chuc_vu,
                    don_vi=person.don_vi,
                    email=person.email,
                    password_hash=password_hash,
                    password_sealed=sealed,
                    created_at=now,
                )
                .returning(candidates.c.id)
            ).scalar_one()
        )
    return ids


def get_candidate(conn: Connection, candidate_id: int) -> Candidate | None:
    row = conn.execute(select(candidates).where(candidates.c.id == candidate_id)).mappings().one_or_none()
    return None if row is None else Candidate.from_row(row)


def candidates_of_exam(conn: Connection, exam_id: int) -> list[Candidate]:
    rows = conn.execute(
        select(candidates).where(candidates.c.exam_id == exam_id).order_by(candidates.c.so_bao_danh)
    ).mappings()
    return [Candidate.from_row(row) for row in rows]


def normalize_number(so_bao_danh: str) -> str:
    """Số báo danh as stored and compared: NFC, no surrounding spaces, upper case."""
    return unicodedata.normalize("NFC", so_bao_danh).strip().upper()


def login_candidates(conn: Connection, so_bao_danh: str, now: datetime) -> list[tuple[Candidate, str]]:
    """Candidates holding this số báo danh in an exam that accepts logins now, with their password hashes."""
    rows = conn.execute(
        select(candidates, exams.c.starts_at, exams.c.duration_minutes, exams.c.closed_at)
        .join(exams, exams.c.id == candidates.c.exam_id)
        .where(candidates.c.so_bao_danh == normalize_number(so_bao_danh), exams.c.closed_at.is_(None))
        .order_by(candidates.c.id)
    ).mappings()
    return [
        (Candidate.from_row(row), row["password_hash"])
        for row in rows
        if accepts_logins(row["starts_at"], row["duration_minutes"], row["closed_at"], now)
    ]


def existing_numbers(conn: Connection, exam_id: int) -> set[str]:
    rows = conn.execute(select(candidates.c.so_bao_danh).where(candidates.c.exam_id == exam_id))
    return {row[0] for row in rows}


def sealed_passwords(conn: Connection, exam_id: int) -> list[tuple[Candidate, str | None]]:
    rows = conn.execute(
        select(candidates).where(candidates.c.exam_id == exam_id).order_by(candidates.c.so_bao_danh)
    ).mappings()
    return [(Candidate.from_row(row), row["password_sealed"]) for row in rows]


def set_candidate_password(conn: Connection, candidate_id: int, password_hash: str, sealed: str) -> None:
    conn.execute(
        update(candidates)
        .where(candidates.c.id == candidate_id)
        .values(password_hash=password_hash, password_sealed=sealed)
    )


def add_operator(conn: Connection, *, username: str, ho_ten: str, password_hash: str, now: datetime) -> int:
    return int(
        conn.execute(
            insert(operators)
            .values(username=username, ho_ten=ho_ten, password_hash=password_hash, created_at=now)
            .returning(operators.c.id)
        ).scalar_one()
    )


def set_operator_password(conn: Connection, username: str, password_hash: str) -> bool:
    result = conn.execute(update(operators).where(operators.c.username == username).values(password_hash=password_hash))
    return result.rowcount == 1


def find_operator(conn: Connection, username: str) -> tuple[Operator, str] | None:
    row = conn.execute(select(operators).where(operators.c.username == username)).mappings().one_or_none()
    if row is None:
        return None
    return Operator(id=row["id"], username=row["username"], ho_ten=row["ho_ten"]), row["password_hash"]


def get_operator(conn: Connection, operator_id: int) -> Operator | None:
    row = conn.execute(select(operators).where(operators.c.id == operator_id)).mappings().one_or_none()
    if row is None:
        return None
    return Operator(id=row["id"], username=row["username"], ho_ten=row["ho_ten"])
