"""The demo room `make run` boots: a demo exam drawn from the real blueprint and a practice exam
of the whole bank, made in one piece, reused, restarted when their time is up, made afresh when
the bank changed."""

from __future__ import annotations

import shutil
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from graderd.spec.load import load_bank
from graderd.spec.problems import SpecError
from mock_services.core.db import Database
from mock_services.core.exams import ExamPhase, assignments_for, exams, get_exam
from mock_services.core.settings import RoomSettings
from mock_services.mail import store as mail_store
from mock_services.mail.folders import Location
from sandbox import demo
from sandbox.draw import report
from tests.support.room import EXAM_START

BANK = Path(__file__).resolve().parents[2] / "tasks"


def test_the_demo_draws_each_paper_from_the_blueprint(sqlite_db: Database, settings: RoomSettings) -> None:
    room = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START)
    assert room.drawn.created
    assert [c.candidate.so_bao_danh for c in room.credentials] == ["DEMO01", "DEMO02", "DEMO03"]
    assert room.exam.phase(EXAM_START) is ExamPhase.in_progress
    assert room.exam.duration_minutes == room.blueprint.minutes
    assert (room.exam.drawn_from or {})["sha256"] == room.blueprint.sha256
    with sqlite_db.read() as conn:
        papers = [assignments_for(conn, c.candidate.id) for c in room.credentials]
    for paper in papers:
        assert sum((task.points for task in paper), Decimal(0)) == room.blueprint.points
        assert [task.pool for task in paper] == [pool.id for pool in room.blueprint.pools for _ in range(pool.draw)]
    assert {task.service for paper in papers for task in paper} >= {"mail", "documents", "signing", "onestop"}
    neighbours = report([[(task.task_id, task.params) for task in paper] for paper in papers])
    assert neighbours.neighbours_sharing_a_variant == 0  # the bank has enough to tell neighbours apart


def test_the_practice_exam_puts_the_whole_bank_on_each_paper(sqlite_db: Database, settings: RoomSettings) -> None:
    room = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START)
    practice = room.practice
    assert [c.candidate.so_bao_danh for c in practice.credentials] == ["ONTAP01", "ONTAP02"]
    assert practice.exam.drawn_from is None
    with sqlite_db.read() as conn:
        paper = assignments_for(conn, practice.credentials[0].candidate.id)
    assert [task.task_id for task in paper] == [task.id for task in load_bank(BANK, traces=False)]
    report = next(task for task in paper if task.task_id == "mail.send-report")
    assert "Võ Minh Khang" in report.instructions  # rendered for this candidate
    assert report.params["leader"]["email"] in report.instructions  # with their drawn params


def test_a_second_run_reuses_the_demo_and_restarts_it_when_time_is_up(
    sqlite_db: Database, settings: RoomSettings
) -> None:
    first = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START)
    again = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START + timedelta(minutes=30))
    assert (again.drawn.created, again.drawn.restarted) == (False, False)
    assert (again.practice.created, again.practice.restarted) == (False, False)
    assert [c.password for c in again.credentials] == [c.password for c in first.credentials]
    later = EXAM_START + timedelta(hours=5, seconds=7)
    restarted = demo.ensure_demo(sqlite_db, settings=settings, now=later)
    assert restarted.drawn.restarted
    assert restarted.practice.restarted
    assert restarted.exam.starts_at == later.replace(second=0)
    assert restarted.operator_password != first.operator_password


def test_a_broken_bank_leaves_no_half_built_demo(sqlite_db: Database, settings: RoomSettings, tmp_path: Path) -> None:
    broken = tmp_path / "bank"
    (broken / "mail").mkdir(parents=True)
    (broken / "mail" / "x.yaml").write_text("id: [\n", encoding="utf-8")
    with pytest.raises(SpecError):
        demo.ensure_demo(sqlite_db, settings=settings.model_copy(update={"tasks_dir": broken}), now=EXAM_START)
    with sqlite_db.read() as conn:
        assert conn.execute(select(func.count()).select_from(exams)).scalar() == 0


def test_each_demo_mailbox_holds_a_directory_and_realistic_messages(
    sqlite_db: Database, settings: RoomSettings
) -> None:
    room = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START)
    with sqlite_db.read() as conn:
        for credential in [*room.credentials, *room.practice.credentials]:
            candidate = credential.candidate
            inbox = mail_store.list_messages(conn, candidate.id, Location("inbox"), offset=0, limit=50)
            assert len(inbox) >= 3  # the everyday mail, and what the tasks' setups delivered
            if credential in room.practice.credentials:  # send-report's setup delivered its report
                assert any(a["name"] == "BaoCao_CDS_2026.pdf" for m in inbox for a in m.attachments)
            assert any(
                c.email == "bantochuc@sonoivu.cantho.egov.test" for c in mail_store.tenant_contacts(conn, candidate.id)
            )


def test_a_demo_whose_blueprint_changed_is_closed_and_drawn_afresh(
    sqlite_db: Database, settings: RoomSettings, tmp_path: Path
) -> None:
    bank = tmp_path / "tasks"
    shutil.copytree(BANK, bank)
    settings = settings.model_copy(update={"tasks_dir": bank})
    old = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START)
    blueprint = bank / "blueprints" / "thuc-hanh-2026.yaml"
    blueprint.write_text(blueprint.read_text(encoding="utf-8") + "# a new version\n", encoding="utf-8")

    fresh = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START + timedelta(minutes=1))

    assert fresh.drawn.created
    assert fresh.exam.id != old.exam.id
    assert not fresh.practice.created  # the tasks did not change: the practice exam is kept
    assert fresh.practice.exam.id == old.practice.exam.id
    with sqlite_db.read() as conn:
        assert get_exam(conn, old.exam.id).phase(EXAM_START) is ExamPhase.closed
        assert assignments_for(conn, fresh.credentials[0].candidate.id)


def test_a_demo_whose_task_changed_is_made_afresh(sqlite_db: Database, settings: RoomSettings, tmp_path: Path) -> None:
    bank = tmp_path / "tasks"
    shutil.copytree(BANK, bank)
    settings = settings.model_copy(update={"tasks_dir": bank})
    old = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START)
    with sqlite_db.read() as conn:
        changed = assignments_for(conn, old.credentials[0].candidate.id)[0]
    spec = next(path for path in bank.rglob("*.yaml") if f"id: {changed.task_id}\n" in path.read_text("utf-8"))
    text = spec.read_text("utf-8")
    spec.write_text(text.replace(f"title: {changed.title}\n", f"title: {changed.title} (bản mới)\n", 1), "utf-8")

    fresh = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START + timedelta(minutes=1))

    # The blueprint is the same, a task on the papers is not: both exams are made again, with it.
    assert fresh.drawn.created
    assert fresh.practice.created
    with sqlite_db.read() as conn:
        assert get_exam(conn, old.exam.id).phase(EXAM_START) is ExamPhase.closed
        titles = {a.title for a in assignments_for(conn, fresh.practice.credentials[0].candidate.id)}
    assert f"{changed.title} (bản mới)" in titles
    again = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START + timedelta(minutes=2))
    assert not again.drawn.created
    assert not again.practice.created


def test_a_demo_made_on_another_day_is_made_afresh(sqlite_db: Database, settings: RoomSettings) -> None:
    old = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START)
    tomorrow = EXAM_START + timedelta(days=1)

    fresh = demo.ensure_demo(sqlite_db, settings=settings, now=tomorrow)

    assert fresh.drawn.created
    assert fresh.practice.created
    with sqlite_db.read() as conn:
        assert get_exam(conn, old.exam.id).phase(tomorrow) is ExamPhase.closed
        assert get_exam(conn, old.practice.exam.id).phase(tomorrow) is ExamPhase.closed
