"""Verification of the action log: walk every candidate's chain and name the first broken link.

A chain breaks in a few recognisable ways, and the report says which, where, and in one
sentence an operator can act on:

- ``modified``: a record's content no longer matches its hash;
- ``reordered``: a record links back to one that comes after it in ``seq`` order;
- ``inserted``: a record links past the records before it, so those were slipped in;
- ``missing``: a record links to nothing in the chain, so the record before it was deleted
  (or altered and re-hashed);
- ``truncated`` / ``head_mismatch``: the chain does not end where its recorded head says;
- ``misfiled``: a record names another exam than its candidate's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select, union
from sqlalchemy.engine import Connection

from mock_services.core.accounts import candidates
from mock_services.core.chain import genesis, link_hash, record_body_of
from mock_services.core.events import EventRecord
from mock_services.core.log import chain_heads, events, iter_events


class BreakKind(StrEnum):
    modified = "modified"
    reordered = "reordered"
    inserted = "inserted"
    missing = "missing"
    truncated = "truncated"
    head_mismatch = "head_mismatch"
    misfiled = "misfiled"


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first broken link of one candidate's chain."""

    candidate_id: int
    so_bao_danh: str
    seq: int | None
    kind: BreakKind
    message: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "end of chain"
        return f"candidate {self.candidate_id} (số báo danh {self.so_bao_danh}), {where}: {self.message}"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    chains: int
    events: int
    breaks: list[ChainBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


@dataclass(frozen=True, slots=True)
class _Head:
    last_seq: int
    last_hash: str
    length: int


def verify_log(conn: Connection, *, candidate_id: int | None = None) -> VerifyReport:
    """Check every chain (or one candidate's) and report each chain's first broken link."""
    chain_ids = union(select(events.c.candidate_id), select(chain_heads.c.candidate_id)).subquery()
    query = select(candidates.c.id, candidates.c.exam_id, candidates.c.so_bao_danh).where(
        candidates.c.id.in_(select(chain_ids.c.candidate_id))
    )
    if candidate_id is not None:
        query = query.where(candidates.c.id == candidate_id)
    breaks: list[ChainBreak] = []
    chains = total = 0
    for cid, exam_id, number in conn.execute(query.order_by(candidates.c.id)).all():
        chain = list(iter_events(conn, candidate_id=cid))
        chains += 1
        total += len(chain)
        found = _break_of(conn, cid, exam_id, number, chain)
        if found is not None:
            breaks.append(found)
    return VerifyReport(chains=chains, events=total, breaks=breaks)


def chain_break(conn: Connection, candidate_id: int, chain: list[EventRecord]) -> ChainBreak | None:
    """The first broken link of one candidate's chain, already read in ``seq`` order (so that a
    reader who needs the events too, such as graderd, reads them once)."""
    row = conn.execute(
        select(candidates.c.exam_id, candidates.c.so_bao_danh).where(candidates.c.id == candidate_id)
    ).one()
    return _break_of(conn, candidate_id, row.exam_id, row.so_bao_danh, chain)


def _break_of(
    conn: Connection, candidate_id: int, exam_id: int, so_bao_danh: str, chain: list[EventRecord]
) -> ChainBreak | None:
    """The chain checked against its recorded head: what ``verify_log`` and ``chain_break`` share."""
    row = conn.execute(
        select(chain_heads.c.last_seq, chain_heads.c.last_hash, chain_heads.c.length).where(
            chain_heads.c.candidate_id == candidate_id
        )
    ).one_or_none()
    head = None if row is None else _Head(row.last_seq, row.last_hash, row.length)
    found = first_break(chain, genesis(exam_id, candidate_id), head, exam_id=exam_id)
    if found is None:
        return None
    seq, kind, message = found
    return ChainBreak(candidate_id, so_bao_danh, seq, kind, message)


def first_break(
    chain: list[EventRecord], start: str, head: _Head | None, *, exam_id: int | None = None
) -> tuple[int | None, BreakKind, str] | None:
    """The first broken link of one chain (its events in ``seq`` order), or None when it is whole.

    ``exam_id``, when given, is the exam the chain's candidate sits: every record must name it.
    """
    position = {record.hash: index for index, record in enumerate(chain)}
    expected = start
    for index, record in enumerate(chain):
        if record.prev_hash != expected:
            return _diagnose_link(chain, index, position.get(record.prev_hash), start)
        if exam_id is not None and record.exam_id != exam_id:
            return (
                record.seq,
                BreakKind.misfiled,
                f"the event names exam {record.exam_id}, but its candidate sits exam {exam_id}.",
            )
        if link_hash(record.prev_hash, record_body_of(record)) != record.hash:
            return (
                record.seq,
                BreakKind.modified,
                "the event was modified after it was written: its content no longer matches its hash.",
            )
        expected = record.hash
    return _diagnose_head(chain, head)


def _diagnose_link(
    chain: list[EventRecord], index: int, linked: int | None, start: str
) -> tuple[int | None, BreakKind, str]:
    record = chain[index]
    if linked is not None and linked > index:
        return (
            record.seq,
            BreakKind.reordered,
            f"the event links back to seq {chain[linked].seq}, which comes after it in the log: events were reordered.",
        )
    if linked is not None or record.prev_hash == start:
        first_foreign = chain[0 if linked is None else linked + 1]
        anchor = "the start of the chain" if linked is None else f"seq {chain[linked].seq}"
        return (
            first_foreign.seq,
            BreakKind.inserted,
            f"the event was inserted: seq {record.seq} links straight to {anchor}, skipping seq {first_foreign.seq}.",
        )
    if index == 0:
        return (
            record.seq,
            BreakKind.missing,
            "the chain's first events are gone: this event does not link to the start of the chain.",
        )
    before = chain[index - 1].seq
    return (
        record.seq,
        BreakKind.missing,
        f"the event does not link to seq {before}, the event before it: an event between them was "
        f"deleted, or seq {before} was altered and re-hashed.",
    )


def _diagnose_head(chain: list[EventRecord], head: _Head | None) -> tuple[int | None, BreakKind, str] | None:
    if head is None:
        if not chain:
            return None
        return (None, BreakKind.head_mismatch, f"the chain has {len(chain)} events but no recorded head.")
    if not chain:
        return (
            None,
            BreakKind.truncated,
            f"every event of the chain is gone; its head records {head.length} events ending at seq {head.last_seq}.",
        )
    last = chain[-1]
    if head.last_seq > last.seq or (head.last_seq == last.seq and head.length > len(chain)):
        return (
            None,
            BreakKind.truncated,
            f"the chain ends at seq {last.seq} after {len(chain)} events, but its head records "
            f"{head.length} events ending at seq {head.last_seq}: the last events were deleted.",
        )
    if (head.last_seq, head.last_hash, head.length) != (last.seq, last.hash, len(chain)):
        return (
            None,
            BreakKind.head_mismatch,
            f"the chain ends at seq {last.seq} after {len(chain)} events, but its head records "
            f"{head.length} events ending at seq {head.last_seq}: events were written outside the log.",
        )
    return None
