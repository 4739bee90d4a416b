"""Everything the services declare, in one import: their tables (the schema) and event types (the log).

Whoever creates the schema or reads the log imports this module first, so that no table and
no verb is missing. A new service adds its ``store`` and ``events`` modules here.
"""

from __future__ import annotations

from mock_services.core import accounts, blobs, exams, log, migrations, ratelimit, sessions
from mock_services.core.db import Database
from mock_services.core.events import EventData, registered_types
from mock_services.core.migrations import SchemaOutcome
from mock_services.portal import events as portal_events

TABLE_MODULES = (accounts, blobs, exams, log, migrations, ratelimit, sessions)
EVENT_MODULES = (portal_events,)


def prepare_schema(db: Database) -> SchemaOutcome:
    """Create or upgrade the schema of every service (see ``core.migrations``)."""
    return migrations.apply_schema(db)


def check_schema(db: Database) -> None:
    migrations.check_schema(db)


def event_types() -> list[type[EventData]]:
    return registered_types()
