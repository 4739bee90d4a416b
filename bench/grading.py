"""Benchmark: grading a whole sitting against merely reading its events.

A synthetic sitting: ``CANDIDATES`` candidates with ``TASKS`` tasks each, drawn from the bank
(its tasks, cloned under new ids when the bank has fewer than ``TASKS``). Each candidate's log
is made of the bank's recorded exemplar traces, one per task, picked at random among full,
partial and empty attempts (setup deliveries, the candidate's actions, the assignment), plus
unrelated noise (messages opened, searches): the mix graderd meets on exam day.

Ours: ``graderd.grading.grade_candidate`` for every candidate: read the chain, verify it, rebuild
state, evaluate every task's rubric, build the results. Floor: read the same candidates' events
and parse them into records (``iter_events``), nothing else. The two alternate, candidate batch
by candidate batch, so drift hits both alike. The figure is ours ÷ floor in time (aim ≤ 3).
"""

from __future__ import annotations

import dataclasses
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from bench.measure import Result, Side
from graderd.grading import grade_candidate
from graderd.spec.load import load_bank
from graderd.spec.model import TaskSpec
from graderd.spec.problems import Problems
from graderd.trace import read_trace
from mock_services import catalog
from mock_services.contract import iter_events, lookup
from mock_services.core import log
from mock_services.core.accounts import Candidate, NewCandidate, candidates_of_exam
from mock_services.core.blobs import BlobStore
from mock_services.core.db import Database
from mock_services.core.events import Actor, EventContext
from mock_services.core.exams import Assignment, add_assignment, create_exam
from sandbox import roster
from sandbox.recording import EXAM_START

TraceEvent = tuple[str, str, str, dict[str, Any], timedelta]  # actor, verb, object id, data, offset
BANK = Path(__file__).resolve().parent.parent / "tasks"
CANDIDATES = 1000
TASKS = 8
BATCH = 50


def sitting_bank(bank: list[TaskSpec], tasks: int = TASKS) -> list[TaskSpec]:
    """``tasks`` distinct tasks: the bank's, then clones of them under new ids."""
    chosen = list(bank)
    copy = 1
    while len(chosen) < tasks:
        for task in bank[: tasks - len(chosen)]:
            chosen.append(dataclasses.replace(task, id=f"{task.id}-{copy}"))
        copy += 1
    return chosen[:tasks]


def run(candidates: int = CANDIDATES, directory: Path | None = None, seed: int = 7) -> Result:
    bank = sitting_bank(load_bank(BANK))
    by_id = {task.id: task for task in bank}
    with tempfile.TemporaryDirectory(prefix="sathach-bench-", dir=directory) as tmp:
        db = Database(f"sqlite:///{tmp}/room.db")
        catalog.prepare_schema(db)
        people = _seed(db, bank, candidates, random.Random(seed))
        ours: list[float] = []
        floor: list[float] = []
        now = datetime.now(UTC)
        for start in range(0, len(people), BATCH):
            batch = people[start : start + BATCH]
            began = time.perf_counter()
            with db.read() as conn:
                for person in batch:
                    list(iter_events(conn, candidate_id=person.id))
            floor.append((time.perf_counter() - began) / len(batch))
            began = time.perf_counter()
            with db.read() as conn:
                for person in batch:
                    grade_candidate(conn, person, by_id, now=now)
            ours.append((time.perf_counter() - began) / len(batch))
        db.dispose()
    # Per candidate: the ratio is grading's rate over the floor's; grading within 3x the floor is >= 0.33.
    return Result(
        Side(f"grade ({TASKS} tasks)", ours),
        Side("read+parse", floor),
        "floor time / grading time",
        "cand./s",
        target=1 / 3,
    )


def _seed(db: Database, bank: list[TaskSpec], count: int, rng: random.Random) -> list[Candidate]:
    people = [
        NewCandidate(f"TS{n:04d}", f"Thí sinh số {n}", "Chuyên viên", "UBND phường Ninh Kiều", f"ts{n:04d}@egov.test")
        for n in range(1, count + 1)
    ]
    prepared = roster.prepare(people[:1], secret=b"bench-secret-of-at-least-32-characters!")
    hash_, sealed = prepared[0][1], prepared[0][2]  # one argon2 hash for all: the bench grades, it never logs in
    traces = {task.id: [_trace(task, exemplar.trace) for exemplar in task.exemplars] for task in bank}
    blobs = BlobStore(2**30)
    now = EXAM_START
    with db.write() as conn:
        exam = create_exam(conn, name="Bench", starts_at=EXAM_START, duration_minutes=60, seed=1, now=now)
        roster.insert_candidates(conn, exam.id, [(p, hash_, sealed) for p in people], now=now)
        for task in bank:
            for path in task.folder.rglob("*"):
                if path.is_file() and path.suffix != ".jsonl":
                    blobs.put(conn, path.read_bytes(), now=now)
        found = candidates_of_exam(conn, exam.id)
        for candidate in found:
            for position, task in enumerate(bank, start=1):
                params = task.example_params()
                assignment = Assignment(position, task.id, task.title, task.service, task.points, "…", params)
                add_assignment(conn, exam_id=exam.id, candidate_id=candidate.id, assignment=assignment)
                for event in rng.choice(traces[task.id]):
                    _append(conn, candidate, event)
                _noise(conn, candidate, rng)
    return found


def _trace(task: TaskSpec, path: Path) -> list[TraceEvent]:
    problems = Problems()
    events = read_trace(path, problems)
    if problems:
        raise SystemExit(f"bench: a trace does not read: {problems.found[0]}")
    first = events[0].at if events else EXAM_START
    return [(e.actor, e.verb, e.object_id, e.data, e.at - first) for e in events if e.verb != "exam.task_assigned"]


def _append(conn: Connection, candidate: Candidate, event: TraceEvent) -> None:
    actor, verb, object_id, data, offset = event
    log.append(
        conn,
        candidate,
        actor=Actor(actor),
        event=lookup(verb).model_validate(data),
        object_id=object_id,
        now=EXAM_START + offset,
        context=EventContext(session_id="bench"),
    )


def _noise(conn: Connection, candidate: Candidate, rng: random.Random) -> None:
    """Actions no rubric looks at: searches, as a candidate finds their way around."""
    searched = lookup("mail.searched")
    for n in range(rng.randint(3, 12)):
        log.append(
            conn,
            candidate,
            actor=Actor.candidate,
            event=searched.model_validate({"query": {"text": f"báo cáo {n}"}, "results": n}),
            object_id="mailbox",
            now=EXAM_START + timedelta(minutes=n),
            context=EventContext(session_id="bench"),
        )


def summary(result: Result) -> dict[str, float]:
    return {
        "grading_per_second": round(result.ours.per_second, 1),
        "read_parse_per_second": round(result.bare.per_second, 1),
        "grading_time_over_floor": round(1 / result.ratio, 2),
    }
