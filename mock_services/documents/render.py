"""Render an administrative document to PDF in the Nghị định 30/2020 layout (Phụ lục I).

The layout follows Phụ lục I of Nghị định 30/2020/NĐ-CP; a công văn follows Mẫu 1.5 of Phụ lục III.
Rendering is pure: no database, no clock. The same `Letter` always gives the same bytes, because
the creation date is fixed and fpdf2 derives the file identifier from the content.

Coordinates inside this module are in millimetres from the top-left corner (fpdf2's "mm" unit);
`signature_box` converts to PDF points with the origin at the bottom-left, as PDF readers use.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, WrapMode, XPos, YPos

from mock_services.core.pdf_fonts import FAMILY, add_fonts, close_fonts

# fontTools reports every glyph it prunes while subsetting at INFO: noise in the room's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

__all__ = ["Boxes", "Letter", "letter_boxes", "render_letter", "signature_box"]


@dataclass(frozen=True, slots=True)
class Letter:
    """A document as laid out on paper (Nghị định 30/2020, Phụ lục I)."""

    issuer_parent: str  # first line of the issuing body, e.g. "UBND THÀNH PHỐ CẦN THƠ"; "" if none
    issuer: str  # the issuing body, e.g. "ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU" (may contain "\n" to break)
    number_line: str  # "Số: 05/UBND-VP", or for a draft "Số:      /UBND-VP"
    place_date: str  # "Ninh Kiều, ngày 05 tháng 01 năm 2026"
    type_name: str  # "" for a công văn; otherwise e.g. "KẾ HOẠCH", "QUYẾT ĐỊNH"
    summary: str  # công văn: "V/v …" under the number; other types: bold, centred under the type name
    kinh_gui: tuple[str, ...]  # "Kính gửi:" lines (one recipient → same line; several → a list with "- …;")
    body: str  # paragraphs separated by blank lines; first-line indent 1 cm; justified
    signer_lines: tuple[str, ...]  # authority and title, e.g. ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), bold caps
    signer_name: str  # bold, below the space left for the signature
    recipients: tuple[str, ...]  # "Nơi nhận:" list lines, e.g. ("- Như trên;", "- Lưu: VT, VP.")
    urgency: str = ""  # "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC" or "" (red stamp-like box under the number)
    secrecy: str = ""  # "MẬT", "TỐI MẬT", "TUYỆT MẬT" or "" (red)
    draft: bool = False  # a draft: framed "DỰ THẢO" label top left above the issuer
    signature_note: str = ""  # optional small text in the signature space, e.g. "(Đã ký)"


# --- page geometry (mm) ---------------------------------------------------------------------------

_PAGE_W = 210.0
_PAGE_H = 297.0
_MARGIN_T = 20.0
_MARGIN_B = 20.0
_MARGIN_L = 30.0
_MARGIN_R = 15.0
_TEXT_W = _PAGE_W - _MARGIN_L - _MARGIN_R  # 165 mm

_LEFT_COL_W = 66.0  # 40 % of the text width: issuing body, number, "V/v", stamps, "Nơi nhận"
_RIGHT_COL_X = _MARGIN_L + _LEFT_COL_W
_RIGHT_COL_W = _TEXT_W - _LEFT_COL_W  # 99 mm: Quốc hiệu, place/date, signer

_PT = 25.4 / 72  # one typographic point in mm
_LINE_FACTOR = 1.2  # line height as a multiple of the font size in the header and footer
_BODY_LINE_FACTOR = 1.3  # body line spacing (between single and 1.5 lines)
_PARA_SPACING = 6 * _PT  # 6 pt between body paragraphs
_FIRST_LINE_INDENT = 10.0  # 1 cm
_SIGNATURE_SPACE = 30.0  # room for the handwritten or digital signature image
_RULE_WIDTH = 0.3  # the short solid lines under the issuer, tiêu ngữ and summary
_STAMP_RED = (200, 0, 0)

_FONT = FAMILY
_CREATION_DATE = datetime(2020, 1, 1, tzinfo=UTC)

_QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
_TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
_DRAFT_LABEL = "DỰ THẢO"

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _normalised(letter: Letter) -> Letter:
    """The letter with every piece of text in Unicode NFC (TCVN 6909:2001 uses precomposed letters)."""
    return Letter(
        issuer_parent=_nfc(letter.issuer_parent),
        issuer=_nfc(letter.issuer),
        number_line=_nfc(letter.number_line),
        place_date=_nfc(letter.place_date),
        type_name=_nfc(letter.type_name),
        summary=_nfc(letter.summary),
        kinh_gui=tuple(_nfc(line) for line in letter.kinh_gui),
        body=_nfc(letter.body),
        signer_lines=tuple(_nfc(line) for line in letter.signer_lines),
        signer_name=_nfc(letter.signer_name),
        recipients=tuple(_nfc(line) for line in letter.recipients),
        urgency=_nfc(letter.urgency),
        secrecy=_nfc(letter.secrecy),
        draft=letter.draft,
        signature_note=_nfc(letter.signature_note),
    )


def _line_h(size_pt: float, factor: float = _LINE_FACTOR) -> float:
    return size_pt * factor * _PT


def _baseline(size_pt: float) -> float:
    """Distance from the top of a one-line cell to the text baseline, as fpdf2 places it."""
    return 0.5 * _line_h(size_pt) + 0.3 * size_pt * _PT


def _to_pdf_points(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    """A rectangle in mm from the top-left to PDF points from the bottom-left (x0 < x1, y0 < y1)."""
    k = 72 / 25.4
    return (round(x0 * k, 2), round((_PAGE_H - y1) * k, 2), round(x1 * k, 2), round((_PAGE_H - y0) * k, 2))


class _Document(FPDF):
    """An A4 page in the Nghị định 30 margins; page numbers centred in the top margin from page 2 on."""

    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(_MARGIN_L, _MARGIN_T, _MARGIN_R)
        self.set_auto_page_break(True, _MARGIN_B)
        self.set_creation_date(_CREATION_DATE)
        self.set_creator("Sát hạch")
        self.set_lang("vi")
        # No "{nb}" substitution: a body that happens to contain it must print as written.
        self.str_alias_nb_pages = ""
        self.c_margin = 0
        add_fonts(self)

    def header(self) -> None:
        if self.page_no() < 2:
            return
        self.set_font(_FONT, "", 13)
        self.set_text_color(0, 0, 0)
        h = _line_h(13)
        self.set_xy(_MARGIN_L, (_MARGIN_T - h) / 2)
        self.cell(_TEXT_W, h, str(self.page_no()), align=Align.C)
        self.set_xy(_MARGIN_L, _MARGIN_T)  # the page's text starts at the top margin, below the number

    # --- small drawing helpers ---

    def lines_in(self, x: float, y: float, w: float, text: str, style: str, size: float, align: Align) -> float:
        """Draw `text` wrapped into a column of width `w` from (x, y); return the y below it."""
        if not text:
            return y
        self.set_font(_FONT, style, size)
        self.set_xy(x, y)
        self.multi_cell(w, _line_h(size), text, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT, wrapmode=WrapMode.WORD)
        return self.y

    def wrapped(self, w: float, text: str, style: str, size: float) -> list[str]:
        """The lines `lines_in` would draw for `text` in a column of width `w`."""
        if not text:
            return []
        self.set_font(_FONT, style, size)
        lines = self.multi_cell(
            w, _line_h(size), text, dry_run=True, output=MethodReturnValue.LINES, wrapmode=WrapMode.WORD
        )
        if not isinstance(lines, list):  # pragma: no cover - fpdf2 returns a list for LINES
            raise TypeError(f"multi_cell returned {type(lines).__name__}, not the lines")
        return [str(line) for line in lines]

    def height_of(self, w: float, text: str, style: str, size: float) -> float:
        """The height `lines_in` would use for `text` in a column of width `w`."""
        return len(self.wrapped(w, text, style, size)) * _line_h(size)

    def widest_line(self, text: str, w: float, style: str, size: float) -> float:
        lines = self.wrapped(w, text, style, size)
        return max((self.get_string_width(line) for line in lines), default=0.0)

    def rule(self, centre_x: float, y: float, length: float) -> None:
        self.set_draw_color(0, 0, 0)
        self.set_line_width(_RULE_WIDTH)
        self.line(centre_x - length / 2, y, centre_x + length / 2, y)

    def framed(self, centre_x: float, y: float, text: str, size: float, rgb: tuple[int, int, int]) -> float:
        """A bold label in a rectangle (a stamp), centred on `centre_x`; return the y below it."""
        self.set_font(_FONT, "B", size)
        pad_x, pad_y = 2.0, 0.8
        w = self.get_string_width(text) + 2 * pad_x
        h = _line_h(size) + 2 * pad_y
        x = centre_x - w / 2
        self.set_draw_color(*rgb)
        self.set_text_color(*rgb)
        self.set_line_width(0.4)
        self.rect(x, y, w, h)
        self.set_xy(x, y + pad_y)
        self.cell(w, _line_h(size), text, align=Align.C)
        self.set_text_color(0, 0, 0)
        self.set_draw_color(0, 0, 0)
        return y + h


@dataclass(frozen=True, slots=True)
class _Rendered:
    pdf: bytes
    signature_page: int  # 0-based
    signature_rect_mm: tuple[float, float, float, float]  # x0, y0 (top), x1, y1 (bottom), from the top-left
    number_rect_mm: tuple[float, float, float, float]  # the "Số: …" line, on page 1
    date_rect_mm: tuple[float, float, float, float]  # the place and date line, on page 1


@dataclass(frozen=True, slots=True)
class Header:
    bottom: float
    number_rect: tuple[float, float, float, float]
    date_rect: tuple[float, float, float, float]


def _draw_header(pdf: _Document, letter: Letter) -> Header:
    """Issuing body, Quốc hiệu, number, place/date, "V/v" and stamps; return the y below the header
    and where the number and the date lines are (the văn thư's signatures stamp them at issue)."""
    left_cx = _MARGIN_L + _LEFT_COL_W / 2
    right_cx = _RIGHT_COL_X + _RIGHT_COL_W / 2
    top = _MARGIN_T
    if letter.draft:
        pdf.set_font(_FONT, "B", 12)
        label_cx = _MARGIN_L + pdf.get_string_width(_DRAFT_LABEL) / 2 + 2.0  # flush with the left margin
        top = pdf.framed(label_cx, top, _DRAFT_LABEL, 12, (0, 0, 0))
        top += 3.0

    # Left: the issuing body, a short line under it.
    y_left = pdf.lines_in(_MARGIN_L, top, _LEFT_COL_W, letter.issuer_parent, "", 13, Align.C)
    if letter.issuer:
        widest = pdf.widest_line(letter.issuer, _LEFT_COL_W, "B", 13)
        y_left = pdf.lines_in(_MARGIN_L, y_left, _LEFT_COL_W, letter.issuer, "B", 13, Align.C)
        y_left += 0.8
        pdf.rule(left_cx, y_left, max(widest * 0.4, 15.0))
    elif letter.issuer_parent:
        y_left += 0.8

    # Right: Quốc hiệu and tiêu ngữ with a line as wide as the text.
    y_right = pdf.lines_in(_RIGHT_COL_X, top, _RIGHT_COL_W, _QUOC_HIEU, "B", 12, Align.C)
    y_right = pdf.lines_in(_RIGHT_COL_X, y_right, _RIGHT_COL_W, _TIEU_NGU, "B", 13, Align.C)
    y_right += 0.8
    pdf.set_font(_FONT, "B", 13)
    pdf.rule(right_cx, y_right, pdf.get_string_width(_TIEU_NGU))

    # The number line and the place/date line share a row.
    row = max(y_left, y_right) + 3.0
    # fpdf2 puts the baseline at 0.5 line + 0.3 em below the cell top: shift the 13 pt number onto the
    # baseline of the 14 pt date.
    shift = _baseline(14) - _baseline(13)
    y_left = pdf.lines_in(_MARGIN_L, row + shift, _LEFT_COL_W, letter.number_line, "", 13, Align.C)
    y_right = pdf.lines_in(_RIGHT_COL_X, row, _RIGHT_COL_W, letter.place_date, "I", 14, Align.C)
    number_rect = (_MARGIN_L, row + shift, _MARGIN_L + _LEFT_COL_W, y_left)
    date_rect = (_RIGHT_COL_X, row, _RIGHT_COL_X + _RIGHT_COL_W, y_right)

    # A công văn carries its summary ("V/v …") under the number.
    if not letter.type_name and letter.summary:
        y_left = pdf.lines_in(_MARGIN_L, y_left + 1.0, _LEFT_COL_W, letter.summary, "", 12, Align.C)

    # Classification, then urgency: red stamps in the left column.
    for stamp in (letter.secrecy, letter.urgency):
        if stamp:
            y_left = pdf.framed(left_cx, y_left + 2.5, stamp, 13, _STAMP_RED)
    return Header(max(y_left, y_right), number_rect, date_rect)


def _draw_title(pdf: _Document, letter: Letter, y: float) -> float:
    """The type name and the summary of a typed document, with a short line under them."""
    y = pdf.lines_in(_MARGIN_L, y + 6.0, _TEXT_W, letter.type_name, "B", 14, Align.C)
    last = letter.type_name
    if letter.summary:
        y = pdf.lines_in(_MARGIN_L, y, _TEXT_W, letter.summary, "B", 14, Align.C)
        last = letter.summary
    widest = pdf.widest_line(last, _TEXT_W, "B", 14)
    y += 0.8
    pdf.rule(_MARGIN_L + _TEXT_W / 2, y, min(max(widest / 3, 20.0), widest))
    return y


def _kinh_gui_items(recipients: tuple[str, ...]) -> list[str]:
    """Several recipients as a list: "- A;" … "- Z." (dashes and end punctuation added when missing)."""
    items = []
    for i, raw in enumerate(recipients):
        name = raw.strip().removeprefix("-").strip().rstrip(";.,").rstrip()
        items.append(f"- {name}{'.' if i == len(recipients) - 1 else ';'}")
    return items


def _draw_kinh_gui(pdf: _Document, letter: Letter, y: float) -> float:
    recipients = tuple(r for r in letter.kinh_gui if r.strip())
    if not recipients:
        return y
    size = 14
    h = _line_h(size)
    y += 5.0
    pdf.set_font(_FONT, "", size)
    label = "Kính gửi:"
    if len(recipients) == 1:
        name = recipients[0].strip().rstrip(";.,").rstrip()
        return pdf.lines_in(_MARGIN_L, y, _TEXT_W, f"{label} {name}.", "", size, Align.C)
    # "Kính gửi:" on its own line, the recipients indented under it, the block centred on the page.
    items = _kinh_gui_items(recipients)
    indent = 15.0
    block_w = max(pdf.get_string_width(label), indent + max(pdf.get_string_width(item) for item in items))
    x = _MARGIN_L + max((_TEXT_W - block_w) / 2, 15.0)
    pdf.set_xy(x, y)
    pdf.cell(pdf.get_string_width(label), h, label)
    y += h
    for item in items:
        y = pdf.lines_in(x + indent, y, _MARGIN_L + _TEXT_W - x - indent, item, "", size, Align.L)
    return y


def _paragraphs(body: str) -> list[str]:
    """Paragraphs are separated by blank lines; a single line break inside one is just a space."""
    paragraphs = []
    for chunk in _PARAGRAPH_BREAK.split(body.replace("\r\n", "\n")):
        text = " ".join(chunk.split())
        if text:
            paragraphs.append(text)
    return paragraphs


def _draw_body(pdf: _Document, letter: Letter, y: float) -> float:
    paragraphs = _paragraphs(letter.body)
    if not paragraphs:
        return y
    pdf.set_font(_FONT, "", 14)
    pdf.set_xy(_MARGIN_L, y + 4.0)
    with pdf.text_columns(
        text_align=Align.J,
        line_height=_BODY_LINE_FACTOR,
        skip_leading_spaces=True,
        wrapmode=WrapMode.WORD,
    ) as columns:
        for text in paragraphs:
            with columns.paragraph(
                text_align=Align.J, first_line_indent=_FIRST_LINE_INDENT, bottom_margin=_PARA_SPACING
            ) as paragraph:
                paragraph.write(text)
    return pdf.y


def _draw_footer(pdf: _Document, letter: Letter, y: float) -> tuple[int, tuple[float, float, float, float]]:
    """Nơi nhận (left) and the signer block (right), kept together on one page.

    Returns the 0-based page index and the signature space (x0, y0, x1, y1 in mm from the top-left).
    """
    recipient_size, title_size, name_size = 11, 14, 14
    left_h = 0.0
    if letter.recipients:
        left_h = _line_h(12) + sum(pdf.height_of(_LEFT_COL_W, line, "", recipient_size) for line in letter.recipients)
    titles_h = sum(pdf.height_of(_RIGHT_COL_W, line, "B", title_size) for line in letter.signer_lines)
    right_h = titles_h + _SIGNATURE_SPACE + pdf.height_of(_RIGHT_COL_W, letter.signer_name, "B", name_size)
    block_h = max(left_h, right_h)

    top = y + 6.0
    if top + block_h > pdf.page_break_trigger and y > _MARGIN_T:
        pdf.add_page()
        top = _MARGIN_T

    # Right column first, so the signature space is known even if a huge recipient list spills over.
    y_right = top
    for line in letter.signer_lines:
        y_right = pdf.lines_in(_RIGHT_COL_X, y_right, _RIGHT_COL_W, line, "B", title_size, Align.C)
    page = pdf.page - 1
    space = (_RIGHT_COL_X, y_right, _RIGHT_COL_X + _RIGHT_COL_W, y_right + _SIGNATURE_SPACE)
    if letter.signature_note:
        note_h = pdf.height_of(_RIGHT_COL_W, letter.signature_note, "I", 12)
        note_y = y_right + (_SIGNATURE_SPACE - note_h) / 2
        pdf.lines_in(_RIGHT_COL_X, note_y, _RIGHT_COL_W, letter.signature_note, "I", 12, Align.C)
    pdf.lines_in(_RIGHT_COL_X, y_right + _SIGNATURE_SPACE, _RIGHT_COL_W, letter.signer_name, "B", name_size, Align.C)

    if letter.recipients:
        y_left = pdf.lines_in(_MARGIN_L, top, _LEFT_COL_W, "Nơi nhận:", "BI", 12, Align.L)
        for line in letter.recipients:
            y_left = pdf.lines_in(_MARGIN_L, y_left, _LEFT_COL_W, line, "", recipient_size, Align.L)
    return page, space


# Rendering is deterministic and costly (fpdf2 parses the four fonts and subsets them every time):
# the letter and its signature boxes, the signing page's every view, come from one rendering.
@functools.lru_cache(maxsize=32)
def _render(letter: Letter) -> _Rendered:
    letter = _normalised(letter)
    pdf = _Document()
    try:
        pdf.set_title(letter.summary or letter.type_name or letter.number_line)
        pdf.add_page()
        pdf.set_font(_FONT, "", 13)
        pdf.set_text_color(0, 0, 0)
        header = _draw_header(pdf, letter)
        y = header.bottom
        if letter.type_name:
            y = _draw_title(pdf, letter, y)
        y = _draw_kinh_gui(pdf, letter, y)
        y = _draw_body(pdf, letter, y)
        page, space = _draw_footer(pdf, letter, y)
        data = bytes(pdf.output())
    finally:
        close_fonts(pdf)
    return _Rendered(
        pdf=data,
        signature_page=page,
        signature_rect_mm=space,
        number_rect_mm=header.number_rect,
        date_rect_mm=header.date_rect,
    )


def render_letter(letter: Letter) -> bytes:
    """The letter as PDF bytes: A4, Nghị định 30/2020 layout, fonts embedded (subset). Deterministic."""
    return _render(letter).pdf


def signature_box(letter: Letter) -> tuple[int, float, float, float, float]:
    """Page index (0-based) and the rectangle (x0, y0, x1, y1 in PDF points, origin bottom-left as PDF uses)
    of the empty space between the signer's title lines and the name: where a signature image goes.
    Must agree with what render_letter draws."""
    return letter_boxes(letter).signature


Place = tuple[int, float, float, float, float]  # page (0-based), x0, y0, x1, y1 in PDF points from the bottom left


@dataclass(frozen=True, slots=True)
class Boxes:
    """Where the signatures of an outgoing document go: the leader's between title and name, the
    văn thư's number over the "Số:" line and date over the date line (both on page 1)."""

    signature: Place
    number: Place
    date: Place


def letter_boxes(letter: Letter) -> Boxes:
    """Must agree with what render_letter draws."""
    rendered = _render(letter)
    return Boxes(
        signature=(rendered.signature_page, *_to_pdf_points(*rendered.signature_rect_mm)),
        number=(0, *_to_pdf_points(*rendered.number_rect_mm)),
        date=(0, *_to_pdf_points(*rendered.date_rect_mm)),
    )
