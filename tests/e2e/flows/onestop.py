"""Browser flows of the một cửa tasks (Một cửa điện tử)."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.flows import Sitting, flow

ONESTOP = "Một cửa điện tử"
RESULT_WAIT = 30.0  # the room's handler takes SATHACH_ONESTOP_PROCESSING_SECONDS (2 s in the tests)


def wait_for_result(page: Page) -> None:
    """Reload the dossier until the simulated specialist has brought the result back."""
    deadline = time.monotonic() + RESULT_WAIT
    while page.locator("#trang-thai").inner_text() != "Đã xử lý xong":
        assert time.monotonic() < deadline, "the handler never brought the result back"
        time.sleep(0.5)
        page.reload()


def receive_with_receipt(page: Page) -> None:
    """Tiếp nhận the dossier on the desk and open its Giấy tiếp nhận (to print for the citizen)."""
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tiếp nhận hồ sơ")
    expect(page.locator("#trang-thai")).to_have_text("Được tiếp nhận")
    with page.expect_popup() as receipt:
        page.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả").click()
    receipt.value.close()


@flow("onestop.marriage")
def marriage(sitting: Sitting) -> None:
    """Call the couple, choose Đăng ký kết hôn, count the papers, receive, open the Giấy tiếp nhận,
    transfer to Tư pháp - Hộ tịch, wait for the result and return it to the groom."""
    page = sitting.page
    groom = sitting.find(r"Anh (?P<groom>.+?) và chị (?P<bride>.+?) đã lấy số").group("groom")
    sitting.open_service(ONESTOP)
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
    receive_with_receipt(page)

    transfer = page.locator("#form-chuyen-xu-ly")
    expect(transfer.get_by_label("Công chức xử lý")).to_have_value("tp_ht")  # suggested by the field
    transfer.get_by_label("Ý kiến chuyển").fill("Hai bên có mặt, đủ giấy tờ.")
    transfer.get_by_role("button", name="Chuyển xử lý").click()
    expect(page.locator("#trang-thai")).to_have_text("Đang xử lý")
    wait_for_result(page)
    give = page.locator("#form-tra-ket-qua")
    expect(give.get_by_label("Họ tên người nhận")).to_have_value(groom)
    give.get_by_label("Số căn cước người nhận").fill(id_number)
    give.get_by_label("Hình thức trả").select_option(label="Trực tiếp tại Bộ phận Một cửa")
    give.get_by_role("button", name="Trả kết quả").click()
    expect(page.locator("#trang-thai")).to_have_text("Đã trả kết quả")


def call_citizen(page: Page, name: str, request: str) -> None:
    """Gọi số for the citizen ``name`` whose request (on the queue) mentions ``request``."""
    expect(page.get_by_role("heading", name="Công dân chờ tiếp nhận")).to_be_visible()
    row = page.locator("table.os-visits tbody tr", has_text=name).filter(has_text=request)
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.get_by_role("button", name="Gọi số").click()
    expect(page.locator(".os-card")).to_contain_text(name)
    expect(page.get_by_label("Họ và tên")).to_have_value(name)
    expect(page.get_by_label("Số căn cước")).to_have_value(re.compile(r"^\d{12}$"))


def choose_procedure(page: Page, name: str) -> None:
    """Pick the procedure by its name in the list (choosing it redraws the form with its papers)."""
    procedure = page.get_by_label("Thủ tục hành chính")
    option = procedure.locator("option", has_text=name)
    expect(option).to_have_count(1)
    code = option.get_attribute("value")
    assert code, name
    with page.expect_navigation():
        procedure.select_option(value=code)
    expect(page.get_by_role("heading", name="Thành phần hồ sơ")).to_be_visible()


@flow("onestop.return-result")
def return_result(sitting: Sitting) -> None:
    """Tra cứu by the căn cước the citizen shows, open the one dossier found, check its applicant
    against the card (not his namesake's), and return the result at the desk to him."""
    page = sitting.page
    found = sitting.find(r"Ông (?P<name>.+?) đến quầy nhận kết quả .*? Ông xuất trình căn cước số (?P<id>\d{12})")
    name, id_number = found.group("name"), found.group("id")
    sitting.open_service(ONESTOP)
    search = page.get_by_role("searchbox", name="Tra cứu hồ sơ")
    search.fill(id_number)
    with page.expect_navigation():
        search.press("Enter")
    row = page.locator("table.os-list tbody tr", has_text=id_number)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(name)
    with page.expect_navigation():
        row.get_by_role("link").click()
    facts = page.locator("dl.docs-facts")
    expect(facts).to_contain_text(f"{name} · căn cước {id_number}")
    wait_for_result(page)
    give = page.locator("#form-tra-ket-qua")
    give.get_by_label("Họ tên người nhận").fill(name)
    give.get_by_label("Số căn cước người nhận").fill(id_number)
    give.get_by_label("Hình thức trả").select_option(label="Trực tiếp tại Bộ phận Một cửa")
    give.get_by_role("button", name="Trả kết quả").click()
    expect(page.locator("#trang-thai")).to_have_text("Đã trả kết quả")
    expect(facts).to_contain_text(f"cho {name} (căn cước {id_number})")


@flow("onestop.receive-friday")
def receive_friday(sitting: Sitting) -> None:
    """Call the citizen, choose Chứng thực bản sao từ bản chính, count one original and the copies,
    check the form dates the intake at her 15:20 arrival and sets the return for the next working day,
    receive, and open the Giấy tiếp nhận."""
    page = sitting.page
    found = sitting.find(
        r"ngày (?P<day>\d\d/\d\d/\d{4}): lúc 15 giờ 20 phút, bà (?P<name>.+?) lấy số thứ tự"
        r" và đến quầy đề nghị chứng thực (?P<copies>\d+) bản sao"
    )
    day, name, copies = found.group("day"), found.group("name"), found.group("copies")
    sitting.open_service(ONESTOP)
    call_citizen(page, name, "Chứng thực")
    choose_procedure(page, "Chứng thực bản sao từ bản chính")
    page.get_by_label("Số lượng Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao").fill("1")
    page.get_by_label("Số lượng Bản sao cần chứng thực").fill(copies)
    expect(page.locator("#form-tiep-nhan")).to_contain_text(f"15 giờ 20 phút, ngày {day}")
    due = page.locator("#ngay-hen-tra")
    expect(due).to_have_text(re.compile(r"^\d\d/\d\d/\d{4}$"))
    expect(due).not_to_have_text(day)  # after 15:00: the next working day
    receive_with_receipt(page)


@flow("onestop.request-missing")
def request_missing(sitting: Sitting) -> None:
    """Call the father, choose Đăng ký khai sinh, find that of its papers he lacks only the Giấy
    chứng sinh, and instead of receiving make the Phiếu yêu cầu bổ sung naming it, then open it."""
    page = sitting.page
    father = sitting.find(r"Ông (?P<father>.+?) đã lấy số, đến đăng ký khai sinh cho con").group("father")
    sitting.open_service(ONESTOP)
    call_citizen(page, father, "Đăng ký khai sinh")
    papers = page.locator(".os-card .os-papers")
    expect(papers).to_contain_text("Tờ khai đăng ký khai sinh")
    expect(papers).to_contain_text("Căn cước")
    expect(papers).not_to_contain_text("chứng sinh")
    choose_procedure(page, "Đăng ký khai sinh")
    page.get_by_label("Số lượng Tờ khai đăng ký khai sinh (theo mẫu)").fill("1")
    page.get_by_label("Số lượng Giấy tờ tùy thân của người đi đăng ký (CCCD/hộ chiếu)").fill("1")
    page.get_by_label("Cần bổ sung Giấy chứng sinh").check()
    page.get_by_label("Lý do (khi yêu cầu bổ sung hoặc từ chối tiếp nhận)").fill(
        "Hồ sơ đăng ký khai sinh còn thiếu Giấy chứng sinh do cơ sở y tế nơi trẻ sinh ra cấp."
    )
    page.get_by_role("button", name="Yêu cầu bổ sung, hoàn thiện").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lập Phiếu yêu cầu bổ sung")
    expect(page.locator("#trang-thai")).to_have_text("Yêu cầu bổ sung giấy tờ")
    with page.expect_popup() as slip:
        page.get_by_role("link", name="Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ").click()
    slip.value.close()


def open_file(page: Page, name: str) -> None:
    """Open (to read or print) one of the dossier's files, which shows in a new tab, then close it."""
    with page.expect_popup() as opened:
        page.locator(".docs-files").get_by_role("link", name=name).click()
    opened.value.wait_for_load_state()
    opened.value.close()


@flow("onestop.refuse-secret")
def refuse_secret(sitting: Sitting) -> None:
    """Call the citizen, see that the original handed over is stamped MẬT, choose Chứng thực bản
    sao từ bản chính, refuse with that reason (Nghị định 23/2015 Điều 22) and open the Phiếu từ chối."""
    page = sitting.page
    name = sitting.find(r"Công dân (?P<name>.+?) đã lấy số, đề nghị chứng thực bản sao").group("name")
    sitting.open_service(ONESTOP)
    call_citizen(page, name, "Chứng thực")
    request = page.locator(".os-card > p").first.inner_text()
    copies = re.search(r"Chứng thực (?P<copies>\d+) bản sao “(?P<document>[^”]+)”", request)
    assert copies, request
    original = page.locator(".os-card .os-papers li", has_text="Bản chính")
    expect(original).to_contain_text("MẬT")
    choose_procedure(page, "Chứng thực bản sao từ bản chính")
    page.get_by_label("Số lượng Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao").fill("1")
    page.get_by_label("Số lượng Bản sao cần chứng thực").fill(copies.group("copies"))
    page.get_by_label("Lý do (khi yêu cầu bổ sung hoặc từ chối tiếp nhận)").fill(
        f"Bản chính “{copies.group('document')}” có đóng dấu chỉ độ mật “MẬT”: văn bản mật không được "
        "chứng thực bản sao (Điều 22 Nghị định 23/2015/NĐ-CP)."
    )
    page.get_by_role("button", name="Từ chối tiếp nhận").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lập Phiếu từ chối tiếp nhận")
    expect(page.locator("#trang-thai")).to_have_text("Không được tiếp nhận")
    open_file(page, "Phiếu từ chối tiếp nhận giải quyết hồ sơ")


def check_online(page: Page, applicant: str, procedure: str) -> list[str]:
    """Open the online dossier of ``applicant`` for ``procedure`` from Chờ tiếp nhận trực tuyến, read
    its attachments, and give the procedure's papers that it lacks."""
    page.get_by_role("link", name=re.compile(r"^Chờ tiếp nhận trực tuyến")).click()
    row = page.locator("table.os-list tbody tr", has_text=applicant).filter(has_text=procedure)
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    expect(page.locator(".docs-facts")).to_contain_text(f"{applicant} · căn cước")
    expect(page.get_by_role("heading", name="Tờ khai điện tử")).to_be_visible()
    for link in page.locator(".docs-files a[data-kind='dinh_kem']").all():
        with page.expect_popup() as opened:
            link.click()
        opened.value.wait_for_load_state()
        opened.value.close()
    handed = {cell.inner_text().strip() for cell in page.locator("table.os-components tbody td:nth-child(2)").all()}
    needed = [label.inner_text().strip() for label in page.locator("#form-bo-sung label.docs-check").all()]
    assert needed, f"no papers of {procedure} on the supplement form"
    return [paper for paper in needed if paper not in handed]


@flow("onestop.online-queue")
def online_queue(sitting: Sitting) -> None:
    """Open each of the two online dossiers, compare its papers with the procedure's: receive the
    death registration (complete), ask the birth registration for its missing Giấy chứng sinh."""
    page = sitting.page
    found = sitting.find(
        r"đăng ký khai tử \(người nộp (?P<death>.+?)\) và đăng ký khai sinh \(người nộp (?P<birth>.+?)\)"
    )
    sitting.open_service(ONESTOP)

    assert check_online(page, found.group("death"), "Đăng ký khai tử") == []
    page.locator("#form-tiep-nhan").get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tiếp nhận hồ sơ trực tuyến")
    expect(page.locator("#trang-thai")).to_have_text("Được tiếp nhận")

    missing = check_online(page, found.group("birth"), "Đăng ký khai sinh")
    assert missing == ["Giấy chứng sinh"], missing
    ask = page.locator("#form-bo-sung")
    ask.get_by_label("Giấy chứng sinh").check()
    ask.get_by_label("Lý do", exact=True).fill(
        "Hồ sơ chưa đính kèm bản chụp Giấy chứng sinh của cháu do cơ sở y tế nơi cháu sinh ra cấp; "
        "đề nghị bổ sung để được tiếp nhận."
    )
    ask.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi yêu cầu bổ sung")
    expect(page.locator("#trang-thai")).to_have_text("Yêu cầu bổ sung giấy tờ")


def day_of(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


@flow("onestop.apologise")
def apologise(sitting: Sitting) -> None:
    """Open the late dossier from Đang xử lý, read the handler's report, and submit the Phiếu xin lỗi
    giving that reason, a new return date a few working days after the old one (the next weekday
    if the system says a day is off) and the Chủ tịch UBND to clear it; then open the signed form."""
    page = sitting.page
    found = sitting.find(
        r"Hồ sơ cấp Giấy xác nhận tình trạng hôn nhân của công dân (?P<name>.+?) hẹn trả ngày (?P<due>\d\d/\d\d/\d{4})"
    )
    name, due = found.group("name"), found.group("due")
    sitting.open_service(ONESTOP)
    page.get_by_role("link", name=re.compile(r"^Đang xử lý")).click()
    row = page.locator("table.os-list tbody tr", has_text=name).filter(has_text="Cấp Giấy xác nhận tình trạng hôn nhân")
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    expect(page.locator("#ngay-hen-tra")).to_contain_text(due)
    late = page.locator(".docs-facts dd.docs-late").inner_text().strip()
    assert "xác minh" in late, late
    today = re.search(r"Hôm nay (\d\d/\d\d/\d{4})", page.locator(".docs-position").inner_text())
    assert today, "no date on the desk"

    form = page.locator("#xin-loi")
    leader = form.get_by_label("Lãnh đạo ký duyệt").locator("option", has_text=re.compile(r"· Chủ tịch UBND$"))
    expect(leader).to_have_count(1)
    chairman = leader.get_attribute("value")
    assert chairman, "no Chủ tịch UBND among the leaders"
    new_due = max(day_of(due), day_of(today.group(1))) + timedelta(days=3)
    for _ in range(10):
        while new_due.weekday() >= 5:
            new_due += timedelta(days=1)
        form.get_by_label("Lý do chậm trả kết quả").fill(
            f"Công chức Tư pháp - Hộ tịch báo: {late} Bộ phận Một cửa xin lỗi công dân vì sự chậm trễ."
        )
        form.get_by_label("Ngày hẹn trả mới").fill(f"{new_due:%d/%m/%Y}")
        form.get_by_label("Lãnh đạo ký duyệt").select_option(value=chairman)
        form.get_by_role("button", name="Trình ký duyệt").click()
        alert = page.get_by_role("alert")
        expect(alert.or_(page.get_by_role("status"))).to_be_visible()
        if not alert.is_visible():
            break
        expect(alert).to_contain_text("không phải ngày làm việc")  # a holiday: try the next day
        new_due += timedelta(days=1)
    expect(page.get_by_role("status")).to_contain_text("Lãnh đạo đã duyệt Phiếu xin lỗi")
    expect(page.locator("#ngay-hen-tra")).to_contain_text(f"{new_due:%d/%m/%Y}")
    open_file(page, "Phiếu xin lỗi và hẹn lại ngày trả kết quả")
