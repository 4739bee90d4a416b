"""Everything the services declare, in one import: their tables (the schema) and their event types.

Whoever creates or checks the schema imports this module first, so that no table is missing.
A new service adds its ``store`` module to ``TABLE_MODULES`` (and its ``events`` module to
``mock_services.contract``).
"""

from __future__ import annotations

from mock_services import contract  # noqa: F401 - loads every event type with the tables
from mock_services.core import accounts, blobs, exams, log, migrations, ratelimit, sessions
from mock_services.core.db import Database
from mock_services.core.migrations import SchemaOutcome
from mock_services.documents import store as documents_store
from mock_services.mail import store as mail_store
from mock_services.onestop import store as onestop_store
from mock_services.signing import store as signing_store

TABLE_MODULES = (
    accounts,
    blobs,
    exams,
    log,
    migrations,
    ratelimit,
    sessions,
    mail_store,
    documents_store,
    signing_store,
    onestop_store,
)


def prepare_schema(db: Database) -> SchemaOutcome:
    """Create or upgrade the schema of every service (see ``core.migrations``)."""
    return migrations.apply_schema(db)


def check_schema(db: Database) -> None:
    migrations.check_schema(db)
