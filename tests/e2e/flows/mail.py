"""Browser flows of the mail tasks (Thư điện tử công vụ)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import Sitting, flow

MAIL = "Thư điện tử công vụ"
BAN_TO_CHUC = "bantochuc@sonoivu.cantho.egov.test"
VAN_PHONG_SUBJECT = "Gửi đồng chí báo cáo kết quả chuyển đổi số năm 2026"
REPORT_FILE = "BaoCao_CDS_2026.pdf"
# send-report's instructions: "… đồng gửi (Cc) đồng chí <name>\n (<title>, <email>)."
LEADER = re.compile(r"đồng gửi \(Cc\) đồng chí\s+(?P<name>[^(]+?)\s*\((?P<title>[^,]+),\s*(?P<email>[^\s)]+)\)")
SUBJECT = re.compile(r"Chủ đề thư ghi chính xác:\s*(?P<subject>Báo cáo kết quả chuyển đổi số năm 2026 – [^\n]+)")


def pick_address(page: Page, label: str, typed: str, address: str) -> None:
    """Type part of an address the way a person does and pick it from the directory's suggestions
    (a bare Enter with nothing picked would submit the form)."""
    field = page.get_by_label(label, exact=True)
    field.press_sequentially(typed)
    option = page.get_by_role("listbox").get_by_role("option", name=re.compile(re.escape(f"<{address}>")))
    expect(option).to_have_count(1)
    option.click()
    expect(field).to_have_value(f"{address}, ")


def report_wanted(sitting: Sitting) -> tuple[dict[str, str], str]:
    """send-report: the leader to copy (name, title, email) and the subject, as the instructions say."""
    leader_match = LEADER.search(sitting.text)
    subject_match = SUBJECT.search(sitting.text)
    assert leader_match, sitting.text
    assert subject_match, sitting.text
    leader = {key: " ".join(value.split()) for key, value in leader_match.groupdict().items()}
    return leader, subject_match.group("subject").strip()


@flow("mail.send-report")
def send_report(sitting: Sitting) -> None:
    """Forward Văn phòng's mail (the report attached) to Ban Tổ chức, the leader in Cc."""
    page = sitting.page
    leader, subject = report_wanted(sitting)
    sitting.open_service(MAIL)
    expect(page).to_have_url(re.compile(r"/thu/hop-thu-den$"))
    row = page.locator("tr[data-message]", has_text=VAN_PHONG_SUBJECT)
    expect(row).to_have_count(1)
    expect(row.get_by_role("img", name="Có tập tin đính kèm")).to_be_visible()
    row.get_by_role("link", name=VAN_PHONG_SUBJECT).click()
    expect(page.get_by_role("heading", level=1, name=VAN_PHONG_SUBJECT)).to_be_visible()
    expect(page.locator(".mail-att-name")).to_have_text(REPORT_FILE)

    page.get_by_role("link", name="Chuyển tiếp", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Chuyển tiếp")).to_be_visible()
    kept = page.locator(".mail-kept", has_text=REPORT_FILE).get_by_role("checkbox")
    expect(kept).to_be_checked()  # forwarding keeps the attachment

    pick_address(page, "Tới", "bantochuc", BAN_TO_CHUC)
    pick_address(page, "Cc", leader["email"].split("@")[0], leader["email"])
    page.get_by_label("Chủ đề").fill(subject)
    body = page.locator("#noi_dung")
    body.press("Control+Home")
    body.press_sequentially("Kính gửi Ban Tổ chức, xin gửi báo cáo kết quả chuyển đổi số năm 2026 của đơn vị.\n")
    page.get_by_role("button", name="Gửi", exact=True).click()

    expect(page).to_have_url(re.compile(r"/thu/hop-thu-den"))
    expect(page.get_by_role("status")).to_have_text("Thư của bạn đã được gửi.")


@flow("mail.forward-invitation")
def forward_invitation(sitting: Sitting) -> None:
    """Forward the Giấy mời (attachment kept) to the colleague who goes to the meeting instead."""
    page = sitting.page
    subject = sitting.find(r"thư “(?P<subject>Giấy mời [^”]+)”").group("subject")
    colleague = sitting.find(r"Gửi tới đồng chí (?P<name>[^(]+?) \((?P<title>[^,]+), (?P<email>[^\s)]+)\)")
    note = sitting.find(r"Ghi nội dung: “(?P<note>[^”]+)”").group("note")
    sitting.open_service(MAIL)
    row = page.locator("tr[data-message]", has_text=subject)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=subject).click()
    expect(page.get_by_role("heading", level=1, name=subject)).to_be_visible()
    attachment = page.locator(".mail-att-name").inner_text()

    page.get_by_role("link", name="Chuyển tiếp", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Chuyển tiếp")).to_be_visible()
    expect(page.locator(".mail-kept", has_text=attachment).get_by_role("checkbox")).to_be_checked()
    email = colleague.group("email")
    pick_address(page, "Tới", email.split("@")[0], email)
    body = page.locator("#noi_dung")
    body.press("Control+Home")
    body.press_sequentially(note + "\n")
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Thư của bạn đã được gửi.")
