"""End to end, một cửa: the demo room boots; in a real Chromium the candidate calls the couple who
came to register their marriage, chooses the procedure (the form redraws with its papers), counts
the papers, receives the dossier, opens the Giấy tiếp nhận, transfers it to the Tư pháp - Hộ tịch
official, waits for the simulated result, and returns it at the desk to the groom. graderd gives
onestop.marriage full marks from the log, every item with its evidence."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from pathlib import Path

import httpx2 as httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_grading import grader_of, with_output
from tests.e2e.test_signing import CANDIDATE, log_in, wait_for_full_marks
from tests.sandbox.test_run import demo_logins, port_of, start_run
from tests.support.live import room_env

pytestmark = [pytest.mark.browser, pytest.mark.live]

TASK = "onestop.marriage"
TITLE = "Tiếp nhận, chuyển xử lý và trả kết quả hồ sơ đăng ký kết hôn"
COUPLE = re.compile(r"Anh (?P<groom>.+?) và chị (?P<bride>.+?) đã lấy số")
RESULT_WAIT = 30.0  # the room's handler takes 2 s (SATHACH_ONESTOP_PROCESSING_SECONDS)


def groom_of(page: Page) -> str:
    article = page.locator("article.task", has=page.get_by_role("heading", name=re.compile(re.escape(TITLE))))
    expect(article).to_have_count(1)
    text = " ".join(article.locator(".instructions").inner_text().split())
    match = COUPLE.search(text)
    assert match, text
    return match.group("groom")


def receive_the_couple(page: Page, groom: str) -> str:
    """Gọi số, choose Đăng ký kết hôn, count the papers, receive. Returns the groom's căn cước."""
    page.get_by_role("navigation", name="Phần mềm trong phòng thi").get_by_role("link", name="Một cửa điện tử").click()
    expect(page.get_by_role("heading", name="Công dân chờ tiếp nhận")).to_be_visible()
    row = page.locator("table.os-visits tbody tr", has_text=groom)
    with page.expect_navigation():
        row.get_by_role("button", name="Gọi số").click()
    expect(page.locator(".os-card")).to_contain_text(groom)
    id_number = page.get_by_label("Số căn cước").input_value()
    assert re.fullmatch(r"\d{12}", id_number), id_number
    with page.expect_navigation():  # choosing the procedure redraws the form (static/onestop.js)
        page.get_by_label("Thủ tục hành chính").select_option(value="1.000894")
    expect(page.get_by_label("Họ và tên")).to_have_value(groom)  # nothing typed is lost
    page.get_by_label("Số lượng Tờ khai đăng ký kết hôn (theo mẫu)").fill("1")
    page.get_by_label("Số lượng Giấy tờ tùy thân của hai bên nam, nữ (CCCD/hộ chiếu)").fill("2")
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tiếp nhận hồ sơ")
    expect(page.locator("#trang-thai")).to_have_text("Được tiếp nhận")
    with page.expect_popup() as receipt:
        page.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả").click()
    receipt.value.close()
    return id_number


def transfer_and_return(page: Page, groom: str, id_number: str) -> None:
    transfer = page.locator("#form-chuyen-xu-ly")
    expect(transfer.get_by_label("Công chức xử lý")).to_have_value("tp_ht")  # suggested by the field
    transfer.get_by_label("Ý kiến chuyển").fill("Hai bên có mặt, đủ giấy tờ.")
    transfer.get_by_role("button", name="Chuyển xử lý").click()
    expect(page.locator("#trang-thai")).to_have_text("Đang xử lý")
    deadline = time.monotonic() + RESULT_WAIT
    while page.locator("#trang-thai").inner_text() != "Đã xử lý xong":
        assert time.monotonic() < deadline, "the handler never brought the result back"
        time.sleep(0.5)
        page.reload()
    give = page.locator("#form-tra-ket-qua")
    expect(give.get_by_label("Họ tên người nhận")).to_have_value(groom)
    give.get_by_label("Số căn cước người nhận").fill(id_number)
    give.get_by_label("Hình thức trả").select_option(label="Trực tiếp tại Bộ phận Một cửa")
    give.get_by_role("button", name="Trả kết quả").click()
    expect(page.locator("#trang-thai")).to_have_text("Đã trả kết quả")


def test_a_marriage_is_received_transferred_and_returned_in_chromium_and_graded_5_of_5(
    page: Page, tmp_path: Path
) -> None:
    run = start_run(room_env(tmp_path / "var", SATHACH_ONESTOP_PROCESSING_SECONDS="2"), "--demo")
    try:
        password = demo_logins(run)[CANDIDATE]
        room = f"http://127.0.0.1:{port_of(run, 'Phòng thi')}"
        grader_port, token = grader_of(run)
        exam_id = int(run.wait_for(r"Practice exam #(\d+)").group(1))

        log_in(page, room, password)
        groom = groom_of(page)
        id_number = receive_the_couple(page, groom)
        transfer_and_return(page, groom, id_number)

        with httpx.Client(
            base_url=f"http://127.0.0.1:{grader_port}", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ) as grader:
            tasks = wait_for_full_marks(grader, exam_id, {TASK})
        result = tasks[TASK]["result"]
        assert Decimal(result["max_points"]) == 5, result
        for item in result["items"]:
            assert item["outcome"] == "passed", item
            assert item["evidence"], item
    except Exception as failure:
        raise with_output(failure, run) from failure
    finally:
        status = run.interrupt()
    assert status == 0, run.output
