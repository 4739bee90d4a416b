"""Login throttling: too many wrong passwords lock an account, or a client address, for a while.

Failures are counted in the database, so every worker of a room sees the same count. A
lock is never permanent: it lifts when the window since the oldest counted failure has
passed, and the proctor can tell a candidate how long that is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Index, Integer, String, Table, delete, func, insert, select
from sqlalchemy.engine import Connection

from mock_services.core.db import UTCDateTime, metadata

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
Index("ix_login_failures_key_at", login_failures.c.key, login_failures.c.at)


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    max_per_account: int
    max_per_address: int
    window: timedelta

    def locked_until(self, conn: Connection, *, account: str, address: str, now: datetime) -> datetime | None:
        """When the account or the address may try again, if either is locked now."""
        until = None
        for key, limit in ((account, self.max_per_account), (address, self.max_per_address)):
            count, oldest = conn.execute(
                select(func.count(), func.min(login_failures.c.at)).where(
                    login_failures.c.key == key, login_failures.c.at > now - self.window
                )
            ).one()
            if count >= limit:
                candidate_until = _as_utc(oldest) + self.window
                until = candidate_until if until is None else max(until, candidate_until)
        return until

    def record_failure(self, conn: Connection, *, account: str, address: str, now: datetime) -> None:
        conn.execute(delete(login_failures).where(login_failures.c.at <= now - self.window))
        conn.execute(insert(login_failures), [{"key": account, "at": now}, {"key": address, "at": now}])

    def forget(self, conn: Connection, *, account: str) -> None:
        """A successful login clears the account's count (not the address's)."""
        conn.execute(delete(login_failures).where(login_failures.c.key == account))


def account_key(kind: str, name: str) -> str:
    return f"{kind}:{name.strip().casefold()}"


def address_key(address: str) -> str:
    return f"address:{address}"


def _as_utc(value: datetime) -> datetime:
    # func.min() may bypass the column type and hand back the stored naive value.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
