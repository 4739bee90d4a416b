"""Group commit: the small write jobs that arrive together run in one transaction.

Each job runs inside its own savepoint, so one job's failure undoes only that job; the batch
commits once, and only then is each job's caller told it succeeded. An acknowledged job is
therefore durable (the commit came first), and the cost of BEGIN, of the lock and of the
commit's fsync is shared by every job of the batch instead of paid by each, which is what a
listener with many concurrent senders needs (see bench/smtp_delivery.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial
from typing import Generic, Protocol, TypeVar

from sqlalchemy.engine import Connection

from mock_services.core.db import Database

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)


class LoopGroupCommitter(Generic[T]):
    """Group commit on the event loop's own thread: jobs submitted while the loop is busy are
    written together at its next turn. No thread handoff and no contention for the interpreter
    lock (measured faster than a writer thread), at the price of the loop waiting for each commit."""

    def __init__(self, db: Database, *, max_batch: int = 64) -> None:
        self.db = db
        self.max_batch = max_batch
        self._pending: list[tuple[Callable[[Connection], T], asyncio.Future[T]]] = []

    def submit(self, job: Callable[[Connection], T]) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        if not self._pending:
            loop.call_soon(self._flush)
        self._pending.append((job, future))
        return future

    def _flush(self) -> None:
        batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
        if self._pending:
            asyncio.get_running_loop().call_soon(self._flush)
        commit_batch(self.db, batch)


class _Settleable(Protocol[T_contra]):
    def done(self) -> bool: ...
    def set_result(self, result: T_contra, /) -> None: ...
    def set_exception(self, exception: BaseException, /) -> None: ...


def commit_batch(db: Database, batch: Sequence[tuple[Callable[[Connection], T], _Settleable[T]]]) -> None:
    """Run the jobs in one transaction, each in its own savepoint; tell each caller after the commit."""
    settle: list[Callable[[], None]] = []  # told only once the batch is durable
    try:
        with db.write() as conn:
            for job, future in batch:
                savepoint = conn.begin_nested()
                try:
                    result = job(conn)
                except Exception as exc:
                    savepoint.rollback()
                    settle.append(partial(_tell, future, None, exc))
                else:
                    savepoint.commit()
                    settle.append(partial(_tell, future, result, None))
    except Exception as exc:  # the commit itself failed: nothing of the batch was written
        for _, future in batch:
            _tell(future, None, exc)
        return
    for tell in settle:
        tell()


def _tell(future: _Settleable[T], result: T | None, error: BaseException | None) -> None:
    if future.done():  # the caller went away (a client hung up): the job stands, nobody to tell
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)  # type: ignore[arg-type]
