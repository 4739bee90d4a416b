"""The demo room `make run` boots: made in one piece, reused, restarted when its time is up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mock_services.core.db import Database
from mock_services.core.exams import ExamPhase, assignments_for, exams
from sandbox import demo
from sandbox.demo_tasks import DemoTaskError
from tests.support.room import EXAM_START, SECRET


def test_the_demo_has_three_candidates_with_the_demo_paper(sqlite_db: Database) -> None:
    room = demo.ensure_demo(sqlite_db, secret=SECRET, now=EXAM_START)
    assert room.created
    assert [c.candidate.so_bao_danh for c in room.credentials] == ["DEMO01", "DEMO02", "DEMO03"]
    assert room.exam.phase(EXAM_START) is ExamPhase.in_progress
    with sqlite_db.read() as conn:
        paper = assignments_for(conn, room.credentials[0].candidate.id)
    assert [task.service for task in paper] == ["mail", "documents", "onestop"]
    assert "Nguyễn Thị Minh Thư" in paper[0].instructions  # rendered for this candidate


def test_a_second_run_reuses_the_demo_and_restarts_it_when_time_is_up(sqlite_db: Database) -> None:
    first = demo.ensure_demo(sqlite_db, secret=SECRET, now=EXAM_START)
    again = demo.ensure_demo(sqlite_db, secret=SECRET, now=EXAM_START + timedelta(minutes=30))
    assert (again.created, again.restarted) == (False, False)
    assert [c.password for c in again.credentials] == [c.password for c in first.credentials]
    later = EXAM_START + timedelta(hours=5, seconds=7)
    restarted = demo.ensure_demo(sqlite_db, secret=SECRET, now=later)
    assert restarted.restarted
    assert restarted.exam.starts_at == later.replace(second=0)
    assert restarted.operator_password != first.operator_password


def test_a_broken_demo_task_leaves_no_half_built_demo(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> list[object]:
        raise DemoTaskError("tasks/demo/01.yaml: not valid YAML")

    monkeypatch.setattr(demo, "load_demo_tasks", broken)
    with pytest.raises(DemoTaskError):
        demo.ensure_demo(sqlite_db, secret=SECRET, now=EXAM_START)
    with sqlite_db.read() as conn:
        assert conn.execute(select(func.count()).select_from(exams)).scalar() == 0
