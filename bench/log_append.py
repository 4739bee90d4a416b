"""Benchmark: action-log appends, each in its own transaction, against bare SQLite inserts.

Both sides write the same rows to SQLite files on the same disk with the same pragmas (WAL,
synchronous=FULL), one transaction per row, interleaved in rounds so that drift in the
machine's speed hits both alike. The baseline is the floor: `sqlite3` executing one prepared
INSERT per transaction, no hashing, no validation, no SQLAlchemy. The figure that matters is
the ratio of appends per second to bare inserts per second (target >= 0.5), and the p99
latency of one append.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.measure import Result, Side
from mock_services import catalog
from mock_services.core import log
from mock_services.core.accounts import Candidate, NewCandidate, candidates_of_exam
from mock_services.core.db import Database
from mock_services.core.events import Actor, EventContext
from mock_services.core.exams import create_exam
from mock_services.portal.events import LoginFailed
from sandbox import roster

BARE_SCHEMA = """
CREATE TABLE events (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, exam_id INTEGER NOT NULL, candidate_id INTEGER NOT NULL,
    actor TEXT NOT NULL, verb TEXT NOT NULL, object_kind TEXT NOT NULL, object_id TEXT NOT NULL,
    data TEXT NOT NULL, context TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
)
"""
BARE_INSERT = "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def run(rounds: int = 5, per_round: int = 1000, directory: Path | None = None) -> Result:
    with tempfile.TemporaryDirectory(prefix="sathach-bench-", dir=directory) as tmp:
        db = Database(f"sqlite:///{tmp}/log.db")
        catalog.prepare_schema(db)
        candidates = _seed(db)
        bare = sqlite3.connect(f"{tmp}/bare.db", isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL"):
            bare.execute(f"PRAGMA {pragma}")
        bare.execute(BARE_SCHEMA)

        ours: list[float] = []
        baseline: list[float] = []
        for round_number in range(rounds):
            rows = []
            for i in range(per_round):
                candidate = candidates[i % len(candidates)]
                event = LoginFailed(reason="wrong_password", client=f"10.0.{round_number}.{i % 250}")
                context = EventContext(session_id="0123456789abcdef0123456789abcdef", client="10.0.0.1")
                started = time.perf_counter()
                with db.write() as conn:
                    record = log.append(
                        conn,
                        candidate,
                        actor=Actor.candidate,
                        event=event,
                        object_id=str(candidate.id),
                        now=datetime.now(UTC),
                        context=context,
                    )
                ours.append(time.perf_counter() - started)
                rows.append(record)
            for record in rows:
                values = (
                    record.seq,
                    record.at.isoformat(),
                    record.exam_id,
                    record.candidate_id,
                    record.actor,
                    record.verb,
                    record.object_kind,
                    record.object_id,
                    str(record.data),
                    str(record.context),
                    record.prev_hash,
                    record.hash,
                )
                started = time.perf_counter()
                bare.execute("BEGIN")
                bare.execute(BARE_INSERT, values)
                bare.execute("COMMIT")
                baseline.append(time.perf_counter() - started)
        bare.close()
        db.dispose()
    return Result(
        Side("action log append", ours), Side("bare sqlite3 insert", baseline), ratio_label="appends / bare inserts"
    )


def _seed(db: Database) -> list[Candidate]:
    now = datetime.now(UTC)
    with db.write() as conn:
        exam = create_exam(conn, name="bench", starts_at=now, duration_minutes=60, seed=1, now=now)
    people = [
        NewCandidate(f"B{i:03d}", f"Thí sinh {i}", "Chuyên viên", "UBND phường", f"b{i}@x.egov.test") for i in range(10)
    ]
    roster.import_candidates(db, exam.id, people, secret=b"x" * 32, now=now)
    with db.read() as conn:
        return candidates_of_exam(conn, exam.id)


def summary(result: Result) -> dict[str, float]:
    return {
        "appends_per_second": round(result.ours.per_second, 1),
        "bare_inserts_per_second": round(result.bare.per_second, 1),
        "ratio": round(result.ratio, 3),
        "append_p50_ms": round(result.ours.percentile(50) * 1e3, 3),
        "append_p99_ms": round(result.ours.percentile(99) * 1e3, 3),
        "bare_p99_ms": round(result.bare.percentile(99) * 1e3, 3),
        "append_mean_ms": round(statistics.fmean(result.ours.latencies) * 1e3, 3),
    }
