"""Browser flows of the tasks across the software (Phối hợp nhiều phần mềm)."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Frame, Locator, Page, expect

from tests.e2e.flows import Sitting, flow
from tests.e2e.flows.documents import DOCUMENTS, open_documents
from tests.e2e.flows.mail import MAIL, reply
from tests.e2e.flows.onestop import ONESTOP

VIEWER_WAIT = 15.0  # seconds for Chromium's PDF viewer to come up in the new tab


def pdf_viewer(popup: Page) -> Frame:
    """The frame of Chromium's built-in PDF viewer inside a tab showing a PDF."""
    deadline = time.monotonic() + VIEWER_WAIT
    while True:
        for frame in popup.frames:
            if frame.url.startswith("chrome-extension://"):
                return frame
        assert time.monotonic() < deadline, f"no PDF viewer in {popup.url}"
        popup.wait_for_timeout(100)


def download_pdf(page: Page, link: Locator, folder: Path) -> Path:
    """Open a PDF link (it opens in a new tab) and save the file with the viewer's Download button,
    as one keeps a document to attach it elsewhere."""
    with page.expect_popup() as opened:
        link.click()
    popup = opened.value
    with popup.expect_download() as saved:
        pdf_viewer(popup).get_by_role("button", name=re.compile(r"^(Download|Tải xuống)$")).click()
    download = saved.value
    path = folder / download.suggested_filename
    download.save_as(path)
    popup.close()
    assert path.read_bytes().startswith(b"%PDF-"), path
    return path


def add_address(page: Page, label: str, typed: str, address: str) -> None:
    """Type part of one more address in a recipients field and pick it from the suggestions
    (mail.pick_address does the first one; this keeps those already picked)."""
    field = page.get_by_label(label, exact=True)
    before = field.input_value().rstrip()
    field.press_sequentially(typed)
    option = page.get_by_role("listbox").get_by_role("option", name=re.compile(re.escape(f"<{address}>")))
    expect(option).to_have_count(1)
    option.click()
    expect(field).to_have_value(f"{before} {address}, " if before else f"{address}, ")


@flow("cross.send-document")
def send_document(sitting: Sitting) -> None:
    """As Chuyên viên: open the city's công văn, read the direction and download its PDF; mail it
    to both units (the số, ký hiệu in the subject); then complete the công văn with the result."""
    number = sitting.find(r"xử lý Công văn số (?P<number>\S+) của UBND thành phố Cần Thơ").group("number")
    role = sitting.find(r"chuyển vai trò sang \"(?P<role>[^\"]+)\"").group("role")
    to = sitting.find(r"Tới: (?P<first>[^\s;]+@[^\s;]+) và (?P<second>[^\s;]+@[^\s;]+);")
    note = sitting.find(r"ghi kết quả xử lý \(ví dụ: (?P<note>[^)]+)\)").group("note")
    subject = f"Gửi Công văn số {number} của UBND thành phố Cần Thơ"

    page = open_documents(sitting, role)
    page.locator("[data-list='den-cho-xu-ly']").click()
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Văn bản đến {number}")
    direction = page.locator(".docs-direction")
    expect(direction).to_contain_text(to.group("first"))
    expect(direction).to_contain_text(to.group("second"))
    pdf = page.locator(".docs-files").get_by_role("link", name=re.compile(r"\.pdf$", re.IGNORECASE))
    expect(pdf).to_have_count(1)

    with tempfile.TemporaryDirectory(prefix="tai-ve-") as downloads:
        saved = download_pdf(page, pdf, Path(downloads))
        sitting.open_service(MAIL)
        page.get_by_role("link", name="Soạn thư").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        for address in (to.group("first"), to.group("second")):
            add_address(page, "Tới", address.split("@")[0], address)
        page.get_by_label("Chủ đề").fill(subject)
        page.get_by_label("Đính kèm tập tin").set_input_files(saved)
        body = page.locator("#noi_dung")
        body.press("Control+Home")
        body.press_sequentially(
            "Kính gửi Quý đơn vị,\nUBND phường gửi kèm theo thư này Công văn số "
            f"{number} của UBND thành phố Cần Thơ, đề nghị Quý đơn vị triển khai thực hiện.\nTrân trọng.\n"
        )
        page.get_by_role("button", name="Gửi", exact=True).click()
        expect(page.get_by_role("status")).to_have_text("Thư của bạn đã được gửi.")

    open_documents(sitting, role)
    page.locator("[data-list='den-cho-xu-ly']").click()
    page.get_by_role("link", name=number, exact=True).click()
    form = page.locator("#form-hoan-thanh")
    form.get_by_label("Kết quả xử lý").fill(note)
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_have_text("Đã hoàn thành xử lý văn bản.")
    expect(page.locator(".docs-status")).to_have_text("Hoàn thành")


def open_question(sitting: Sitting, subject: str) -> None:
    """Open the mail with this subject from the inbox."""
    page = sitting.page
    sitting.open_service(MAIL)
    row = page.locator("tr[data-message]", has_text=subject)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=subject).click()
    expect(page.get_by_role("heading", level=1, name=subject)).to_be_visible()


@flow("cross.dossier-inquiry")
def dossier_inquiry(sitting: Sitting) -> None:
    """Read the leader's question, look the dossier up by the citizen's phone on the one-stop desk
    (not her namesake's), and answer with Trả lời giving its code and return date."""
    page = sitting.page
    subject = sitting.find(r"thư \"(?P<subject>Hỏi về hồ sơ đăng ký kết hôn của bà [^\"]+)\"").group("subject")
    leader = sitting.find(r"Trả lời thư của đồng chí (?P<name>[^(]+?) \(nút Trả lời\)").group("name")
    phone = sitting.find(r"số điện thoại của bà [^:]+: (?P<phone>0\d{9})").group("phone")

    open_question(sitting, subject)
    expect(page.locator(".mail-headers")).to_contain_text(leader)
    expect(page.locator(".mail-body")).to_contain_text(phone)

    sitting.open_service(ONESTOP)
    search = page.get_by_role("searchbox", name="Tra cứu hồ sơ")
    search.fill(phone)
    with page.expect_navigation():
        search.press("Enter")
    found = page.locator("table.os-list tbody tr")
    expect(found).to_have_count(1)
    found.get_by_role("link").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Hồ sơ \S+$"))
    expect(page.locator(".docs-facts")).to_contain_text(phone)
    code = heading.inner_text().removeprefix("Hồ sơ ").strip()
    due_text = page.locator("#ngay-hen-tra").inner_text()
    due = re.match(r"\d\d/\d\d/\d{4}", due_text)
    assert due, due_text

    open_question(sitting, subject)
    reply(
        page,
        "Kính gửi đồng chí,\nBộ phận Một cửa xin báo cáo hồ sơ đăng ký kết hôn của bà như sau:\n"
        f"Mã hồ sơ: {code}\nNgày hẹn trả kết quả: {due.group(0)}\nTrân trọng.\n\n",
    )


def fact(page: Page, term: str) -> str:
    """What the open page's facts list says against ``term``."""
    dt = f"dt[normalize-space()='{term}']"
    value = page.locator(f"xpath=//dl[contains(@class, 'docs-facts')]/{dt}/following-sibling::dd[1]")
    expect(value).to_have_count(1)
    return value.inner_text().strip()


@flow("cross.answer-inquiry")
def answer_inquiry(sitting: Sitting) -> None:
    """Read the Phòng Tổng hợp's question; find the Sở Nội vụ's công văn by its trích yếu and read its
    số, ký hiệu, lead unit and deadline; count the overdue dossiers of the one procedure on the
    one-stop desk (filtered); answer with Trả lời in the four lines the instructions give."""
    page = sitting.page
    subject = sitting.find(r"thư \"(?P<subject>Đề nghị báo nhanh [^\"]+)\"").group("subject")
    about = sitting.find(r"tìm công văn của Sở Nội vụ về việc (?P<about>.+?) \(ô tìm kiếm").group("about")
    procedure = sitting.find(r"của riêng thủ tục (?P<procedure>.+?) \(có thể chọn thủ tục").group("procedure")

    open_question(sitting, subject)
    expect(page.locator(".mail-body")).to_contain_text(procedure)

    sitting.open_service(DOCUMENTS)
    search = page.get_by_role("searchbox", name="Tìm văn bản")
    search.fill(about)
    with page.expect_navigation():
        search.press("Enter")
    found = page.locator("ul.docs-found").first.locator("li", has_text=about)
    expect(found).to_have_count(1)
    found.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Văn bản đến")
    assert "Sở Nội vụ" in fact(page, "Cơ quan ban hành")
    assert about in fact(page, "Trích yếu")
    number, lead, due = fact(page, "Số, ký hiệu"), fact(page, "Xử lý chính"), fact(page, "Hạn xử lý")
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", due), due

    sitting.open_service(ONESTOP)
    page.get_by_role("link", name=re.compile(r"^Hồ sơ quá hạn")).click()
    expect(page.get_by_role("heading", level=1, name="Hồ sơ quá hạn")).to_be_visible()
    page.get_by_label("Thủ tục", exact=True).select_option(label=procedure)
    with page.expect_navigation():
        page.get_by_role("button", name="Lọc").click()
    rows = page.locator("table.os-list tbody tr")
    overdue = rows.count()
    for row in rows.all():
        expect(row).to_contain_text(procedure)
        expect(row).to_contain_text("Quá hạn")

    open_question(sitting, subject)
    reply(
        page,
        "Kính gửi Phòng Tổng hợp,\nUBND phường xin báo cáo nhanh như sau:\n"
        f"Số, ký hiệu công văn: {number}\nĐơn vị chủ trì xử lý: {lead}\nHạn xử lý: {due}\n"
        f"Số hồ sơ quá hạn: {overdue}\nTrân trọng.\n\n",
        to="phongtonghop@",
    )
