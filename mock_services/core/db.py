"""The database: one SQLAlchemy engine per process, SQLite by default, PostgreSQL by URL.

SQLite runs in WAL mode with ``synchronous=FULL`` and foreign keys on. Writers open their
transaction with ``BEGIN IMMEDIATE`` so that two writers queue on the lock instead of
failing halfway when a read transaction tries to upgrade.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, make_url, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import ArgumentError, DBAPIError
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

    def __init__(self, url: str, *, echo: bool = False) -> None:
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
        if self.is_sqlite:
            self.engine = _sqlite_engine(self.url, echo=echo)
        elif self.url.get_backend_name() == "postgresql":
            self.engine = create_engine(self.url, echo=echo, pool_pre_ping=True, pool_size=10)
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
        with self.engine.connect() as conn:
            if self.is_sqlite:
                conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A transaction for reading: one consistent snapshot, never holds the write lock."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so BEGIN is ours to choose.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Straight to the driver: this runs once per transaction, and the room writes a lot of them.
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute(conn.get_execution_options().get("sqlite_begin", "BEGIN"))

    return engine
