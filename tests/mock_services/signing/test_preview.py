"""Page previews for the signing pages: sizes and PNG renderings of real PDFs (a rendered công văn, signed
with a visible signature image), and refusals of what is not a readable, unencrypted PDF."""

from __future__ import annotations

import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor

import pypdf
import pytest
from PIL import Image

from mock_services.documents.render import Letter, render_letter
from mock_services.signing import pades, pki
from mock_services.signing.appearance import signature_image
from mock_services.signing.preview import PageSize, PreviewError, page_sizes, render_page

A4 = (595.28, 841.89)
NOW = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
SIGNER = "Nguyễn Văn A"
BOX = pades.Box(0, 300, 500, 500, 600)
PARAGRAPH = (
    "Thực hiện Kế hoạch số 12/KH-UBND ngày 05 tháng 01 năm 2026 của Ủy ban nhân dân thành phố về việc tổ chức "
    "thi đánh giá năng lực sử dụng công nghệ thông tin của công chức, viên chức; đề nghị các đơn vị khẩn trương "
    "triển khai, bảo đảm đúng tiến độ."
)


def letter(paragraphs: int = 1) -> Letter:
    return Letter(
        issuer_parent="UBND THÀNH PHỐ CẦN THƠ",
        issuer="ỦY BAN NHÂN DÂN\nPHƯỜNG NINH KIỀU",
        number_line="Số: 05/UBND-VP",
        place_date="Ninh Kiều, ngày 05 tháng 01 năm 2026",
        type_name="",
        summary="V/v tổ chức thi đánh giá năng lực sử dụng công nghệ thông tin năm 2026",
        kinh_gui=("Phòng Văn hóa - Xã hội",),
        body="\n\n".join([PARAGRAPH] * paragraphs),
        signer_lines=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        signer_name=SIGNER,
        recipients=("- Như trên;", "- Lưu: VT, VP."),
    )


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_letter(letter())


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    return render_letter(letter(paragraphs=12))


@pytest.fixture(scope="module")
def signed_pdf(pdf: bytes) -> bytes:
    root = pki.make_root(NOW)
    ca = pki.make_issuing_ca(root, NOW)
    person = pki.issue(
        ca,
        pki.Subject(pki.Holder.ca_nhan, SIGNER),
        not_before=NOW - dt.timedelta(days=1),
        not_after=NOW + dt.timedelta(days=365),
    )
    return pades.sign_pdf(pdf, person, [ca.cert], field="Sig1", box=BOX, look=pades.Look(image=signature_image(SIGNER)))


def png(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


def encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="chủ sở hữu", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def is_blue(pixel: tuple[int, ...]) -> bool:
    r, g, b = pixel[:3]
    return b > 110 and b > r + 60 and b > g + 40


def blue_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    region = image.crop(box).get_flattened_data()
    return sum(1 for pixel in region if isinstance(pixel, tuple) and is_blue(pixel))


def box_in_pixels(box: pades.Box, scale: float, page_height: float) -> tuple[int, int, int, int]:
    """A PDF rectangle (origin bottom left, points) as a pixel box (origin top left) of a rendering."""
    return (
        round(box.x0 * scale),
        round((page_height - box.y1) * scale),
        round(box.x1 * scale),
        round((page_height - box.y0) * scale),
    )


# --- page sizes -------------------------------------------------------------------------------------------


def test_a_rendered_letter_is_one_a4_page(pdf: bytes) -> None:
    [size] = page_sizes(pdf)
    assert isinstance(size, PageSize)
    assert size.width == pytest.approx(A4[0], abs=1)
    assert size.height == pytest.approx(A4[1], abs=1)


def test_every_page_is_listed(long_pdf: bytes) -> None:
    sizes = page_sizes(long_pdf)
    assert len(sizes) >= 2
    assert all(size == PageSize(*A4) for size in sizes)


def test_a_rotated_page_reports_its_displayed_size(pdf: bytes) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.pages[0].rotate(90)
    out = io.BytesIO()
    writer.write(out)
    assert page_sizes(out.getvalue()) == [PageSize(A4[1], A4[0])]


# --- rendering --------------------------------------------------------------------------------------------


def test_a_page_renders_as_a_png_of_the_width_asked_for(pdf: bytes) -> None:
    image = png(render_page(pdf, 0))
    assert image.width == 900
    assert image.height == pytest.approx(900 * A4[1] / A4[0], abs=2)
    lowest, highest = zip(*image.getextrema(), strict=True)
    assert max(lowest) < 100  # black text
    assert min(highest) == 255  # on white paper
    # Background white: the top left corner is margin.
    assert image.getpixel((5, 5)) == (255, 255, 255)


@pytest.mark.parametrize("width", [1, 300, 1240])
def test_any_width_in_range(pdf: bytes, width: int) -> None:
    image = png(render_page(pdf, 0, width_px=width))
    assert image.width == width
    assert image.height == pytest.approx(width * A4[1] / A4[0], abs=2)


@pytest.mark.parametrize("width", [0, -5, 100_000])
def test_an_unreasonable_width_is_refused(pdf: bytes, width: int) -> None:
    with pytest.raises(ValueError, match="width_px"):
        render_page(pdf, 0, width_px=width)


def test_rendering_is_deterministic(pdf: bytes) -> None:
    assert render_page(pdf, 0, width_px=400) == render_page(pdf, 0, width_px=400)


def test_each_page_of_a_longer_document_renders(long_pdf: bytes) -> None:
    count = len(page_sizes(long_pdf))
    images = [render_page(long_pdf, index, width_px=200) for index in range(count)]
    assert len(set(images)) == count


def test_a_visible_signature_appearance_is_drawn(pdf: bytes, signed_pdf: bytes) -> None:
    """The signature image lives in the signature field's widget, not in the page's content: only a renderer
    with the form environment set up draws it."""
    scale = 900 / A4[0]
    box = box_in_pixels(BOX, scale, A4[1])
    box_area = (box[2] - box[0]) * (box[3] - box[1])
    signed = png(render_page(signed_pdf, 0))
    unsigned = png(render_page(pdf, 0))
    assert blue_pixels(unsigned, (0, 0, *unsigned.size)) == 0
    inside = blue_pixels(signed, box)
    assert inside > 0.01 * box_area
    # All of the blue is in the box.
    assert blue_pixels(signed, (0, 0, *signed.size)) == inside


def test_the_signed_page_keeps_its_size(signed_pdf: bytes) -> None:
    assert page_sizes(signed_pdf) == [PageSize(*A4)]


def test_concurrent_renders_are_serialised_and_agree(signed_pdf: bytes) -> None:
    """PDFium is not thread-safe; a web server calls from a thread pool."""
    expected = render_page(signed_pdf, 0, width_px=300)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: render_page(signed_pdf, 0, width_px=300), range(16)))
        sizes = list(pool.map(lambda _: page_sizes(signed_pdf), range(16)))
    assert all(result == expected for result in results)
    assert all(size == [PageSize(*A4)] for size in sizes)


# --- refusals ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"garbage, not a PDF at all",
        b"<html><body>%PDF-</body></html>",
        b"%PDF-1.7\n" + b"\x00" * 64,
        bytes(range(256)) * 8,
    ],
    ids=["empty", "text", "html", "header-only", "binary"],
)
def test_what_is_not_a_pdf_is_refused(data: bytes) -> None:
    with pytest.raises(PreviewError):
        page_sizes(data)
    with pytest.raises(PreviewError):
        render_page(data, 0)


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_a_truncated_pdf_is_refused(pdf: bytes, keep: float) -> None:
    cut = pdf[: int(len(pdf) * keep)]
    with pytest.raises(PreviewError):
        page_sizes(cut)
    with pytest.raises(PreviewError):
        render_page(cut, 0)


@pytest.mark.parametrize("user_password", ["", "mật khẩu"])
def test_an_encrypted_pdf_is_refused(pdf: bytes, user_password: str) -> None:
    """Even one that opens without a password: the signing service will not sign it either."""
    locked = encrypted(pdf, user_password)
    with pytest.raises(PreviewError, match="encrypted"):
        page_sizes(locked)
    with pytest.raises(PreviewError, match="encrypted"):
        render_page(locked, 0)


@pytest.mark.parametrize("index", [-1, 1, 7])
def test_a_page_out_of_range_is_refused(pdf: bytes, index: int) -> None:
    with pytest.raises(PreviewError, match="pages"):
        render_page(pdf, index)


def test_the_page_after_the_last_of_a_longer_document_is_refused(long_pdf: bytes) -> None:
    count = len(page_sizes(long_pdf))
    render_page(long_pdf, count - 1, width_px=100)
    with pytest.raises(PreviewError, match=f"has {count} pages"):
        render_page(long_pdf, count, width_px=100)


def test_a_preview_error_is_a_value_error() -> None:
    assert issubclass(PreviewError, ValueError)
