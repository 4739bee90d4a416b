"""Login sessions of candidates and operators.

The cookie holds a random token; the database holds only its hash (the session id), so a
copy of the database opens no session. A session ends at logout, when its owner logs in
elsewhere, when a proctor ends it, after ``session_idle_minutes`` without a request, or
``session_max_hours`` after login; an ended session never comes back.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Table, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from mock_services.core.clock import format_at
from mock_services.core.db import UTCDateTime, metadata

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=True),
    Column("operator_id", ForeignKey("operators.id"), nullable=True),
    Column("exam_id", ForeignKey("exams.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("end_reason", String(16), nullable=True),
    Column("client", String(64), nullable=False),
    Column("user_agent", String(300), nullable=False),
)
Index("ix_sessions_candidate", sessions.c.candidate_id, sessions.c.ended_at)

# Refreshing last_seen_at on every request would turn every page view into a write.
TOUCH_INTERVAL = timedelta(seconds=30)


class SessionKind(StrEnum):
    candidate = "candidate"
    operator = "operator"


class EndReason(StrEnum):
    logout = "logout"  # the owner logged out
    replaced = "replaced"  # the owner logged in on another machine
    proctor = "proctor"  # a proctor ended it (or reset the password)
    exam_closed = "exam_closed"  # the operator closed the exam
    idle = "idle"  # no request for session_idle_minutes
    max_age = "max_age"  # session_max_hours after login


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle: timedelta
    max_age: timedelta


@dataclass(frozen=True, slots=True)
class LoginSession:
    id: str
    kind: SessionKind
    candidate_id: int | None
    operator_id: int | None
    exam_id: int | None
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    client: str
    user_agent: str

    @classmethod
    def from_row(cls, row: RowMapping) -> LoginSession:
        values = {name: row[name] for name in cls.__slots__}
        values["kind"] = SessionKind(values["kind"])
        return cls(**values)

    def expiry(self, now: datetime, policy: SessionPolicy) -> EndReason | None:
        """Why this open session has run out at ``now``, if it has."""
        if now >= self.expires_at:
            return EndReason.max_age
        if now - self.last_seen_at >= policy.idle:
            return EndReason.idle
        return None

    def state(self) -> dict[str, Any]:
        """The session as events record it in ``after``."""
        return {
            "id": self.id,
            "kind": str(self.kind),
            "started_at": format_at(self.created_at),
            "expires_at": format_at(self.expires_at),
            "ended_at": format_at(self.ended_at) if self.ended_at else None,
            "end_reason": self.end_reason,
            "client": self.client,
        }


def session_id_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def open_session(
    conn: Connection,
    *,
    kind: SessionKind,
    principal_id: int,
    exam_id: int | None,
    client: str,
    user_agent: str,
    now: datetime,
    policy: SessionPolicy,
) -> tuple[str, LoginSession]:
    """Create a session with a fresh token; returns the token (for the cookie) and the session."""
    token = secrets.token_urlsafe(32)
    session_id = session_id_of(token)
    conn.execute(
        insert(sessions).values(
            id=session_id,
            kind=str(kind),
            candidate_id=principal_id if kind is SessionKind.candidate else None,
            operator_id=principal_id if kind is SessionKind.operator else None,
            exam_id=exam_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.max_age,
            client=client[:64],
            user_agent=user_agent[:300],
        )
    )
    return token, get_session(conn, session_id)


def get_session(conn: Connection, session_id: str) -> LoginSession:
    return LoginSession.from_row(conn.execute(select(sessions).where(sessions.c.id == session_id)).mappings().one())


def find_session(conn: Connection, token: str, kind: SessionKind) -> LoginSession | None:
    row = (
        conn.execute(select(sessions).where(sessions.c.id == session_id_of(token), sessions.c.kind == str(kind)))
        .mappings()
        .one_or_none()
    )
    return None if row is None else LoginSession.from_row(row)


def end_session(conn: Connection, session_id: str, reason: EndReason, now: datetime) -> LoginSession | None:
    """End an open session; None when it had already ended (someone else ended it first)."""
    result = conn.execute(
        update(sessions)
        .where(sessions.c.id == session_id, sessions.c.ended_at.is_(None))
        .values(ended_at=now, end_reason=str(reason))
    )
    return get_session(conn, session_id) if result.rowcount == 1 else None


def open_sessions_of_candidate(conn: Connection, candidate_id: int) -> list[LoginSession]:
    rows = conn.execute(
        select(sessions).where(sessions.c.candidate_id == candidate_id, sessions.c.ended_at.is_(None))
    ).mappings()
    return [LoginSession.from_row(row) for row in rows]


def needs_touch(session: LoginSession, now: datetime) -> bool:
    return now - session.last_seen_at >= TOUCH_INTERVAL


def open_sessions_of_operator(conn: Connection, operator_id: int) -> list[LoginSession]:
    rows = conn.execute(
        select(sessions).where(sessions.c.operator_id == operator_id, sessions.c.ended_at.is_(None))
    ).mappings()
    return [LoginSession.from_row(row) for row in rows]


def touch(conn: Connection, session: LoginSession, now: datetime) -> None:
    """Record activity on an open session (callers check ``needs_touch`` first)."""
    conn.execute(
        update(sessions).where(sessions.c.id == session.id, sessions.c.ended_at.is_(None)).values(last_seen_at=now)
    )


def latest_candidate_sessions(conn: Connection, exam_id: int) -> dict[int, LoginSession]:
    """Each candidate's most recent session in an exam (for the proctor's room view)."""
    rows = conn.execute(
        select(sessions)
        .where(sessions.c.exam_id == exam_id, sessions.c.kind == str(SessionKind.candidate))
        .order_by(sessions.c.created_at)
    ).mappings()
    latest: dict[int, LoginSession] = {}
    for row in rows:
        session = LoginSession.from_row(row)
        if session.candidate_id is not None:
            latest[session.candidate_id] = session
    return latest
