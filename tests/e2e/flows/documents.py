"""Browser flows of the document tasks (Quản lý văn bản và điều hành)."""

from __future__ import annotations

import io
import re
import unicodedata

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.flows import Sitting, flow

DOCUMENTS = "Quản lý văn bản và điều hành"


def open_documents(sitting: Sitting, role: str) -> Page:
    """The document system, acting as ``role`` (the Vai trò switch of the header)."""
    sitting.open_service(DOCUMENTS)
    page = sitting.page
    page.get_by_label("Vai trò").select_option(label=role)
    expect(page.locator(".docs-position")).to_contain_text(role)
    return page


def direction_wanted(sitting: Sitting) -> dict[str, str]:
    """direct-incoming: the plan, the lead and assisting units and the deadline the instructions name."""
    return {
        "number": sitting.find(r"Kế hoạch số (?P<number>\d+/KH-UBND)").group("number"),
        "unit": sitting.find(r"Xử lý chính \(chủ trì\): (?P<unit>[^(]+?) \(").group("unit").strip(),
        "other": sitting.find(r"Phối hợp: (?P<unit>[^;]+);").group("unit").strip(),
        "due": sitting.find(r"Hạn xử lý: (?P<due>\d\d/\d\d/\d{4})").group("due"),
    }


@flow("documents.direct-incoming")
def direct_incoming(sitting: Sitting) -> None:
    """As Chủ tịch: open the plan in Chờ xử lý and direct it (bút phê)."""
    wanted = direction_wanted(sitting)
    page = open_documents(sitting, "Chủ tịch UBND")
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


def addressee_of(page: Page, room: str) -> str:
    """The Kính gửi line of the open incoming document's file (its latest PDF), as printed."""
    link = page.locator(".docs-files").get_by_role("link", name=re.compile(r"\.pdf$", re.IGNORECASE)).first
    response = page.request.get(f"{room}{link.get_attribute('href')}")
    assert response.ok, f"{link.inner_text()}: {response.status}"
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join(unicodedata.normalize("NFC", p.extract_text()) for p in reader.pages)
    match = re.search(r"Kính gửi:\s*(?P<to>.+?)\.(?:\s|$)", " ".join(text.split()))
    return match.group("to").strip() if match else ""


def sent_elsewhere(addressee: str, ward: str) -> bool:
    """Whether the Kính gửi names one particular ward or commune other than the candidate's own."""
    named = re.search(r"(?<!các )(?:phường|xã) (?P<name>[^,;.-]+)", addressee)
    return named is not None and named.group("name").strip() != ward


@flow("documents.return-misdelivered")
def return_misdelivered(sitting: Sitting) -> None:
    """As Văn thư: open each document waiting in Chờ vào sổ, read its file's Kính gửi, and return
    the one sent to another ward with the reason, without registering it."""
    page = open_documents(sitting, "Văn thư - Văn phòng HĐND và UBND")
    agency = page.locator(".banner-subtitle").inner_text().strip()
    ward = agency.split("phường", 1)[-1].strip()
    page.locator("[data-list='den-cho-vao-so']").click()
    links = page.locator(".docs-list tbody tr td:nth-child(2) a")
    waiting = [(link.inner_text(), link.get_attribute("href") or "") for link in links.all()]
    assert waiting, "Chờ vào sổ is empty"

    returned = []
    for number, href in waiting:
        page.locator("[data-list='den-cho-vao-so']").click()
        page.locator(f".docs-list a[href='{href}']").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(number)
        addressee = addressee_of(page, sitting.room)
        if not sent_elsewhere(addressee, ward):
            continue
        form = page.locator("#form-tra-lai")
        form.get_by_label("Lý do trả lại").fill(
            f"Văn bản gửi nhầm nơi nhận: văn bản gửi {addressee}, không phải {agency}. "
            f"Đề nghị quý cơ quan gửi đúng {addressee}."
        )
        form.get_by_role("button", name="Trả lại").click()
        expect(page.get_by_role("status")).to_have_text("Đã trả lại văn bản cho nơi gửi.")
        expect(page.locator(".docs-status")).to_have_text("Đã trả lại nơi gửi")
        returned.append(number)
    assert returned, f"no document in Chờ vào sổ is addressed to another ward than {ward}: {waiting}"
