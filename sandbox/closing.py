"""Closing an exam: nobody logs in any more, and every open session ends (logged, per candidate)."""

from __future__ import annotations

from datetime import datetime

from mock_services.core.accounts import candidates_of_exam
from mock_services.core.db import Database
from mock_services.core.events import Actor
from mock_services.core.exams import close_exam
from mock_services.core.sessions import EndReason
from mock_services.portal.auth import end_all_sessions
from sandbox.roster import require_exam


def close(db: Database, exam_id: int, *, now: datetime) -> int:
    """Close the exam; returns how many sessions were ended. Closing twice is harmless."""
    with db.write() as conn:
        require_exam(conn, exam_id)
        close_exam(conn, exam_id, now=now)
        return sum(
            end_all_sessions(conn, candidate, EndReason.exam_closed, now=now, actor=Actor.proctor, operator=None)
            for candidate in candidates_of_exam(conn, exam_id)
        )
