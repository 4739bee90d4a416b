"""The one-stop desk's printed forms: each prints its title, the dossier code, the applicant and the
fields that make it that form (the missing papers, the reason, the hand-overs, the new return date,
the result's number); the same input gives the same bytes; long Vietnamese text wraps onto more
pages rather than failing or being cut."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from graderd.files import pdf_text
from mock_services.onestop.forms import (
    FormHead,
    Handover,
    render_apology,
    render_control_slip,
    render_refusal,
    render_result,
    render_supplement_request,
)
from mock_services.onestop.procedures import Component, procedure

HEAD = FormHead(
    parent="UBND thành phố Cần Thơ",
    unit="UBND phường Ninh Kiều",
    place="Ninh Kiều",
    code="000.00.13.H13-261120-0007",
    applicant_name="Trần Thị Bích",
    id_number="092186000123",
    phone="0912345678",
    address="12 Trần Hưng Đạo, phường Ninh Kiều",
    email="bich.tran@example.vn",
    channel="Trực tiếp",
    procedure="Đăng ký khai sinh",
    dated=datetime(2026, 11, 20, 15, 20),
)
RECEIVED = datetime(2026, 11, 20, 15, 20)
HANDOVERS = (
    Handover(
        giver="Bộ phận Một cửa - Nguyễn Văn An",
        receiver="Công chức Tư pháp - Hộ tịch - Trần Thị Hồng Nhung",
        at=datetime(2026, 11, 20, 15, 45),
        result="Chuyển xử lý",
        note="Hồ sơ đủ thành phần",
    ),
    Handover(
        giver="Công chức Tư pháp - Hộ tịch - Trần Thị Hồng Nhung",
        receiver="Bộ phận Một cửa - Nguyễn Văn An",
        at=datetime(2026, 11, 23, 9, 5),
        result="Đã có kết quả",
        note="Đúng hạn",
    ),
)
LONG_REASON = " ".join(
    f"Lần {n}: giấy chứng sinh do cơ sở y tế cấp ghi sai ngày sinh và họ tên người mẹ so với căn cước."
    for n in range(1, 61)
)
LONG_PROCEDURE = "Thủ tục liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em " * 8


def papers(code: str) -> tuple[tuple[Component, int], ...]:
    """Every paper of a procedure, as many as it asks (1 when it is only shown)."""
    return tuple((c, max(c.original, c.certified_copy, c.photocopy, 1)) for c in procedure(code).components)


def text(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


def pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def supplement(head: FormHead = HEAD, reason: str = "Giấy chứng sinh là bản photo không có chứng thực") -> bytes:
    khai_sinh = papers("1.001193")
    return render_supplement_request(head, khai_sinh[1:2], reason, "Nguyễn Văn An")


def refusal(head: FormHead = HEAD, reason: str = "Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường") -> bytes:
    return render_refusal(head, reason, "Nguyễn Văn An")


def control_slip(head: FormHead = HEAD, extra: str = "") -> bytes:
    deadline = procedure("1.001193").deadline.text + (f" {extra}" if extra else "")
    return render_control_slip(head, RECEIVED, date(2026, 11, 23), deadline, papers("1.001193"), HANDOVERS)


def apology(head: FormHead = HEAD, reason: str = "Cần xác minh thông tin nơi sinh với cơ sở y tế") -> bytes:
    return render_apology(
        head,
        RECEIVED,
        date(2026, 11, 23),
        date(2026, 11, 27),
        reason,
        "Công chức Tư pháp - Hộ tịch",
        "Lê Văn Cường",
        "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
    )


def result(head: FormHead = HEAD, extra: str = "") -> bytes:
    name = "Giấy khai sinh" + (f" {extra}" if extra else "")
    return render_result(head, name, "125/2026", "Lê Văn Cường", "Chủ tịch", datetime(2026, 11, 23, 8, 30))


# Each form from a head and a free text: the reason, or where a form has none, a text that must wrap
# all the same (the statutory time of the control slip, the result's name).
FORMS: dict[str, Callable[..., bytes]] = {
    "supplement": supplement,
    "refusal": refusal,
    "control_slip": control_slip,
    "apology": apology,
    "result": result,
}


def test_the_supplement_request_lists_only_the_missing_papers_and_why() -> None:
    printed = text(supplement())
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in printed
    assert "BỘ PHẬN MỘT CỬA" in printed
    assert "Mã hồ sơ: 000.00.13.H13-261120-0007" in printed
    assert "Ninh Kiều, ngày 20 tháng 11 năm 2026" in printed
    assert "Tiếp nhận hồ sơ/yêu cầu của Ông/Bà: Trần Thị Bích (Trực tiếp)" in printed
    assert "Nội dung yêu cầu giải quyết: Đăng ký khai sinh" in printed
    assert "12 Trần Hưng Đạo, phường Ninh Kiều" in printed
    assert "0912345678" in printed
    assert "bich.tran@example.vn" in printed
    assert "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:" in printed
    assert "Thành phần hồ sơ cần bổ sung Bản chính Bản chứng thực Bản photo 1 Giấy chứng sinh 1" in printed
    assert "Tờ khai đăng ký khai sinh" not in printed  # handed in: not asked for again
    assert "Lý do: Giấy chứng sinh là bản photo không có chứng thực." in printed
    assert "nếu có vướng mắc, Ông/Bà liên hệ Nguyễn Văn An" in printed
    assert printed.endswith("NGƯỜI HƯỚNG DẪN (Ký và ghi rõ họ tên) Nguyễn Văn An")


def test_a_shown_paper_is_marked_to_be_shown_not_counted() -> None:
    khai_sinh = papers("1.001193")
    printed = text(render_supplement_request(HEAD, khai_sinh[2:], "Chưa xuất trình căn cước.", "Nguyễn Văn An"))
    assert "1 Giấy tờ tùy thân của người đi đăng ký (CCCD/hộ chiếu) Xuất trình" in printed
    assert "Lý do: Chưa xuất trình căn cước. " in printed  # no second full stop


def test_the_refusal_gives_the_reason_and_both_signatures() -> None:
    printed = text(refusal(replace(HEAD, email="")))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in printed
    assert "Mã hồ sơ: 000.00.13.H13-261120-0007" in printed
    assert "Trần Thị Bích" in printed
    assert "Email: …" in printed
    assert (
        "Bộ phận Một cửa UBND phường Ninh Kiều thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể "
        "như sau: Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường." in printed
    )
    assert "để được hướng dẫn." in printed
    assert printed.endswith(
        "NGƯỜI NỘP HỒ SƠ (Ký và ghi rõ họ tên) NGƯỜI TỪ CHỐI (Ký và ghi rõ họ tên) Trần Thị Bích Nguyễn Văn An"
    )


def test_the_control_slip_has_the_dossier_and_one_row_per_handover() -> None:
    printed = text(control_slip())
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in printed
    assert "Mã hồ sơ: 000.00.13.H13-261120-0007" in printed
    assert "Nội dung yêu cầu giải quyết: Đăng ký khai sinh" in printed
    assert "Người nộp hồ sơ: Trần Thị Bích (Trực tiếp) - Số căn cước: 092186000123" in printed
    assert "Thời gian nhận hồ sơ: 15 giờ 20 phút, ngày 20/11/2026" in printed
    assert "Thời gian giải quyết theo quy định: Ngay trong ngày tiếp nhận hồ sơ;" in printed
    assert "Ngày hẹn trả kết quả: 23/11/2026" in printed
    for component in procedure("1.001193").components:
        assert component.name in printed
    assert "KẾT QUẢ GIẢI QUYẾT HỒ SƠ GHI CHÚ" in printed
    assert (
        "1. Giao: Bộ phận Một cửa - Nguyễn Văn An Nhận: Công chức Tư pháp - Hộ tịch - Trần Thị Hồng Nhung "
        "15 giờ 45 phút, ngày 20/11/2026 Chuyển xử lý Hồ sơ đủ thành phần" in printed
    )
    assert (
        "2. Giao: Công chức Tư pháp - Hộ tịch - Trần Thị Hồng Nhung Nhận: Bộ phận Một cửa - Nguyễn Văn An "
        "09 giờ 05 phút, ngày 23/11/2026 Đã có kết quả Đúng hạn" in printed
    )
    assert "Lập thành 02 bản" in printed


def test_the_apology_gives_the_old_and_the_new_return_dates() -> None:
    printed = text(apology())
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in printed
    assert "Mã hồ sơ: 000.00.13.H13-261120-0007" in printed
    assert "Kính gửi: Ông/Bà Trần Thị Bích" in printed
    assert (
        "Ngày 20/11/2026, UBND phường Ninh Kiều tiếp nhận hồ sơ đề nghị giải quyết thủ tục Đăng ký khai sinh, "
        "mã hồ sơ 000.00.13.H13-261120-0007. Thời gian hẹn trả kết quả: ngày 23/11/2026." in printed
    )
    assert (
        "Tuy nhiên, đến nay Công chức Tư pháp - Hộ tịch chưa giải quyết xong hồ sơ của Ông/Bà. "
        "Lý do: Cần xác minh thông tin nơi sinh với cơ sở y tế." in printed
    )
    assert (
        "Sự chậm trễ này đã gây phiền hà cho Ông/Bà. UBND phường Ninh Kiều xin lỗi Ông/Bà và hẹn trả kết quả "
        "vào ngày 27/11/2026." in printed
    )
    assert printed.endswith("Rất mong nhận được sự thông cảm của Ông/Bà. KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lê Văn Cường")


def test_the_result_is_issued_by_the_unit_and_marked_as_a_mock() -> None:
    printed = text(result(replace(HEAD, procedure="Đăng ký kết hôn")))
    assert printed.startswith("UBND THÀNH PHỐ CẦN THƠ UBND PHƯỜNG NINH KIỀU Số: 125/2026")
    assert "BỘ PHẬN MỘT CỬA" not in printed
    assert "Ninh Kiều, ngày 23 tháng 11 năm 2026" in printed
    assert "GIẤY KHAI SINH" in printed
    assert "Trần Thị Bích, số căn cước 092186000123" in printed
    assert "theo thủ tục Đăng ký kết hôn, mã hồ sơ 000.00.13.H13-261120-0007." in printed
    assert "CHỦ TỊCH Lê Văn Cường" in printed
    assert printed.endswith("Bản mô phỏng phục vụ sát hạch – không có giá trị pháp lý")


@pytest.mark.parametrize("form", FORMS)
def test_the_same_input_gives_the_same_bytes(form: str) -> None:
    render = FORMS[form]
    first = render()
    assert first.startswith(b"%PDF-")
    assert render() == first
    assert render(replace(HEAD, code="000.00.13.H13-261120-0008")) != first


@pytest.mark.parametrize("form", FORMS)
def test_long_vietnamese_text_wraps_onto_more_pages(form: str) -> None:
    head = replace(HEAD, procedure=LONG_PROCEDURE.strip(), applicant_name="Nguyễn Hoàng Thị Bảo Ngọc Quỳnh Như")
    data = FORMS[form](head, LONG_REASON)
    printed = text(data)
    assert pages(data) > 1
    assert " ".join(LONG_PROCEDURE.split()) in printed
    assert LONG_REASON in printed or LONG_REASON.upper() in printed  # the result prints it in its title
    assert "Nguyễn Hoàng Thị Bảo Ngọc Quỳnh Như" in printed
