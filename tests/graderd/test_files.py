"""Reading the files candidates send: a PDF is one only if every page decodes, and its text
(Vietnamese included) is what the grader's "file contains" checks look at."""

from __future__ import annotations

import io
import logging
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from graderd.files import FileReadError, is_pdf, pdf_text, text_of

FIXTURES = Path(__file__).resolve().parents[2] / "tasks" / "mail" / "fixtures"
REPORT = "Báo cáo kết quả chuyển đổi số năm 2026\n98% văn bản đi được ký số"
JPEG_START = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(200)


def _stream(data: bytes, *, compress: bool) -> bytes:
    if compress:
        data = zlib.compress(data)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _to_unicode_cmap(codes: dict[str, int]) -> bytes:
    """A CMap telling a reader which Unicode letter each one-byte code stands for."""
    pairs = b"".join(b"<%02X> <%s>\n" % (code, char.encode("utf-16-be").hex().encode()) for char, code in codes.items())
    head = b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Sathach def\n/CMapType 2 def\n"
    ranges = b"1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
    tail = b"endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    return head + ranges + b"%d beginbfchar\n" % len(codes) + pairs + tail


def make_pdf(*pages: str, compress: bool = True) -> bytes:
    """A PDF with one page per text, Helvetica, each line drawn with Tj. Each character gets a one-byte
    code and a ToUnicode map says which letter it is, so Vietnamese text extracts without a font file."""
    codes = {char: 0x20 + i for i, char in enumerate(sorted({char for page in pages for char in page}))}
    kids = b" ".join(b"%d 0 R" % (5 + 2 * i) for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 4 0 R >>",
        _stream(_to_unicode_cmap(codes), compress=compress),
    ]
    for i, page in enumerate(pages):
        shown = b" ".join(b"<%s> Tj T*" % bytes(codes[c] for c in line).hex().encode() for line in page.split("\n"))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (6 + 2 * i)
        )
        objects.append(_stream(b"BT /F1 12 Tf 72 770 Td 14 TL " + shown + b" ET", compress=compress))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def encrypted(data: bytes, *, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def garble_first_content_stream(data: bytes) -> bytes:
    start = data.index(b"stream\n", data.index(b"/Contents")) + len(b"stream\n") + 2
    return data[:start] + bytes(byte ^ 0x5A for byte in data[start : start + 24]) + data[start + 24 :]


@pytest.mark.parametrize("compress", [True, False])
def test_a_small_pdf_is_a_pdf_and_its_vietnamese_text_reads_back(compress: bool) -> None:
    data = make_pdf(REPORT, "Người ký: Nguyễn Thị Minh Thư", compress=compress)
    assert is_pdf(data)
    assert pdf_text(data).split("\n") == [*REPORT.split("\n"), "", "Người ký: Nguyễn Thị Minh Thư", ""]


def test_the_mail_tasks_fixtures_are_pdfs_with_their_text() -> None:
    report = (FIXTURES / "BaoCao_CDS_2026.pdf").read_bytes()
    assert is_pdf(report)
    assert "2. Van ban dien tu: 98% van ban di duoc ky so" in pdf_text(report)
    invitation = (FIXTURES / "GiayMoi_GiaoBan_CDS.pdf").read_bytes()
    assert "Thoi gian: 08 gio 00, ngay 27/11/2026" in text_of(invitation, name="GiayMoi_GiaoBan_CDS.pdf")


def test_a_pdf_cut_short_is_not_a_pdf() -> None:
    data = make_pdf(REPORT)
    for length in (len(data) // 4, len(data) // 2, len(data) - 40, len(data) - 8):
        assert not is_pdf(data[:length])
        with pytest.raises(FileReadError):
            pdf_text(data[:length])


def test_a_pdf_whose_content_does_not_decompress_is_not_a_pdf() -> None:
    garbled = garble_first_content_stream(make_pdf(REPORT))
    assert not is_pdf(garbled)
    with pytest.raises(FileReadError, match="damaged PDF"):
        pdf_text(garbled)


@pytest.mark.parametrize(
    "data",
    [JPEG_START, b"", b"%PDF-1.7\n" + b"not really a pdf\n" * 20, REPORT.encode()],
    ids=["jpeg", "empty", "header-only", "plain-text"],
)
def test_other_bytes_are_not_a_pdf(data: bytes) -> None:
    assert not is_pdf(data)
    with pytest.raises(FileReadError):
        pdf_text(data)


def test_a_pdf_locked_only_against_editing_still_reads() -> None:
    data = encrypted(make_pdf(REPORT), user_password="")
    assert is_pdf(data)
    assert "98% văn bản đi được ký số" in pdf_text(data)


def test_a_pdf_that_needs_a_password_to_open_cannot_be_read() -> None:
    data = encrypted(make_pdf(REPORT), user_password="mat-khau")
    assert not is_pdf(data)
    with pytest.raises(FileReadError, match="encrypted"):
        pdf_text(data)


def test_reading_a_broken_pdf_leaves_the_log_and_pypdf_s_logger_as_they_were(caplog: pytest.LogCaptureFixture) -> None:
    pypdf_logger = logging.getLogger("pypdf")
    before = (pypdf_logger.level, pypdf_logger.propagate, list(pypdf_logger.handlers))
    with caplog.at_level(logging.DEBUG):
        assert not is_pdf(garble_first_content_stream(make_pdf(REPORT)))
        assert not is_pdf(make_pdf(REPORT)[:-30])
    assert caplog.records == []
    assert (pypdf_logger.level, pypdf_logger.propagate, list(pypdf_logger.handlers)) == before


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("baocao.txt", None), ("DanhSach.CSV", None), ("thu.html", None), (None, "text/plain; charset=utf-8")],
)
def test_text_files_are_decoded_as_utf8(name: str | None, content_type: str | None) -> None:
    assert text_of(REPORT.encode(), name=name, content_type=content_type) == REPORT


def test_a_bom_is_dropped_and_bad_bytes_are_replaced() -> None:
    assert text_of(b"\xef\xbb\xbfK\xc3\xadnh g\xe1\xbb\xadi", name="a.txt") == "Kính gửi"
    assert text_of(b"Kinh g\xffi", name="a.txt") == "Kinh g\ufffdi"


def test_a_pdf_is_recognised_by_name_type_or_first_bytes() -> None:
    data = make_pdf(REPORT)
    for name, content_type in [("baocao.pdf", None), (None, "application/pdf"), ("tep-dinh-kem", None), (None, None)]:
        assert "chuyển đổi số" in text_of(data, name=name, content_type=content_type)


def test_a_text_file_that_mentions_a_pdf_header_is_still_text() -> None:
    text = "Ghi chú: tệp PDF bắt đầu bằng %PDF-1.7"
    assert text_of(text.encode(), name="ghichu.txt") == text


def test_a_pdf_sent_under_a_text_name_is_read_as_a_pdf() -> None:
    assert "chuyển đổi số" in text_of(make_pdf(REPORT), name="baocao.txt", content_type="text/plain")


def test_a_file_said_to_be_a_pdf_must_be_one() -> None:
    with pytest.raises(FileReadError):
        text_of(JPEG_START, name="baocao.pdf")


def test_anything_else_is_refused_with_what_it_was() -> None:
    with pytest.raises(FileReadError, match=r"cannot read text from 'anh\.jpg', image/jpeg"):
        text_of(JPEG_START, name="anh.jpg", content_type="image/jpeg")
    with pytest.raises(FileReadError, match=rf"cannot read text from {len(JPEG_START)} bytes:"):
        text_of(JPEG_START)
