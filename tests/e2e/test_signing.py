"""End to end, ký số: the demo room boots; in a real Chromium the candidate, as Chủ tịch, signs the
công văn put on their desk (dragging the signature box a little within the signature space,
confirming with the token's PIN) and sends it to the văn thư; then, as văn thư, numbers another
công văn signed by the Phó Chủ tịch, adds số, ngày and the seal with the agency's certificate and
issues it. graderd, checking the PAdES signatures from the log and the blobs, gives both tasks full
marks, every item with its evidence."""

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
LEADER_TASK = "signing.leader-sign"
CLERK_TASK = "signing.clerk-issue"
TITLES = {
    LEADER_TASK: "Lãnh đạo ký số văn bản và chuyển văn thư",
    CLERK_TASK: "Văn thư cấp số, thêm số, thêm ngày, đóng dấu số và phát hành",
}
GRADING_TIMEOUT = 30.0
QUOTED = re.compile(r"Công văn\s+“(?P<subject>[^”]+)”")
ISSUE_TO = re.compile(r"Phát hành công văn tới (?P<agency>.+?) qua liên thông")


def instructions(page: Page, task: str) -> str:
    article = page.locator("article.task", has=page.get_by_role("heading", name=re.compile(re.escape(TITLES[task]))))
    expect(article).to_have_count(1)
    return " ".join(article.locator(".instructions").inner_text().split())


def subject_of(text: str) -> str:
    match = QUOTED.search(text)
    assert match, text
    return match.group("subject")


def log_in(page: Page, room: str, password: str) -> None:
    page.goto(f"{room}/dang-nhap")
    page.get_by_label("Số báo danh").fill(CANDIDATE)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/bai-thi$"))


def token_pin(page: Page) -> str:
    """The PIN printed on the token's slip, as the Ký số page lists it beside each certificate."""
    page.get_by_role("navigation", name="Phần mềm trong phòng thi").get_by_role("link", name="Ký số").click()
    pins = {text.strip() for text in page.locator("table.grid tbody tr td:last-child code").all_inner_texts()}
    assert len(pins) == 1, pins
    pin = pins.pop()
    assert re.fullmatch(r"\d{6}", pin), pin
    return pin


def open_documents(page: Page, role: str) -> None:
    link = page.get_by_role("navigation", name="Phần mềm trong phòng thi").get_by_role(
        "link", name="Quản lý văn bản và điều hành"
    )
    with page.expect_navigation():
        link.click()
    page.get_by_label("Vai trò").select_option(label=role)
    expect(page.locator(".docs-position")).to_contain_text(role)


def confirm_with_pin(page: Page, pin: str, done: str) -> None:
    form = page.locator("#form-ky-so")
    form.get_by_label("USB Token (mã PIN)").check()
    form.get_by_role("textbox", name="Mã PIN").fill(pin)
    form.get_by_role("button", name="Ký số").click()
    expect(page.get_by_role("status")).to_contain_text(done)


def leader_signs(page: Page, subject: str, pin: str) -> None:
    open_documents(page, "Chủ tịch UBND")
    page.locator("[data-list='di-cho-ky']").click()
    page.get_by_role("link", name=subject).click()
    page.locator("#ky-so").get_by_role("link", name="Ký số").click()
    box = page.locator("#sign-box")
    expect(box).to_be_visible()
    # The box is laid over the page image once it has loaded and signing.js has run.
    page.wait_for_load_state("load")
    x0 = page.locator("input[name='x0']")
    before = x0.input_value()
    # Drag the box a little to the right and down, as a signer settling it between title and name.
    bounds = box.bounding_box()
    assert bounds is not None
    start = (bounds["x"] + bounds["width"] / 2, bounds["y"] + bounds["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 12, start[1] + 6, steps=5)
    page.mouse.up()
    expect(x0).not_to_have_value(before)
    confirm_with_pin(page, pin, "Đã ký số")
    expect(page.locator(".docs-status")).to_have_text(re.compile("Đã ký"))
    page.locator("#form-chuyen-van-thu").get_by_role("button", name="Chuyển văn thư").click()
    expect(page.locator(".docs-status")).to_have_text(re.compile("Chờ cấp số"))


def clerk_issues(page: Page, subject: str, agency: str, pin: str) -> None:
    open_documents(page, "Văn thư - Văn phòng HĐND và UBND")
    page.locator("[data-list='di-cho-phat-hanh']").click()
    page.get_by_role("link", name=subject).click()
    page.locator("#form-cap-so").get_by_role("button", name="Cấp số").click()
    expect(page.get_by_role("status")).to_be_visible()
    for kind, name in (("so", "Thêm số"), ("ngay", "Thêm ngày"), ("dau", "Đóng dấu")):
        page.goto(re.sub(r"(/van-ban/di/\d+).*$", rf"\1/ky-so?loai={kind}", page.url))
        expect(page.locator(f".sign-box-{kind}")).to_be_visible()
        confirm_with_pin(page, pin, f"Đã ký số: {name}")
    page.goto(re.sub(r"(/van-ban/di/\d+).*$", r"\1", page.url))
    issue = page.locator("#form-phat-hanh")
    issue.get_by_label(agency).check()
    issue.get_by_role("button", name="Phát hành").click()
    expect(page.locator(".docs-status")).to_have_text("Đã phát hành")


def wait_for_full_marks(grader: httpx.Client, exam_id: int, task_ids: set[str]) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + GRADING_TIMEOUT
    found: dict[str, dict[str, Any]] = {}
    while time.monotonic() < deadline:
        response = grader.get(f"/api/exams/{exam_id}/candidates/{CANDIDATE}")
        assert response.status_code == 200, response.text
        found = {t["task_id"]: t for t in response.json()["tasks"] if t["task_id"] in task_ids}
        results = [task["result"] for task in found.values()]
        if len(results) == len(task_ids) and all(
            result is not None and Decimal(result["points"]) == Decimal(result["max_points"]) for result in results
        ):
            return found
        time.sleep(0.25)
    raise AssertionError(f"graderd never gave {sorted(task_ids)} full marks within {GRADING_TIMEOUT} s; last: {found}")


def test_the_leader_signs_and_the_clerk_issues_in_chromium_and_graderd_checks_the_signatures(
    page: Page, tmp_path: Path
) -> None:
    run = start_run(room_env(tmp_path / "var"), "--demo")
    try:
        password = demo_logins(run)[CANDIDATE]
        room = f"http://127.0.0.1:{port_of(run, 'Phòng thi')}"
        grader_port, token = grader_of(run)
        exam_id = int(run.wait_for(r"Practice exam #(\d+)").group(1))

        log_in(page, room, password)
        to_sign = subject_of(instructions(page, LEADER_TASK))
        clerk_text = instructions(page, CLERK_TASK)
        to_issue = subject_of(clerk_text)
        agency = ISSUE_TO.search(clerk_text)
        assert agency, clerk_text
        pin = token_pin(page)
        leader_signs(page, to_sign, pin)
        clerk_issues(page, to_issue, agency.group("agency"), pin)

        with httpx.Client(
            base_url=f"http://127.0.0.1:{grader_port}", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ) as grader:
            tasks = wait_for_full_marks(grader, exam_id, {LEADER_TASK, CLERK_TASK})
        for task in tasks.values():
            result = task["result"]
            assert Decimal(result["max_points"]) == 5, result
            for item in result["items"]:
                if Decimal(item["max_points"]) > 0:
                    assert item["outcome"] == "passed", item
                    assert item["evidence"], item
        sealed = next(item for item in tasks[CLERK_TASK]["result"]["items"] if item["id"] == "sealed")
        assert "chữ ký số trong tệp" in sealed["explanation"], sealed
    except Exception as failure:
        raise with_output(failure, run) from failure
    finally:
        status = run.interrupt()
    assert status == 0, run.output
