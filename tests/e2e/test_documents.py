"""End to end, the document service: the demo room boots, a candidate as Chủ tịch directs (bút phê)
the incoming plan the task put on their desk, in a real Chromium, and graderd — following the
action log — gives documents.direct-incoming full marks, every item with its evidence."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_grading import grader_of, with_output
from tests.sandbox.test_run import demo_logins, port_of, start_run
from tests.support.live import room_env

pytestmark = [pytest.mark.browser, pytest.mark.live]

CANDIDATE = "ONTAP01"  # the practice exam: every task of the bank on its paper
TASK = "documents.direct-incoming"
TASK_TITLE = "Bút phê, giao xử lý văn bản đến (Chủ tịch UBND phường)"
GRADING_TIMEOUT = 15.0
# What the instructions name: the plan, the lead and assisting units, the deadline.
PLAN = re.compile(r"Kế hoạch số (?P<number>\d+/KH-UBND)")
LEAD = re.compile(r"Xử lý chính \(chủ trì\): (?P<unit>[^(]+?) \(")
COOPERATE = re.compile(r"Phối hợp: (?P<unit>[^;]+);")
DUE = re.compile(r"Hạn xử lý: (?P<due>\d\d/\d\d/\d{4})")


def read_task(page: Page) -> dict[str, str]:
    task = page.locator("article.task", has=page.get_by_role("heading", name=re.compile(re.escape(TASK_TITLE))))
    expect(task).to_have_count(1)
    text = " ".join(task.locator(".instructions").inner_text().split())
    found = {}
    for name, pattern in (("number", PLAN), ("unit", LEAD), ("due", DUE)):
        match = pattern.search(text)
        assert match, (name, text)
        found[name] = match.group(name).strip()
    other = COOPERATE.search(text)
    assert other, text
    found["other"] = other.group("unit").strip()
    return found


def direct_the_plan(page: Page, room: str, password: str) -> dict[str, str]:
    """As ONTAP01 in Chromium: read the task, open the plan in Chờ xử lý and direct it."""
    page.goto(f"{room}/dang-nhap")
    page.get_by_label("Số báo danh").fill(CANDIDATE)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/bai-thi$"))
    wanted = read_task(page)

    nav = page.get_by_role("navigation", name="Phần mềm trong phòng thi")
    nav.get_by_role("link", name="Quản lý văn bản và điều hành").click()
    page.get_by_label("Vai trò").select_option(label="Chủ tịch UBND")
    expect(page.locator(".docs-position")).to_contain_text("Chủ tịch UBND")
    page.locator("[data-list='den-cho-xu-ly']").click()
    page.get_by_role("link", name=wanted["number"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(wanted["number"])

    form = page.locator("#form-but-phe")
    form.get_by_label(f"{wanted['unit']}: xử lý chính").check()
    form.get_by_label(f"{wanted['other']}: phối hợp").check()
    form.get_by_label("Văn phòng HĐND và UBND: nhận để biết").check()
    form.get_by_label("Hạn xử lý").fill(wanted["due"])
    form.get_by_label("Ý kiến chỉ đạo").fill(
        f"Giao {wanted['unit']} chủ trì, phối hợp {wanted['other']} tham mưu triển khai kế hoạch; "
        f"báo cáo UBND phường trước ngày {wanted['due']}."
    )
    form.get_by_role("button", name="Chuyển xử lý").click()
    expect(page.get_by_role("status")).to_have_text("Đã chuyển xử lý văn bản.")
    expect(page.locator(".docs-status")).to_have_text("Đang xử lý")
    expect(page.locator(".docs-history")).to_contain_text("Bút phê, chuyển xử lý")
    return wanted


def wait_for_full_marks(grader: httpx.Client, exam_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + GRADING_TIMEOUT
    task: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = grader.get(f"/api/exams/{exam_id}/candidates/{CANDIDATE}")
        assert response.status_code == 200, response.text
        task = next(t for t in response.json()["tasks"] if t["task_id"] == TASK)
        result = task["result"]
        if result is not None and Decimal(result["points"]) == Decimal(result["max_points"]):
            return task
        time.sleep(0.25)
    raise AssertionError(f"graderd never gave {TASK} full marks within {GRADING_TIMEOUT} s; last: {task}")


def test_the_chairman_directs_a_plan_in_chromium_and_graderd_gives_full_marks(page: Page, tmp_path: Path) -> None:
    run = start_run(room_env(tmp_path / "var"), "--demo")
    try:
        password = demo_logins(run)[CANDIDATE]
        room = f"http://127.0.0.1:{port_of(run, 'Phòng thi')}"
        grader_port, token = grader_of(run)
        exam_id = int(run.wait_for(r"Practice exam #(\d+)").group(1))

        wanted = direct_the_plan(page, room, password)

        with httpx.Client(
            base_url=f"http://127.0.0.1:{grader_port}", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ) as grader:
            task = wait_for_full_marks(grader, exam_id)
        result = task["result"]
        assert Decimal(result["max_points"]) == 6, result
        scored = [item for item in result["items"] if Decimal(item["max_points"]) > 0]
        assert scored, result
        for item in scored:
            assert item["outcome"] == "passed", item
            assert item["evidence"], item
        assert task["params"]["giao"]["lead"] == wanted["unit"], task["params"]
    except Exception as failure:
        raise with_output(failure, run) from failure
    finally:
        status = run.interrupt()
    assert status == 0, run.output
