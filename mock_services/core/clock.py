"""Server time. The room never trusts a client's clock; everything asks a ``Clock``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """Aware UTC now, to the microsecond."""
    return datetime.now(UTC)


def format_at(at: datetime) -> str:
    """Server time of an event as it is hashed and exported: ``2026-11-23T08:00:00.000000Z``."""
    if at.tzinfo is None:
        raise ValueError("event times must be aware UTC datetimes")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
