"""The hash chain of the action log: canonical bytes of a record and the hash that links it.

``hash = sha256(prev_hash ‖ canonical_json(record without hash))``. Canonical JSON is UTF-8,
keys sorted, no whitespace; times are ISO 8601 UTC with microseconds. Each candidate's chain
starts from a genesis value bound to the exam and the candidate, so an event cannot be moved
from one chain to another without breaking both.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Protocol

import orjson

from mock_services.core.clock import format_at

CHAIN_VERSION = "sathach-chain-v1"


class EventRecordLike(Protocol):
    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def exam_id(self) -> int: ...
    @property
    def candidate_id(self) -> int: ...
    @property
    def actor(self) -> str: ...
    @property
    def verb(self) -> str: ...
    @property
    def object_kind(self) -> str: ...
    @property
    def object_id(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def context(self) -> dict[str, Any]: ...
    @property
    def prev_hash(self) -> str: ...


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value that everything hashes and stores."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def genesis(exam_id: int, candidate_id: int) -> str:
    """The ``prev_hash`` of a candidate's first event."""
    return hashlib.sha256(f"{CHAIN_VERSION}:{exam_id}:{candidate_id}".encode()).hexdigest()


def record_body(
    *,
    seq: int,
    at: datetime,
    exam_id: int,
    candidate_id: int,
    actor: str,
    verb: str,
    object_kind: str,
    object_id: str,
    data: dict[str, Any],
    context: dict[str, Any],
    prev_hash: str,
) -> dict[str, Any]:
    """The record as it is hashed: every field but ``hash``."""
    return {
        "seq": seq,
        "at": format_at(at),
        "exam_id": exam_id,
        "candidate_id": candidate_id,
        "actor": actor,
        "verb": verb,
        "object": {"kind": object_kind, "id": object_id},
        "data": data,
        "context": context,
        "prev_hash": prev_hash,
    }


def record_body_of(record: EventRecordLike) -> dict[str, Any]:
    """``record_body`` of a stored (or about to be stored) record."""
    return record_body(
        seq=record.seq,
        at=record.at,
        exam_id=record.exam_id,
        candidate_id=record.candidate_id,
        actor=record.actor,
        verb=record.verb,
        object_kind=record.object_kind,
        object_id=record.object_id,
        data=record.data,
        context=record.context,
        prev_hash=record.prev_hash,
    )


def link_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(body)).hexdigest()
