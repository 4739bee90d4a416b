"""The webmail in a real browser (Debian's Chromium through Playwright), against a real room
server and a real SMTP listener, two processes on one SQLite database.

Mail arrives the way it does in the exam room (SMTP, or a task's setup operation); the candidate
reads and answers it in the browser; the action log in the database is the proof of what was done.
"""

from __future__ import annotations

import hashlib
import re
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import FilePayload, Locator, Page, Request, expect

from mock_services.core.accounts import Candidate
from mock_services.core.clock import utcnow
from mock_services.core.events import EventRecord
from mock_services.core.log import select_events
from mock_services.core.settings import RoomSettings
from mock_services.core.setup_ops import run_operation
from sandbox.setup_context import setup_context
from tests.conftest import LiveRoom
from tests.support.live import LiveServer, smtp_server
from tests.support.room import SECRET, SeededExam, seed_exam

pytestmark = [pytest.mark.browser, pytest.mark.live]

SENDER = "vanphong@cantho.egov.test"
SENDER_NAME = "Văn phòng UBND thành phố"
SUBJECT = "Đề nghị báo cáo kết quả chuyển đổi số quý IV"
# Enough of a PDF for a mail client: the header, one object, the trailer.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REPLY_FILE = "bao-cao-chuyen-doi-so-quy-IV.pdf"
REPLY_BYTES = b"%PDF-1.4\n% B\xc3\xa1o c\xc3\xa1o qu\xc3\xbd IV\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@dataclass
class MailRoom:
    """A room server and an SMTP listener on one database, with an exam in progress."""

    room: LiveRoom
    smtp: LiveServer
    seeded: SeededExam
    settings: RoomSettings

    @property
    def candidate(self) -> Candidate:
        return next(c for c in self.seeded.candidates if c.so_bao_danh == "CT001")

    @property
    def password(self) -> str:
        return self.seeded.passwords["CT001"]

    def url(self, path: str = "/") -> str:
        return self.room.url(path)

    def output(self) -> str:
        return f"--- room server ---\n{self.room.server.output()}\n--- SMTP listener ---\n{self.smtp.output()}"

    def events(self) -> list[EventRecord]:
        with self.room.db.read() as conn:
            return select_events(conn, candidate_id=self.candidate.id)

    def setup(self, operation: str, arguments: dict[str, Any]) -> Any:
        """Run a task's setup operation in the candidate's tenant, as graderd's setup would."""
        with self.room.db.write() as conn:
            ctx = setup_context(conn, self.candidate, now=utcnow(), settings=self.settings)
            return run_operation(ctx, operation, arguments)


@pytest.fixture
def mail_room(live_room: LiveRoom, tmp_path: Path) -> Iterator[MailRoom]:
    now = utcnow()
    seeded = seed_exam(live_room.db, now=now, starts_at=now - timedelta(minutes=5), duration=60)
    smtp = smtp_server(tmp_path / "smtp", live_room.env).start()
    settings = RoomSettings(data_dir=tmp_path / "var", secret_key=SECRET.decode())
    mail = MailRoom(live_room, smtp, seeded, settings)
    yield mail
    smtp.stop()
    # Shown by pytest only when the test failed: what both servers printed.
    print(mail.output())


def send_by_smtp(mail: MailRoom, message: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", mail.smtp.port, timeout=15) as client:
        refused = client.send_message(message)
    assert refused == {}, f"refused: {refused}\n{mail.output()}"


def log_in_to_mail(page: Page, mail: MailRoom) -> Locator:
    """Log in as CT001, open Thư điện tử công vụ from the room's navigation; the folder sidebar."""
    page.goto(mail.url("/dang-nhap"))
    page.get_by_label("Số báo danh").fill("CT001")
    page.get_by_label("Mật khẩu").fill(mail.password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/bai-thi$"))
    page.get_by_role("navigation", name="Phần mềm trong phòng thi").get_by_role(
        "link", name="Thư điện tử công vụ"
    ).click()
    expect(page).to_have_url(re.compile(r"/thu/hop-thu-den$"))
    expect(page.get_by_role("heading", level=1, name="Hộp thư đến")).to_be_visible()
    return page.get_by_role("complementary", name="Thư mục")


def only(records: list[EventRecord], verb: str, mail: MailRoom, **data: Any) -> EventRecord:
    found = [r for r in records if r.verb == verb and all(r.data.get(k) == v for k, v in data.items())]
    summary = "\n".join(f"{r.seq} {r.verb} {r.object_id}" for r in records)
    assert len(found) == 1, f"expected one {verb} {data}, found {len(found)} in:\n{summary}\n{mail.output()}"
    return found[0]


def test_a_mail_from_smtp_is_read_and_answered_with_an_attachment_in_the_browser(
    page: Page, mail_room: MailRoom
) -> None:
    message_id = make_msgid(domain="cantho.egov.test")
    incoming = EmailMessage()
    incoming["From"] = formataddr((SENDER_NAME, SENDER))
    incoming["To"] = mail_room.candidate.email
    incoming["Subject"] = SUBJECT
    incoming["Date"] = formatdate(localtime=False)
    incoming["Message-ID"] = message_id
    incoming.set_content("Kính gửi đồng chí,\nĐề nghị gửi báo cáo trước ngày 30/11.\nTrân trọng.")
    incoming.add_attachment(PDF, maintype="application", subtype="pdf", filename="cong-van-1234.pdf")
    send_by_smtp(mail_room, incoming)

    sidebar = log_in_to_mail(page, mail_room)
    expect(sidebar.locator('a[data-folder="inbox"] .mail-unread')).to_have_text("1")
    row = page.locator("tr[data-message]", has_text=SUBJECT)
    expect(row).to_have_class(re.compile(r"\bis-unread\b"))
    expect(row.locator(".mail-subject")).to_have_css("font-weight", "700")
    expect(row.locator(".mail-from")).to_have_text(SENDER_NAME)

    row.get_by_role("link", name=SUBJECT).click()
    expect(page.get_by_role("heading", level=1, name=SUBJECT)).to_be_visible()
    expect(page.get_by_text("Đề nghị gửi báo cáo trước ngày 30/11.")).to_be_visible()
    expect(page.locator(".mail-att-name")).to_have_text("cong-van-1234.pdf")
    expect(sidebar.locator('a[data-folder="inbox"] .mail-unread')).to_have_count(0)

    page.get_by_role("link", name="Trả lời", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Trả lời")).to_be_visible()
    expect(page.get_by_label("Tới")).to_have_value(SENDER)
    expect(page.get_by_label("Chủ đề")).to_have_value(f"Re: {SUBJECT}")
    body = page.locator("#noi_dung")
    expect(body).to_have_value(re.compile(r"> Đề nghị gửi báo cáo trước ngày 30/11\."))
    body.press("Control+Home")
    body.press_sequentially("Kính gửi Văn phòng, xin gửi kèm báo cáo.")
    upload = FilePayload(name=REPLY_FILE, mimeType="application/pdf", buffer=REPLY_BYTES)
    page.set_input_files("#tep", files=[upload])
    page.get_by_role("button", name="Gửi", exact=True).click()

    expect(page).to_have_url(re.compile(r"/thu/hop-thu-den"))
    expect(page.get_by_role("status")).to_have_text("Thư của bạn đã được gửi.")
    sidebar.locator('a[data-folder="sent"]').click()
    expect(page.get_by_role("heading", level=1, name="Thư đã gửi")).to_be_visible()
    sent_row = page.locator("tr[data-message]", has_text=f"Re: {SUBJECT}")
    expect(sent_row).to_have_count(1)
    expect(sent_row.locator(".mail-from")).to_have_text(SENDER)
    expect(sent_row.get_by_role("img", name="Có tập tin đính kèm")).to_be_visible()

    records = mail_room.events()
    received = only(records, "mail.message_received", mail_room, channel="smtp")
    assert received.actor == "system"
    assert received.data["after"]["message_id"] == message_id
    assert received.data["after"]["attachments"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    original = received.data["after"]["id"]
    opened = only(records, "mail.message_opened", mail_room)
    assert opened.object_id == original
    sent = only(records, "mail.message_sent", mail_room, kind="reply")
    assert received.seq < opened.seq < sent.seq, mail_room.output()
    assert sent.actor == "candidate"
    assert sent.data["original"] == original
    assert sent.data["channel"] == "webmail"
    assert sent.data["delivered"] == [SENDER]
    after = sent.data["after"]
    assert after["folder"] == "sent"
    assert after["in_reply_to"] == message_id
    assert after["references"][-1] == message_id
    assert after["subject"] == f"Re: {SUBJECT}"
    assert after["to"] == [SENDER]
    assert after["text"].startswith("Kính gửi Văn phòng, xin gửi kèm báo cáo.")
    assert [(a["name"], a["sha256"], a["size"]) for a in after["attachments"]] == [
        (REPLY_FILE, hashlib.sha256(REPLY_BYTES).hexdigest(), len(REPLY_BYTES))
    ]


def test_the_to_field_suggests_people_of_the_directory_and_the_keyboard_picks_one(
    page: Page, mail_room: MailRoom
) -> None:
    mail_room.setup(
        "mail.add_contact",
        {
            "name": "Trần Thị Bích Ngọc",
            "email": "Ngoc.TTB@sotttt.cantho.egov.test",
            "title": "Chuyên viên",
            "unit": "Sở Thông tin và Truyền thông",
        },
    )
    mail_room.setup("mail.add_contact", {"name": "Phạm Ngọc Long", "email": "long.pn@cantho.egov.test"})
    mail_room.setup("mail.add_contact", {"name": "Lê Văn Phúc", "email": "phuc.lv@cantho.egov.test"})

    sidebar = log_in_to_mail(page, mail_room)
    sidebar.get_by_role("link", name="✉ Soạn thư").click()
    expect(page.get_by_role("heading", level=1, name="Thư mới")).to_be_visible()
    to = page.get_by_label("Tới")
    to.press_sequentially("ngoc")

    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Phạm Ngọc Long <long.pn@cantho.egov.test>")
    expect(options.nth(1)).to_contain_text("Trần Thị Bích Ngọc <ngoc.ttb@sotttt.cantho.egov.test>")
    expect(options.nth(1)).to_contain_text("Chuyên viên – Sở Thông tin và Truyền thông")

    to.press("ArrowDown")
    to.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    to.press("Enter")
    expect(to).to_have_value("ngoc.ttb@sotttt.cantho.egov.test, ")
    expect(to).to_be_focused()
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/thu/soan$"))  # Enter picked the address; it did not send

    page.get_by_label("Chủ đề").fill("Xin số liệu chuyển đổi số")
    page.locator("#noi_dung").fill("Chị Ngọc thân mến, nhờ chị gửi số liệu.")
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Thư của bạn đã được gửi.")

    records = mail_room.events()
    assert [r.data["after"]["email"] for r in records if r.verb == "mail.contact_added"] == [
        "ngoc.ttb@sotttt.cantho.egov.test",
        "long.pn@cantho.egov.test",
        "phuc.lv@cantho.egov.test",
    ]
    sent = only(records, "mail.message_sent", mail_room, kind="new")
    assert sent.data["after"]["to"] == ["ngoc.ttb@sotttt.cantho.egov.test"], mail_room.output()


def test_a_link_in_a_message_shows_a_warning_and_never_leaves_the_room(page: Page, mail_room: MailRoom) -> None:
    phishing = "https://egov-xacthuc.example.net/dang-nhap?tk=ct001"
    message_id = mail_room.setup(
        "mail.deliver",
        {
            "from": "Quản trị hệ thống thư <quantri@egov-xacthuc.example.net>",
            "subject": "Hộp thư của bạn sắp bị khóa",
            "text": "Xác thực lại tài khoản.",
            "html": f'<p>Xác thực lại tài khoản tại <a href="{phishing}">Cổng thư công vụ</a> trong 24 giờ.</p>',
        },
    )
    hosts: set[str] = set()

    def note_host(request: Request) -> None:
        hosts.add(urlsplit(request.url).hostname or request.url)

    page.on("request", note_host)
    log_in_to_mail(page, mail_room)
    page.get_by_role("link", name="Hộp thư của bạn sắp bị khóa").click()
    link = page.locator(".mail-body").get_by_role("link", name="Cổng thư công vụ")
    expect(link).to_have_attribute("href", re.compile(rf"^/thu/doc/{message_id}/lien-ket\?"))
    link.click()

    warning = page.get_by_role("alert")
    expect(warning.get_by_role("heading", name="Bạn sắp rời khỏi hệ thống thư công vụ")).to_be_visible()
    expect(warning.locator(".mail-url")).to_have_text(phishing)
    expect(warning).to_contain_text("Máy chủ: egov-xacthuc.example.net")
    expect(warning).to_contain_text("“Cổng thư công vụ” — khác với địa chỉ thật ở trên")
    assert urlsplit(page.url).hostname == "127.0.0.1", page.url
    warning.get_by_role("link", name="‹ Quay lại thư").click()
    expect(page).to_have_url(re.compile(rf"/thu/doc/{message_id}$"))
    assert urlsplit(page.url).hostname == "127.0.0.1", page.url
    assert hosts == {"127.0.0.1"}, hosts

    clicked = only(mail_room.events(), "mail.link_clicked", mail_room)
    assert clicked.object_id == str(message_id)
    assert (clicked.data["url"], clicked.data["text"], clicked.data["link"]) == (phishing, "Cổng thư công vụ", 1)


def test_reporting_a_phishing_message_moves_it_to_junk(page: Page, mail_room: MailRoom) -> None:
    subject = "Thông báo nhận thưởng cuối năm"
    message_id = mail_room.setup(
        "mail.deliver",
        {"from": "Phòng Tài vụ <taivu@cantho-egov.example.com>", "subject": subject, "text": "Nhập mã OTP để nhận."},
    )
    sidebar = log_in_to_mail(page, mail_room)
    page.get_by_role("link", name=subject).click()
    expect(page.get_by_role("heading", level=1, name=subject)).to_be_visible()

    page.locator("summary", has_text="Báo cáo thư giả mạo").click()
    page.get_by_label("Ghi chú (không bắt buộc)").fill("Tên miền lạ, đòi mã OTP.")
    page.get_by_role("button", name="Báo cáo thư giả mạo").click()

    expect(page).to_have_url(re.compile(r"/thu/hop-thu-den"))
    expect(page.get_by_role("status")).to_contain_text("Đã báo cáo thư giả mạo")
    expect(page.get_by_role("status")).to_contain_text("chuyển thư vào Thư rác")
    expect(page.locator("tr[data-message]", has_text=subject)).to_have_count(0)

    sidebar.locator('a[data-folder="junk"]').click()
    expect(page.get_by_role("heading", level=1, name="Thư rác")).to_be_visible()
    page.get_by_role("link", name=subject).click()
    expect(page.get_by_text("Bạn đã báo cáo thư này là thư giả mạo.")).to_be_visible()
    expect(page.locator("summary", has_text="Báo cáo thư giả mạo")).to_have_count(0)

    reported = only(mail_room.events(), "mail.phishing_reported", mail_room)
    assert reported.object_id == str(message_id)
    assert reported.data["note"] == "Tên miền lạ, đòi mã OTP."
    assert (reported.data["after"]["folder"], reported.data["after"]["reported"]) == ("junk", True)
