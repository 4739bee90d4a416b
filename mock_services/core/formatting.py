"""How numbers are written for Vietnamese readers, on the room's pages and graderd's alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal


def points(value: Decimal | int) -> str:
    """Points as Vietnamese write them: ``6``, ``2,5``."""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def day(value: date | str | None) -> str:
    """A day as Vietnamese write it, 26/11/2026, from a date or its ISO text (as JSON keeps it)."""
    if value is None or value == "":
        return ""
    found = date.fromisoformat(value) if isinstance(value, str) else value
    return found.strftime("%d/%m/%Y")
