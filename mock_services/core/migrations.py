"""The schema's version, and the one way it changes.

A new database gets every table and ``schema_info.version = SCHEMA_VERSION``. An older
database is brought forward by the numbered steps in ``MIGRATIONS``, each in its own
transaction. A database from a newer Sát hạch, or one that is not Sát hạch's at all, is
refused with a sentence that says so: running on a schema we do not understand could
silently lose candidates' work.

To change the schema: bump ``SCHEMA_VERSION``, add ``MIGRATIONS[new_version]`` that takes a
database at the previous version to the new one, and add a test that upgrades a copy made
at the previous version.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import Column, String, Table, insert, inspect, select, text, update
from sqlalchemy.engine import Connection

from mock_services.core.db import Database, metadata
from mock_services.core.errors import SathachError

SCHEMA_VERSION = 7

schema_info = Table(
    "schema_info",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)


def _add_new_tables(conn: Connection) -> None:
    """Create the tables a step introduced (every table module is imported by then, see catalog)."""
    metadata.create_all(conn, checkfirst=True)


def _add_new_columns(conn: Connection) -> None:
    """Add the (nullable) columns a step gave existing tables, then create its new tables."""
    present = inspect(conn)
    tables = set(present.get_table_names())
    quote = conn.dialect.identifier_preparer.quote
    for table in metadata.sorted_tables:
        if table.name not in tables:
            continue
        have = {column["name"] for column in present.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have:
                assert column.nullable, f"{table.name}.{column.name}: a column added later must be nullable"
                kind = column.type.compile(dialect=conn.dialect)
                conn.execute(text(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {kind}"))
    _add_new_tables(conn)


# MIGRATIONS[n] takes a database at version n-1 to version n.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _add_new_tables,  # the mail service: mail_messages, mail_folders, mail_contacts, mail_settings …
    3: _add_new_tables,  # the document service: doc_agencies, doc_incoming, doc_outgoing
    4: _add_new_tables,  # the signing service: sign_authority, sign_certificates, sign_files
    5: _add_new_tables,  # the one-stop service: os_dossiers
    6: _add_new_columns,  # one-stop flows: os_desks, os_visits, os_notices, and the dossier's way through the desk
    7: _add_new_columns,  # the draw: the exam's blueprint, each assignment's pool and variant
}


class SchemaError(SathachError):
    """The database's schema is one this Sát hạch cannot run on."""


class SchemaOutcome(StrEnum):
    created = "created"
    upgraded = "upgraded"
    current = "current"


def apply_schema(db: Database) -> SchemaOutcome:
    """Create the schema, upgrade it, or confirm it is current. Every table module must be imported."""
    version = stored_version(db)
    if version is None:
        with db.write() as conn:
            metadata.create_all(conn)
            conn.execute(insert(schema_info).values(key="version", value=str(SCHEMA_VERSION)))
        return SchemaOutcome.created
    _refuse_newer(db, version)
    if version == SCHEMA_VERSION:
        return SchemaOutcome.current
    for step in range(version + 1, SCHEMA_VERSION + 1):
        with db.write() as conn:
            MIGRATIONS[step](conn)
            conn.execute(update(schema_info).where(schema_info.c.key == "version").values(value=str(step)))
    return SchemaOutcome.upgraded


def check_schema(db: Database) -> None:
    """Refuse to serve from a database whose schema is missing, older or newer than ours."""
    version = stored_version(db)
    if version is None:
        raise SchemaError(
            f"The database {db.display_url} has no Sát hạch schema yet: run `python -m sandbox init-db` first."
        )
    _refuse_newer(db, version)
    if version < SCHEMA_VERSION:
        raise SchemaError(
            f"The database {db.display_url} is at schema version {version}; this Sát hạch needs "
            f"{SCHEMA_VERSION}: run `python -m sandbox init-db` to upgrade it."
        )


def stored_version(db: Database) -> int | None:
    """The schema version recorded in the database; None for an empty database."""
    tables = set(inspect(db.engine).get_table_names())
    if not tables:
        return None
    if "schema_info" not in tables:
        raise SchemaError(
            f"The database {db.display_url} already holds tables that are not Sát hạch's "
            f"({', '.join(sorted(tables)[:5])}…): point SATHACH_DATABASE_URL at an empty database."
        )
    with db.read() as conn:
        value = conn.execute(select(schema_info.c.value).where(schema_info.c.key == "version")).scalar()
    if value is None or not value.isdigit():
        raise SchemaError(f"The database {db.display_url} has no readable schema version ({value!r}).")
    return int(value)


def _refuse_newer(db: Database, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"The database {db.display_url} is at schema version {version}, written by a newer Sát hạch "
            f"than this one (which understands up to {SCHEMA_VERSION}): upgrade Sát hạch, or point "
            "SATHACH_DATABASE_URL at another database."
        )
