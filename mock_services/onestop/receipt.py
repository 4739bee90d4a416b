"""The Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01, Thông tư 01/2018/TT-VPCP) as a PDF: what the
desk hands the citizen at intake, laid out as the provincial systems print it (domain reference
§5.4): the receiving unit, the dossier code, the applicant, the procedure, the papers received,
the statutory time, when it was received and when to come back, and both signatures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from mock_services.core.pdf_fonts import FAMILY, add_fonts, close_fonts
from mock_services.onestop.procedures import Component

_FONT = FAMILY
_CREATED = datetime(2020, 1, 1, tzinfo=UTC)  # a fixed date: the same receipt renders to the same bytes


@dataclass(frozen=True)
class Receipt:
    parent: str  # "UBND THÀNH PHỐ CẦN THƠ"
    unit: str  # "UBND PHƯỜNG NINH KIỀU"
    desk: str  # "BỘ PHẬN MỘT CỬA"
    place: str  # "Ninh Kiều"
    code: str
    applicant_name: str
    id_number: str
    phone: str
    address: str
    email: str
    channel: str  # "Trực tiếp"
    procedure: str
    components: tuple[tuple[Component, int], ...]  # each paper and how many were handed in
    sets: int
    deadline_text: str
    received_at: datetime  # local time
    due: date
    official: str


def _counts(component: Component, quantity: int) -> tuple[str, str, str]:
    """Bản chính | Bản chứng thực | Bản photo, as many as handed in of the kind the procedure asks."""
    if component.shown and not (component.original or component.certified_copy or component.photocopy):
        return ("Xuất trình", "", "")
    cells = ["", "", ""]
    kinds = (component.original, component.certified_copy, component.photocopy)
    index = next((i for i, wanted in enumerate(kinds) if wanted), 0)
    cells[index] = str(quantity)
    return (cells[0], cells[1], cells[2])


def render_receipt(receipt: Receipt) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    try:
        pdf.set_creation_date(_CREATED)
        pdf.set_creator("Sát hạch")
        pdf.set_lang("vi")
        pdf.set_margins(20, 15, 15)
        pdf.set_auto_page_break(True, 15)
        add_fonts(pdf, ("", "B", "I"))
        pdf.add_page()
        _header(pdf, receipt)
        _body(pdf, receipt)
        return bytes(pdf.output())
    finally:
        close_fonts(pdf)


def _header(pdf: FPDF, r: Receipt) -> None:
    left, right = 75.0, 100.0
    top = pdf.get_y()
    pdf.set_font(_FONT, "", 12)
    pdf.multi_cell(left, 5.5, r.parent.upper(), align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "B", 12)
    pdf.multi_cell(left, 5.5, f"{r.unit.upper()}\n{r.desk.upper()}", align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "", 12)
    pdf.multi_cell(left, 6, f"Mã hồ sơ: {r.code}", align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    bottom = pdf.get_y()
    pdf.set_xy(20 + left, top)
    pdf.set_font(_FONT, "B", 12)
    pdf.multi_cell(right, 5.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.multi_cell(right, 5.5, "Độc lập - Tự do - Hạnh phúc", align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "I", 12)
    when = r.received_at
    dated = f"{r.place}, ngày {when:%d} tháng {when:%m} năm {when:%Y}"
    pdf.multi_cell(right, 7, dated, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(20, max(bottom, pdf.get_y()) + 6)
    pdf.set_font(_FONT, "B", 14)
    pdf.multi_cell(0, 7, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _line(pdf: FPDF, text: str, style: str = "") -> None:
    pdf.set_font(_FONT, style, 12)
    pdf.multi_cell(0, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _body(pdf: FPDF, r: Receipt) -> None:
    _line(pdf, f"{r.unit}: Tiếp nhận hồ sơ của Ông (Bà): {r.applicant_name} ({r.channel}).")
    _line(pdf, f"Địa chỉ: {r.address}")
    _line(pdf, f"Số điện thoại: {r.phone}    Email: {r.email or '…'}")
    _line(pdf, f"Số căn cước: {r.id_number}")
    _line(pdf, f"Nội dung yêu cầu giải quyết: {r.procedure}")
    _line(pdf, "1. Thành phần hồ sơ nộp gồm:", "B")
    widths = (10, 95, 22, 25, 23)
    pdf.set_font(_FONT, "", 11)
    with pdf.table(col_widths=widths, line_height=6, text_align=("CENTER", "LEFT", "CENTER", "CENTER", "CENTER")) as t:
        head = t.row()
        for title in ("TT", "Tên giấy tờ", "Bản chính", "Bản chứng thực", "Bản photo"):
            head.cell(title)
        for number, (component, quantity) in enumerate(r.components, start=1):
            row = t.row()
            row.cell(str(number))
            row.cell(component.name)
            for cell in _counts(component, quantity):
                row.cell(cell)
    pdf.ln(2)
    _line(pdf, f"2. Số lượng hồ sơ: {r.sets:02d} bộ.")
    _line(pdf, f"3. Thời gian giải quyết hồ sơ theo quy định: {r.deadline_text}")
    at = r.received_at
    _line(pdf, f"4. Thời gian nhận hồ sơ: {at:%H} giờ {at:%M} phút, ngày {at:%d/%m/%Y}.")
    _line(pdf, f"5. Thời gian trả kết quả giải quyết hồ sơ: ngày {r.due:%d/%m/%Y} (trong giờ hành chính).")
    _line(pdf, "6. Đăng ký nhận kết quả tại: Bộ phận Một cửa.")
    pdf.ln(4)
    y = pdf.get_y()
    pdf.set_font(_FONT, "B", 12)
    pdf.set_xy(20, y)
    pdf.multi_cell(85, 6, "NGƯỜI NỘP HỒ SƠ\n(Ký và ghi rõ họ tên)", align=Align.C)
    pdf.set_xy(105, y)
    pdf.multi_cell(85, 6, "NGƯỜI TIẾP NHẬN HỒ SƠ\n(Ký và ghi rõ họ tên)", align=Align.C)
    pdf.set_xy(105, y + 30)
    pdf.multi_cell(85, 6, r.official, align=Align.C)
    pdf.set_xy(20, y + 30)
    pdf.multi_cell(85, 6, r.applicant_name, align=Align.C)
