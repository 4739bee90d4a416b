"""The grader daemon: follows the action log and regrades every candidate it touches.

On start it grades every candidate with events (results already pinned to the same spec,
grader version and log head are left as they are); then it polls the log every
``POLL_SECONDS`` from the last seq it has seen, and regrades each candidate whose chain grew,
within a second of the action. Regrades asked for by a grader go through the same lock, with
a dry run that shows the differences before anything is stored.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from graderd.grading import grade_candidate
from graderd.spec.model import TaskSpec
from graderd.store import StoredResult, all_results, replace_results, results_of_candidate
from mock_services.contract import head_seq, select_events
from mock_services.core.accounts import Candidate, candidates, get_candidate
from mock_services.core.clock import utcnow
from mock_services.core.db import Database
from mock_services.core.log import chain_heads

log = logging.getLogger("graderd")
POLL_SECONDS = 0.25
BATCH = 5000


@dataclass(frozen=True, slots=True)
class Change:
    """One (candidate, task) whose result a regrade changes."""

    candidate_id: int
    so_bao_danh: str
    task_id: str
    old_points: Decimal | None
    new_points: Decimal
    items: tuple[str, ...]  # "item: old → new" for each item whose outcome or points changed

    def as_json(self) -> dict[str, object]:
        return {
            "candidate_id": self.candidate_id,
            "so_bao_danh": self.so_bao_danh,
            "task_id": self.task_id,
            "old_points": None if self.old_points is None else str(self.old_points),
            "new_points": str(self.new_points),
            "items": list(self.items),
        }


@dataclass
class Regrade:
    candidates: int = 0
    changes: list[Change] = field(default_factory=list)
    committed: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "candidates": self.candidates,
            "committed": self.committed,
            "changes": [change.as_json() for change in self.changes],
        }


class Grader:
    """The bank, the database, and the one lock under which results are computed and stored."""

    def __init__(self, db: Database, bank: Iterable[TaskSpec]) -> None:
        self.db = db
        self.bank: Mapping[str, TaskSpec] = {task.id: task for task in bank}
        self.lock = threading.Lock()
        self.position = 0  # the last seq graded

    # -- grading

    def compute(self, candidate_ids: Iterable[int]) -> dict[int, tuple[Candidate, list[StoredResult]]]:
        now = utcnow()
        found = {}
        with self.db.read() as conn:
            for candidate_id in candidate_ids:
                candidate = get_candidate(conn, candidate_id)
                if candidate is not None:
                    found[candidate_id] = (candidate, grade_candidate(conn, candidate, self.bank, now=now))
        return found

    def store(self, computed: Mapping[int, tuple[Candidate, list[StoredResult]]]) -> None:
        with self.db.write() as conn:
            for candidate_id, (_, rows) in computed.items():
                replace_results(conn, candidate_id, rows)

    def regrade(self, *, exam_id: int, candidate_id: int | None = None, dry_run: bool = True) -> Regrade:
        """Grade again (after a spec was corrected, say); with ``dry_run`` only say what would change."""
        with self.lock:
            with self.db.read() as conn:
                query = select(candidates.c.id).where(candidates.c.exam_id == exam_id)
                if candidate_id is not None:
                    query = query.where(candidates.c.id == candidate_id)
                ids = list(conn.execute(query.order_by(candidates.c.id)).scalars())
                before = {cid: {r.task_id: r for r in results_of_candidate(conn, cid)} for cid in ids}
            computed = self.compute(ids)
            outcome = Regrade(candidates=len(ids))
            for cid, (candidate, rows) in computed.items():
                outcome.changes += _changes(candidate, before.get(cid, {}), rows)
            if not dry_run:
                self.store(computed)
                outcome.committed = True
            return outcome

    # -- following the log

    def catch_up(self) -> int:
        """Grade every candidate whose stored results are missing or older than their chain."""
        with self.db.read() as conn:
            self.position = head_seq(conn)
            heads = dict(conn.execute(select(chain_heads.c.candidate_id, chain_heads.c.last_seq)).all())
            stored: dict[int, list[StoredResult]] = {}
            for row in all_results(conn):
                stored.setdefault(row.candidate_id, []).append(row)
        stale = [cid for cid, last_seq in heads.items() if not self._current(stored.get(cid, []), last_seq)]
        self._grade_and_store(stale)
        return len(stale)

    def _current(self, stored: list[StoredResult], last_seq: int) -> bool:
        return bool(stored) and all(
            row.log_head_seq == last_seq
            and row.task_id in self.bank
            and row.spec_sha256 == self.bank[row.task_id].sha256
            for row in stored
        )

    def step(self) -> int:
        """Regrade the candidates whose chains grew since the last step; how many."""
        with self.db.read() as conn:
            fresh = select_events(conn, self.position, BATCH)
        if not fresh:
            return 0
        touched = sorted({event.candidate_id for event in fresh})
        self._grade_and_store(touched)
        self.position = fresh[-1].seq
        return len(touched)

    def _grade_and_store(self, candidate_ids: list[int]) -> None:
        with self.lock:
            for start in range(0, len(candidate_ids), 50):
                self.store(self.compute(candidate_ids[start : start + 50]))

    def follow(self, stop: threading.Event) -> None:
        """Catch up, then follow the log until ``stop`` is set; a failing step is logged and retried."""
        try:
            graded = self.catch_up()
            log.info("graderd: %d candidates graded on start; following the log from seq %d", graded, self.position)
        except Exception:
            log.exception("graderd: grading on start failed; following the log anyway")
        while not stop.wait(POLL_SECONDS):
            try:
                self.step()
            except Exception:
                log.exception("graderd: a grading step failed; it will be retried")


def _changes(candidate: Candidate, before: Mapping[str, StoredResult], rows: list[StoredResult]) -> list[Change]:
    changes = []
    for row in rows:
        old = before.get(row.task_id)
        old_items = {item["id"]: item for item in old.result["items"]} if old else {}
        items = []
        for item in row.result["items"]:
            previous = old_items.get(item["id"])
            if previous is None or (previous["outcome"], previous["points"]) != (item["outcome"], item["points"]):
                was = f"{previous['outcome']} {previous['points']}" if previous else "chưa chấm"
                items.append(f"{item['id']}: {was} → {item['outcome']} {item['points']}")
        if old is None or old.points != row.points or items:
            changes.append(
                Change(
                    candidate.id,
                    candidate.so_bao_danh,
                    row.task_id,
                    old.points if old else None,
                    row.points,
                    tuple(items),
                )
            )
    return changes
