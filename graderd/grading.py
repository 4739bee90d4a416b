"""Grading one candidate from the room's database: their chain read once and verified, each task
on their paper graded by the engine, the results pinned to the log head they read.

A broken chain grades nothing: every task is NOT_GRADABLE with the place of the break, never
a score. A task on the paper that the bank no longer has is NOT_GRADABLE too, by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from sqlalchemy.engine import Connection

from graderd import __version__
from graderd.engine import EventIndex, grade, not_gradable
from graderd.results import ItemResult, Outcome, TaskResult
from graderd.spec.model import TaskSpec
from graderd.spec.templates import CANDIDATE_FIELDS
from graderd.store import StoredResult
from graderd.trace import Event
from mock_services.contract import iter_events
from mock_services.core.accounts import Candidate
from mock_services.core.blobs import BlobError, BlobStore
from mock_services.core.exams import Assignment, assignments_for
from mock_services.core.verify import chain_break

BLOB_LIMIT = 2**40  # reading only: the room's limit applies when files are stored


class DatabaseBlobs:
    """The blob store, read in the grading transaction; a missing or corrupted blob is None."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.store = BlobStore(BLOB_LIMIT)

    def get(self, sha256: str, /) -> bytes | None:
        try:
            return self.store.get(self.conn, sha256)
        except BlobError:
            return None


def candidate_fields(candidate: Candidate) -> dict[str, str]:
    return {name: str(getattr(candidate, name)) for name in CANDIDATE_FIELDS}


def grade_candidate(
    conn: Connection, candidate: Candidate, bank: Mapping[str, TaskSpec], *, now: datetime
) -> list[StoredResult]:
    """Every task on the candidate's paper, graded from their whole chain."""
    records = list(iter_events(conn, candidate_id=candidate.id))
    head_seq, head_hash = (records[-1].seq, records[-1].hash) if records else (0, "")
    broken = chain_break(conn, candidate.id, records)
    paper = assignments_for(conn, candidate.id)
    events = EventIndex.of(Event.of(record) for record in records) if broken is None else EventIndex.of([])
    blobs = DatabaseBlobs(conn)
    who = candidate_fields(candidate)
    stored = []
    for assignment in paper:
        spec = bank.get(assignment.task_id)
        if spec is None:
            result = _missing_task(assignment)
        elif broken is not None:
            result = not_gradable(spec, f"Nhật ký thao tác bị hỏng (seq {broken.seq}): {broken.message}")
        else:
            result = grade(spec, assignment.params, events, blobs, candidate=who)
        stored.append(
            StoredResult(
                candidate_id=candidate.id,
                task_id=assignment.task_id,
                exam_id=candidate.exam_id,
                points=result.points,
                max_points=result.max_points,
                gradable=result.gradable,
                result=result.as_json(),
                spec_sha256=spec.sha256 if spec else "",
                grader_version=__version__,
                log_head_seq=head_seq,
                log_head_hash=head_hash,
                graded_at=now,
            )
        )
    return stored


def _missing_task(assignment: Assignment) -> TaskResult:
    reason = f"Ngân hàng đề không có đề {assignment.task_id}: không chấm được."
    item = ItemResult(
        assignment.task_id,
        assignment.title,
        Outcome.not_gradable,
        Decimal(0),
        assignment.points,
        False,
        (),
        reason,
    )
    return TaskResult(assignment.task_id, Decimal(0), assignment.points, (item,), reason)
