"""Putting tasks on a candidate's paper: params drawn, instructions rendered, the assignment row
and its ``exam.task_assigned`` event, and the task's setup run in the candidate's tenant."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from graderd.spec.model import TaskSpec
from graderd.spec.templates import CANDIDATE_FIELDS
from mock_services.core import log
from mock_services.core.accounts import Candidate
from mock_services.core.events import Actor, EventContext
from mock_services.core.exams import Assignment, add_assignment, assignments_for
from mock_services.core.settings import RoomSettings
from mock_services.core.setup_ops import run_operation
from mock_services.portal.events import TaskAssigned
from sandbox.draw import DrawnTask, Paper
from sandbox.setup_context import setup_context


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


def put_task(
    conn: Connection,
    candidate: Candidate,
    position: int,
    task: TaskSpec,
    *,
    exam_seed: int,
    exam_day: date,
    settings: RoomSettings,
    now: datetime,
    params: dict[str, Any] | None = None,
    pool: str | None = None,
    variant: int = 0,
) -> Assignment:
    """Draw the candidate's params (unless given), render their instructions, assign the task and run its setup
    in their tenant, all in the caller's transaction: a task is on a paper whole or not at all."""
    if params is None:
        params = task.draw(exam_seed=exam_seed, candidate=candidate.so_bao_danh, exam_day=exam_day)
    who = candidate_fields(candidate)
    instructions = task.instructions_for(params, who)
    assignment = Assignment(
        position, task.id, task.title, task.service, task.points, instructions, params, pool=pool, variant=variant
    )
    assign(conn, candidate, assignment, now=now)
    ctx = setup_context(conn, candidate, now=now, settings=settings, fixtures=task.folder, task_id=task.id)
    context = task.context(params, who)
    for step in task.setup:
        run_operation(ctx, step.operation, step.render(context))
    return assignment


def put_paper(
    conn: Connection,
    candidate: Candidate,
    paper: Paper,
    *,
    exam_seed: int,
    exam_day: date,
    settings: RoomSettings,
    now: datetime,
) -> None:
    """A drawn paper on the candidate's tenant, task by task, in the caller's transaction."""
    for position, drawn in enumerate(paper.tasks, start=1):
        put_task(
            conn,
            candidate,
            position,
            drawn.task,
            exam_seed=exam_seed,
            exam_day=exam_day,
            settings=settings,
            now=now,
            params=drawn.params,
            pool=drawn.pool,
            variant=drawn.variant,
        )


def stored_paper(conn: Connection, candidate: Candidate, bank: Mapping[str, TaskSpec]) -> Paper | None:
    """The paper a candidate was given, as the draw sees a neighbour's; None if it has no drawn task,
    or holds a task the bank no longer has."""
    drawn = []
    for assignment in assignments_for(conn, candidate.id):
        task = bank.get(assignment.task_id)
        if assignment.pool is None or task is None:
            return None
        drawn.append(DrawnTask(task, assignment.pool, assignment.params, assignment.variant))
    return Paper(candidate.so_bao_danh, tuple(drawn)) if drawn else None


def as_bank_has_it(conn: Connection, candidate: Candidate, bank: Mapping[str, TaskSpec]) -> bool:
    """Whether every task on the candidate's paper is as the bank has it now: still there, with the
    same title, points and (rendered with the same params) instructions."""
    who = candidate_fields(candidate)
    for assignment in assignments_for(conn, candidate.id):
        task = bank.get(assignment.task_id)
        if task is None or (task.title, task.points) != (assignment.title, assignment.points):
            return False
        if task.instructions_for(assignment.params, who) != assignment.instructions:
            return False
    return True


def candidate_fields(candidate: Candidate) -> dict[str, str]:
    """The candidate as templates see them (``{{ candidate.ho_ten }}``)."""
    return {name: str(getattr(candidate, name)) for name in CANDIDATE_FIELDS}
