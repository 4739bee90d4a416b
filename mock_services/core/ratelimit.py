"""Login throttling: too many wrong passwords lock an account, or a client address, for a while.

An attempt is counted *before* its password is checked, inside a write transaction (which runs
alone): twenty-four attempts fired at once against a limit of five get five checks, not
twenty-four. A right password then takes its own attempt back and clears the account's count.
Counts live in the database, so every worker of a room sees them. A lock is never permanent:
it lifts when the oldest counted failure leaves the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, Index, Integer, String, Table, delete, func, insert, select
from sqlalchemy.engine import Connection

from mock_services.core.db import UTCDateTime, metadata
from mock_services.core.settings import RoomSettings

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
Index("ix_login_failures_key_at", login_failures.c.key, login_failures.c.at)


@dataclass(frozen=True, slots=True)
class Attempt:
    """A counted login attempt, to be taken back if its password turns out right."""

    account: str
    row_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    max_per_account: int
    max_per_address: int
    window: timedelta

    def admit(self, conn: Connection, *, account: str, address: str, now: datetime) -> Attempt | datetime:
        """Count an attempt, or return when the account or address may try again if it is locked.

        Call it in a ``db.write()`` transaction, so that concurrent attempts are counted one by one.
        """
        until = self.locked_until(conn, account=account, address=address, now=now)
        if until is not None:
            return until
        conn.execute(delete(login_failures).where(login_failures.c.at <= now - self.window))
        ids = conn.execute(
            insert(login_failures).returning(login_failures.c.id),
            [{"key": account, "at": now}, {"key": address, "at": now}],
        ).scalars()
        return Attempt(account, tuple(ids))

    @classmethod
    def of_room(cls, settings: RoomSettings) -> LoginThrottle:
        """The room's limits: shared by the portal and the SMTP listener's AUTH."""
        return cls(
            max_per_account=settings.login_max_failures,
            max_per_address=settings.login_max_failures_per_address,
            window=timedelta(minutes=settings.login_window_minutes),
        )

    def succeeded(self, conn: Connection, attempt: Attempt) -> None:
        """A right password: take the attempt back and clear the account's count (not the address's)."""
        conn.execute(delete(login_failures).where(login_failures.c.id.in_(attempt.row_ids)))
        conn.execute(delete(login_failures).where(login_failures.c.key == attempt.account))

    def locked_until(self, conn: Connection, *, account: str, address: str, now: datetime) -> datetime | None:
        until = None
        for key, limit in ((account, self.max_per_account), (address, self.max_per_address)):
            count, oldest = conn.execute(
                select(func.count(), func.min(login_failures.c.at)).where(
                    login_failures.c.key == key, login_failures.c.at > now - self.window
                )
            ).one()
            if count >= limit:
                lifts = oldest + self.window
                until = lifts if until is None else max(until, lifts)
        return until


def address_key(address: str) -> str:
    return f"address:{address}"
