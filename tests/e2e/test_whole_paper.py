"""End to end, a whole exam as a room runs it: the operator creates an exam from the real
blueprint (thuc-hanh-2026) with a fixed seed and imports a candidate, whose paper is drawn and set
up; `python -m sandbox run` serves the room; the candidate sits every task of the paper in a real
Chromium, across mail, documents, ký số, một cửa and the cross-service task; graderd's total
equals the points the bank promises (40), and the exports (CSV, XLSX, items.csv from the API and
the command line) and the grader's page of the candidate show every rubric item with its evidence.

The seed is the first whose paper for the one seat has a browser flow for every task
(tests/e2e/flows/): the draw depends only on the seed, the seat, the blueprint and the bank, so
the test predicts the paper and then checks the room drew exactly that.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx2 as httpx
import openpyxl
import pytest
from playwright.sync_api import Page, expect

from graderd.spec.model import TaskSpec
from sandbox import exam_draw
from sandbox.draw import draw_papers
from tests.e2e.flows import flow_for, log_in, registered, sitting
from tests.e2e.grading import assert_evidenced, paper_of, wait_for_full_marks
from tests.e2e.test_grading import grader_of, with_output
from tests.sandbox.test_cli import credentials_of
from tests.sandbox.test_run import port_of, start_run
from tests.support.live import ROOT, room_env, sandbox_cli

pytestmark = [pytest.mark.browser, pytest.mark.live]

TASKS = ROOT / "tasks"
BLUEPRINT = "thuc-hanh-2026"
SEAT = "TS01"
ROSTER = (
    "Số báo danh,Họ và tên,Chức vụ,Đơn vị,Email\r\n"
    f"{SEAT},Nguyễn Văn An,Chủ tịch UBND phường,UBND phường Ninh Kiều,an.nv@phuong-ninhkieu.egov.test\r\n"
)
ROOM_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # the room's default time zone (SATHACH_TIMEZONE)
GRADING_TIMEOUT = 60.0


def covered_paper(bank: exam_draw.Bank, flows: set[str]) -> tuple[int, list[TaskSpec]]:
    """The first seed whose paper for ``SEAT`` has a browser flow for every task, and that paper."""
    blueprint = bank.blueprint(BLUEPRINT)
    for seed in range(1, 5000):
        paper = draw_papers(blueprint, bank.tasks, seed=seed, seats=[SEAT], exam_day=date.today())[0]
        if set(paper.task_ids) <= flows:
            return seed, [bank.by_id[task_id] for task_id in paper.task_ids]
    missing = sorted({task_id for pool in blueprint.pools for task_id in pool.task_ids} - flows)
    raise AssertionError(f"no seed below 5000 draws a paper the browser flows cover; no browser flow for {missing}")


def create_exam(env: dict[str, str], seed: int) -> str:
    """As the operator: a database, an exam from the blueprint starting this minute, the roster."""
    assert sandbox_cli("init-db", env=env).returncode == 0
    now = datetime.now(ROOM_ZONE)
    created = sandbox_cli(
        "create-exam", "--name", "Hội thi ứng dụng CNTT 2026: phần thực hành", "--blueprint", BLUEPRINT,
        "--date", now.date().isoformat(), "--start", f"{now:%H:%M}", "--seed", str(seed), env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    exam = created.stdout.strip()
    roster = Path(env["SATHACH_DATA_DIR"]) / "danh-sach.csv"
    roster.write_bytes(ROSTER.encode("utf-8-sig"))
    imported = sandbox_cli("import-candidates", exam, str(roster), env=env)
    assert imported.returncode == 0, imported.stderr
    assert f"Drawing 1 paper from blueprint {BLUEPRINT}:" in imported.stdout, imported.stdout
    return exam


def sit_the_paper(page: Page, room: str, password: str, paper: list[dict[str, Any]]) -> None:
    """As the candidate: log in, read the paper, do every task in the order it is numbered."""
    log_in(page, room, SEAT, password)
    heading = page.get_by_role("heading", level=2, name=re.compile(r"^Đề thi:"))
    expect(heading).to_have_text(f"Đề thi: {len(paper)} câu, tổng 40 điểm")
    for task in paper:
        flow_for(task["task_id"])(sitting(page, room, SEAT, task["position"]))


def graderd_export(env: dict[str, str], exam: str, fmt: str) -> bytes:
    """The score table as `python -m graderd export` writes it (the command a grader scripts)."""
    done = subprocess.run(
        [sys.executable, "-m", "graderd", "export", exam, "--format", fmt],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def check_score_sheet(raw: bytes, graded: dict[str, dict[str, Any]], total: Decimal) -> None:
    """The CSV score sheet: the candidate's row has each task's points and the total."""
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, row = rows[0], next(r for r in rows[1:] if r[0] == SEAT)
    for task_id, task in graded.items():
        column = next(i for i, name in enumerate(header) if name.endswith(f"({task_id})"))
        assert Decimal(row[column]) == Decimal(task["result"]["max_points"]), (header[column], row)
    assert Decimal(row[header.index("Tổng điểm thực hành")]) == total, row
    assert row[header.index("Ghi chú")] == "", row


def check_item_rows(rows: list[dict[str, str]], graded: dict[str, dict[str, Any]]) -> None:
    """Chi tiết chấm: a row per rubric item of every task, as graderd's result lists them, each
    scored item passed with the seqs of its evidence and an explanation."""
    mine = [row for row in rows if row["Số báo danh"] == SEAT]
    for task_id, task in graded.items():
        items = task["result"]["items"]
        rows_of_task = [row for row in mine if row["Mã câu"] == task_id]
        assert [row["Mã tiêu chí"] for row in rows_of_task] == [item["id"] for item in items], task_id
        for row, item in zip(rows_of_task, items, strict=True):
            if Decimal(item["max_points"]) > 0:
                assert row["Kết quả"] == "Đạt", row
                assert row["Căn cứ (seq nhật ký)"] == ", ".join(str(seq) for seq in item["evidence"]), row
                assert row["Giải thích"], row
                assert Decimal(row["Điểm"]) == Decimal(item["max_points"]), row
    assert len(mine) == sum(len(task["result"]["items"]) for task in graded.values())


def check_grader_page(graderd: str, token: str, exam: str, graded: dict[str, dict[str, Any]]) -> None:
    """The grader's page of the candidate: every task at full marks, every item Đạt with its seqs."""
    with httpx.Client(base_url=graderd, timeout=10) as browser:
        assert browser.post("/", data={"token": token}).status_code == 303
        page = browser.get(f"/ky-thi/{exam}/thi-sinh/{SEAT}")
    assert page.status_code == 200, page.text
    sections = re.findall(r"<section class=\"box\">.*?</section>", page.text, re.S)
    assert len(sections) == len(graded), page.text
    for task_id, task in graded.items():
        section = next(s for s in sections if f"({task_id})" in s)
        result = task["result"]
        assert f"{result['points']} / {result['max_points']} điểm" in section, section
        rows = re.findall(r"<tr>\s*<td>.*?</tr>", section, re.S)
        assert len(rows) == len(result["items"]), section
        for row, item in zip(rows, result["items"], strict=True):
            assert item["id"] in row, (item, row)
            if Decimal(item["max_points"]) > 0:
                assert ">Đạt<" in row, row
                assert f"<td>{', '.join(str(seq) for seq in item['evidence'])}</td>" in row, row


def test_a_candidate_sits_a_whole_drawn_paper_in_chromium_and_graderd_gives_every_point(
    page: Page, tmp_path: Path
) -> None:
    bank = exam_draw.load(TASKS)
    seed, predicted = covered_paper(bank, set(registered()))
    promised = sum((task.points for task in predicted), Decimal(0))
    assert promised == 40
    env = room_env(tmp_path / "var", SATHACH_ONESTOP_PROCESSING_SECONDS="2")
    exam = create_exam(env, seed)
    password = credentials_of(env, exam)[SEAT]

    run = start_run(env)
    try:
        room = f"http://127.0.0.1:{port_of(run, 'Phòng thi')}"
        grader_port, token = grader_of(run)
        graderd = f"http://127.0.0.1:{grader_port}"
        with httpx.Client(base_url=graderd, headers={"Authorization": f"Bearer {token}"}, timeout=10) as grader:
            paper = sorted(paper_of(grader, int(exam), SEAT), key=lambda task: task["position"])
            # The room drew what the seed promises: the same draw, reproduced.
            assert sorted(task["task_id"] for task in paper) == sorted(task.id for task in predicted), paper

            sit_the_paper(page, room, password, paper)

            graded = wait_for_full_marks(
                grader, int(exam), SEAT, [task["task_id"] for task in paper], timeout=GRADING_TIMEOUT
            )
            for task in graded.values():
                assert task["result"]["gradable"] is True, task
                assert_evidenced(task)
            earned = sum((Decimal(task["result"]["points"]) for task in graded.values()), Decimal(0))
            assert earned == promised

            scores = grader.get(f"/api/exams/{exam}/scores").json()
            (row,) = scores["candidates"]
            assert Decimal(row["total"]) == Decimal(row["max_points"]) == promised, row

            check_score_sheet(grader.get(f"/api/exams/{exam}/export.csv").content, graded, promised)
            items = grader.get(f"/api/exams/{exam}/export.items.csv").content
            check_item_rows(list(csv.DictReader(io.StringIO(items.decode("utf-8-sig")))), graded)
            assert graderd_export(env, exam, "items.csv") == items

            book = openpyxl.load_workbook(io.BytesIO(grader.get(f"/api/exams/{exam}/export.xlsx").content))
            header, *rows = [list(r) for r in book["Điểm thực hành"].iter_rows(values_only=True)]
            assert rows[0][header.index("Tổng điểm thực hành")] == promised
            header, *rows = [list(r) for r in book["Chi tiết chấm"].iter_rows(values_only=True)]
            as_text = [{str(h): "" if v is None else str(v) for h, v in zip(header, r, strict=True)} for r in rows]
            check_item_rows(as_text, graded)

        check_grader_page(graderd, token, exam, graded)
    except Exception as failure:
        raise with_output(failure, run) from failure
    finally:
        status = run.interrupt()
    assert status == 0, run.output
