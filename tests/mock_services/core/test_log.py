"""The action log's contract, run against SQLite and against a real PostgreSQL cluster."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from mock_services.core import log
from mock_services.core.chain import genesis, link_hash, record_body_of
from mock_services.core.db import Database
from mock_services.core.events import Actor, EventContext, EventData, EventError, EventRecord
from mock_services.core.verify import verify_log
from mock_services.portal.events import LoginFailed
from tests.support.room import EXAM_START, SeededExam, seed_exam

NOW = EXAM_START + timedelta(minutes=5, microseconds=123456)


@pytest.fixture
def room(db: Database) -> SeededExam:
    # seed_exam logs two exam.task_assigned events per candidate: seqs 1-6.
    return seed_exam(db, now=EXAM_START)


def failed(client: str = "10.0.0.7") -> LoginFailed:
    return LoginFailed(reason="wrong_password", client=client)


def append(db: Database, room: SeededExam, index: int = 0, event: EventData | None = None) -> EventRecord:
    candidate = room.candidates[index]
    with db.write() as conn:
        return log.append(
            conn,
            candidate,
            actor=Actor.candidate,
            event=event or failed(),
            object_id=str(candidate.id),
            now=NOW,
            context=EventContext(session_id="s" * 32, client="10.0.0.7"),
        )


def test_an_appended_event_reads_back_exactly_as_written(db: Database, room: SeededExam) -> None:
    written = append(db, room)
    with db.read() as conn:
        (read,) = log.select_events(conn, written.seq - 1, 10)
    assert read == written
    assert read.at == NOW
    assert read.verb == "portal.login_failed"
    assert read.object_kind == "candidate"
    assert read.data == {"reason": "wrong_password", "client": "10.0.0.7"}
    assert read.context == {"session_id": "s" * 32, "client": "10.0.0.7"}
    assert read.typed() == failed()


def test_each_record_links_to_the_previous_one_of_the_same_candidate(db: Database, room: SeededExam) -> None:
    first, second = room.candidates[0], room.candidates[1]
    with db.read() as conn:
        chain_one = log.select_events(conn, 0, 100, candidate_id=first.id)
        chain_two = log.select_events(conn, 0, 100, candidate_id=second.id)
    assert chain_one[0].prev_hash == genesis(first.exam_id, first.id)
    assert chain_two[0].prev_hash == genesis(second.exam_id, second.id)
    assert chain_one[1].prev_hash == chain_one[0].hash
    for record in chain_one + chain_two:
        assert link_hash(record.prev_hash, record_body_of(record)) == record.hash


def test_select_pages_in_seq_order_and_filters(db: Database, room: SeededExam) -> None:
    with db.read() as conn:
        everything = log.select_events(conn, 0, 100)
        assert [r.seq for r in everything] == list(range(1, 7))
        assert [r.seq for r in log.select_events(conn, 2, 3)] == [3, 4, 5]
        assert log.select_events(conn, 6, 10) == []
        mine = log.select_events(conn, 0, 100, candidate_id=room.candidates[2].id)
        assert {r.candidate_id for r in mine} == {room.candidates[2].id}
        assert len(log.select_events(conn, 0, 100, exam_id=room.exam.id)) == 6
        assert log.head_seq(conn) == 6
        assert [r.seq for r in log.iter_events(conn, batch=4)] == list(range(1, 7))


def test_an_event_commits_with_its_transaction_or_not_at_all(db: Database, room: SeededExam) -> None:
    candidate = room.candidates[0]

    def action_that_fails_after_logging() -> None:
        with db.write() as conn:
            log.append(
                conn,
                candidate,
                actor=Actor.candidate,
                event=failed(),
                object_id="x",
                now=NOW,
            )
            raise RuntimeError("the action failed after its event was appended")

    with pytest.raises(RuntimeError):
        action_that_fails_after_logging()
    with db.read() as conn:
        assert log.head_seq(conn) == 6
    after = append(db, room)
    assert after.seq == 7
    with db.read() as conn:
        assert verify_log(conn).ok


def test_an_unregistered_event_type_is_refused(db: Database, room: SeededExam) -> None:
    class Stray(EventData):
        """Not registered."""

        verb = "test.stray"
        object_kind = "thing"

    with pytest.raises(EventError, match="not a registered event type"):
        append(db, room, event=Stray())
    with db.read() as conn:
        assert log.head_seq(conn) == 6


def test_the_database_refuses_to_change_or_delete_an_event(db: Database, room: SeededExam) -> None:
    for statement in ("UPDATE events SET verb = 'x' WHERE seq = 1", "DELETE FROM events WHERE seq = 1"):
        with pytest.raises(DBAPIError, match="append-only"), db.write() as conn:
            conn.execute(text(statement))
    with db.read() as conn:
        assert log.head_seq(conn) == 6
        assert verify_log(conn).ok


def test_concurrent_writers_never_let_a_reader_skip_an_event(db: Database, room: SeededExam) -> None:
    """Commit order equals seq order: a reader that follows select(after_seq) sees every event."""
    writers, per_writer = 4, 15
    done = threading.Event()
    seen: list[int] = []
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            candidate = room.candidates[index % len(room.candidates)]
            for _ in range(per_writer):
                with db.write() as conn:
                    log.append(
                        conn,
                        candidate,
                        actor=Actor.candidate,
                        event=failed(),
                        object_id="x",
                        now=NOW,
                    )
                    time.sleep(0.002)  # widen the window between taking a seq and committing
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def read() -> None:
        after = 0
        while True:
            finished = done.is_set()
            with db.read() as conn:
                page = log.select_events(conn, after, 50)
            seen.extend(r.seq for r in page)
            after = page[-1].seq if page else after
            if finished and not page:
                return

    reader = threading.Thread(target=read)
    reader.start()
    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reader.join()
    assert not errors
    total = 6 + writers * per_writer
    assert seen == list(range(1, total + 1))
    with db.read() as conn:
        report = verify_log(conn)
    assert report.ok, report.breaks
    assert report.events == total
