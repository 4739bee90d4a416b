"""The demo candidates' mailboxes: a directory of colleagues and a few realistic messages
(an invitation with its PDF, the organisers' schedule, the report to send, one phishing mail),
made through the mail service's own setup operations, exactly as a task's setup would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mock_services.core.setup_ops import SetupContext, run_operation
from mock_services.mail import setup as _mail_setup  # noqa: F401 - registers the mail.* operations

CITY_CONTACTS = [
    ("Ban Tổ chức Hội thi CĐS 2026", "bantochuc@sonoivu.cantho.egov.test", "", "Sở Nội vụ thành phố Cần Thơ"),
    ("Văn phòng UBND thành phố", "vanphong@cantho.egov.test", "", "UBND thành phố Cần Thơ"),
    ("Trung tâm Giám sát an toàn thông tin", "antt@cantho.egov.test", "", "Sở Khoa học và Công nghệ"),
]

AGENCY_PEOPLE = [
    ("chutich", "Phạm Văn Đức", "Chủ tịch UBND phường", "Lãnh đạo UBND"),
    ("vanphong", "Văn phòng HĐND và UBND phường", "", "Văn phòng"),
    ("vhxh", "Phòng Văn hóa - Xã hội", "", "Phòng Văn hóa - Xã hội"),
    ("ngoc.ttb", "Trần Thị Bích Ngọc", "Chuyên viên", "Phòng Kinh tế"),
]

PHISHING_HTML = """<p>Kính gửi Quý cán bộ,</p>
<p>Hệ thống phát hiện hộp thư công vụ của bạn đã vượt quá dung lượng cho phép.
<b>Hộp thư sẽ bị KHÓA trong vòng 24 giờ</b> nếu bạn không xác thực lại tài khoản.</p>
<p><a href="http://cantho-gov.vn.xac-thuc-mail.com/login">Bấm vào đây để xác thực tài khoản</a></p>
<img src="http://cantho-gov.vn.xac-thuc-mail.com/logo.png" alt="logo">
<p>Trân trọng,<br>Bộ phận Quản trị hệ thống thư điện tử</p>"""


def fill_demo_mailbox(ctx: SetupContext) -> None:
    agency_domain = ctx.candidate.email.rpartition("@")[2]
    unit = ctx.candidate.don_vi
    for name, email, title, org in CITY_CONTACTS:
        run_operation(ctx, "mail.add_contact", {"name": name, "email": email, "title": title, "unit": org})
    for local, name, title, part in AGENCY_PEOPLE:
        contact = {"name": name, "email": f"{local}@{agency_domain}", "title": title, "unit": f"{part} – {unit}"}
        run_operation(ctx, "mail.add_contact", contact)
    for message in _messages(ctx, agency_domain):
        run_operation(ctx, "mail.deliver", message)


def _messages(ctx: SetupContext, agency_domain: str) -> list[dict[str, Any]]:
    local = ctx.now.astimezone(ctx.tz).replace(second=0, microsecond=0, tzinfo=None)
    return [
        {
            "from": "Văn phòng UBND thành phố <vanphong@cantho.egov.test>",
            "subject": "Giấy mời họp giao ban công tác chuyển đổi số tháng 11/2026",
            "text": "Kính gửi các đồng chí,\n\nVăn phòng UBND thành phố trân trọng kính mời đồng chí dự họp giao ban "
            "công tác chuyển đổi số tháng 11/2026.\nThời gian: 08 giờ 00, ngày 27/11/2026.\n"
            "Địa điểm: Phòng họp số 2, UBND thành phố.\n\nGiấy mời đính kèm.\n\nTrân trọng.",
            "attachments": ["fixtures/GiayMoi_GiaoBan_CDS.pdf"],
            "date": local - timedelta(days=2, hours=3),
        },
        {
            "from": "Ban Tổ chức Hội thi CĐS 2026 <bantochuc@sonoivu.cantho.egov.test>",
            "subject": "Thông báo lịch thi phần thực hành Hội thi chuyển đổi số năm 2026",
            "text": "Kính gửi các thí sinh,\n\nPhần thi thực hành diễn ra trên hệ thống phần mềm dùng chung "
            "của phòng thi. Thí sinh thực hiện các yêu cầu trong mục Bài thi của tôi.\n"
            "Mọi thắc mắc xin liên hệ giám thị phòng thi.\n\nBan Tổ chức.",
            "date": local - timedelta(days=1, hours=1),
        },
        {
            "from": f"Văn phòng HĐND và UBND phường <vanphong@{agency_domain}>",
            "subject": "Gửi đồng chí dự thảo Báo cáo kết quả chuyển đổi số năm 2026",
            "text": "Kính gửi đồng chí,\n\nVăn phòng gửi đồng chí dự thảo Báo cáo kết quả chuyển đổi số năm 2026 "
            "để gửi Ban Tổ chức Hội thi theo đề nghị.\n\nTrân trọng.",
            "attachments": ["fixtures/BaoCao_CDS_2026.pdf"],
            "date": local - timedelta(hours=5),
        },
        {
            "from": "Phòng Văn hóa - Xã hội <vhxh@" + agency_domain + ">",
            "subject": "Xin ý kiến dự thảo Báo cáo Ngày hội Đại đoàn kết toàn dân tộc",
            "text": "Kính gửi lãnh đạo UBND phường,\n\nPhòng Văn hóa - Xã hội xin ý kiến lãnh đạo về dự thảo báo cáo "
            "tình hình tổ chức Ngày hội Đại đoàn kết toàn dân tộc (tệp đính kèm).\n"
            "Xem thêm kế hoạch của thành phố tại https://cantho.egov.test/ke-hoach-ngay-hoi\n\nTrân trọng.",
            "attachments": ["fixtures/BaoCao_NgayHoiDaiDoanKet.pdf"],
            "date": local - timedelta(hours=2),
        },
        {
            "from": "Quản trị hệ thống thư <admin@cantho-gov.vn>",
            "subject": "[KHẨN] Hộp thư của bạn sắp bị khóa trong 24h",
            "text": "Hộp thư của bạn sắp bị khóa. Xác thực tại http://cantho-gov.vn.xac-thuc-mail.com/login",
            "html": PHISHING_HTML,
            "date": local - timedelta(minutes=40),
        },
    ]
