"""graderd's own tables: the latest result of every (candidate, task), pinned to what produced it.

graderd never writes a service's state; it keeps only its results, in tables of its own
(created on start, beside the room's). A stored result names the spec's sha256, the grader
version and the log head it read (seq and hash), so a score can always be reproduced, and a
regrade can say exactly what changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
)
from sqlalchemy.engine import Connection

from graderd.results import tidy
from mock_services.core.db import Database, UTCDateTime

grader_metadata = MetaData()

results = Table(
    "grader_results",
    grader_metadata,
    Column("candidate_id", Integer, primary_key=True),
    Column("task_id", String(120), primary_key=True),
    Column("exam_id", Integer, nullable=False, index=True),
    Column("points", Numeric(8, 2), nullable=False),
    Column("max_points", Numeric(8, 2), nullable=False),
    Column("gradable", Boolean, nullable=False),
    Column("result", Text, nullable=False),  # TaskResult.as_json()
    Column("spec_sha256", String(64), nullable=False),
    Column("grader_version", String(40), nullable=False),
    Column("log_head_seq", BigInteger, nullable=False),
    Column("log_head_hash", String(64), nullable=False),
    Column("graded_at", UTCDateTime, nullable=False),
)


def ensure_tables(db: Database) -> None:
    with db.write() as conn:
        grader_metadata.create_all(conn, checkfirst=True)


@dataclass(frozen=True, slots=True)
class StoredResult:
    candidate_id: int
    task_id: str
    exam_id: int
    points: Decimal
    max_points: Decimal
    gradable: bool
    result: dict[str, Any]
    spec_sha256: str
    grader_version: str
    log_head_seq: int
    log_head_hash: str
    graded_at: datetime

    def pin(self) -> tuple[str, str, int, str]:
        """What the result was produced from: if this is unchanged, so is the result."""
        return self.spec_sha256, self.grader_version, self.log_head_seq, self.log_head_hash


def replace_results(conn: Connection, candidate_id: int, rows: Iterable[StoredResult]) -> None:
    """The candidate's results become ``rows``, in the caller's transaction."""
    conn.execute(delete(results).where(results.c.candidate_id == candidate_id))
    values = [
        {
            "candidate_id": row.candidate_id,
            "task_id": row.task_id,
            "exam_id": row.exam_id,
            "points": row.points,
            "max_points": row.max_points,
            "gradable": row.gradable,
            "result": orjson.dumps(row.result).decode(),
            "spec_sha256": row.spec_sha256,
            "grader_version": row.grader_version,
            "log_head_seq": row.log_head_seq,
            "log_head_hash": row.log_head_hash,
            "graded_at": row.graded_at,
        }
        for row in rows
    ]
    if values:
        conn.execute(insert(results), values)


def all_results(conn: Connection) -> list[StoredResult]:
    rows = conn.execute(select(results).order_by(results.c.candidate_id, results.c.task_id)).mappings()
    return [_stored(row) for row in rows]


def results_of_exam(conn: Connection, exam_id: int) -> list[StoredResult]:
    rows = conn.execute(
        select(results).where(results.c.exam_id == exam_id).order_by(results.c.candidate_id, results.c.task_id)
    ).mappings()
    return [_stored(row) for row in rows]


def results_of_candidate(conn: Connection, candidate_id: int) -> list[StoredResult]:
    rows = conn.execute(
        select(results).where(results.c.candidate_id == candidate_id).order_by(results.c.task_id)
    ).mappings()
    return [_stored(row) for row in rows]


def _stored(row: Any) -> StoredResult:
    return StoredResult(
        candidate_id=row["candidate_id"],
        task_id=row["task_id"],
        exam_id=row["exam_id"],
        points=tidy(Decimal(row["points"])),
        max_points=tidy(Decimal(row["max_points"])),
        gradable=row["gradable"],
        result=orjson.loads(row["result"]),
        spec_sha256=row["spec_sha256"],
        grader_version=row["grader_version"],
        log_head_seq=row["log_head_seq"],
        log_head_hash=row["log_head_hash"],
        graded_at=row["graded_at"],
    )
