"""The room's SMTP listener (aiosmtpd). Nothing is ever relayed: there is no outbound path.

Until the mail service lands, no mailbox exists, so every recipient is refused with 550
and nothing is stored; the listener already holds its port, answers EHLO and enforces its
limits, so the room's wiring, ports and shutdown are exercised from the first day.
"""

from __future__ import annotations

from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

DATA_SIZE_LIMIT = 25 * 1024 * 1024


class RoomMailHandler:
    """Policy of the listener; ``aiosmtpd.smtp.SMTP`` owns the protocol."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        return "550 5.1.1 No such mailbox in this exam room"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return "554 5.5.1 No valid recipients"


def smtp_factory(hostname: str = "sathach.egov.test") -> Any:
    """A protocol factory for ``loop.create_server`` (one SMTP instance per connection)."""
    handler = RoomMailHandler()
    return lambda: SMTP(handler, hostname=hostname, data_size_limit=DATA_SIZE_LIMIT, ident="Sat hach room SMTP")
