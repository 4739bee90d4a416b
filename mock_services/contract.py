"""The event contract: what graderd (and anything else outside the room) may read of the services.

Every service's event types, the log's read side, and the declarations of the setup operations
task specs may call (names and argument models, to validate a spec; their implementations are
not loaded here). Nothing here serves a page or changes a service's state; graderd imports this
and the pure helpers of ``mock_services.core`` only. A new service adds its ``events`` module to
``EVENT_MODULES`` and its ``operations`` module to ``OPERATION_MODULES``.
"""

from __future__ import annotations

from mock_services.core.events import EventData, EventRecord, lookup, registered_types
from mock_services.core.log import head_seq, iter_events, select_events
from mock_services.core.setup_ops import SetupError, SetupOperation, lookup_operation, operations
from mock_services.documents import events as documents_events
from mock_services.documents import operations as documents_operations
from mock_services.mail import events as mail_events
from mock_services.mail import operations as mail_operations
from mock_services.onestop import events as onestop_events
from mock_services.onestop import operations as onestop_operations
from mock_services.portal import events as portal_events
from mock_services.signing import events as signing_events

EVENT_MODULES = (portal_events, mail_events, documents_events, signing_events, onestop_events)
OPERATION_MODULES = (mail_operations, documents_operations, onestop_operations)

__all__ = [
    "EventData",
    "EventRecord",
    "SetupError",
    "SetupOperation",
    "event_types",
    "head_seq",
    "iter_events",
    "lookup",
    "lookup_operation",
    "operations",
    "select_events",
]


def event_types() -> list[type[EventData]]:
    """Every registered event type, sorted by verb."""
    return registered_types()
