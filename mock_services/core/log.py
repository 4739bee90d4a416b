"""The action log (DESIGN.md §2): append-only, totally ordered, hash-chained per candidate.

``append`` writes inside the caller's ``db.write()`` transaction, so an action and its event
commit together or not at all. Write transactions run one at a time (see ``core.db``), which
makes ``seq`` order equal commit order: a reader that has seen ``seq`` N will never later find
an event below N.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    DDL,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
    func,
    select,
)
from sqlalchemy.engine import Connection, Row

from mock_services.core.accounts import Candidate
from mock_services.core.chain import canonical_json, genesis, link_hash, record_body_of
from mock_services.core.db import UTCDateTime, metadata, serialise_writers
from mock_services.core.events import (
    Actor,
    EventContext,
    EventData,
    EventError,
    EventRecord,
    is_registered,
)

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("exam_id", ForeignKey("exams.id"), nullable=False),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=False),
    Column("actor", String(16), nullable=False),
    Column("verb", String(80), nullable=False),
    Column("object_kind", String(40), nullable=False),
    Column("object_id", String(120), nullable=False),
    Column("data", Text, nullable=False),
    Column("context", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
Index("ix_events_candidate_seq", events.c.candidate_id, events.c.seq)

# The last link of each chain, written with every append: a chain whose tail was cut off no
# longer ends where its head says it does.
chain_heads = Table(
    "chain_heads",
    metadata,
    Column("candidate_id", ForeignKey("candidates.id"), primary_key=True),
    Column("exam_id", ForeignKey("exams.id"), nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_hash", String(64), nullable=False),
    Column("length", BigInteger, nullable=False),
)

# The database itself refuses to change or remove an event.
_APPEND_ONLY = "the action log is append-only: events are never updated or deleted"
for _statement in (
    f"CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END",
    f"CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END",
):
    event.listen(events, "after_create", DDL(_statement).execute_if(dialect="sqlite"))  # type: ignore[no-untyped-call]
for _statement in (
    "CREATE OR REPLACE FUNCTION sathach_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$",
    "CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION sathach_append_only()",
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION sathach_append_only()",
):
    event.listen(events, "after_create", DDL(_statement).execute_if(dialect="postgresql"))  # type: ignore[no-untyped-call]


# The append path is the hottest write of the room, so its three statements go to the driver
# as plain SQL (SQLAlchemy's statement machinery costs more than SQLite's own work here), in
# each backend's parameter style. `at` is stored as SQLAlchemy's DateTime stores it.
_APPEND_SQL: dict[str, dict[str, str]] = {
    "sqlite": {
        "next": "SELECT (SELECT max(seq) FROM events), last_hash, length FROM (SELECT 1) "
        "LEFT JOIN chain_heads ON candidate_id = :candidate_id",
        "insert": "INSERT INTO events (seq, at, exam_id, candidate_id, actor, verb, object_kind, object_id, "
        "data, context, prev_hash, hash) VALUES (:seq, :at, :exam_id, :candidate_id, :actor, :verb, "
        ":object_kind, :object_id, :data, :context, :prev_hash, :hash)",
        "head": "INSERT INTO chain_heads (candidate_id, exam_id, last_seq, last_hash, length) "
        "VALUES (:candidate_id, :exam_id, :seq, :hash, 1) ON CONFLICT (candidate_id) DO UPDATE SET "
        "last_seq = excluded.last_seq, last_hash = excluded.last_hash, length = chain_heads.length + 1",
    },
}
_APPEND_SQL["postgresql"] = {
    name: re.sub(r":(\w+)", r"%(\1)s", sql).replace("FROM (SELECT 1) LEFT JOIN", "FROM (SELECT 1) AS one LEFT JOIN")
    for name, sql in _APPEND_SQL["sqlite"].items()
}


def _stored_at(dialect: str, at: datetime) -> object:
    naive = at.astimezone(UTC).replace(tzinfo=None)
    return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else naive


def append(
    conn: Connection,
    candidate: Candidate,
    *,
    actor: Actor,
    event: EventData,
    object_id: str,
    now: datetime,
    context: EventContext | None = None,
) -> EventRecord:
    """Append one event to the candidate's chain, in the caller's transaction; returns the stored record."""
    exam_id, candidate_id = candidate.exam_id, candidate.id
    if not is_registered(type(event)):
        raise EventError(f"{type(event).__qualname__} is not a registered event type")
    serialise_writers(conn)  # already held inside db.write(); re-entered here for any other caller
    sql = _APPEND_SQL[conn.dialect.name]
    driver = conn.connection.driver_connection  # inside the caller's transaction, like every statement
    assert driver is not None
    last_seq, last_hash, _ = driver.execute(sql["next"], {"candidate_id": candidate_id}).fetchone()
    seq = (last_seq or 0) + 1
    prev_hash = last_hash if last_hash is not None else genesis(exam_id, candidate_id)
    data = event.model_dump(mode="json")
    ctx = (context or EventContext()).as_dict()
    record = EventRecord(
        seq=seq,
        at=now,
        exam_id=exam_id,
        candidate_id=candidate_id,
        actor=str(actor),
        verb=event.verb,
        object_kind=event.object_kind,
        object_id=object_id,
        data=data,
        context=ctx,
        prev_hash=prev_hash,
        hash="",
    )
    digest = link_hash(prev_hash, record_body_of(record))
    params = {
        "seq": seq,
        "at": _stored_at(conn.dialect.name, now),
        "exam_id": exam_id,
        "candidate_id": candidate_id,
        "actor": record.actor,
        "verb": record.verb,
        "object_kind": record.object_kind,
        "object_id": object_id,
        "data": canonical_json(data).decode(),
        "context": canonical_json(ctx).decode(),
        "prev_hash": prev_hash,
        "hash": digest,
    }
    driver.execute(sql["insert"], params)
    driver.execute(sql["head"], params)
    return replace(record, hash=digest)


def select_events(
    conn: Connection,
    after_seq: int = 0,
    limit: int = 1000,
    *,
    exam_id: int | None = None,
    candidate_id: int | None = None,
) -> list[EventRecord]:
    """Events with ``seq > after_seq`` in ``seq`` order, at most ``limit`` of them."""
    query = select(events).where(events.c.seq > after_seq)
    if exam_id is not None:
        query = query.where(events.c.exam_id == exam_id)
    if candidate_id is not None:
        query = query.where(events.c.candidate_id == candidate_id)
    return [to_record(row) for row in conn.execute(query.order_by(events.c.seq).limit(limit))]


def iter_events(conn: Connection, *, candidate_id: int | None = None, batch: int = 5000) -> Iterator[EventRecord]:
    """Every event (of one candidate, or all) in ``seq`` order, fetched in batches."""
    after = 0
    while True:
        page = select_events(conn, after, batch, candidate_id=candidate_id)
        yield from page
        if len(page) < batch:
            return
        after = page[-1].seq


def object_events(conn: Connection, candidate_id: int, object_kind: str, object_id: str) -> list[EventRecord]:
    """Every event of one object of a candidate's tenant, in ``seq`` order (a document's history)."""
    query = select(events).where(
        events.c.candidate_id == candidate_id, events.c.object_kind == object_kind, events.c.object_id == object_id
    )
    return [to_record(row) for row in conn.execute(query.order_by(events.c.seq))]


def head_seq(conn: Connection) -> int:
    """The highest ``seq`` in the log (0 when it is empty)."""
    return int(conn.execute(select(func.max(events.c.seq))).scalar() or 0)


def to_record(row: Row[Any]) -> EventRecord:
    return EventRecord(
        seq=row.seq,
        at=row.at,
        exam_id=row.exam_id,
        candidate_id=row.candidate_id,
        actor=row.actor,
        verb=row.verb,
        object_kind=row.object_kind,
        object_id=row.object_id,
        data=orjson.loads(row.data),
        context=orjson.loads(row.context),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
