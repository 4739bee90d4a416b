"""Verification finds a modified, deleted, inserted or reordered event, and says where.

The database refuses such edits (append-only triggers), so these tests first remove the
triggers, as an attacker with direct access to the database would.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from mock_services.core import log
from mock_services.core.chain import genesis, link_hash, record_body
from mock_services.core.db import Database
from mock_services.core.events import Actor, EventRecord
from mock_services.core.verify import BreakKind, ChainBreak, VerifyReport, _Head, first_break, verify_log
from mock_services.portal.events import LoginFailed
from tests.support.room import EXAM_START, SeededExam, seed_exam

# --- the pure diagnosis, over chains built in memory


def build_chain(length: int, *, exam_id: int = 1, candidate_id: int = 7, spacing: int = 10) -> list[EventRecord]:
    chain: list[EventRecord] = []
    prev = genesis(exam_id, candidate_id)
    for index in range(length):
        chain.append(forge(seq=(index + 1) * spacing, prev=prev, note=f"event {index}"))
        prev = chain[-1].hash
    return chain


def forge(*, seq: int, prev: str, note: str, exam_id: int = 1, candidate_id: int = 7) -> EventRecord:
    """A record with a correct hash, as an attacker who knows the scheme would write it."""
    at = datetime(2026, 11, 24, 1, 0, tzinfo=UTC) + timedelta(seconds=seq)
    fields = {
        "seq": seq,
        "at": at,
        "exam_id": exam_id,
        "candidate_id": candidate_id,
        "actor": "candidate",
        "verb": "portal.login_failed",
        "object_kind": "candidate",
        "object_id": str(candidate_id),
        "data": {"reason": "wrong_password", "client": note},
        "context": {},
        "prev_hash": prev,
    }
    return EventRecord(**fields, hash=link_hash(prev, record_body(**fields)))  # type: ignore[arg-type]


def head_of(chain: list[EventRecord]) -> _Head:
    return _Head(chain[-1].seq, chain[-1].hash, len(chain))


START = genesis(1, 7)


def test_an_untouched_chain_has_no_break() -> None:
    chain = build_chain(5)
    assert first_break(chain, START, head_of(chain)) is None
    assert first_break([], START, None) is None


@settings(max_examples=300, deadline=None)
@given(length=st.integers(2, 25), data=st.data())
def test_any_single_tampering_is_found_where_it_happened(length: int, data: st.DataObject) -> None:
    chain = build_chain(length)
    head = head_of(chain)
    kind = data.draw(st.sampled_from(["modify", "delete", "insert", "swap"]))
    k = data.draw(st.integers(0, length - 2))
    if kind == "modify":
        tampered = list(chain)
        tampered[k] = replace(chain[k], data={"reason": "wrong_password", "client": "forged"})
        expected = (chain[k].seq, BreakKind.modified)
    elif kind == "delete":
        tampered = chain[:k] + chain[k + 1 :]
        expected = (chain[k + 1].seq, BreakKind.missing)
    elif kind == "insert":
        forged = forge(seq=chain[k].seq + 5, prev=chain[k].hash, note="inserted")
        tampered = [*chain[: k + 1], forged, *chain[k + 1 :]]
        expected = (forged.seq, BreakKind.inserted)
    else:  # swap the positions (seq values) of two neighbours
        a, b = chain[k], chain[k + 1]
        tampered = [*chain[:k], replace(b, seq=a.seq), replace(a, seq=b.seq), *chain[k + 2 :]]
        expected = (a.seq, BreakKind.reordered)
    found = first_break(tampered, START, head)
    assert found is not None
    assert found[:2] == expected, found[2]


def test_a_deleted_tail_is_found_by_the_chain_head() -> None:
    chain = build_chain(4)
    found = first_break(chain[:-1], START, head_of(chain))
    assert found is not None
    assert found[1] is BreakKind.truncated
    assert "seq 40" in found[2]
    assert "deleted" in found[2]


def test_an_event_added_behind_the_logs_back_is_found_by_the_chain_head() -> None:
    chain = build_chain(3)
    extra = forge(seq=99, prev=chain[-1].hash, note="appended outside the log")
    found = first_break([*chain, extra], START, head_of(chain))
    assert found is not None
    assert found[1] is BreakKind.head_mismatch


def test_a_missing_first_event_is_named() -> None:
    chain = build_chain(3)
    found = first_break(chain[1:], START, head_of(chain))
    assert found == (20, BreakKind.missing, found[2] if found else "")
    assert found is not None
    assert "first events are gone" in found[2]


# --- the same, on a real log in SQLite and PostgreSQL


def drop_append_only_guards(db: Database) -> None:
    with db.write() as conn:
        if db.is_sqlite:
            conn.execute(text("DROP TRIGGER events_no_update"))
            conn.execute(text("DROP TRIGGER events_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER events_no_change ON events"))
            conn.execute(text("DROP TRIGGER events_no_truncate ON events"))


@pytest.fixture
def tampered_room(db: Database) -> SeededExam:
    """Three candidates; candidate 0 owns seqs 1, 2 (assignments), 7, 9, 10 (logins), candidate 1 owns 8."""
    room = seed_exam(db, now=EXAM_START)
    with db.write() as conn:
        for minute, candidate in zip((1, 2, 3, 4), [room.candidates[i] for i in (0, 1, 0, 0)], strict=True):
            log.append(
                conn,
                candidate,
                actor=Actor.candidate,
                event=LoginFailed(reason="wrong_password", client=f"10.0.0.{minute}"),
                object_id=str(candidate.id),
                now=EXAM_START + timedelta(minutes=minute),
            )
    drop_append_only_guards(db)
    return room


def only_break(db: Database, room: SeededExam) -> ChainBreak:
    with db.read() as conn:
        report = verify_log(conn)
    assert not report.ok
    assert [b.candidate_id for b in report.breaks] == [room.candidates[0].id], report.breaks
    return report.breaks[0]


def test_verify_names_a_modified_event(db: Database, tampered_room: SeededExam) -> None:
    with db.write() as conn:
        conn.execute(text("UPDATE events SET data = REPLACE(data, '10.0.0.3', '10.9.9.9') WHERE seq = 9"))
    broken = only_break(db, tampered_room)
    assert (broken.seq, broken.kind) == (9, BreakKind.modified)
    assert "CT001" in str(broken)
    assert "seq 9" in str(broken)


def test_verify_names_a_deleted_event(db: Database, tampered_room: SeededExam) -> None:
    with db.write() as conn:
        conn.execute(text("DELETE FROM events WHERE seq = 7"))
    broken = only_break(db, tampered_room)
    assert (broken.seq, broken.kind) == (9, BreakKind.missing)
    assert "seq 2" in broken.message


def test_verify_names_an_inserted_event(db: Database, tampered_room: SeededExam) -> None:
    """A forged event, correctly hashed, slipped into the chain between seq 7 and seq 9.

    Its seq (8) is taken from another candidate's event, deleted to make room: that chain
    breaks too, and is reported separately."""
    candidate = tampered_room.candidates[0]
    with db.read() as conn:
        seven = log.select_events(conn, 6, 1)[0]
        victim = log.select_events(conn, 7, 1)[0]
    forged = forge(seq=victim.seq, prev=seven.hash, note="forged", exam_id=candidate.exam_id, candidate_id=candidate.id)
    with db.write() as conn:
        conn.execute(text("DELETE FROM events WHERE seq = :seq"), {"seq": victim.seq})
        conn.execute(
            log.events.insert().values(
                seq=forged.seq,
                at=forged.at,
                exam_id=forged.exam_id,
                candidate_id=forged.candidate_id,
                actor=forged.actor,
                verb=forged.verb,
                object_kind=forged.object_kind,
                object_id=forged.object_id,
                data='{"client":"forged","reason":"wrong_password"}',
                context="{}",
                prev_hash=forged.prev_hash,
                hash=forged.hash,
            )
        )
    with db.read() as conn:
        report = verify_log(conn)
    mine = next(b for b in report.breaks if b.candidate_id == candidate.id)
    assert (mine.kind, mine.seq) == (BreakKind.inserted, victim.seq)
    assert {b.candidate_id for b in report.breaks} == {candidate.id, victim.candidate_id}


def test_verify_names_reordered_events(db: Database, tampered_room: SeededExam) -> None:
    with db.write() as conn:
        conn.execute(text("UPDATE events SET seq = -1 WHERE seq = 7"))
        conn.execute(text("UPDATE events SET seq = 7 WHERE seq = 9"))
        conn.execute(text("UPDATE events SET seq = 9 WHERE seq = -1"))
    broken = only_break(db, tampered_room)
    assert (broken.seq, broken.kind) == (7, BreakKind.reordered)
    assert "reordered" in broken.message


def test_verify_names_a_deleted_last_event(db: Database, tampered_room: SeededExam) -> None:
    with db.write() as conn:
        conn.execute(text("DELETE FROM events WHERE seq = 10"))
    broken = only_break(db, tampered_room)
    assert broken.kind is BreakKind.truncated
    assert broken.seq is None
    assert "seq 10" in broken.message


def test_an_event_filed_under_another_exam_is_named() -> None:
    chain = build_chain(3)
    misfiled = forge(seq=40, prev=chain[-1].hash, note="elsewhere", exam_id=2)
    found = first_break([*chain, misfiled], START, head_of([*chain, misfiled]), exam_id=1)
    assert found is not None
    assert found[:2] == (40, BreakKind.misfiled)


def test_verify_while_candidates_work_sees_no_false_break(db: Database) -> None:
    """One snapshot per verification: a chain that grows meanwhile is not a truncated one."""
    room = seed_exam(db, now=EXAM_START)
    stop = threading.Event()

    def work() -> None:
        while not stop.is_set():
            with db.write() as conn:
                log.append(
                    conn,
                    room.candidates[0],
                    actor=Actor.candidate,
                    event=LoginFailed(reason="wrong_password", client="10.0.0.1"),
                    object_id="x",
                    now=EXAM_START,
                )

    worker = threading.Thread(target=work)
    worker.start()
    try:
        reports: list[VerifyReport] = []
        deadline = time.monotonic() + 10
        # 25 verifications at least, and on until the log has grown under them: on a busy
        # machine the writer may not get a turn during the first 25.
        while len(reports) < 25 or (reports[-1].events == reports[0].events and time.monotonic() < deadline):
            with db.read() as conn:
                reports.append(verify_log(conn))
    finally:
        stop.set()
        worker.join()
    assert all(report.ok for report in reports), [r.breaks for r in reports if not r.ok][:1]
    assert reports[-1].events > reports[0].events  # the log really grew meanwhile
