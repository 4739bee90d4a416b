"""The draw: each candidate's practical paper, from a blueprint, with the exam's seed.

- Reproducible: a seat's paper depends only on the exam's seed, the seat (số báo danh), the
  blueprint, the bank and the paper of the seat before it. The same inputs draw the same papers.
- Balanced: every pool gives every paper the same number of tasks in the same mix of difficulty,
  and the pools' choices add up to the blueprint's points (graderd.spec.blueprint): every paper has
  the same total and the same mix. Pool by pool, a choice is taken only if the pools after it can
  still complete the total.
- Neighbours differ: seats are taken in số báo danh order, as a room seats them (TS2 before TS10). In each pool a
  seat gets, among the pool's combinations, one that shares as few tasks as possible with the seat
  before it; a task they still share is drawn in another variant (its params drawn afresh) until
  its values differ, where the task's params allow it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graderd.spec.blueprint import Blueprint, Pool
from graderd.spec.model import TaskSpec
from graderd.spec.params import seeded

MAX_VARIANTS = 20  # tries at params that differ from the neighbour's before accepting the same


def seat_order(so_bao_danh: str) -> tuple[tuple[int, int | str], ...]:
    """Seats in the order a room numbers them: TS2 before TS10 (numbers compared as numbers), the
    same on every database."""
    parts = re.findall(r"\d+|\D+", so_bao_danh)
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts)


@dataclass(frozen=True, slots=True)
class DrawnTask:
    task: TaskSpec
    pool: str
    params: dict[str, Any]
    variant: int  # 0 is the seat's own draw; above 0, drawn afresh to differ from the neighbour's


@dataclass(frozen=True, slots=True)
class Paper:
    seat: str  # the candidate's số báo danh
    tasks: tuple[DrawnTask, ...]

    @property
    def points(self) -> Decimal:
        return sum((drawn.task.points for drawn in self.tasks), Decimal(0))

    @property
    def minutes(self) -> int:
        return sum(drawn.task.minutes for drawn in self.tasks)

    @property
    def task_ids(self) -> tuple[str, ...]:
        return tuple(drawn.task.id for drawn in self.tasks)

    def compared(self) -> list[tuple[str, dict[str, Any]]]:
        """The paper as ``report`` compares papers."""
        return [(drawn.task.id, drawn.params) for drawn in self.tasks]

    def in_pool(self, pool: str) -> dict[str, DrawnTask]:
        return {drawn.task.id: drawn for drawn in self.tasks if drawn.pool == pool}


def draw_papers(
    blueprint: Blueprint,
    bank: Sequence[TaskSpec],
    *,
    seed: int,
    seats: Sequence[str],
    exam_day: dt.date,
    before: Paper | None = None,
) -> list[Paper]:
    """The papers of ``seats``, in seat order; ``before`` is the paper of the seat before the first
    (candidates imported earlier)."""
    by_id = {task.id: task for task in bank}
    papers: list[Paper] = []
    neighbour = before
    for seat in sorted(seats, key=seat_order):
        paper = draw_paper(blueprint, by_id, seed=seed, seat=seat, exam_day=exam_day, neighbour=neighbour)
        papers.append(paper)
        neighbour = paper
    return papers


def draw_paper(
    blueprint: Blueprint,
    by_id: Mapping[str, TaskSpec],
    *,
    seed: int,
    seat: str,
    exam_day: dt.date,
    neighbour: Paper | None,
) -> Paper:
    rng = seeded(seed, "paper", seat)
    drawn: list[DrawnTask] = []
    so_far = Decimal(0)
    for index, pool in enumerate(blueprint.pools):
        theirs = neighbour.in_pool(pool.id) if neighbour is not None else {}
        open_ = [chosen for chosen in pool.combinations if blueprint.completable(index, so_far, chosen)]
        chosen = _choose(open_, theirs, rng)
        so_far += pool.weights[chosen][0]
        for task_id in chosen:
            task = by_id[task_id]
            other = theirs.get(task_id)
            drawn.append(_with_params(task, pool, seed=seed, seat=seat, exam_day=exam_day, avoid=other))
    return Paper(seat, tuple(drawn))


def _choose(
    combinations: Sequence[tuple[str, ...]], theirs: Mapping[str, DrawnTask], rng: random.Random
) -> tuple[str, ...]:
    """One of the combinations, sharing as few tasks with the neighbour's as any can."""
    shared = [len(set(chosen) & theirs.keys()) for chosen in combinations]
    fewest = min(shared)
    return rng.choice([chosen for chosen, n in zip(combinations, shared, strict=True) if n == fewest])


def _with_params(
    task: TaskSpec, pool: Pool, *, seed: int, seat: str, exam_day: dt.date, avoid: DrawnTask | None
) -> DrawnTask:
    params = task.draw(exam_seed=seed, candidate=seat, exam_day=exam_day)
    variant = 0
    while avoid is not None and params == avoid.params and variant < MAX_VARIANTS:
        variant += 1
        params = task.draw(exam_seed=seed, candidate=seat, exam_day=exam_day, variant=variant)
    if avoid is not None and params == avoid.params:
        variant = 0  # the task has one variant only: the neighbour's, as the bank allows
        params = avoid.params
    return DrawnTask(task, pool.id, params, variant)


@dataclass(frozen=True, slots=True)
class DrawReport:
    """What the operator is shown about a draw."""

    papers: int
    different_papers: int  # distinct sets of tasks
    neighbours: int  # pairs of adjacent seats
    neighbours_sharing_a_task: int
    neighbours_sharing_a_variant: int  # the same task with the same params
    waiting: int = 0  # candidates without a paper yet

    def lines(self) -> list[str]:
        lines = [
            f"{self.papers} papers, {self.different_papers} different sets of tasks.",
            f"Neighbouring seats: {self.neighbours} pairs; {self.neighbours_sharing_a_task} share a task, "
            f"{self.neighbours_sharing_a_variant} share a task in the same variant.",
        ]
        if self.waiting:
            lines.append(
                f"{self.waiting} candidates have no paper yet: `python -m sandbox draw-papers EXAM` draws them."
            )
        return lines


Drawn = Sequence[tuple[str, Mapping[str, Any]]]  # a paper as the report compares it: (task id, params)


def report(papers: Sequence[Drawn]) -> DrawReport:
    """How the draw went, from the papers in seat order (empty for a seat without a paper yet:
    counted apart, and never anyone's neighbour)."""
    pairs = [(first, second) for first, second in itertools.pairwise(papers) if first and second]
    waiting = sum(1 for paper in papers if not paper)
    papers = [paper for paper in papers if paper]
    sharing_task = sharing_variant = 0
    for first, second in pairs:
        mine = dict(first)
        common = [(task_id, params) for task_id, params in second if task_id in mine]
        sharing_task += bool(common)
        sharing_variant += any(mine[task_id] == params for task_id, params in common)
    return DrawReport(
        papers=len(papers),
        different_papers=len({frozenset(task_id for task_id, _ in paper) for paper in papers}),
        neighbours=len(pairs),
        neighbours_sharing_a_task=sharing_task,
        neighbours_sharing_a_variant=sharing_variant,
        waiting=waiting,
    )
