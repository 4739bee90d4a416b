"""The database: one SQLAlchemy engine per process, SQLite by default, PostgreSQL by URL.

Both backends mean the same thing by ``read()`` and ``write()``:

- ``write()`` transactions run one at a time. SQLite opens them with ``BEGIN IMMEDIATE`` (so
  two writers queue on the lock instead of one failing halfway when it tries to upgrade);
  PostgreSQL takes one transaction-level advisory lock first. Every read-modify-write of a
  service is therefore serial, and the action log's ``seq`` order is its commit order.
- ``read()`` transactions see one consistent snapshot and never wait for writers (SQLite's
  WAL; PostgreSQL at REPEATABLE READ, read only).

SQLite runs in WAL mode with ``synchronous=FULL`` and foreign keys on.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, make_url, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.types import TypeDecorator

from mock_services.core.errors import SathachError

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class DatabaseUnavailable(SathachError):
    """The database URL is malformed, or the server behind it does not answer."""


# The key of PostgreSQL's advisory lock that serialises write transactions ("sathach" in hex-ish).
WRITE_LOCK_KEY = 0x5A7_4AC4

# A database that is locked, gone or out of connections, as each layer reports it: the room
# answers these with "busy, try again" (503), never with an internal error.
BUSY_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    PoolTimeoutError,
    sqlite3.OperationalError,
    psycopg.OperationalError,
)


def serialise_writers(conn: Connection) -> None:
    """On PostgreSQL, wait for (or re-enter) the room's write lock until this transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; stored naive so SQLite and PostgreSQL agree."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Database:
    """An engine plus the two ways to use it: ``read()`` and ``write()`` transactions."""

    def __init__(self, url: str, *, echo: bool = False, busy_timeout: float = 30.0) -> None:
        try:
            self.url: URL = make_url(url)
        except (ArgumentError, ValueError) as exc:
            # Never echo the text back: it may hold a password.
            raise DatabaseUnavailable(
                "SATHACH_DATABASE_URL is not a valid database URL (a part of it cannot be read, such as a port "
                "that is not a number): write it as postgresql+psycopg://user:password@host:5432/dbname, "
                "or leave it empty for SQLite under the data directory."
            ) from exc
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self._local = threading.local()
        self._held: set[Connection] = set()
        self._held_lock = threading.Lock()
        # The pool outgrows the server's 40 worker threads, so a busy room queues on the database's
        # locks (which say "busy" after busy_timeout), not on the pool.
        pool = {"pool_size": 20, "max_overflow": 30, "pool_timeout": busy_timeout}
        if self.is_sqlite:
            self.engine = _sqlite_engine(self.url, echo=echo, busy_timeout=busy_timeout, pool=pool)
        elif self.url.get_backend_name() == "postgresql":
            self.engine = create_engine(self.url, echo=echo, pool_pre_ping=True, **pool)
        else:
            raise DatabaseUnavailable(
                f"SATHACH_DATABASE_URL ({self.display_url}) names {self.url.get_backend_name()!r}; "
                "Sát hạch runs on SQLite or PostgreSQL (postgresql+psycopg://…)."
            )

    @property
    def display_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def check(self) -> None:
        """Connect once, or raise ``DatabaseUnavailable`` with one sentence an operator can act on."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseUnavailable(
                f"Cannot connect to the database {self.display_url}: {reason}. "
                "Check SATHACH_DATABASE_URL and that the database server is running."
            ) from exc

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that may write; commits on success, rolls back on any exception."""
        with self._connection() as conn:
            if self.is_sqlite:
                conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            with conn.begin():
                serialise_writers(conn)
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A transaction for reading: one consistent snapshot, never holds the write lock."""
        with self._connection() as conn:
            if self.is_sqlite:
                conn.execution_options(sqlite_begin="BEGIN")
            else:
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """On SQLite each thread keeps its connection: checking one out of the pool for every
        transaction costs a fifth of an append. A transaction opened inside another one in the
        same thread gets a connection of its own from the pool."""
        held: Connection | None = getattr(self._local, "conn", None) if self.is_sqlite else None
        if self.is_sqlite and (held is None or held.closed or held.invalidated):
            held = self._local.conn = self.engine.connect()
            with self._held_lock:
                self._held.add(held)
            # Worker threads come and go (anyio retires idle ones): a thread's connection goes
            # back to the pool when the thread is gone.
            weakref.finalize(threading.current_thread(), self._release, held)
        if held is not None and not held.in_transaction():
            yield held
            return
        with self.engine.connect() as own:  # PostgreSQL, or a transaction inside another
            yield own

    def _release(self, conn: Connection) -> None:
        with self._held_lock:
            self._held.discard(conn)
        conn.close()

    def dispose(self) -> None:
        with self._held_lock:
            held, self._held = self._held, set()
        for conn in held:
            conn.close()
        self.engine.dispose()


def _sqlite_engine(url: URL, *, echo: bool, busy_timeout: float, pool: dict[str, Any]) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": busy_timeout, "check_same_thread": False}, **pool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so BEGIN is ours to choose.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Straight to the driver: this runs once per transaction, and the room writes a lot of them.
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute(conn.get_execution_options().get("sqlite_begin", "BEGIN"))

    return engine
