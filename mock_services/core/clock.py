"""Server time. The room never trusts a client's clock; everything asks a ``Clock``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """Aware UTC now, to the microsecond."""
    return datetime.now(UTC)
