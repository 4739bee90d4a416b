"""Rendering a Letter to PDF in the Nghị định 30/2020 layout, checked by parsing the PDF with pypdf."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

import pypdf
import pytest
from pypdf.generic import ContentStream, DictionaryObject, StreamObject

from mock_services.core.pdf_fonts import font_file
from mock_services.documents.render import Letter, render_letter, signature_box

MM = 72 / 25.4  # PDF points per millimetre
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT_MARGIN = 30 * MM
TOP_MARGIN = 20 * MM

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
PARAGRAPH = (
    "Thực hiện Kế hoạch số 12/KH-UBND ngày 05 tháng 01 năm 2026 của Ủy ban nhân dân thành phố về việc tổ chức "
    "thi đánh giá năng lực sử dụng công nghệ thông tin của công chức, viên chức; đề nghị các đơn vị khẩn trương "
    "triển khai, bảo đảm đúng tiến độ."
)


def cong_van(**changes: Any) -> Letter:
    letter = Letter(
        issuer_parent="UBND THÀNH PHỐ CẦN THƠ",
        issuer="ỦY BAN NHÂN DÂN\nPHƯỜNG NINH KIỀU",
        number_line="Số: 05/UBND-VP",
        place_date="Ninh Kiều, ngày 05 tháng 01 năm 2026",
        type_name="",
        summary="V/v tổ chức thi đánh giá năng lực sử dụng công nghệ thông tin năm 2026",
        kinh_gui=("Phòng Văn hóa - Xã hội", "Trung tâm Phục vụ hành chính công phường"),
        body="Mở đầu: kỹ năng số là yêu cầu bắt buộc.\n\n" + PARAGRAPH + "\n\nĐoạn kết: trân trọng cảm ơn./.",
        signer_lines=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        signer_name="Trần Thị Bích Ngữ",
        recipients=("- Như trên;", "- UBND thành phố (để b/c);", "- Lưu: VT, VP."),
    )
    return replace(letter, **changes)


@dataclass(frozen=True)
class Run:
    """One piece of text as drawn: page index, text, and the baseline start in PDF points."""

    page: int
    text: str
    x: float
    y: float


def reader_for(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def collapse(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def page_texts(pdf: bytes) -> list[str]:
    return [collapse(page.extract_text()) for page in reader_for(pdf).pages]


def all_text(pdf: bytes) -> str:
    return " ".join(page_texts(pdf))


def runs(pdf: bytes) -> list[Run]:
    found: list[Run] = []
    for index, page in enumerate(reader_for(pdf).pages):

        def visit(
            text: str, cm: list[float], tm: list[float], _font: object, _size: object, index: int = index
        ) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.append(Run(index, collapse(text), x, y))

        page.extract_text(visitor_text=visit)
    return found


def run_of(pdf: bytes, text: str) -> Run:
    matching = [run for run in runs(pdf) if run.text == collapse(text)]
    assert len(matching) == 1, f"{text!r} drawn {len(matching)} times"
    return matching[0]


def long_body(paragraphs: int) -> str:
    return "\n\n".join(f"Đoạn {i + 1}. {PARAGRAPH}" for i in range(paragraphs))


# --- the file itself ------------------------------------------------------------------------------


def test_is_an_a4_pdf_that_pypdf_opens() -> None:
    pdf = render_letter(cong_van())
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    reader = reader_for(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(PAGE_W, abs=0.5)
    assert float(box.height) == pytest.approx(PAGE_H, abs=0.5)


def test_the_same_letter_gives_the_same_bytes() -> None:
    letter = cong_van(body=long_body(12), urgency="KHẨN", draft=True)
    first = render_letter(letter)
    second = render_letter(cong_van(body=long_body(12), urgency="KHẨN", draft=True))
    assert first == second
    # ... and the bytes do depend on the letter (so equality above is not vacuous).
    assert render_letter(replace(letter, signer_name="Lê Văn Tám")) != first


def test_creation_date_is_fixed_not_the_clock() -> None:
    created = reader_for(render_letter(cong_van())).metadata
    assert created is not None
    assert created.creation_date is not None
    assert created.creation_date.year == 2020


def test_fonts_are_embedded_subset_truetype() -> None:
    pdf = render_letter(cong_van(urgency="HỎA TỐC"))
    reader = reader_for(pdf)
    resources = reader.pages[0]["/Resources"]
    assert isinstance(resources, DictionaryObject)
    fonts = resources["/Font"]
    assert isinstance(fonts, DictionaryObject)
    assert len(fonts) >= 3  # regular, bold, italic, bold italic are all used on the page
    full_font = font_file().stat().st_size
    for ref in fonts.values():
        font = ref.get_object()
        assert font["/Subtype"] == "/Type0"
        descendant = font["/DescendantFonts"][0].get_object()
        assert "LiberationSerif" in descendant["/BaseFont"]
        assert "+" in descendant["/BaseFont"]  # a subset tag
        descriptor = descendant["/FontDescriptor"].get_object()
        assert isinstance(descriptor, DictionaryObject)
        assert "/FontFile2" in descriptor
        stream = descriptor["/FontFile2"].get_object()
        assert isinstance(stream, StreamObject)
        embedded = stream.get_data()
        assert 0 < len(embedded) < full_font / 2  # subset, not the whole font


# --- what the page says ---------------------------------------------------------------------------


def test_text_of_a_cong_van_contains_every_part() -> None:
    letter = cong_van(urgency="THƯỢNG KHẨN", secrecy="MẬT", signature_note="(Đã ký)")
    text = all_text(render_letter(letter))
    expected = [
        QUOC_HIEU,
        TIEU_NGU,
        "UBND THÀNH PHỐ CẦN THƠ",
        "ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU",
        "Số: 05/UBND-VP",
        "Ninh Kiều, ngày 05 tháng 01 năm 2026",
        "V/v tổ chức thi đánh giá năng lực",
        "sử dụng công nghệ thông tin năm 2026",
        "Kính gửi:",
        "- Phòng Văn hóa - Xã hội;",
        "- Trung tâm Phục vụ hành chính công phường.",
        "Mở đầu: kỹ năng số là yêu cầu bắt buộc.",
        collapse(PARAGRAPH),
        "Đoạn kết: trân trọng cảm ơn./.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "(Đã ký)",
        "Trần Thị Bích Ngữ",
        "Nơi nhận:",
        "- Như trên;",
        "- UBND thành phố (để b/c);",
        "- Lưu: VT, VP.",
        "THƯỢNG KHẨN",
        "MẬT",
    ]
    for part in expected:
        assert part in text, part
    assert "DỰ THẢO" not in text


def test_a_single_recipient_shares_the_kinh_gui_line() -> None:
    pdf = render_letter(cong_van(kinh_gui=("Sở Nội vụ thành phố Cần Thơ",)))
    line = run_of(pdf, "Kính gửi: Sở Nội vụ thành phố Cần Thơ.")  # one line, closed with a full stop
    assert LEFT_MARGIN + 20 * MM < line.x < PAGE_W / 2  # centred, not flush left


def test_no_kinh_gui_when_there_is_none() -> None:
    text = all_text(render_letter(cong_van(kinh_gui=())))
    assert "Kính gửi" not in text


def test_a_typed_document_shows_its_type_and_bold_summary() -> None:
    letter = cong_van(type_name="KẾ HOẠCH", summary="Tổ chức thi đánh giá năng lực số năm 2026", kinh_gui=())
    pdf = render_letter(letter)
    title = run_of(pdf, "KẾ HOẠCH")
    summary = run_of(pdf, "Tổ chức thi đánh giá năng lực số năm 2026")
    number = run_of(pdf, "Số: 05/UBND-VP")
    assert summary.y < title.y < number.y  # the title sits under the header, the summary under the title
    # Centred on the text area (30 mm .. 195 mm): the summary starts well right of the left margin.
    assert summary.x > LEFT_MARGIN + 20 * MM


def test_a_draft_is_marked() -> None:
    assert "DỰ THẢO" in all_text(render_letter(cong_van(draft=True, number_line="Số:      /UBND-VP")))
    assert "DỰ THẢO" not in all_text(render_letter(cong_van(draft=False)))


def test_vietnamese_letters_survive_extraction() -> None:
    sample = "Mỹ Khánh, Tặng, Những, ỦY BAN, Nguyễn Thị Ửng, đặc biệt, ữ ặ ỹ Ủ ẫ ợ Đ đ"
    text = all_text(render_letter(cong_van(body=sample)))
    assert sample in text


def test_decomposed_input_is_drawn_in_nfc() -> None:
    body = "Tiếng Việt có dấu: kỹ năng, Ủy ban, những, đặc trưng."
    decomposed = unicodedata.normalize("NFD", body)
    assert decomposed != body
    pdf = render_letter(cong_van(body=decomposed, signer_name=unicodedata.normalize("NFD", "Nguyễn Văn Ẩn")))
    raw = " ".join(" ".join(page.extract_text().split()) for page in reader_for(pdf).pages)  # not normalised here
    assert body in raw
    assert "Nguyễn Văn Ẩn" in raw
    assert not any(unicodedata.combining(char) for char in raw)


def red_fills(pdf: bytes) -> int:
    reader = reader_for(pdf)
    count = 0
    for page in reader.pages:
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"rg":
                r, g, b = (float(value) for value in operands)
                if r > 0.6 and g < 0.1 and b < 0.1:
                    count += 1
    return count


def test_urgency_and_secrecy_are_red_under_the_number() -> None:
    plain = render_letter(cong_van())
    assert red_fills(plain) == 0
    stamped = render_letter(cong_van(urgency="HỎA TỐC", secrecy="TỐI MẬT"))
    assert red_fills(stamped) >= 1
    number = run_of(stamped, "Số: 05/UBND-VP")
    for stamp in ("HỎA TỐC", "TỐI MẬT"):
        run = run_of(stamped, stamp)
        assert run.y < number.y  # below the number line
        assert run.x < LEFT_MARGIN + 66 * MM  # in the left column


# --- layout ---------------------------------------------------------------------------------------


def test_header_columns_and_shared_row() -> None:
    pdf = render_letter(cong_van())
    number = run_of(pdf, "Số: 05/UBND-VP")
    place_date = run_of(pdf, "Ninh Kiều, ngày 05 tháng 01 năm 2026")
    quoc_hieu = run_of(pdf, QUOC_HIEU)
    issuer = run_of(pdf, "ỦY BAN NHÂN DÂN")
    assert number.y == pytest.approx(place_date.y, abs=0.05)  # number and place/date on one row
    assert number.x < PAGE_W / 2 < place_date.x + 60 * MM
    assert quoc_hieu.x > LEFT_MARGIN + 60 * MM > issuer.x
    assert quoc_hieu.y > number.y
    assert quoc_hieu.y > PAGE_H - TOP_MARGIN - 30 * MM  # at the top of page 1


def test_body_paragraphs_have_a_first_line_indent_of_one_cm() -> None:
    summary = "V/v triển khai kỳ sát hạch"
    pdf = render_letter(cong_van(body=f"{PARAGRAPH}\n\n{PARAGRAPH}", kinh_gui=(), summary=summary))
    top = run_of(pdf, summary).y
    bottom = run_of(pdf, "KT. CHỦ TỊCH").y
    body = [run for run in runs(pdf) if bottom < run.y < top]
    first_lines = [run for run in body if run.x > LEFT_MARGIN + 1]
    other_lines = [run for run in body if run.x <= LEFT_MARGIN + 1]
    assert [run.text.split()[:3] for run in first_lines] == [PARAGRAPH.split()[:3]] * 2
    for run in first_lines:
        assert run.x == pytest.approx(LEFT_MARGIN + 10 * MM, abs=0.5)
    assert len(other_lines) >= 4
    for run in other_lines:
        assert run.x == pytest.approx(LEFT_MARGIN, abs=0.5)


def test_long_body_flows_over_pages_with_page_numbers_from_page_two() -> None:
    pdf = render_letter(cong_van(body=long_body(80)))
    texts = page_texts(pdf)
    assert len(texts) >= 4
    everything = " ".join(texts)
    for i in (1, 40, 80):
        assert f"Đoạn {i}. {collapse(PARAGRAPH)}" in everything
    page_numbers = [run for run in runs(pdf) if run.y > PAGE_H - TOP_MARGIN]
    assert [run.text for run in page_numbers] == [str(n) for n in range(2, len(texts) + 1)]
    assert [run.page for run in page_numbers] == list(range(1, len(texts)))
    # No body text runs into the bottom margin.
    assert all(run.y > 20 * MM for run in runs(pdf))


def footer_pages(pdf: bytes, letter: Letter) -> set[int]:
    parts = (*letter.signer_lines, letter.signer_name, "Nơi nhận:", *letter.recipients)
    return {run_of(pdf, part).page for part in parts}


def test_long_body_keeps_the_signer_block_together() -> None:
    letter = cong_van(body=long_body(80))
    pdf = render_letter(letter)
    pages = footer_pages(pdf, letter)
    assert len(pages) == 1
    assert pages == {len(reader_for(pdf).pages) - 1}


def test_footer_moves_whole_to_a_new_page_when_it_does_not_fit() -> None:
    moved = 0
    for count in range(4, 12):
        letter = cong_van(body=long_body(count), kinh_gui=())
        pdf = render_letter(letter)
        (page,) = footer_pages(pdf, letter)  # the block is never split
        last_paragraph = [run for run in runs(pdf) if "bảo đảm đúng tiến độ." in run.text][-1]
        if page > last_paragraph.page:
            moved += 1
            title = run_of(pdf, letter.signer_lines[0])
            assert title.y > PAGE_H - TOP_MARGIN - 15 * MM  # at the top of the new page
        assert signature_box(letter)[0] == page
    assert moved >= 1  # the sweep did cross a page bottom


# --- the signature space --------------------------------------------------------------------------


def test_signature_box_lies_between_the_titles_and_the_name() -> None:
    letter = cong_van(signature_note="(Đã ký)")
    pdf = render_letter(letter)
    page, x0, y0, x1, y1 = signature_box(letter)
    assert page == 0
    assert 0 <= x0 < x1 <= PAGE_W
    assert 20 * MM <= y0 < y1 <= PAGE_H - TOP_MARGIN
    assert (x0 + x1) / 2 > PAGE_W / 2  # the right-hand column
    assert y1 - y0 == pytest.approx(30 * MM, abs=3)  # about 30 mm for the signature
    last_title = run_of(pdf, "PHÓ CHỦ TỊCH")
    name = run_of(pdf, "Trần Thị Bích Ngữ")
    assert last_title.y >= y1  # the title's baseline is above the box
    assert name.y + 14 * 0.75 <= y0  # the name, cap height included, is below it
    assert x0 <= name.x < x1
    assert x0 <= last_title.x < x1
    note = run_of(pdf, "(Đã ký)")
    assert y0 < note.y < y1
    assert x0 < note.x < x1


def test_signature_box_follows_the_block_to_its_page() -> None:
    letter = cong_van(body=long_body(80))
    pdf = render_letter(letter)
    page, _x0, y0, _x1, y1 = signature_box(letter)
    name = run_of(pdf, letter.signer_name)
    title = run_of(pdf, letter.signer_lines[-1])
    assert page == name.page == title.page
    assert name.y < y0 < y1 <= title.y
    assert signature_box(letter) == (page, _x0, y0, _x1, y1)
