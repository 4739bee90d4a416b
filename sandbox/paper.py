"""Putting tasks on a candidate's paper: the assignment row and its ``exam.task_assigned`` event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from mock_services.core import log
from mock_services.core.accounts import Candidate
from mock_services.core.events import Actor, EventContext
from mock_services.core.exams import Assignment, add_assignment
from mock_services.portal.events import TaskAssigned


def assign(conn: Connection, candidate: Candidate, assignment: Assignment, *, now: datetime) -> None:
    add_assignment(conn, exam_id=candidate.exam_id, candidate_id=candidate.id, assignment=assignment)
    log.append(
        conn,
        candidate,
        actor=Actor.system,
        event=TaskAssigned(after=assignment.state()),
        object_id=assignment.task_id,
        now=now,
        context=EventContext(task_id=assignment.task_id),
    )
