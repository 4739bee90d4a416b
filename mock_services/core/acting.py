"""Who acts, and when: passed to every operation of a service, so each event says who did it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from mock_services.core import log
from mock_services.core.accounts import Candidate
from mock_services.core.blobs import BlobStore
from mock_services.core.events import Actor, EventContext, EventData


@dataclass(frozen=True, slots=True)
class Acting:
    """The moment, the stores, and who acts: the candidate, or ``system`` for setup and simulated colleagues."""

    now: datetime
    blobs: BlobStore
    tz: ZoneInfo
    mail_domains: tuple[str, ...] = ()  # the room's, for issuing by email
    actor: Actor = Actor.candidate
    context: EventContext | None = None
    as_person: str | None = None  # a simulated colleague acting (setup), instead of the candidate's position

    @property
    def today(self) -> date:
        """The room's date (server time, in the room's time zone)."""
        return self.now.astimezone(self.tz).date()

    def as_system(self) -> Acting:
        return replace(self, actor=Actor.system)

    def as_colleague(self, key: str) -> Acting:
        """A simulated colleague acts, through the same operations, logged as ``system``."""
        return replace(self, actor=Actor.system, as_person=key)


def emit(conn: Connection, candidate: Candidate, acting: Acting, event: EventData, object_id: str) -> None:
    log.append(
        conn, candidate, actor=acting.actor, event=event, object_id=object_id, now=acting.now, context=acting.context
    )
