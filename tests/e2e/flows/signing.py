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


@flow("signing.sign-appendix")
def sign_appendix(sitting: Sitting) -> None:
    """As văn thư: number the signed công văn, sign its separate appendix with the agency's
    certificate, seal the công văn and issue it with the appendix to the agency the instructions name."""
    subject = sitting.find(QUOTED).group("subject")
    appendix = sitting.find(r"Ký phụ lục cho tệp (?P<file>\S+\.pdf)").group("file")
    agency = sitting.find(r"Phát hành công văn kèm phụ lục tới (?P<agency>[^.]+)\.").group("agency").strip()
    pin = token_pin(sitting)
    page = open_documents(sitting, "Văn thư - Văn phòng HĐND và UBND")
    page.locator("[data-list='di-cho-phat-hanh']").click()
    page.get_by_role("link", name=subject).click()
    page.locator("#form-cap-so").get_by_role("button", name="Cấp số").click()
    expect(page.get_by_role("status")).to_have_text("Đã cấp số văn bản.")
    page.locator("#ky-so-phat-hanh").get_by_role("link", name="Đóng dấu").click()
    listed = page.locator("section", has=page.get_by_role("heading", name="Phụ lục kèm theo"))
    item = listed.get_by_role("listitem").filter(has_text=appendix)
    item.get_by_label("Mã PIN").fill(pin)
    item.get_by_role("button", name="Ký phụ lục").click()
    expect(page.get_by_role("status")).to_have_text("Đã ký số phụ lục bằng chứng thư số của cơ quan.")
    expect(listed.get_by_role("listitem").filter(has_text=appendix)).to_contain_text("đã ký số")
    page.get_by_role("navigation", name="Loại chữ ký").get_by_role("link", name="Đóng dấu").click()
    expect(page.locator(".sign-box-dau")).to_be_visible()
    confirm_with_pin(page, pin, "Đã ký số: Đóng dấu")
    page.get_by_role("link", name="Quay lại văn bản").click()
    issue = page.locator("#form-phat-hanh")
    issue.get_by_label(agency).check()
    issue.get_by_role("button", name="Phát hành").click()
    expect(page.locator(".docs-status")).to_have_text("Đã phát hành")


SIGNATURE_CHECKED = "Kết quả kiểm tra"
VALID = "Tất cả chữ ký hợp lệ"
INVALID = "Có chữ ký không hợp lệ"


def named_elsewhere(sitting: Sitting) -> str:
    """The other tasks' instructions on the exam page: documents they name are theirs, not this task's."""
    others = sitting.page.locator(f"article.task:not(#cau-{sitting.position}) .instructions")
    return " ".join(" ".join(others.all_text_contents()).split())


def problems_found(page: Page) -> list[str]:
    """What Kiểm tra chữ ký found wrong with the signatures, as its table's Kết quả column says."""
    cells = page.locator("#ket-qua table tbody tr td:last-child").all_inner_texts()
    found: list[str] = []
    for cell in cells:
        for problem in (part.strip() for part in cell.split(";")):
            if problem and problem != "Hợp lệ" and problem not in found:
                found.append(problem)
    return found


@flow("signing.sort-incoming")
def sort_incoming(sitting: Sitting) -> None:
    """As văn thư: check the signatures of every signed document waiting in Chờ vào sổ; register
    the valid one and return the others to their sender with what the check found."""
    elsewhere = named_elsewhere(sitting)
    page = open_documents(sitting, "Văn thư - Văn phòng HĐND và UBND")
    page.locator("[data-list='den-cho-vao-so']").click()
    links = page.locator(".docs-list tbody tr td:nth-child(2) a")
    waiting = [(link.inner_text().strip(), link.get_attribute("href") or "") for link in links.all()]
    waiting = [(n, href) for n, href in waiting if not re.search(rf"(?<![\w/]){re.escape(n)}(?![\w/])", elsewhere)]
    registered: list[str] = []
    returned: list[str] = []
    for number, href in waiting:
        page.locator("[data-list='den-cho-vao-so']").click()
        page.locator(f".docs-list a[href='{href}']").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(number)
        page.locator(".docs-files").get_by_role("button", name="Kiểm tra chữ ký").first.click()
        result = page.locator("#ket-qua")
        expect(result).to_contain_text(SIGNATURE_CHECKED)
        verdict = result.locator("strong").inner_text().strip()
        problems = problems_found(page)
        page.get_by_role("link", name="Quay lại văn bản").click()
        if verdict == VALID:
            page.locator("#form-vao-so").get_by_role("button", name="Vào sổ").click()
            expect(page.get_by_role("status")).to_have_text("Đã vào sổ văn bản đến.")
            registered.append(number)
        elif verdict == INVALID:
            form = page.locator("#form-tra-lai")
            form.get_by_label("Lý do trả lại").fill(
                f"Kiểm tra chữ ký số của văn bản {number}: {'; '.join(problems)}. Chữ ký số không hợp lệ nên "
                "văn bản không đủ điều kiện vào sổ. Đề nghị quý cơ quan gửi lại văn bản có chữ ký số hợp lệ."
            )
            form.get_by_role("button", name="Trả lại").click()
            expect(page.get_by_role("status")).to_have_text("Đã trả lại văn bản cho nơi gửi.")
            returned.append(number)
    assert registered, f"no document in Chờ vào sổ has valid signatures: {waiting}"
    assert len(returned) >= 2, f"returned {returned} only, of {waiting}"


@flow("signing.approve-sign-otp")
def approve_sign_otp(sitting: Sitting) -> None:
    """As Chủ tịch without a token: approve the công văn, sign it confirmed by the OTP the phone
    shows (the box left where the page puts it) and send it to the văn thư."""
    subject = sitting.find(QUOTED).group("subject")
    page = open_documents(sitting, "Chủ tịch UBND")
    page.locator("[data-list='di-cho-duyet']").click()
    page.get_by_role("link", name=subject).click()
    approve = page.locator("#form-duyet")
    expect(approve.get_by_role("checkbox")).to_be_checked()
    approve.get_by_role("button", name="Duyệt").click()
    expect(page.get_by_role("status")).to_have_text("Đã duyệt dự thảo.")
    page.locator("#ky-so").get_by_role("link", name="Ký số").click()
    expect(page.locator("#sign-box")).to_be_visible()
    page.wait_for_load_state("load")
    form = page.locator("#form-ky-so")
    form.get_by_label("Ký số từ xa (mã OTP trên điện thoại)").check()
    form.get_by_role("button", name="Gửi mã xác thực").click()
    code = page.locator("#phone-code")
    expect(code).to_have_text(re.compile(r"^\d+$"))
    form.get_by_role("textbox", name="Mã OTP").fill(code.inner_text().strip())
    form.get_by_role("button", name="Ký số", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã ký số")
    expect(page.locator(".docs-status")).to_have_text(re.compile("Đã ký"))
    page.locator("#form-chuyen-van-thu").get_by_role("button", name="Chuyển văn thư").click()
    expect(page.locator(".docs-status")).to_have_text(re.compile("Chờ cấp số"))
