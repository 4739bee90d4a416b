"""Browser flows of the document tasks (Quản lý văn bản và điều hành)."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect
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


def file_text(page: Page, room: str) -> str:
    """The text of the open document's latest PDF (the first in Tệp văn bản), line by line."""
    link = page.locator(".docs-files").get_by_role("link", name=re.compile(r"\.pdf$", re.IGNORECASE)).first
    response = page.request.get(f"{room}{link.get_attribute('href')}")
    assert response.ok, f"{link.inner_text()}: {response.status}"
    reader = PdfReader(io.BytesIO(response.body()))
    return "\n".join(unicodedata.normalize("NFC", p.extract_text()) for p in reader.pages)


def addressee_of(page: Page, room: str) -> str:
    """The Kính gửi line of the open incoming document's file (its latest PDF), as printed."""
    text = file_text(page, room)
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


CHUYEN_VIEN = "Chuyên viên - Phòng Văn hóa - Xã hội"
VAN_THU = "Văn thư - Văn phòng HĐND và UBND"
CHU_TICH = "Chủ tịch UBND"


def choose(select: Locator, wanted: Callable[[str], bool]) -> str:
    """Pick the one option of ``select`` whose text ``wanted`` accepts; its text."""
    options = [
        ((option.text_content() or "").strip(), option.get_attribute("value") or "")
        for option in select.locator("option").all()
    ]
    chosen = [(text, value) for text, value in options if value and wanted(text)]
    assert len(chosen) == 1, f"{[text for text, _ in options]}: {len(chosen)} options fit"
    select.select_option(value=chosen[0][1])
    return chosen[0][0]


@flow("documents.complete-with-reply")
def complete_with_reply(sitting: Sitting) -> None:
    """As chuyên viên: open the công văn in Chờ xử lý, record the result and link the reply the
    instructions name, then Hoàn thành."""
    number = sitting.find(r"Mở Công văn số (?P<number>\S+?);").group("number")
    reply = sitting.find(r"chọn công văn “(?P<reply>[^”]+)”").group("reply")
    page = open_documents(sitting, CHUYEN_VIEN)
    page.locator("[data-list='den-cho-xu-ly']").click()
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)

    form = page.locator("#form-hoan-thanh")
    form.get_by_label("Kết quả xử lý").fill(
        "Đã tham mưu công văn trả lời, Phó Chủ tịch đã ký, chuyển văn thư phát hành."
    )
    choose(form.get_by_label("Văn bản trả lời (văn bản liên quan)"), lambda text: text.startswith(f"{reply} ("))
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_have_text("Đã hoàn thành xử lý văn bản.")
    expect(page.locator(".docs-status")).to_have_text("Hoàn thành")
    expect(page.locator(".docs-facts")).to_contain_text(f"Văn bản trả lời: {reply}")


@flow("documents.consult-draft")
def consult_draft(sitting: Sitting) -> None:
    """As chuyên viên: ask the two colleagues named for their opinion on the draft plan by the
    deadline, wait for their answers, then submit it to the Trưởng phòng."""
    subject = sitting.find(r"dự thảo Kế hoạch “(?P<subject>[^”]+)”").group("subject")
    people = re.findall(r"“([^”]+ - [^”]+)”;", sitting.find(r"Người cho ý kiến:(?P<people>.+?)- Hạn").group("people"))
    assert len(people) == 2, people
    due = sitting.find(r"Hạn cho ý kiến: (?P<due>\d\d/\d\d/\d{4})").group("due")
    approver = sitting.find(r"người duyệt là đồng chí (?P<name>[^,]+),").group("name")
    page = open_documents(sitting, CHUYEN_VIEN)
    page.locator("[data-list='di-du-thao']").click()
    page.get_by_role("link", name=subject, exact=True).click()
    expect(page.locator(".docs-facts")).to_contain_text(subject)

    consult = page.locator("#form-lay-y-kien")
    consult.get_by_text("Lấy ý kiến", exact=True).click()
    for person in people:
        consult.get_by_label(person, exact=True).check()
    consult.get_by_label("Hạn cho ý kiến").fill(due)
    consult.get_by_label("Nội dung xin ý kiến").fill(
        f"Đề nghị đồng chí góp ý dự thảo Kế hoạch, gửi ý kiến trước ngày {due}."
    )
    consult.get_by_role("button", name="Gửi xin ý kiến").click()
    expect(page.get_by_role("status")).to_have_text("Đã gửi xin ý kiến.")
    answers = page.locator("table.grid", has=page.get_by_role("columnheader", name="Người cho ý kiến"))
    for person in people:
        row = answers.locator("tr", has_text=person.split(" - ")[0])
        expect(row).to_contain_text("Đồng ý")

    submit = page.locator("#form-trinh-duyet")
    choose(submit.get_by_label("Người duyệt"), lambda text: text.startswith(f"{approver} - "))
    submit.get_by_label("Ghi chú").fill("Dự thảo đã lấy ý kiến các đơn vị phối hợp. Kính trình xem xét.")
    submit.get_by_role("button", name="Trình duyệt").click()
    expect(page.get_by_role("status")).to_have_text("Đã trình duyệt dự thảo.")
    expect(page.locator(".docs-status")).to_have_text("Chờ duyệt")


@flow("documents.issue-outgoing")
def issue_outgoing(sitting: Sitting) -> None:
    """As văn thư: number the signed công văn with the number the system gives, and issue it to the
    agency of its Kính gửi and the unit of its Nơi nhận, nowhere else."""
    subject = sitting.find(r"Công văn “(?P<subject>[^”]+)”").group("subject")
    recipients = sitting.find(
        r"Nơi nhận của công văn: (?P<agency>.+?) \(cơ quan nhận qua liên thông\)"
        r" và (?P<unit>.+?) \(đơn vị trong cơ quan\)"
    )
    page = open_documents(sitting, VAN_THU)
    page.locator("[data-list='di-cho-phat-hanh']").click()
    page.get_by_role("link", name=subject, exact=True).click()
    facts = page.locator(".docs-facts")
    expect(facts).to_contain_text(recipients["agency"])
    expect(facts).to_contain_text(recipients["unit"])

    page.locator("#form-cap-so").get_by_role("button", name="Cấp số").click()
    expect(page.get_by_role("status")).to_have_text("Đã cấp số văn bản.")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Văn bản đi \d{2,}/UBND-"))

    form = page.locator("#form-phat-hanh")
    form.locator("fieldset", has_text="Cơ quan khác").get_by_label(recipients["agency"], exact=True).check()
    form.locator("fieldset", has_text="Đơn vị trong cơ quan").get_by_label(recipients["unit"], exact=True).check()
    form.get_by_role("button", name="Phát hành").click()
    expect(page.get_by_role("status")).to_have_text("Đã phát hành văn bản.")
    expect(page.locator(".docs-status")).to_have_text("Đã phát hành")


def vietnamese_date(text: str) -> str:
    """'ngày 18 tháng 11 năm 2026' in a document as the form writes it, 18/11/2026 ('' if none)."""
    match = re.search(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})", text)
    return f"{int(match[1]):02d}/{int(match[2]):02d}/{match[3]}" if match else ""


@flow("documents.register-urgent")
def register_urgent(sitting: Sitting) -> None:
    """As văn thư: open the urgent công văn in Chờ vào sổ, check the Vào sổ form against its file,
    register it as Khẩn, then present it at once to the Chủ tịch."""
    number = sitting.find(r"ghi chính xác (?P<number>[^)\s]+)\)").group("number")
    page = open_documents(sitting, VAN_THU)
    page.locator("[data-list='den-cho-vao-so']").click()
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)

    printed = " ".join(file_text(page, sitting.room).split())
    form = page.locator("#form-vao-so")
    form.get_by_label("Số, ký hiệu").fill(number)
    assert f"Số: {number}" in printed, printed
    assert form.get_by_label("Ngày văn bản").input_value() == vietnamese_date(printed), printed
    assert " ".join(form.get_by_label("Trích yếu").input_value().split()).casefold() in printed.casefold(), printed
    form.get_by_label("Loại văn bản").select_option(label="Công văn")
    form.get_by_label("Độ khẩn").select_option(label="Khẩn")
    form.get_by_role("button", name="Vào sổ").click()
    expect(page.get_by_role("status")).to_have_text("Đã vào sổ văn bản đến.")
    expect(page.locator(".docs-head")).to_contain_text("Khẩn")

    present = page.locator("#form-trinh")
    choose(present.get_by_label("Trình"), lambda text: text.endswith(f" - {CHU_TICH}"))
    present.get_by_role("button", name="Trình").click()
    expect(page.get_by_role("status")).to_have_text("Đã trình văn bản.")
    expect(page.locator(".docs-status")).to_have_text("Chờ bút phê")


# The abbreviations of the agency's units, for the ký hiệu and the "- Lưu: VT, …" line.
UNIT_ABBREVIATIONS = {
    "Văn phòng HĐND và UBND": "VP",
    "Phòng Kinh tế, Hạ tầng và Đô thị": "KTHTĐT",
    "Phòng Văn hóa - Xã hội": "VHXH",
}


def format_errors(printed: str, unit: str) -> list[str]:
    """The format errors (Nghị định 30/2020, Phụ lục I) in a draft công văn of a Ủy ban nhân dân,
    as the PDF prints it, each with how to correct it; ``unit`` is the drafting unit's abbreviation."""
    errors = []
    symbol = f"UBND-{unit}"
    number = re.search(r"Số:\s*(?P<number>\d+)/(?P<symbol>\S+)", printed)
    if number:
        wrong = []
        if int(number["number"]) < 10 and not number["number"].startswith("0"):
            wrong.append(f"số nhỏ hơn 10 phải ghi thêm số 0 phía trước ({int(number['number']):02d})")
        if "CV" in number["symbol"].split("-"):
            wrong.append(f"công văn không có chữ viết tắt tên loại “CV”, ký hiệu đúng là {symbol}")
        elif number["symbol"] != symbol:
            wrong.append(f"ký hiệu đúng là {symbol}")
        if wrong:
            errors.append(f"Số, ký hiệu “Số: {number['number']}/{number['symbol']}” sai: {'; '.join(wrong)}.")
    date = re.search(r"ngày (?P<day>\d{1,2}) tháng (?P<month>\d{1,2}) năm (?P<year>\d{4})", printed)
    if date:
        day, month = int(date["day"]), int(date["month"])
        right = f"ngày {day:02d} tháng {f'{month:02d}' if month < 3 else month} năm {date['year']}"
        if date[0] != right:
            errors.append(
                f"Ngày tháng ghi “{date[0]}” sai: ngày dưới 10 và tháng 1, 2 phải có số 0 phía trước, ghi “{right}”."
            )
    summary = re.search(r"năm \d{4}\s*(?P<summary>.*?)\s*Kính gửi", printed, re.DOTALL)
    if summary and not summary["summary"].startswith("V/v"):
        errors.append("Trích yếu công văn phải bắt đầu bằng “V/v” (về việc).")
    if "K/T" in printed:
        errors.append("Phó Chủ tịch ký thay Chủ tịch ghi “KT. CHỦ TỊCH”, không viết “K/T”.")
    recipients = printed.partition("Nơi nhận:")[2]
    if "Lưu" not in recipients:
        errors.append(f"Nơi nhận thiếu dòng cuối “- Lưu: VT, {unit}.”")
    return errors


@flow("documents.check-format")
def check_format(sitting: Sitting) -> None:
    """As Chủ tịch: open the draft waiting in Chờ duyệt, read its PDF, and send it back to its
    drafter listing each format error and its correction, without approving it."""
    subject = sitting.find(r"Chờ duyệt\): “(?P<subject>[^”]+)”").group("subject")
    page = open_documents(sitting, CHU_TICH)
    page.locator("[data-list='di-cho-duyet']").click()
    page.get_by_role("link", name=subject, exact=True).click()
    facts = page.locator(".docs-facts")
    expect(facts).to_contain_text(subject)
    drafting = facts.locator("dt:has-text('Đơn vị soạn thảo') + dd").inner_text().split(" · ")[0].strip()
    unit = UNIT_ABBREVIATIONS[drafting]

    errors = format_errors(file_text(page, sitting.room), unit)
    assert errors, "no format error found in the draft"
    comment = "\n".join(
        ["Đề nghị sửa các lỗi thể thức sau rồi trình lại:"] + [f"{n}. {error}" for n, error in enumerate(errors, 1)]
    )
    form = page.locator("#form-tra-lai")
    form.get_by_label("Ý kiến (những điểm cần sửa)").fill(comment)
    form.get_by_role("button", name="Trả lại").click()
    expect(page.get_by_role("status")).to_have_text("Đã trả lại.")
    expect(page.locator(".docs-status")).to_have_text("Bị trả lại")


@flow("documents.draft-reply")
def draft_reply(sitting: Sitting) -> None:
    """As chuyên viên: draft the reply công văn as the instructions list it, linked to the công văn
    it answers, then submit it to the Trưởng phòng."""
    number = sitting.find(r"chọn Công văn số (?P<number>\d+/[^\s.]+)").group("number")
    subject = sitting.find(r"Trích yếu nội dung: (?P<subject>.+?); - Kính gửi").group("subject")
    addressee = sitting.find(r"- Kính gửi: (?P<to>.+?); - Nội dung").group("to")
    recipients = sitting.find(r"Nơi nhận: “(?P<first>[^”]+)” và “(?P<last>[^”]+)”")
    signer = sitting.find(r"Người ký: (?P<signer>.+?) \(ký").group("signer")
    approver = sitting.find(r"người duyệt là đồng chí (?P<name>[^,]+),").group("name")
    deputy = re.fullmatch(r"đồng chí (?P<name>[^,]+), .+", signer)

    page = open_documents(sitting, CHUYEN_VIEN)
    page.get_by_role("link", name="+ Dự thảo văn bản đi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dự thảo văn bản đi mới")
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    if deputy:
        choose(page.get_by_label("Người ký"), lambda text: text.startswith(f"{deputy['name']} - "))
    else:
        choose(page.get_by_label("Người ký"), lambda text: text.endswith(f" - {CHU_TICH}"))
    page.get_by_label("Trích yếu nội dung").fill(subject)
    page.get_by_label("Kính gửi").fill(addressee)
    page.get_by_label("Nội dung", exact=True).fill(
        f"Thực hiện Công văn số {number} của {addressee}, Ủy ban nhân dân phường báo cáo như sau: "
        "đã triển khai đầy đủ các nội dung được giao; kết quả cụ thể tại phụ lục kèm theo."
    )
    page.get_by_label("Nơi nhận").fill(f"{recipients['first']}\n{recipients['last']}")
    choose(page.get_by_label("Văn bản đến liên quan"), lambda text: text.startswith(f"{number} — "))
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu dự thảo.")
    expect(page.locator(".docs-facts")).to_contain_text(number)

    submit = page.locator("#form-trinh-duyet")
    choose(submit.get_by_label("Người duyệt"), lambda text: text.startswith(f"{approver} - "))
    submit.get_by_label("Ghi chú").fill("Kính trình xem xét.")
    submit.get_by_role("button", name="Trình duyệt").click()
    expect(page.get_by_role("status")).to_have_text("Đã trình duyệt dự thảo.")
    expect(page.locator(".docs-status")).to_have_text("Chờ duyệt")
