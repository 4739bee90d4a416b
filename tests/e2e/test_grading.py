"""End to end: the demo room boots (`python -m sandbox run --demo`), a candidate does a task in a
real Chromium, and graderd — following the action log — scores it; the grader reads the score
through the API, the exports and the pages, which the candidate's own session cannot open.

One path through the whole product: portal → webmail (Chuyển tiếp keeps the attachment) →
action log → graderd → CSV / XLSX / grader page.
"""

from __future__ import annotations

import csv
import io
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx2 as httpx
import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import log_in, sitting_titled
from tests.e2e.flows.mail import report_wanted, send_report
from tests.e2e.grading import grader_of, with_output
from tests.sandbox.test_run import demo_logins, port_of, start_run
from tests.support.live import room_env

pytestmark = [pytest.mark.browser, pytest.mark.live]

CANDIDATE = "ONTAP01"  # the practice exam: every task of the bank on its paper
TASK = "mail.send-report"
TASK_TITLE = "Gửi báo cáo kết quả chuyển đổi số qua thư điện tử công vụ"
RUBRIC = {"sent", "cc_leader", "subject", "attachment", "body"}
GRADING_TIMEOUT = 15.0


class NeverGraded(AssertionError):
    """graderd did not score the task within ``GRADING_TIMEOUT``."""


def send_the_report(page: Page, room: str, password: str) -> tuple[dict[str, str], str, str]:
    """In the browser, as ONTAP01: read the task, forward Văn phòng's mail to Ban Tổ chức with the
    leader in Cc. Returns the leader named in the instructions, the subject sent, and the
    candidate's room session cookie."""
    log_in(page, room, CANDIDATE, password)
    sitting = sitting_titled(page, room, CANDIDATE, TASK_TITLE)
    leader, subject = report_wanted(sitting)
    send_report(sitting)
    session = next(c["value"] for c in page.context.cookies() if c["name"] == "sh_session")
    return leader, subject, session


def wait_for_full_marks(grader: httpx.Client, exam_id: int) -> dict[str, Any]:
    """Poll graderd until the task shows 5/5 (it follows the log every 0.25 s); the last answer."""
    deadline = time.monotonic() + GRADING_TIMEOUT
    task: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = grader.get(f"/api/exams/{exam_id}/candidates/{CANDIDATE}")
        assert response.status_code == 200, response.text
        task = next(t for t in response.json()["tasks"] if t["task_id"] == TASK)
        result = task["result"]
        if result is not None and Decimal(result["points"]) == 5:
            return task
        time.sleep(0.25)
    raise NeverGraded(f"graderd never gave {TASK} 5/5 within {GRADING_TIMEOUT} s; last: {task}")


def column_of(header: list[Any]) -> int:
    found = [i for i, name in enumerate(header) if isinstance(name, str) and name.endswith(f"({TASK})")]
    assert len(found) == 1, header
    return found[0]


def test_a_candidate_sends_the_report_in_chromium_and_graderd_scores_it_5_of_5(page: Page, tmp_path: Path) -> None:
    run = start_run(room_env(tmp_path / "var"), "--demo")
    try:
        password = demo_logins(run)[CANDIDATE]
        room_port = port_of(run, "Phòng thi")
        grader_port, token = grader_of(run)
        banner_exam = int(run.wait_for(r"Practice exam #(\d+)").group(1))
        room = f"http://127.0.0.1:{room_port}"
        graderd = f"http://127.0.0.1:{grader_port}"

        # 2. The candidate, in Chromium.
        leader, subject, session = send_the_report(page, room, password)
        assert leader["email"].endswith("@egov.test"), leader
        assert subject == "Báo cáo kết quả chuyển đổi số năm 2026 – Võ Minh Khang", subject

        with httpx.Client(base_url=graderd, headers={"Authorization": f"Bearer {token}"}, timeout=10) as grader:
            # 3. graderd scores it from the log.
            exams = grader.get("/api/exams")
            assert exams.status_code == 200, exams.text
            exam_ids = [exam["id"] for exam in exams.json()["exams"]]
            assert banner_exam in exam_ids, exams.text
            exam_id = banner_exam
            task = wait_for_full_marks(grader, exam_id)
            result = task["result"]
            assert Decimal(result["max_points"]) == 5, result
            assert result["gradable"] is True, result
            items = {item["id"]: item for item in result["items"]}
            assert set(items) == RUBRIC, result
            for item in items.values():
                assert item["outcome"] == "passed", item
                assert item["evidence"], item
                assert all(isinstance(seq, int) and seq > 0 for seq in item["evidence"]), item
            assert task["params"]["leader"]["email"] == leader["email"], task["params"]
            assert task["params"]["leader"]["name"] == leader["name"], task["params"]

            # 4. The exports.
            exported = grader.get(f"/api/exams/{exam_id}/export.csv")
            assert exported.status_code == 200, exported.text
            assert exported.content.startswith(b"\xef\xbb\xbf"), exported.content[:20]
            rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
            column = column_of(rows[0])
            row = next(r for r in rows[1:] if r[0] == CANDIDATE)
            assert Decimal(row[column]) == 5, (rows[0][column], row)

            exported = grader.get(f"/api/exams/{exam_id}/export.xlsx")
            assert exported.status_code == 200, exported.text
            book = openpyxl.load_workbook(io.BytesIO(exported.content), read_only=True)
            sheet = book.active
            assert sheet is not None
            cells = [list(r) for r in sheet.iter_rows(values_only=True)]
            book.close()
            column = column_of(cells[0])
            xlsx_row = next(r for r in cells[1:] if r[0] == CANDIDATE)
            assert xlsx_row[column] == 5, (cells[0][column], xlsx_row)

        # 5. The candidate's room session opens nothing on graderd; the grader's token does.
        with httpx.Client(base_url=graderd, cookies={"sh_session": session}, timeout=10) as candidate:
            refused = candidate.get("/api/exams")
            assert refused.status_code == 401, refused.text
            assert refused.headers["content-type"].startswith("application/json"), refused.headers
            assert refused.json()["ok"] is False, refused.text
            assert refused.json()["status"] == 401, refused.text
            home = candidate.get("/")
            assert home.status_code == 200, home.text
            assert "Mã truy cập" in home.text, home.text
            assert 'name="token"' in home.text, home.text
            assert "Đạt" not in home.text
        # The candidate's own browser too: cookies do not care about ports, graderd still does not open.
        page.goto(f"{graderd}/")
        expect(page.get_by_role("heading", level=1, name="Đăng nhập người chấm thi")).to_be_visible()
        assert (page.request.get(f"{graderd}/api/exams")).status == 401

        with httpx.Client(base_url=graderd, timeout=10) as fresh:
            logged_in = fresh.post("/", data={"token": token})
            assert logged_in.status_code == 303, logged_in.text
            assert fresh.cookies.get("sathach_grader") == token
            graded = fresh.get(f"/ky-thi/{exam_id}/thi-sinh/{CANDIDATE}")
            assert graded.status_code == 200, graded.text
            sections = re.findall(r"<section class=\"box\">.*?</section>", graded.text, re.S)
            section = next((s for s in sections if f"({TASK})" in s), None)
            assert section, graded.text
            assert "5 / 5 điểm" in section, section
            assert section.count(">Đạt<") == len(RUBRIC), section
            assert "Không đạt" not in section, section
    except Exception as failure:
        raise with_output(failure, run) from failure
    finally:
        status = run.interrupt()
    assert status == 0, run.output
