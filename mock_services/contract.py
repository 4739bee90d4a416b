"""The event contract: what graderd (and anything else outside the room) may read of the services.

Every service's event types, and the log's read side. Nothing here serves a page or changes
a service's state; graderd imports this and the pure helpers of ``mock_services.core`` only.
A new service adds its ``events`` module to ``EVENT_MODULES``.
"""

from __future__ import annotations

from mock_services.core.events import EventData, EventRecord, lookup, registered_types
from mock_services.core.log import head_seq, iter_events, select_events
from mock_services.mail import events as mail_events
from mock_services.portal import events as portal_events

EVENT_MODULES = (portal_events, mail_events)

__all__ = ["EventData", "EventRecord", "event_types", "head_seq", "iter_events", "lookup", "select_events"]


def event_types() -> list[type[EventData]]:
    """Every registered event type, sorted by verb."""
    return registered_types()
