"""Candidates' logins at the domain level: throttling under concurrency, reused numbers, old sessions."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from mock_services.core import log
from mock_services.core.accounts import NewCandidate
from mock_services.core.db import Database
from mock_services.core.ratelimit import LoginThrottle
from mock_services.core.sessions import SessionPolicy
from mock_services.portal.auth import LoginOk, LoginRefused, login_candidate
from sandbox import closing
from tests.support.room import EXAM_START, seed_exam

NOW = EXAM_START - timedelta(minutes=10)
THROTTLE = LoginThrottle(max_per_account=5, max_per_address=1000, window=timedelta(minutes=5))
POLICY = SessionPolicy(idle=timedelta(minutes=60), max_age=timedelta(hours=12))


def attempt(
    db: Database, number: str, password: str, *, now: datetime = NOW, client: str = "10.0.0.9"
) -> LoginOk | LoginRefused:
    return login_candidate(
        db,
        so_bao_danh=number,
        password=password,
        client=client,
        user_agent="test",
        now=now,
        throttle=THROTTLE,
        policy=POLICY,
    )


def verbs(db: Database, candidate_id: int | None = None) -> list[str]:
    with db.read() as conn:
        return [r.verb for r in log.select_events(conn, 0, 10_000, candidate_id=candidate_id)]


def test_attempts_fired_all_at_once_are_counted_one_by_one(db: Database) -> None:
    """24 wrong passwords at the same moment against a limit of 5: 5 are checked, 19 are locked out."""
    room = seed_exam(db, now=NOW)
    outcomes: list[LoginOk | LoginRefused] = []
    start = threading.Barrier(24)

    def guess() -> None:
        start.wait()
        outcomes.append(attempt(db, "CT001", "sai-mat-khau"))

    threads = [threading.Thread(target=guess) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(o, LoginRefused) for o in outcomes)
    assert sum(o.locked_until is None for o in outcomes if isinstance(o, LoginRefused)) == 5
    with db.read() as conn:
        reasons = [
            r.data["reason"]
            for r in log.select_events(conn, 0, 1000, candidate_id=room.candidates[0].id)
            if r.verb == "portal.login_failed"
        ]
    assert sorted(reasons) == ["locked"] * 19 + ["wrong_password"] * 5
    assert isinstance(attempt(db, "CT001", room.passwords["CT001"]), LoginRefused)  # still locked


def test_a_right_password_takes_its_attempt_back(db: Database) -> None:
    room = seed_exam(db, now=NOW)
    for _ in range(4):
        assert isinstance(attempt(db, "CT002", "sai"), LoginRefused)
    for _ in range(6):  # the count was cleared: more logins than the limit all succeed
        assert isinstance(attempt(db, "CT002", room.passwords["CT002"]), LoginOk)


def test_a_session_that_ran_out_is_logged_as_expired_at_the_next_login(db: Database) -> None:
    room = seed_exam(db, now=NOW)
    first = attempt(db, "CT001", room.passwords["CT001"])
    assert isinstance(first, LoginOk)
    later = NOW + timedelta(hours=3)
    assert isinstance(attempt(db, "CT001", room.passwords["CT001"], now=later), LoginOk)
    with db.read() as conn:
        ended = [r for r in log.select_events(conn, 0, 1000) if r.object_id == first.session.id][-1]
    assert ended.verb == "portal.session_expired"
    assert ended.data["reason"] == "idle"


def test_a_number_reused_by_an_old_exam_opens_only_the_current_one(db: Database) -> None:
    old = seed_exam(db, now=NOW - timedelta(days=365), starts_at=EXAM_START - timedelta(days=365), name="2025")
    current = seed_exam(db, now=NOW, name="2026")
    before = verbs(db, old.candidates[0].id)
    assert isinstance(attempt(db, "CT001", old.passwords["CT001"]), LoginRefused)
    assert isinstance(attempt(db, "CT001", "sai"), LoginRefused)
    assert verbs(db, old.candidates[0].id) == before  # nothing written into last year's chain
    ok = attempt(db, "CT001", current.passwords["CT001"])
    assert isinstance(ok, LoginOk)
    assert ok.candidate.exam_id == current.exam.id


def test_a_number_shared_by_two_running_exams_never_writes_into_the_wrong_chain(db: Database) -> None:
    room_a = seed_exam(db, now=NOW, name="Phòng A")
    room_b = seed_exam(
        db, now=NOW, name="Phòng B", people=[NewCandidate("CT001", "Phạm Thị Dung", "Chuyên viên", "UBND", "d@x.test")]
    )
    before = (verbs(db, room_a.candidates[0].id), verbs(db, room_b.candidates[0].id))
    assert isinstance(attempt(db, "CT001", "sai"), LoginRefused)
    assert (verbs(db, room_a.candidates[0].id), verbs(db, room_b.candidates[0].id)) == before
    ok = attempt(db, "CT001", room_b.passwords["CT001"])
    assert isinstance(ok, LoginOk)
    assert ok.candidate.id == room_b.candidates[0].id


@pytest.mark.parametrize("hours_after_end", [11, 13])
def test_logins_close_half_a_day_after_the_end(db: Database, hours_after_end: int) -> None:
    room = seed_exam(db, now=NOW)
    when = EXAM_START + timedelta(minutes=60, hours=hours_after_end)
    outcome = attempt(db, "CT003", room.passwords["CT003"], now=when)
    assert isinstance(outcome, LoginOk) is (hours_after_end < 12)


def test_closing_the_exam_ends_every_session_and_refuses_logins(db: Database) -> None:
    room = seed_exam(db, now=NOW)
    ok = attempt(db, "CT001", room.passwords["CT001"])
    assert isinstance(ok, LoginOk)
    assert closing.close(db, room.exam.id, now=NOW + timedelta(minutes=90)) == 1
    assert closing.close(db, room.exam.id, now=NOW + timedelta(minutes=91)) == 0
    with db.read() as conn:
        last = log.select_events(conn, 0, 1000, candidate_id=room.candidates[0].id)[-1]
    assert (last.verb, last.data["reason"], last.actor) == ("portal.logged_out", "exam_closed", "proctor")
    assert isinstance(attempt(db, "CT001", room.passwords["CT001"], now=NOW + timedelta(minutes=92)), LoginRefused)
