"""The database layer: SQLite's durability settings, how writers queue, and URLs an operator gets wrong."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select, text
from sqlalchemy.exc import StatementError

from mock_services.core.db import Database, DatabaseUnavailable, UTCDateTime

scratch = MetaData()
numbers = Table("numbers", scratch, Column("n", Integer, nullable=False))
moments = Table("moments", scratch, Column("id", Integer, primary_key=True), Column("at", UTCDateTime))


@pytest.fixture
def file_db(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'room.db'}")
    scratch.create_all(db.engine)
    yield db
    db.dispose()


@pytest.fixture
def any_db(backend_url: str) -> Iterator[Database]:
    db = Database(backend_url)
    scratch.create_all(db.engine)
    yield db
    db.dispose()


def count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(numbers)).scalar_one())


def test_sqlite_connections_are_wal_full_sync_with_foreign_keys(file_db: Database) -> None:
    for use in (file_db.read, file_db.write):
        with use() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_sqlite_files_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "du-lieu" / "phong-1" / "room.db"

    db = Database(f"sqlite:///{path}")
    db.check()
    db.dispose()

    assert path.is_file()


def test_a_second_writer_waits_for_the_first_and_sees_its_row(file_db: Database) -> None:
    """BEGIN IMMEDIATE: a writer that reads first must not fail when the lock frees with a stale snapshot."""
    holding = threading.Event()
    first_committed_at: list[float] = []
    errors: list[BaseException] = []

    def first_writer() -> None:
        try:
            with file_db.write() as conn:
                conn.execute(insert(numbers).values(n=1))
                holding.set()
                time.sleep(0.3)
            first_committed_at.append(time.monotonic())
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            holding.set()

    thread = threading.Thread(target=first_writer)
    thread.start()
    assert holding.wait(5)
    started = time.monotonic()
    with file_db.write() as conn:
        seen = conn.execute(select(func.count()).select_from(numbers)).scalar_one()
        conn.execute(insert(numbers).values(n=seen + 1))
    finished = time.monotonic()
    thread.join(5)

    assert errors == []
    assert seen == 1
    assert finished - started >= 0.2
    assert first_committed_at
    assert first_committed_at[0] <= finished
    with file_db.read() as conn:
        assert sorted(conn.execute(select(numbers.c.n)).scalars()) == [1, 2]


def test_a_read_proceeds_while_a_write_transaction_is_open(file_db: Database) -> None:
    with file_db.write() as conn:
        conn.execute(insert(numbers).values(n=1))
    holding = threading.Event()
    done_reading = threading.Event()

    def writer() -> None:
        with file_db.write() as conn:
            conn.execute(insert(numbers).values(n=2))
            holding.set()
            done_reading.wait(5)

    thread = threading.Thread(target=writer)
    thread.start()
    assert holding.wait(5)
    started = time.monotonic()
    seen = count(file_db)
    elapsed = time.monotonic() - started
    done_reading.set()
    thread.join(5)

    assert elapsed < 1.0
    assert seen == 1, "the read sees the last committed state, not the open write"
    assert count(file_db) == 2


def test_write_rolls_back_on_an_exception(any_db: Database) -> None:
    with any_db.write() as conn:
        conn.execute(insert(numbers).values(n=1))

    def write_then_fail() -> None:
        with any_db.write() as conn:
            conn.execute(insert(numbers).values(n=2))
            conn.execute(insert(numbers).values(n=3))
            raise RuntimeError("halfway")

    with pytest.raises(RuntimeError, match="halfway"):
        write_then_fail()

    with any_db.read() as conn:
        assert list(conn.execute(select(numbers.c.n)).scalars()) == [1]


def test_utc_datetimes_come_back_aware_and_utc(any_db: Database) -> None:
    saigon = timezone(timedelta(hours=7))
    with any_db.write() as conn:
        conn.execute(insert(moments).values(id=1, at=datetime(2026, 11, 24, 8, 0, tzinfo=saigon)))
        conn.execute(insert(moments).values(id=2, at=datetime(2026, 11, 24, 1, 0, 30, 250, tzinfo=UTC)))
        conn.execute(insert(moments).values(id=3, at=None))

    with any_db.read() as conn:
        stored = dict(conn.execute(select(moments.c.id, moments.c.at)).all())

    assert stored[1] == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    assert stored[2] == datetime(2026, 11, 24, 1, 0, 30, 250, tzinfo=UTC)
    assert stored[1].utcoffset() == timedelta(0)
    assert stored[2].tzinfo is UTC
    assert stored[3] is None


def test_utc_datetime_refuses_a_naive_datetime(any_db: Database) -> None:
    with pytest.raises(StatementError, match="naive"), any_db.write() as conn:
        conn.execute(insert(moments).values(id=1, at=datetime(2026, 11, 24, 8, 0)))

    with any_db.read() as conn:
        assert conn.execute(select(func.count()).select_from(moments)).scalar_one() == 0
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 11, 24, 8, 0), None)


@pytest.mark.parametrize("url", ["not a url", "postgresql+psycopg://sathach:hunter2@127.0.0.1:54x2/sathach"])
def test_a_malformed_url_is_refused_in_a_sentence(url: str) -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        Database(url)

    assert "URL" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_an_unsupported_backend_is_refused_naming_what_is_supported() -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        Database("mysql://x/y")

    message = str(caught.value)
    assert "mysql" in message
    assert "SQLite" in message
    assert "PostgreSQL" in message


def test_an_unreachable_postgresql_is_named_without_its_password() -> None:
    db = Database("postgresql+psycopg://sathach:hunter2-secret@127.0.0.1:1/sathach")

    with pytest.raises(DatabaseUnavailable) as caught:
        db.check()
    db.dispose()

    message = str(caught.value)
    assert "127.0.0.1:1/sathach" in message
    assert "SATHACH_DATABASE_URL" in message
    assert "hunter2-secret" not in message
    assert len(message.splitlines()) == 1


def test_a_transaction_inside_another_in_the_same_thread_gets_its_own_connection(file_db: Database) -> None:
    with file_db.read() as outer:
        with file_db.write() as inner:
            assert inner is not outer
            inner.execute(text("CREATE TABLE nested_ok (x INTEGER)"))
        assert outer.in_transaction()
    with file_db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM nested_ok")).scalar() == 0


def test_a_finished_threads_connection_goes_back(file_db: Database) -> None:
    import gc

    def work() -> None:
        with file_db.write() as conn:
            conn.execute(text("SELECT 1"))

    threads = [threading.Thread(target=work) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    del threads, thread
    gc.collect()
    assert len(file_db._held) == 0
