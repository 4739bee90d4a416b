"""An exam's draw, as the room does it: the bank and the exam's blueprint loaded, each new
candidate's paper drawn (sandbox.draw) and put on their tenant, seat by seat, and the draw shown
to the operator.

The exam stores the blueprint it was created with (its id, sha256 and pools): candidates imported
later are drawn from the same blueprint, or not at all if its file has changed since, so that the
draw stays reproducible.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from graderd.spec.blueprint import Blueprint, load_blueprints
from graderd.spec.load import load_bank
from graderd.spec.model import DIFFICULTIES, TaskSpec
from mock_services.core.accounts import Candidate, candidates_of_exam
from mock_services.core.errors import SathachError
from mock_services.core.exams import Assignment, Exam, assignments_for
from mock_services.core.formatting import points
from mock_services.core.settings import RoomSettings
from sandbox.draw import DrawReport, Paper, draw_paper, report, seat_order
from sandbox.paper import put_paper, stored_paper

DEFAULT_BLUEPRINT = "thuc-hanh-2026"


class DrawError(SathachError):
    """The draw cannot be made (an unknown or changed blueprint) or was stopped (a setup that failed)."""


@dataclass(frozen=True, slots=True)
class Bank:
    tasks: list[TaskSpec]
    blueprints: dict[str, Blueprint]

    @property
    def by_id(self) -> dict[str, TaskSpec]:
        return {task.id: task for task in self.tasks}

    def blueprint(self, blueprint_id: str) -> Blueprint:
        if blueprint_id not in self.blueprints:
            known = ", ".join(sorted(self.blueprints)) or "none"
            raise DrawError(f"There is no blueprint {blueprint_id!r} in the bank's blueprints/; blueprints: {known}.")
        return self.blueprints[blueprint_id]


def load(tasks_dir: Path) -> Bank:
    """The bank and its blueprints; a ``SpecError`` (every problem, path:line:col) if either is broken."""
    tasks = load_bank(tasks_dir, shown_from=tasks_dir.parent, traces=False)
    blueprints = load_blueprints(tasks_dir, tasks, shown_from=tasks_dir.parent)
    return Bank(tasks, {blueprint.id: blueprint for blueprint in blueprints})


def blueprint_of(exam: Exam, bank: Bank) -> Blueprint | None:
    """The exam's blueprint as the bank has it now; refused if its file, or the tasks its pools take,
    changed since the exam was made."""
    stored = exam.drawn_from
    if stored is None:
        return None
    blueprint = bank.blueprint(str(stored["id"]))
    then = [(pool["id"], pool["tasks"]) for pool in stored["pools"]]
    now = [(pool.id, list(pool.task_ids)) for pool in blueprint.pools]
    if blueprint.sha256 != stored["sha256"] or then != now:
        raise DrawError(
            f"The blueprint {blueprint.id!r} or the tasks of its pools have changed since exam {exam.id} was created, "
            "so new candidates would not be drawn like the others: restore the file, or create a new exam."
        )
    return blueprint


def draw_new_candidates(
    conn: Connection,
    exam: Exam,
    new: Collection[int],
    bank: Bank,
    *,
    settings: RoomSettings,
    now: datetime,
) -> list[Paper]:
    """Draw the papers of the ``new`` candidates (ids, already inserted) in seat order, each seat
    after its neighbour's paper, and put them on their tenants; all in the caller's transaction
    (the demo's: made whole or not at all)."""
    blueprint = blueprint_of(exam, bank)
    if blueprint is None:
        return []
    seats = seated(candidates_of_exam(conn, exam.id))
    return [
        draw_seat(conn, exam, candidate, seats, blueprint, bank, settings=settings, now=now)
        for candidate in seats
        if candidate.id in new
    ]


def draw_seat(
    conn: Connection,
    exam: Exam,
    candidate: Candidate,
    seats: Sequence[Candidate],
    blueprint: Blueprint,
    bank: Bank,
    *,
    settings: RoomSettings,
    now: datetime,
) -> Paper:
    """Draw one candidate's paper after the paper of the seat before theirs (``seats`` in seat
    order), and put it on their tenant, in the caller's transaction."""
    by_id = bank.by_id
    index = next(i for i, seat in enumerate(seats) if seat.id == candidate.id)
    neighbour = stored_paper(conn, seats[index - 1], by_id) if index > 0 else None
    exam_day = exam.day(ZoneInfo(settings.timezone))
    paper = draw_paper(
        blueprint, by_id, seed=exam.seed, seat=candidate.so_bao_danh, exam_day=exam_day, neighbour=neighbour
    )
    put_paper(conn, candidate, paper, exam_seed=exam.seed, exam_day=exam_day, settings=settings, now=now)
    return paper


def waiting_for_paper(conn: Connection, exam: Exam) -> list[Candidate]:
    """The exam's candidates without a paper yet, in seat order."""
    return [
        candidate for candidate in seated(candidates_of_exam(conn, exam.id)) if not assignments_for(conn, candidate.id)
    ]


def seated(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Candidates in seat order (sandbox.draw.seat_order)."""
    return sorted(candidates, key=lambda candidate: seat_order(candidate.so_bao_danh))


def describe_blueprint(blueprint: Blueprint) -> list[str]:
    """The blueprint in a few lines: what every paper holds."""
    lines = [
        f"Blueprint {blueprint.id}: {blueprint.title}",
        f"  {blueprint.tasks_per_paper} tasks, {blueprint.points} points, {blueprint.minutes} minutes "
        f"(the longest paper takes {blueprint.longest_paper}); {blueprint.papers} different papers possible.",
    ]
    for pool in blueprint.pools:
        mix = ", ".join(f"{count} {DIFFICULTIES[level].lower()}" for level, count in pool.difficulty.items())
        worth = "" if pool.points is None else f", {pool.points} points"
        lines.append(f"  {pool.id}: {pool.draw} of {len(pool.task_ids)} tasks{worth} ({mix}): {pool.title}")
    return lines


def describe_draw(conn: Connection, exam: Exam) -> list[str]:
    """Every seat's paper, as the operator reads the draw back, and how neighbours differ."""
    view = draw_view(conn, exam)
    if view.blueprint is None:
        return [f"Exam {exam.id} has no blueprint: its papers are fixed, not drawn."]
    lines = [
        f"Exam {exam.id}, seed {exam.seed}, drawn from blueprint {view.blueprint['id']} "
        f"(sha256 {view.blueprint['sha256'][:12]})"
    ]
    for seat in view.seats:
        tasks = "  ".join(a.task_id + (f" (biến thể {a.variant})" if a.variant else "") for a in seat.assignments)
        lines.append(f"{seat.candidate.so_bao_danh:<10} {points(seat.points):>5} điểm  {tasks or '(chưa có đề)'}")
    return lines + view.report.lines()


@dataclass(frozen=True, slots=True)
class Seat:
    """One candidate's paper as the operator sees it."""

    candidate: Candidate
    assignments: list[Assignment]

    @property
    def points(self) -> Decimal:
        return sum((a.points for a in self.assignments), Decimal(0))


@dataclass(frozen=True, slots=True)
class DrawView:
    exam: Exam
    blueprint: dict[str, Any] | None  # as the exam stored it
    seats: list[Seat]
    report: DrawReport

    @property
    def pool_titles(self) -> dict[str, str]:
        return {pool["id"]: pool["title"] for pool in (self.blueprint or {}).get("pools", [])}


def draw_view(conn: Connection, exam: Exam) -> DrawView:
    seats = [Seat(c, assignments_for(conn, c.id)) for c in seated(candidates_of_exam(conn, exam.id))]
    compared = [[(a.task_id, a.params) for a in seat.assignments] for seat in seats]
    return DrawView(exam, exam.drawn_from, seats, report(compared))
