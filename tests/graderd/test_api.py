"""The grader API in-process: the demo room graded, scores and evidence, exports, regrade with a
dry run, the daemon following the log, and nothing without the grader token."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from graderd.app import create_grader_app
from graderd.daemon import Grader
from graderd.settings import BANK
from graderd.spec.load import load_bank
from graderd.store import results_of_exam
from mock_services.core.db import Database
from mock_services.core.exams import assignments_for
from mock_services.core.settings import RoomSettings
from mock_services.mail import mailbox, store
from mock_services.mail.folders import Location
from mock_services.mail.mailbox import Outgoing
from sandbox import demo
from sandbox.demo import DemoExam
from sandbox.recording import Attempt
from tests.support.room import EXAM_START

TOKEN = "grader-token-for-the-api-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def room(sqlite_db: Database, settings: RoomSettings) -> DemoExam:
    return demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START).practice  # every task on its paper


@pytest.fixture
def client(sqlite_db: Database, room: DemoExam) -> Iterator[TestClient]:
    app = create_grader_app(sqlite_db, bank=load_bank(BANK), token=TOKEN)
    with TestClient(app) as client:
        yield client


def grader_of(client: TestClient) -> Grader:
    grader: Grader = client.app.state.grader  # type: ignore[attr-defined]
    return grader


def send_the_report(db: Database, settings: RoomSettings, room: DemoExam) -> None:
    """ONTAP01 forwards the office's report to the organisers, the leader in Cc, as the task asks."""
    candidate = room.credentials[0].candidate
    with db.write() as conn:
        params = next(a for a in assignments_for(conn, candidate.id) if a.task_id == "mail.send-report").params
        attempt = Attempt(conn, candidate, settings, EXAM_START, params)
        original = next(
            m
            for m in store.messages_in(conn, candidate.id, Location("inbox"))
            if "báo cáo kết quả chuyển đổi số" in m.subject
        )
        mailbox.send(
            conn,
            candidate,
            Outgoing(
                to=["bantochuc@sonoivu.cantho.egov.test"],
                cc=[params["leader"]["email"]],
                bcc=[],
                subject=f"Báo cáo kết quả chuyển đổi số năm 2026 – {candidate.ho_ten}",
                body="Kính gửi Ban Tổ chức, đơn vị gửi báo cáo.",
                kind="forward",
                original=original,
                kept=list(original.attachments),
            ),
            attempt.acting(),
        )


def test_nothing_opens_without_the_grader_token(client: TestClient, room: DemoExam) -> None:
    for path in ("/api/exams", f"/api/exams/{room.exam.id}/scores", f"/api/exams/{room.exam.id}/export.csv"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["error"] == "not_authenticated"
        assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post(f"/api/exams/{room.exam.id}/regrade").status_code == 401
    page = client.get("/ky-thi", follow_redirects=False)
    assert page.status_code == 303
    assert "Mã truy cập" in client.get("/").text


def test_a_graded_exam_shows_scores_evidence_and_exports(
    client: TestClient, sqlite_db: Database, settings: RoomSettings, room: DemoExam
) -> None:
    send_the_report(sqlite_db, settings, room)
    outcome = client.post(f"/api/exams/{room.exam.id}/regrade?dry_run=false", headers=AUTH).json()
    assert outcome["committed"] is True
    assert outcome["candidates"] == 2

    detail = client.get(f"/api/exams/{room.exam.id}/candidates/ontap01", headers=AUTH).json()
    report = next(task for task in detail["tasks"] if task["task_id"] == "mail.send-report")
    assert report["result"]["points"] == "5"
    assert all(item["outcome"] == "passed" and item["evidence"] for item in report["result"]["items"])
    assert report["pinned_to"]["log_head_seq"] > 0

    raw = client.get(f"/api/exams/{room.exam.id}/export.csv", headers=AUTH).content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    column = next(i for i, name in enumerate(rows[0]) if "(mail.send-report)" in name)
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number["ONTAP01"][column] == "5"
    assert by_number["ONTAP02"][column] == "0"

    book = load_workbook(io.BytesIO(client.get(f"/api/exams/{room.exam.id}/export.xlsx", headers=AUTH).content))
    sheet = book.active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][0] == "ONTAP01"
    assert values[1][column] == 5

    # Every rubric item, with its outcome and evidence: items.csv, the workbook's second sheet, JSON.
    response = client.get(f"/api/exams/{room.exam.id}/export.items.csv", headers=AUTH)
    assert 'filename="chi-tiet-cham-ky-thi-' in response.headers["content-disposition"]
    items = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    sent = [
        row
        for row in items
        if row["Số báo danh"] == "ONTAP01" and row["Mã câu"] == "mail.send-report" and row["Mã tiêu chí"]
    ]
    assert [row["Mã tiêu chí"] for row in sent] == [item["id"] for item in report["result"]["items"]]
    assert all(row["Kết quả"] == "Đạt" and row["Căn cứ (seq nhật ký)"] for row in sent), sent
    assert sum(Decimal(row["Điểm"]) for row in sent) == 5
    missed = [
        row
        for row in items
        if row["Số báo danh"] == "ONTAP02" and row["Mã câu"] == "mail.send-report" and row["Mã tiêu chí"]
    ]
    assert {row["Kết quả"] for row in missed} == {"Không đạt"}, missed
    assert all(row["Giải thích"] for row in missed), missed
    detail_sheet = book["Chi tiết chấm"]
    assert [cell.value for cell in detail_sheet[1]] == list(items[0])
    assert detail_sheet.max_row == len(items) + 1
    exported = client.get(f"/api/exams/{room.exam.id}/export.json", headers=AUTH).json()
    first = next(c for c in exported["candidates"] if c["so_bao_danh"] == "ONTAP01")
    in_json = next(t for t in first["tasks"] if t["task_id"] == "mail.send-report")
    assert in_json["items"] == report["result"]["items"]

    client.post("/", data={"token": TOKEN})
    page = client.get(f"/ky-thi/{room.exam.id}/thi-sinh/ONTAP01").text
    assert "Đạt" in page
    assert "Võ Minh Khang" in page


def test_drawn_papers_are_exported_without_a_cau_number_that_differs_per_candidate(
    client: TestClient, sqlite_db: Database, settings: RoomSettings, room: DemoExam
) -> None:
    drawn = demo.ensure_demo(sqlite_db, settings=settings, now=EXAM_START).drawn
    raw = client.get(f"/api/exams/{drawn.exam.id}/export.csv", headers=AUTH).content
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    tasks = header[4:-3]
    assert len(tasks) >= 9, header  # every task on any paper
    assert not [name for name in tasks if name.startswith("Câu")], header
    practice = client.get(f"/api/exams/{room.exam.id}/export.csv", headers=AUTH).content
    assert next(csv.reader(io.StringIO(practice.decode("utf-8-sig"))))[4].startswith("Câu 1: "), practice[:200]


def test_a_dry_run_regrade_shows_what_would_change_and_stores_nothing(
    client: TestClient, sqlite_db: Database, settings: RoomSettings, room: DemoExam
) -> None:
    exam = room.exam.id
    client.post(f"/api/exams/{exam}/regrade?dry_run=false", headers=AUTH)
    send_the_report(sqlite_db, settings, room)

    dry = client.post(f"/api/exams/{exam}/regrade?candidate=ONTAP01", headers=AUTH).json()
    assert dry["committed"] is False
    [change] = [c for c in dry["changes"] if c["task_id"] == "mail.send-report"]
    assert (change["old_points"], change["new_points"]) == ("0", "5")
    assert any(item.startswith("sent: failed 0 → passed 1") for item in change["items"])
    with sqlite_db.read() as conn:
        stored = {(r.candidate_id, r.task_id): r.points for r in results_of_exam(conn, exam)}
    assert stored[(room.credentials[0].candidate.id, "mail.send-report")] == 0

    again = client.post(f"/api/exams/{exam}/regrade?candidate=ONTAP01&dry_run=false", headers=AUTH).json()
    assert again["committed"] is True
    assert client.post(f"/api/exams/{exam}/regrade", headers=AUTH).json()["changes"] == []


def test_the_daemon_grades_a_candidate_whose_chain_grows(
    client: TestClient, sqlite_db: Database, settings: RoomSettings, room: DemoExam
) -> None:
    grader = grader_of(client)
    assert grader.catch_up() == 5  # every demo candidate of both demo exams, graded on start
    assert grader.catch_up() == 0  # and not again while nothing changed
    send_the_report(sqlite_db, settings, room)
    assert grader.step() == 1  # only ONTAP01's chain grew
    detail = client.get(f"/api/exams/{room.exam.id}/candidates/ONTAP01", headers=AUTH).json()
    report = next(task for task in detail["tasks"] if task["task_id"] == "mail.send-report")
    assert report["result"]["points"] == "5"


def test_unknown_exam_candidate_and_format_are_404_in_the_one_error_shape(client: TestClient, room: DemoExam) -> None:
    for path in (
        "/api/exams/999/scores",
        f"/api/exams/{room.exam.id}/candidates/NOBODY",
        f"/api/exams/{room.exam.id}/export.pdf",
    ):
        body = client.get(path, headers=AUTH).json()
        assert body["ok"] is False
        assert body["status"] == 404
        assert body["message"]
