"""Browser flows of the mail tasks (Thư điện tử công vụ)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

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
    expect(field).to_have_attribute("aria-autocomplete", "list")  # the page's script is ready to suggest
    field.press_sequentially(typed)
    option = page.get_by_role("listbox").get_by_role("option", name=re.compile(re.escape(f"<{address}>")))
    expect(option).to_have_count(1)
    option.click()
    expect(field).to_have_value(f"{address}, ")


def reply(page: Page, text: str, *, to: str = r"\S+@\S+", attach: Path | None = None) -> None:
    """Trả lời the open mail: the reply goes to its sender (``to``, a pattern), ``text`` is written
    above the quoted mail, ``attach`` attached, and it is sent."""
    page.get_by_role("link", name="Trả lời", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Trả lời")).to_be_visible()
    expect(page.get_by_label("Tới", exact=True)).to_have_value(re.compile(to))
    if attach is not None:
        page.get_by_label("Đính kèm tập tin").set_input_files(attach)
    body = page.locator("#noi_dung")
    body.press("Control+Home")
    body.press_sequentially(text)
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Thư của bạn đã được gửi.")


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


def open_inbox(page: Page) -> None:
    """Hộp thư đến from the folder list (its name carries the unread count)."""
    page.locator(".mail-folders").get_by_role("link", name=re.compile(r"^Hộp thư đến")).click()
    expect(page.get_by_role("heading", level=1, name="Hộp thư đến")).to_be_visible()


@flow("mail.organise-folders")
def organise_folders(sitting: Sitting) -> None:
    """Create the folder the instructions name, move the organiser's three tagged mails into it and
    flag the one they name."""
    page = sitting.page
    tag = sitting.find(r"chủ đề đều bắt đầu bằng “(?P<tag>[^”]+)”").group("tag")
    name_match = re.search(r"tên ghi chính xác:\s*(?P<name>[^\n]+)", sitting.text)
    assert name_match, sitting.text
    folder = name_match.group("name").strip()
    flagged = sitting.find(r"Gắn cờ thư có chủ đề “(?P<subject>[^”]+)”").group("subject")

    sitting.open_service(MAIL)
    page.get_by_role("link", name="Thư mục mới / Quản lý thư mục").click()
    page.get_by_label("Tên thư mục").fill(folder)
    page.get_by_role("button", name="Tạo thư mục").click()
    expect(page.get_by_role("status")).to_have_text(f"Đã tạo thư mục “{folder}”.")

    open_inbox(page)
    tagged = page.locator("tr[data-message]").filter(
        has=page.locator(".mail-subject > a", has_text=re.compile("^" + re.escape(tag)))
    )
    expect(tagged).to_have_count(3)
    for row in tagged.all():
        row.get_by_role("checkbox").check()
    page.get_by_label("Chuyển tới thư mục").select_option(label=folder)
    page.get_by_role("button", name="Chuyển", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Đã chuyển thư.")

    page.locator(".mail-folders").get_by_role("link", name=re.compile("^" + re.escape(folder))).click()
    expect(page.get_by_role("heading", level=1, name=folder)).to_be_visible()
    expect(page.locator("tr[data-message]")).to_have_count(3)
    page.get_by_role("checkbox", name=f"Chọn thư {flagged}", exact=True).check()
    page.get_by_role("button", name="Gắn cờ", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Đã gắn cờ.")
    row = page.locator("tr[data-message]", has=page.get_by_role("link", name=flagged, exact=True))
    expect(row.locator(".mail-flag")).to_have_text("⚑")


@flow("mail.signature-out-of-office")
def signature_out_of_office(sitting: Sitting) -> None:
    """In Tùy chọn: save a signature with the name, title, unit and office phone the instructions
    give, then switch the automatic reply on for the course's dates."""
    page = sitting.page
    start, end = sitting.find(r"từ ngày (\d\d/\d\d/\d{4}) đến hết ngày (\d\d/\d\d/\d{4})").groups()
    me = sitting.find(
        r"họ tên \((?P<name>[^)]+)\), chức vụ \((?P<title>[^)]+)\), đơn vị \((?P<unit>[^)]+)\)"
        r" và số điện thoại cơ quan, ghi đúng: (?P<phone>[\d ]+\d)"
    )

    sitting.open_service(MAIL)
    page.get_by_role("link", name="Tùy chọn (Chữ ký, Ra khỏi văn phòng)").click()
    expect(page.get_by_role("heading", level=1, name="Tùy chọn")).to_be_visible()
    page.get_by_label("Nội dung chữ ký").fill(f"{me['name']}\n{me['title']}\n{me['unit']}\nĐT: {me['phone']}")
    page.get_by_role("button", name="Lưu chữ ký").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu chữ ký.")

    page.get_by_label("Gửi thư trả lời tự động").check()
    page.get_by_label("Từ ngày").fill(start)
    page.get_by_label("Đến ngày").fill(end)
    page.get_by_label("Chủ đề").fill("Trả lời tự động: đang đi học")
    page.get_by_label("Nội dung thư trả lời").fill(
        f"Tôi đang tham dự lớp bồi dưỡng từ ngày {start} đến ngày {end}; tôi sẽ trả lời thư sau ngày {end}."
    )
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Đã bật trả lời tự động khi vắng mặt.")
    expect(page.get_by_label("Gửi thư trả lời tự động")).to_be_checked()


def open_message(page: Page, subject: str) -> None:
    """Open the inbox's mail with exactly this subject."""
    open_inbox(page)
    link = page.locator("tr[data-message]").get_by_role("link", name=subject, exact=True)
    expect(link).to_have_count(1)
    link.click()
    expect(page.get_by_role("heading", level=1, name=subject)).to_be_visible()


@flow("mail.reply-with-attachment")
def reply_with_attachment(sitting: Sitting) -> None:
    """Download the plan from Văn phòng's mail, then answer the colleague's request with Trả lời,
    the file attached and a few lines above the quote."""
    page = sitting.page
    request = sitting.find(r"Đồng chí (?P<name>[^(]+?) \([^)]+\) gửi thư “(?P<subject>[^”]+)”")
    filename = sitting.find(r"Tải tệp (?P<file>\S+) trong thư").group("file")
    source = sitting.find(r"có trong thư “(?P<subject>[^”]+)” mà Văn phòng").group("subject")

    sitting.open_service(MAIL)
    open_message(page, source)
    attachment = page.locator(".mail-attachments li", has_text=filename)
    expect(attachment).to_have_count(1)
    with tempfile.TemporaryDirectory(prefix="tai-ve-") as downloads:
        with page.expect_download() as saved:
            attachment.get_by_role("link", name="Tải về").click()
        path = Path(downloads) / saved.value.suggested_filename
        saved.value.save_as(path)
        assert path.name == filename, path
        assert path.read_bytes().startswith(b"%PDF-"), path

        open_message(page, request["subject"])
        expect(page.locator(".mail-headers")).to_contain_text(request["name"])
        reply(
            page,
            f"Kính gửi đồng chí {request['name']},\nTôi gửi đồng chí tệp {filename} đính kèm thư này.\nTrân trọng.\n\n",
            attach=path,
        )


# The room's official mail domain (what .gov.vn is for real agencies): a sender or a Reply-To
# outside it, or a program behind a document's name, gives a fake away.
OFFICIAL_DOMAIN = "egov.test"
EXECUTABLE = re.compile(r"\.(exe|scr|bat|cmd|com|js|vbs|msi)$", re.IGNORECASE)


def official(address: str) -> bool:
    domain = address.strip().lower().rpartition("@")[2]
    return domain == OFFICIAL_DOMAIN or domain.endswith("." + OFFICIAL_DOMAIN)


def looks_fake(page: Page) -> bool:
    """Judge the open mail by its headers and attachment names only: no link, no file opened."""
    headers = page.locator(".mail-headers")
    sender = headers.locator("dt:text-is('Từ') + dd").inner_text()
    found = re.search(r"<([^>]+)>", sender)
    addresses = [found.group(1) if found else sender]
    reply_to = headers.locator("dt:text-is('Trả lời tới') + dd")
    if reply_to.count():
        addresses += reply_to.inner_text().split(",")
    files = page.locator(".mail-att-name").all_inner_texts()
    return not all(official(address) for address in addresses) or any(EXECUTABLE.search(f.strip()) for f in files)


@flow("mail.phishing")
def phishing(sitting: Sitting) -> None:
    """Read every new mail of the inbox, judging each by its sender, Reply-To and attachment names
    without clicking a link or opening a file, and put each fake one in Thư rác."""
    page = sitting.page
    sitting.open_service(MAIL)
    junked = 0
    while True:
        unread = page.locator("tr[data-message].is-unread")
        if not unread.count():
            following = page.get_by_role("navigation", name="Trang").get_by_role("link", name="Trang sau ›")
            if not following.count():
                break
            following.click()
            continue
        subject = unread.first.locator(".mail-subject > a")
        title = subject.inner_text()
        subject.click()
        expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
        if looks_fake(page):
            page.get_by_role("toolbar", name="Thao tác với thư").get_by_role(
                "button", name="Thư rác", exact=True
            ).click()
            expect(page.get_by_role("status")).to_have_text("Đã chuyển vào Thư rác.")
            junked += 1
        open_inbox(page)
    assert junked >= 2, f"{junked} fake mails found"


@flow("mail.send-meeting-invitation")
def send_meeting_invitation(sitting: Sitting) -> None:
    """Look the two unit heads and the Chánh Văn phòng up in Danh sách địa chỉ chung, then forward
    the office's draft plan (kept attached) as the one invitation mail: Tới the heads, Cc the
    Chánh Văn phòng, the exact subject, and the time, day and place in the body."""
    from tests.e2e.flows.cross import add_address  # cross imports this module

    page = sitting.page
    invited = sitting.find(r"Tới: đồng chí (?P<first>.+?) và đồng chí (?P<second>.+?)\. Tra địa chỉ")
    office = sitting.find(r"Cc: đồng chí (?P<head>.+?) \(để chuẩn bị phòng họp\)").group("head")
    subject = sitting.find(r"Chủ đề thư ghi chính xác: (?P<subject>Giấy mời số \S+ .+? ngày \d\d/\d\d/\d{4})")
    time_ = sitting.find(r"giờ họp \(ghi đúng dạng: (?P<time>[^)]+)\)").group("time")
    day = sitting.find(r"ngày họp \((?P<day>\d\d/\d\d/\d{4})\)").group("day")
    place = sitting.find(r"địa điểm họp \((?P<place>[^)]+)\)").group("place")
    filename = sitting.find(r"tệp dự thảo Kế hoạch (?P<file>\S+\.pdf)").group("file")

    sitting.open_service(MAIL)
    page.get_by_role("link", name="Danh sách địa chỉ chung").click()
    expect(page.get_by_role("heading", level=1, name="Danh sách địa chỉ chung")).to_be_visible()
    people = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in page.locator("table.grid tbody tr").all()
    ]
    first, second, head = (head_of(people, role) for role in (invited["first"], invited["second"], office))

    search = page.get_by_role("searchbox", name="Tìm Thư")
    search.fill(filename)
    search.press("Enter")
    found = page.locator("tr[data-message]").filter(has=page.get_by_role("img", name="Có tập tin đính kèm"))
    expect(found).to_have_count(1)
    found.locator(".mail-subject > a").click()
    expect(page.locator(".mail-att-name")).to_have_text(filename)

    page.get_by_role("link", name="Chuyển tiếp", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Chuyển tiếp")).to_be_visible()
    expect(page.locator(".mail-kept", has_text=filename).get_by_role("checkbox")).to_be_checked()
    pick_address(page, "Tới", first.split("@")[0], first)
    add_address(page, "Tới", second.split("@")[0], second)
    pick_address(page, "Cc", head.split("@")[0], head)
    page.get_by_label("Chủ đề").fill(subject.group("subject"))
    body = page.locator("#noi_dung")
    body.press("Control+Home")
    body.press_sequentially(
        "Kính gửi các đồng chí,\nUBND phường trân trọng kính mời đồng chí dự họp triển khai Kế hoạch tổ chức "
        "các hoạt động mừng Đảng, mừng Xuân Đinh Mùi năm 2027.\n"
        f"Thời gian: {time_} ngày {day}.\nĐịa điểm: {place}.\n"
        "Dự thảo Kế hoạch gửi kèm theo thư này.\nTrân trọng.\n\n"
    )
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Thư của bạn đã được gửi.")


def head_of(people: list[list[str]], role: str) -> str:
    """The address of the one person whose chức vụ and đơn vị make ``role``: every word of them is
    in it ("Chánh Văn phòng" of "Văn phòng HĐND và UBND – …" is the "Chánh Văn phòng HĐND và UBND
    phường"; a Phó has a word too many)."""

    def words(text: str) -> set[str]:
        return {word.strip(",.").casefold() for word in text.split()}

    wanted = words(role)
    found = [
        email for _, email, title, unit, *_ in people if title and words(f"{title} {unit.split(' – ')[0]}") <= wanted
    ]
    assert len(found) == 1, f"{role}: {found} in {people}"
    return found[0]
