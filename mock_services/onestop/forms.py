"""The printed forms of the one-stop desk (Bộ phận Một cửa) besides the receipt, as PDFs in the layout
of ``receipt.py`` (Thông tư 01/2018/TT-VPCP; domain reference §5.3–5.4): the request to complete a
dossier, the refusal, the control slip that travels with the dossier, the apology with a new return
date, and a simplified result of the procedure. Every form renders to the same bytes for the same
input, so a grader can compare what a candidate printed with what the desk would print."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from mock_services.core.pdf_fonts import FAMILY, add_fonts, close_fonts
from mock_services.onestop.procedures import Component
from mock_services.onestop.receipt import _counts

_FONT = FAMILY
_CREATED = datetime(2020, 1, 1, tzinfo=UTC)  # a fixed date: the same form renders to the same bytes
_DESK = "Bộ phận Một cửa"
_SIGN_HINT = "(Ký và ghi rõ họ tên)"
_SIGN_SPACE = 28.0  # room for a signature between a signer's title and name
_LEFT, _RIGHT = 75.0, 100.0  # the masthead's columns: the issuing body, the Quốc hiệu


@dataclass(frozen=True)
class FormHead:
    parent: str  # "UBND thành phố Cần Thơ"
    unit: str  # "UBND phường Ninh Kiều"
    place: str  # "Ninh Kiều"
    code: str  # mã hồ sơ "000.00.13.H13-261120-0007"
    applicant_name: str
    id_number: str  # 12 digits
    phone: str
    address: str
    email: str  # may be ""
    channel: str  # "Trực tiếp" / "Trực tuyến"
    procedure: str  # the procedure's name (Nội dung yêu cầu giải quyết)
    dated: datetime  # local time the form is made (place, ngày … tháng … năm …)


@dataclass(frozen=True)
class Handover:
    """One row of the phiếu kiểm soát: who passed the dossier to whom, when, and with what result."""

    giver: str  # "Bộ phận Một cửa - Nguyễn Văn An"
    receiver: str  # "Công chức Tư pháp - Hộ tịch - Trần Thị Hồng Nhung"
    at: datetime  # local
    result: str  # "Chuyển xử lý" / "Đã có kết quả"
    note: str


# The forms


def render_supplement_request(
    head: FormHead, missing: tuple[tuple[Component, int], ...], reason: str, official: str
) -> bytes:
    """Mẫu 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: the papers still wanting and why."""

    def draw(pdf: FPDF) -> None:
        header(pdf, head, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ")
        _applicant(pdf, head, "Tiếp nhận hồ sơ/yêu cầu của Ông/Bà")
        _line(pdf, "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:", "B")
        _papers(pdf, "Thành phần hồ sơ cần bổ sung", missing)
        _line(pdf, f"Lý do: {_sentence(reason)}")
        _line(pdf, _help("Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc", head, official), "I")
        _signatures(pdf, (("NGƯỜI HƯỚNG DẪN", _SIGN_HINT, official),))

    return _render(draw)


def render_refusal(head: FormHead, reason: str, official: str) -> bytes:
    """Mẫu 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ, signed by both sides."""

    def draw(pdf: FPDF) -> None:
        header(pdf, head, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ")
        _applicant(pdf, head, "Tiếp nhận hồ sơ của Ông/Bà")
        _line(
            pdf,
            f"Sau khi xem xét hồ sơ, {_desk(head)} thông báo không tiếp nhận, giải quyết hồ sơ này "
            f"với lý do cụ thể như sau: {_sentence(reason)}",
        )
        _line(pdf, "Xin thông báo cho Ông/Bà được biết và thực hiện./.")
        _line(pdf, _help("Nếu có vướng mắc", head, official), "I")
        _signatures(
            pdf, (("NGƯỜI NỘP HỒ SƠ", _SIGN_HINT, head.applicant_name), ("NGƯỜI TỪ CHỐI", _SIGN_HINT, official))
        )

    return _render(draw)


def render_control_slip(
    head: FormHead,
    received_at: datetime,
    due: date,
    deadline_text: str,
    components: tuple[tuple[Component, int], ...],
    handovers: tuple[Handover, ...],
) -> bytes:
    """Mẫu 05, Phiếu kiểm soát quá trình giải quyết hồ sơ: the dossier, then each hand-over."""

    def draw(pdf: FPDF) -> None:
        header(pdf, head, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ")
        _line(pdf, f"Nội dung yêu cầu giải quyết: {head.procedure}")
        _line(pdf, f"Người nộp hồ sơ: {head.applicant_name} ({head.channel}) - Số căn cước: {head.id_number}")
        _line(pdf, f"Địa chỉ: {head.address}    Số điện thoại: {head.phone}")
        _line(pdf, f"Thời gian nhận hồ sơ: {_moment(received_at)}")
        _line(pdf, f"Thời gian giải quyết theo quy định: {deadline_text}")
        _line(pdf, f"Ngày hẹn trả kết quả: {_day(due)}")
        _line(pdf, "Thành phần hồ sơ:", "B")
        _papers(pdf, "Thành phần hồ sơ", components)
        _line(pdf, "Quá trình giải quyết hồ sơ:", "B")
        _handovers(pdf, handovers)
        _line(
            pdf,
            "Ghi chú: Lập thành 02 bản: 01 bản lưu tại Bộ phận Một cửa, 01 bản chuyển kèm hồ sơ "
            "đến cơ quan, đơn vị giải quyết.",
            "I",
        )

    return _render(draw)


def render_apology(
    head: FormHead,
    received_at: datetime,
    old_due: date,
    new_due: date,
    reason: str,
    handling_unit: str,
    leader_name: str,
    leader_title: str,
) -> bytes:
    """Mẫu 04, Phiếu xin lỗi và hẹn lại ngày trả kết quả, signed by a leader of the unit."""

    def draw(pdf: FPDF) -> None:
        header(pdf, head, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")
        _line(pdf, f"Kính gửi: Ông/Bà {head.applicant_name}", "B")
        pdf.ln(1)
        _line(
            pdf,
            f"Ngày {_day(received_at)}, {head.unit} tiếp nhận hồ sơ đề nghị giải quyết thủ tục {head.procedure}, "
            f"mã hồ sơ {head.code}. Thời gian hẹn trả kết quả: ngày {_day(old_due)}.",
        )
        _line(
            pdf,
            f"Tuy nhiên, đến nay {handling_unit} chưa giải quyết xong hồ sơ của Ông/Bà. Lý do: {_sentence(reason)}",
        )
        _line(
            pdf,
            f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {head.unit} xin lỗi Ông/Bà và hẹn trả kết quả "
            f"vào ngày {_day(new_due)}.",
        )
        _line(pdf, "Rất mong nhận được sự thông cảm của Ông/Bà.")
        _signatures(pdf, ((leader_title.upper(), "", leader_name),))

    return _render(draw)


def render_result(
    head: FormHead, result_name: str, number: str, signer_name: str, signer_title: str, signed_at: datetime
) -> bytes:
    """The result of the procedure, simplified and marked as a mock: issued by the unit, not the desk."""

    def draw(pdf: FPDF) -> None:
        _masthead(pdf, head.parent, (head.unit,), f"Số: {number}", _dated(head.place, signed_at))
        _title(pdf, result_name.upper())
        _line(
            pdf,
            f"{head.unit} cấp cho Ông/Bà {head.applicant_name}, số căn cước {head.id_number}, "
            f"địa chỉ: {head.address}, theo thủ tục {head.procedure}, mã hồ sơ {head.code}.",
        )
        _signatures(pdf, ((signer_title.upper(), "", signer_name),))
        # At the foot of the last page, or under the signature if that already reaches it.
        pdf.set_y(max(pdf.get_y() + 4, pdf.h - 22))
        pdf.set_font(_FONT, "I", 9)
        pdf.multi_cell(0, 5, "Bản mô phỏng phục vụ sát hạch – không có giá trị pháp lý", align=Align.C)

    return _render(draw)


# The parts the forms share


def header(pdf: FPDF, head: FormHead, title: str) -> None:
    """The desk's masthead (parent body, unit, BỘ PHẬN MỘT CỬA, mã hồ sơ | Quốc hiệu, place and date)
    and the form's title, as on the receipt."""
    _masthead(pdf, head.parent, (head.unit, _DESK), f"Mã hồ sơ: {head.code}", _dated(head.place, head.dated))
    _title(pdf, title)


def _render(draw: Callable[[FPDF], None]) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    try:
        pdf.set_creation_date(_CREATED)
        pdf.set_creator("Sát hạch")
        pdf.set_lang("vi")
        pdf.set_margins(20, 15, 15)
        pdf.set_auto_page_break(True, 15)
        add_fonts(pdf, ("", "B", "I"))
        pdf.add_page()
        draw(pdf)
        return bytes(pdf.output())
    finally:
        close_fonts(pdf)


def _masthead(pdf: FPDF, parent: str, bodies: tuple[str, ...], reference: str, dated: str) -> None:
    top = pdf.get_y()
    pdf.set_font(_FONT, "", 12)
    pdf.multi_cell(_LEFT, 5.5, parent.upper(), align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "B", 12)
    pdf.multi_cell(_LEFT, 5.5, "\n".join(b.upper() for b in bodies), align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "", 12)
    pdf.multi_cell(_LEFT, 6, reference, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + _LEFT, top)
    pdf.set_font(_FONT, "B", 12)
    pdf.multi_cell(_RIGHT, 5.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.multi_cell(_RIGHT, 5.5, "Độc lập - Tự do - Hạnh phúc", align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "I", 12)
    pdf.multi_cell(_RIGHT, 7, dated, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, max(bottom, pdf.get_y()) + 6)


def _title(pdf: FPDF, title: str) -> None:
    pdf.set_font(_FONT, "B", 14)
    pdf.multi_cell(0, 7, title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _line(pdf: FPDF, text: str, style: str = "") -> None:
    pdf.set_font(_FONT, style, 12)
    pdf.multi_cell(0, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _applicant(pdf: FPDF, head: FormHead, received: str) -> None:
    _line(pdf, f"{head.unit}: {received}: {head.applicant_name} ({head.channel}).")
    _line(pdf, f"Số căn cước: {head.id_number}")
    _line(pdf, f"Nội dung yêu cầu giải quyết: {head.procedure}")
    _line(pdf, f"Địa chỉ: {head.address}")
    _line(pdf, f"Số điện thoại: {head.phone}    Email: {head.email or '…'}")


def _papers(pdf: FPDF, heading: str, papers: tuple[tuple[Component, int], ...]) -> None:
    """The component table of the receipt: each paper and how many of which kind."""
    pdf.set_font(_FONT, "", 11)
    align = ("CENTER", "LEFT", "CENTER", "CENTER", "CENTER")
    with pdf.table(col_widths=(10, 95, 22, 25, 23), line_height=6, text_align=align) as table:
        row = table.row()
        for title in ("TT", heading, "Bản chính", "Bản chứng thực", "Bản photo"):
            row.cell(title)
        for number, (component, quantity) in enumerate(papers, start=1):
            row = table.row()
            row.cell(str(number))
            row.cell(component.name)
            for cell in _counts(component, quantity):
                row.cell(cell)
    pdf.ln(2)


def _handovers(pdf: FPDF, handovers: tuple[Handover, ...]) -> None:
    pdf.set_font(_FONT, "", 11)
    headings = (
        "TÊN CƠ QUAN / NGƯỜI GIAO - NGƯỜI NHẬN",
        "THỜI GIAN GIAO, NHẬN HỒ SƠ",
        "KẾT QUẢ GIẢI QUYẾT HỒ SƠ",
        "GHI CHÚ",
    )
    with pdf.table(col_widths=(70, 40, 35, 30), line_height=6, text_align="LEFT") as table:
        row = table.row()
        for title in headings:
            row.cell(title, align=Align.C)
        for number, handover in enumerate(handovers, start=1):
            row = table.row()
            row.cell(f"{number}. Giao: {handover.giver}\nNhận: {handover.receiver}")
            row.cell(_moment(handover.at))
            row.cell(handover.result)
            row.cell(handover.note)
    pdf.ln(2)


def _signatures(pdf: FPDF, signers: tuple[tuple[str, str, str], ...]) -> None:
    """(title, hint, name) side by side, halves of the page; a lone signer signs on the right, as the
    Nghị định 30 layout has it. Kept whole on one page: a title without its name signs nothing."""
    pdf.ln(4)
    if pdf.will_page_break(_SIGN_SPACE + 25):
        pdf.add_page()
    top, half = pdf.get_y(), pdf.epw / 2
    columns = (pdf.l_margin + half,) if len(signers) == 1 else (pdf.l_margin, pdf.l_margin + half)
    below_titles = top
    for x, (title, hint, _name) in zip(columns, signers, strict=True):
        pdf.set_xy(x, top)
        pdf.set_font(_FONT, "B", 12)
        pdf.multi_cell(half, 6, title, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
        if hint:
            pdf.set_font(_FONT, "I", 12)
            pdf.multi_cell(half, 6, hint, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
        below_titles = max(below_titles, pdf.get_y())
    bottom = below_titles
    for x, (_title, _hint, name) in zip(columns, signers, strict=True):
        pdf.set_xy(x, below_titles + _SIGN_SPACE)
        pdf.set_font(_FONT, "B", 12)
        pdf.multi_cell(half, 6, name, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom)


def _desk(head: FormHead) -> str:
    return f"{_DESK} {head.unit}"


def _help(opening: str, head: FormHead, official: str) -> str:
    return f"{opening}, Ông/Bà liên hệ {official}, {_desk(head)} để được hướng dẫn."


def _sentence(text: str) -> str:
    """A free-text reason as a sentence: one full stop at the end, not two."""
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _day(when: date) -> str:
    return f"{when:%d/%m/%Y}"


def _moment(when: datetime) -> str:
    return f"{when:%H} giờ {when:%M} phút, ngày {when:%d/%m/%Y}"


def _dated(place: str, when: datetime) -> str:
    return f"{place}, ngày {when:%d} tháng {when:%m} năm {when:%Y}"
