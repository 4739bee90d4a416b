"""Group commit: one writer thread runs many small write jobs in one transaction.

Each job runs inside its own savepoint, so one job's failure undoes only that job; the batch
commits once, and only then is each job's caller told it succeeded. An acknowledged job is
therefore durable (the commit came first), and the cost of BEGIN, of the lock and of the
commit's fsync is shared by every job of the batch instead of paid by each, which is what a
listener with many concurrent senders needs (see bench/smtp_delivery.py).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Generic, TypeVar

from sqlalchemy.engine import Connection

from mock_services.core.db import Database

T = TypeVar("T")

_STOP = object()


class GroupCommitter(Generic[T]):
    def __init__(self, db: Database, *, max_batch: int = 64, name: str = "group-commit") -> None:
        self.db = db
        self.max_batch = max_batch
        self._jobs: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[Connection], T]) -> Future[T]:
        """Run ``job(conn)`` in the next batch; the future resolves after the batch commits."""
        future: Future[T] = Future()
        self._jobs.put((job, future))
        return future

    def close(self) -> None:
        self._jobs.put(_STOP)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            item = self._jobs.get()
            if item is _STOP:
                return
            batch = [item]
            while len(batch) < self.max_batch:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    self._jobs.put(_STOP)
                    break
                batch.append(more)
            self._commit(batch)  # type: ignore[arg-type]

    def _commit(self, batch: list[tuple[Callable[[Connection], T], Future[T]]]) -> None:
        settle: list[Callable[[], None]] = []  # told only once the batch is durable
        try:
            with self.db.write() as conn:
                for job, future in batch:
                    savepoint = conn.begin_nested()
                    try:
                        result = job(conn)
                    except Exception as exc:
                        savepoint.rollback()
                        settle.append(partial(future.set_exception, exc))
                    else:
                        savepoint.commit()
                        settle.append(partial(future.set_result, result))
        except Exception as exc:  # the commit itself failed: nothing of the batch was written
            for _, future in batch:
                future.set_exception(exc)
            return
        for tell in settle:
            tell()
