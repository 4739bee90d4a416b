"""Group commit: jobs submitted together share one transaction, each in its own savepoint."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.engine import Connection

from mock_services.core.db import Database
from mock_services.core.group_commit import LoopGroupCommitter

scratch = MetaData()
notes = Table("group_commit_notes", scratch, Column("id", Integer, primary_key=True), Column("text", String(40)))


@pytest.fixture
def table_db(db: Database) -> Database:
    with db.write() as conn:
        scratch.drop_all(conn)
        scratch.create_all(conn)
    return db


def writer(text: str) -> Callable[[Connection], str]:
    def job(conn: Connection) -> str:
        conn.execute(insert(notes).values(text=text))
        if text.startswith("bad"):
            raise ValueError(text)
        return text

    return job


def stored(db: Database) -> list[str]:
    with db.read() as conn:
        return [row.text for row in conn.execute(select(notes).order_by(notes.c.id))]


def test_jobs_submitted_together_commit_together_and_a_failure_undoes_only_itself(table_db: Database) -> None:
    committer: LoopGroupCommitter[str] = LoopGroupCommitter(table_db)
    commits: list[int] = []
    real_write = table_db.write

    def counting_write() -> AbstractContextManager[Connection]:
        commits.append(1)
        return real_write()

    table_db.write = counting_write  # type: ignore[method-assign,assignment]

    async def main() -> list[object]:
        futures = [committer.submit(writer(text)) for text in ("một", "bad hai", "ba")]
        return await asyncio.gather(*futures, return_exceptions=True)

    results = asyncio.run(main())

    assert results[0] == "một"
    assert results[2] == "ba"
    assert isinstance(results[1], ValueError)
    assert stored(table_db) == ["một", "ba"]  # the failed job's row was rolled back, the others kept
    assert len(commits) == 1  # one transaction for the three


def test_a_caller_that_went_away_does_not_stop_the_others(table_db: Database) -> None:
    committer: LoopGroupCommitter[str] = LoopGroupCommitter(table_db)

    async def main() -> str:
        gone = committer.submit(writer("bỏ đi"))
        kept = committer.submit(writer("ở lại"))
        gone.cancel()
        return await kept

    assert asyncio.run(main()) == "ở lại"
    assert stored(table_db) == ["bỏ đi", "ở lại"]  # the job stands: its caller simply is not told
