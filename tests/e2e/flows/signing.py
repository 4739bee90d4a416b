"""Browser flows of the ký số tasks: signing in the document system with the candidate's token."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import Sitting, flow
from tests.e2e.flows.documents import open_documents

QUOTED = r"Công văn\s+“(?P<subject>[^”]+)”"
ISSUE_TO = r"Phát hành công văn tới (?P<agency>.+?) qua liên thông"


def token_pin(sitting: Sitting) -> str:
    """The PIN printed on the token's slip, as the Ký số page lists it beside each certificate."""
    sitting.open_service("Ký số")
    page = sitting.page
    pins = {text.strip() for text in page.locator("table.grid tbody tr td:last-child code").all_inner_texts()}
    assert len(pins) == 1, pins
    pin = pins.pop()
    assert re.fullmatch(r"\d{6}", pin), pin
    return pin


def confirm_with_pin(page: Page, pin: str, done: str) -> None:
    form = page.locator("#form-ky-so")
    form.get_by_label("USB Token (mã PIN)").check()
    form.get_by_role("textbox", name="Mã PIN").fill(pin)
    form.get_by_role("button", name="Ký số").click()
    expect(page.get_by_role("status")).to_contain_text(done)


@flow("signing.leader-sign")
def leader_sign(sitting: Sitting) -> None:
    """As Chủ tịch: sign the công văn (settling the signature box by dragging it) and send it to the văn thư."""
    subject = sitting.find(QUOTED).group("subject")
    pin = token_pin(sitting)
    page = open_documents(sitting, "Chủ tịch UBND")
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


@flow("signing.clerk-issue")
def clerk_issue(sitting: Sitting) -> None:
    """As văn thư: number the signed công văn, add số, ngày and the seal with the agency's
    certificate, and issue it to the agency the instructions name."""
    subject = sitting.find(QUOTED).group("subject")
    agency = sitting.find(ISSUE_TO).group("agency")
    pin = token_pin(sitting)
    page = open_documents(sitting, "Văn thư - Văn phòng HĐND và UBND")
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


@flow("signing.check-register")
def check_register(sitting: Sitting) -> None:
    """As văn thư: check the signatures of the công văn that came in, and only then register it and
    present it to the Phó Chủ tịch the instructions name."""
    number = sitting.find(r"Công văn số (?P<number>\d+/\S+) của").group("number")
    leader = sitting.find(r"chọn đồng chí (?P<name>.+?) \(Phó Chủ tịch").group("name")
    page = open_documents(sitting, "Văn thư - Văn phòng HĐND và UBND")
    page.locator("[data-list='den-cho-vao-so']").click()
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    page.locator(".docs-files").get_by_role("button", name="Kiểm tra chữ ký").click()
    expect(page.locator("#ket-qua")).to_contain_text("Tất cả chữ ký hợp lệ")
    page.get_by_role("link", name="Quay lại văn bản").click()
    page.locator("#form-vao-so").get_by_role("button", name="Vào sổ").click()
    expect(page.get_by_role("status")).to_have_text("Đã vào sổ văn bản đến.")
    present = page.locator("#form-trinh")
    choice = present.get_by_role("combobox")
    choice.select_option(label=choice.locator("option", has_text=leader).inner_text().strip())
    present.get_by_role("button", name="Trình").click()
    expect(page.get_by_role("status")).to_have_text("Đã trình văn bản.")
    expect(page.locator(".docs-status")).to_have_text("Chờ bút phê")
