"""The demo room `make run` boots: made in one piece, reused, restarted when its time is up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from graderd.spec.problems import Mark, Problem, SpecError
from mock_services.core.db import Database
from mock_services.core.exams import ExamPhase, assignments_for, exams, get_exam
from mock_services.core.settings import RoomSettings
from mock_services.mail import store as mail_store
from mock_services.mail.folders import Location
from sandbox import demo
from sandbox.demo_paper import demo_paper
from tests.support.room import EXAM_START


def test_the_demo_has_three_candidates_with_the_demo_paper(sqlite_db: Database, settings: RoomSettings) -> None:
    room = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START)
    assert room.created
    assert [c.candidate.so_bao_danh for c in room.credentials] == ["DEMO01", "DEMO02", "DEMO03"]
    assert room.exam.phase(EXAM_START) is ExamPhase.in_progress
    with sqlite_db.read() as conn:
        paper = assignments_for(conn, room.credentials[0].candidate.id)
    assert [task.task_id for task in paper] == [task.id for task in demo_paper()]
    assert paper
    assert {task.service for task in paper} == {"mail", "documents", "signing", "onestop"}
    report = next(task for task in paper if task.task_id == "mail.send-report")
    assert "Nguyễn Thị Minh Thư" in report.instructions  # rendered for this candidate
    assert report.params["leader"]["email"] in report.instructions  # with their drawn params


def test_a_second_run_reuses_the_demo_and_restarts_it_when_time_is_up(
    sqlite_db: Database, settings: RoomSettings
) -> None:
    first = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START)
    again = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START + timedelta(minutes=30))
    assert (again.created, again.restarted) == (False, False)
    assert [c.password for c in again.credentials] == [c.password for c in first.credentials]
    later = EXAM_START + timedelta(hours=5, seconds=7)
    restarted = demo.ensure_demo(sqlite_db, settings=settings, now=later)
    assert restarted.restarted
    assert restarted.exam.starts_at == later.replace(second=0)
    assert restarted.operator_password != first.operator_password


def test_a_broken_demo_task_leaves_no_half_built_demo(
    sqlite_db: Database, settings: RoomSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> list[object]:
        raise SpecError([Problem(Mark("tasks/mail/x.yaml", 1, 1), "not valid YAML")])

    monkeypatch.setattr(demo, "demo_paper", broken)
    with pytest.raises(SpecError):
        demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START)
    with sqlite_db.read() as conn:
        assert conn.execute(select(func.count()).select_from(exams)).scalar() == 0


def test_each_demo_mailbox_holds_a_directory_and_realistic_messages(
    sqlite_db: Database, settings: RoomSettings
) -> None:
    room = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START)
    with sqlite_db.read() as conn:
        for credential in room.credentials:
            candidate = credential.candidate
            inbox = mail_store.list_messages(conn, candidate.id, Location("inbox"), offset=0, limit=50)
            assert len(inbox) >= 3  # the everyday mail, and what the tasks' setups delivered
            assert any(a["name"] == "BaoCao_CDS_2026.pdf" for m in inbox for a in m.attachments)
            assert any(
                c.email == "bantochuc@sonoivu.cantho.egov.test" for c in mail_store.tenant_contacts(conn, candidate.id)
            )


def test_a_demo_whose_paper_is_out_of_date_is_closed_and_made_afresh(
    sqlite_db: Database, settings: RoomSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = demo_paper()
    monkeypatch.setattr(demo, "demo_paper", lambda: current[1:])  # as a room of an older version
    old = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START)
    monkeypatch.undo()

    fresh = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START + timedelta(minutes=1))

    assert fresh.created
    assert fresh.exam.id != old.exam.id
    with sqlite_db.read() as conn:
        assert get_exam(conn, old.exam.id).phase(EXAM_START) is ExamPhase.closed
        paper = assignments_for(conn, fresh.credentials[0].candidate.id)
    assert [task.task_id for task in paper] == [task.id for task in current]
