"""The demo candidates' mailboxes before their tasks: a directory of colleagues and the everyday
mail of a ward (the organisers' schedule, a unit asking for comments); each task's setup
delivers what the task itself is about. Made through the mail service's own setup operations,
exactly as a task's setup would (the context comes from ``sandbox.setup_context``, which loads
their implementations)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mock_services.core.setup_ops import SetupContext, run_operation

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
            "from": "Ban Tổ chức Hội thi CĐS 2026 <bantochuc@sonoivu.cantho.egov.test>",
            "subject": "Thông báo lịch thi phần thực hành Hội thi chuyển đổi số năm 2026",
            "text": "Kính gửi các thí sinh,\n\nPhần thi thực hành diễn ra trên hệ thống phần mềm dùng chung "
            "của phòng thi. Thí sinh thực hiện các yêu cầu trong mục Bài thi của tôi.\n"
            "Mọi thắc mắc xin liên hệ giám thị phòng thi.\n\nBan Tổ chức.",
            "date": local - timedelta(days=1, hours=1),
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
    ]
