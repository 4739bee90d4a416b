"""How numbers are written for Vietnamese readers, on the room's pages and graderd's alike."""

from __future__ import annotations

from decimal import Decimal


def points(value: Decimal | int) -> str:
    """Points as Vietnamese write them: ``6``, ``2,5``."""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")
