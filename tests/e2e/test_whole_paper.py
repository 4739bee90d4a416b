"""End to end, a whole exam as a room runs it: the operator creates an exam from a real
blueprint (thuc-hanh-2026, then the final round's chung-ket-2026) with a fixed seed and imports a
candidate, whose paper is drawn and set up; `python -m sandbox run` serves the room; the
candidate sits every task of the paper in a real Chromium, across mail, documents, ký số, một
cửa and the cross-service task; graderd's total equals the points the bank promises (40), and
the exports (the score sheet as CSV, Chi tiết chấm from the API and from `python -m graderd
export`, both sheets of the XLSX) and the grader's page of the candidate show every rubric item
with its evidence.

Every task of the bank has a browser flow (tests/e2e/test_flow_coverage.py checks it), so any seed's
paper can be sat; the seed is fixed so that a failure is reproduced. The draw depends only on
the seed, the seat, the blueprint, the bank and the exam day: the test computes the paper and
checks the room drew exactly that, task by task, params included.
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

from sandbox import exam_draw
from sandbox.draw import Paper, draw_papers
from tests.e2e.flows import flow_for, log_in, sitting
from tests.e2e.grading import (
    assert_evidenced,
    describe,
    grader_of,
    has_full_marks,
    paper_of,
    wait_for_full_marks,
    wait_until_caught_up,
    with_output,
)
from tests.sandbox.test_cli import credentials_of
from tests.sandbox.test_run import port_of, start_run
from tests.support.live import ROOT, room_env, sandbox_cli

pytestmark = [pytest.mark.browser, pytest.mark.live]

TASKS = ROOT / "tasks"
BLUEPRINTS = ["thuc-hanh-2026", "chung-ket-2026"]  # the yearly exam, and its final round
SEAT = "TS01"
SEED = 2026
ROSTER = (
    "Số báo danh,Họ và tên,Chức vụ,Đơn vị,Email\r\n"
    f"{SEAT},Nguyễn Văn An,Chủ tịch UBND phường,UBND phường Ninh Kiều,an.nv@phuong-ninhkieu.egov.test\r\n"
)
ROOM_ZONE = "Asia/Ho_Chi_Minh"
GRADING_TIMEOUT = 60.0


def predicted_paper(bank: exam_draw.Bank, blueprint: str, exam_day: date) -> Paper:
    """The paper the room must draw for ``SEAT``: what sandbox.draw computes."""
    return draw_papers(bank.blueprint(blueprint), bank.tasks, seed=SEED, seats=[SEAT], exam_day=exam_day)[0]


def create_exam(env: dict[str, str], blueprint: str, now: datetime) -> str:
    """As the operator: a database, an exam from the blueprint starting this minute, the roster."""
    assert sandbox_cli("init-db", env=env).returncode == 0
    created = sandbox_cli(
        "create-exam", "--name", "Hội thi ứng dụng CNTT 2026: phần thực hành", "--blueprint", blueprint,
        "--date", now.date().isoformat(), "--start", f"{now:%H:%M}", "--seed", str(SEED), env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    exam = created.stdout.strip()
    roster = Path(env["SATHACH_DATA_DIR"]) / "danh-sach.csv"
    roster.write_bytes(ROSTER.encode("utf-8-sig"))
    imported = sandbox_cli("import-candidates", exam, str(roster), env=env)
    assert imported.returncode == 0, imported.stderr
    assert f"Drawing 1 paper from blueprint {blueprint}:" in imported.stdout, imported.stdout
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
    """Chi tiết chấm: per task a line with its full score, then a line per rubric item (and per
    part of an ``all_of``) as graderd's result lists them, each with the seqs of its evidence:
    every scored item passed, every penalty avoided."""
    mine = [row for row in rows if row["Số báo danh"] == SEAT]
    expected: list[tuple[str, str]] = []
    for task_id, task in graded.items():
        expected.append((task_id, ""))
        for item in task["result"]["items"]:
            expected.append((task_id, item["id"]))
            expected += [(task_id, f"{item['id']}/{part['id']}") for part in item["parts"]]
    assert [(row["Mã câu"], row["Mã tiêu chí"]) for row in mine] == expected
    lines = {(row["Mã câu"], row["Mã tiêu chí"]): row for row in mine}
    for task_id, task in graded.items():
        whole = lines[(task_id, "")]
        assert (whole["Kết quả"], Decimal(whole["Điểm"])) == ("Đã chấm", Decimal(task["result"]["max_points"])), whole
        assert whole["Câu"] == str(task["position"]), whole
        for item in task["result"]["items"]:
            row = lines[(task_id, item["id"])]
            assert row["Căn cứ (seq nhật ký)"] == ", ".join(str(seq) for seq in item["evidence"]), row
            assert row["Giải thích"] == item["explanation"], row
            if item["penalty"]:
                assert row["Kết quả"] == "Không mắc lỗi", row
            elif Decimal(item["max_points"]) > 0:
                assert (row["Kết quả"], Decimal(row["Điểm"])) == ("Đạt", Decimal(item["max_points"])), row
                assert item["evidence"], row


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
        parts = re.findall(r"<tr class=\"part\">.*?</tr>", section, re.S)
        assert len(rows) == len(result["items"]), section
        assert len(parts) == sum(len(item["parts"]) for item in result["items"]), section
        for row, item in zip(rows, result["items"], strict=True):
            assert item["id"] in row, (item, row)
            assert f"<td>{', '.join(str(seq) for seq in item['evidence'])}</td>" in row, row
            if item["penalty"]:
                assert ">Không mắc lỗi<" in row, row
            elif Decimal(item["max_points"]) > 0:
                assert ">Đạt<" in row, row


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_a_candidate_sits_a_whole_drawn_paper_in_chromium_and_graderd_gives_every_point(
    blueprint: str, page: Page, tmp_path: Path
) -> None:
    now = datetime.now(ZoneInfo(ROOM_ZONE))  # one "now": the exam's day is the draw's
    predicted = predicted_paper(exam_draw.load(TASKS), blueprint, now.date())
    promised = predicted.points
    assert promised == 40
    env = room_env(tmp_path / "var", SATHACH_ONESTOP_PROCESSING_SECONDS="2", SATHACH_TIMEZONE=ROOM_ZONE)
    exam = create_exam(env, blueprint, now)
    password = credentials_of(env, exam)[SEAT]

    run = start_run(env)
    try:
        room = f"http://127.0.0.1:{port_of(run, 'Phòng thi')}"
        grader_port, token = grader_of(run)
        graderd = f"http://127.0.0.1:{grader_port}"
        with httpx.Client(base_url=graderd, headers={"Authorization": f"Bearer {token}"}, timeout=10) as grader:
            paper = sorted(paper_of(grader, int(exam), SEAT), key=lambda task: task["position"])
            # The room drew what the seed promises: the same draw, reproduced, in paper order.
            assert [task["position"] for task in paper] == list(range(1, len(predicted.tasks) + 1))
            assert [(t["task_id"], t["params"]) for t in paper] == [(d.task.id, d.params) for d in predicted.tasks]

            sit_the_paper(page, room, password, paper)

            wait_for_full_marks(grader, int(exam), SEAT, [task["task_id"] for task in paper], timeout=GRADING_TIMEOUT)
            # Read the results once graderd has graded the whole log and it is still: the exports
            # below must show the same evidence.
            wait_until_caught_up(grader)
            graded = {task["task_id"]: task for task in paper_of(grader, int(exam), SEAT)}
            for task in graded.values():
                assert has_full_marks(task), describe({task["task_id"]: task})
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
