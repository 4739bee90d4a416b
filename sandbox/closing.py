"""Closing an exam: nobody logs in any more, and every open session ends (logged, per candidate)."""

from __future__ import annotations

from datetime import datetime

from mock_services.core.accounts import candidates_of_exam
from mock_services.core.db import Database
from mock_services.core.events import Actor
from mock_services.core.exams import close_exam, find_exam
from mock_services.core.sessions import EndReason
from mock_services.portal.auth import end_all_sessions
from sandbox.roster import RosterError


def close(db: Database, exam_id: int, *, now: datetime) -> int:
    """Close the exam; returns how many sessions were ended. Closing twice is harmless."""
    with db.write() as conn:
        if find_exam(conn, exam_id) is None:
            raise RosterError(f"There is no exam with id {exam_id}; `python -m sandbox list-exams` shows them.")
        close_exam(conn, exam_id, now=now)
        return sum(
            end_all_sessions(conn, candidate, EndReason.exam_closed, now=now, actor=Actor.proctor, operator=None)
            for candidate in candidates_of_exam(conn, exam_id)
        )
