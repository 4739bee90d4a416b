"""The signature and seal images: deterministic transparent PNGs in the colours Nghị định 30/2020 (Phụ lục I)
asks for (a blue signature, a red round seal), checked pixel by pixel."""

from __future__ import annotations

import hashlib
import io
import math
import os
import struct
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from mock_services.signing.appearance import INK_BLUE, SEAL_RED, png_bytes, seal_image, signature_image

NAMES = ["Trần Thị Bích Ngữ", "Nguyễn Văn A", "Lê Hoàng Trường", "Võ Thị Ánh Nguyệt", "Đặng Quốc Bảo"]
AGENCY = "Ủy ban nhân dân phường Ninh Kiều"
PARENT = "Thành phố Cần Thơ"
LONG_AGENCY = (
    "Trung tâm Phục vụ hành chính công và Chuyển đổi số phường Ninh Kiều thuộc Ủy ban nhân dân phường Ninh Kiều"
)
LONG_PARENT = "Ủy ban nhân dân thành phố Cần Thơ, tỉnh Hậu Giang và các đơn vị hành chính trực thuộc"

SEAL_SIZE = 500
CENTRE = SEAL_SIZE / 2
ROOT = Path(__file__).resolve().parents[3]


def alpha_at(image: Image.Image, x: int, y: int) -> int:
    pixel = image.getpixel((x, y))
    assert isinstance(pixel, tuple)
    return int(pixel[3])


def opaque_pixels(image: Image.Image, threshold: int = 0) -> list[tuple[int, ...]]:
    pixels = image.get_flattened_data()
    return [pixel for pixel in pixels if isinstance(pixel, tuple) and pixel[3] > threshold]


def edge_alpha(image: Image.Image) -> int:
    """The largest alpha on the outermost rows and columns: 0 means nothing is cut off at the edge."""
    alpha = image.getchannel("A")
    w, h = image.size
    strips = [(0, 0, w, 1), (0, h - 1, w, h), (0, 0, 1, h), (w - 1, 0, w, h)]
    return max(max(alpha.crop(box).tobytes()) for box in strips)


def annulus_density(image: Image.Image, r0: float, r1: float, *, sector: tuple[float, float] | None = None) -> float:
    """The share of the pixels between radii ``r0`` and ``r1`` of the seal's centre that carry ink; only those
    between the angles ``sector`` (degrees, clockwise from 3 o'clock, as on screen: the top is 270) if given."""
    alpha = image.getchannel("A")
    inked = total = 0
    for y in range(SEAL_SIZE):
        for x in range(SEAL_SIZE):
            dx, dy = x + 0.5 - CENTRE, y + 0.5 - CENTRE
            if not r0 <= math.hypot(dx, dy) < r1:
                continue
            if sector is not None and not sector[0] <= math.degrees(math.atan2(dy, dx)) % 360 < sector[1]:
                continue
            total += 1
            inked += alpha.getpixel((x, y)) > 128  # type: ignore[operator]
    return inked / total


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        chunks.append(data[at + 4 : at + 8])
        at += 12 + length
    return chunks


@pytest.fixture(scope="module")
def seal() -> Image.Image:
    return seal_image(AGENCY, PARENT)


@pytest.fixture(scope="module")
def signature() -> Image.Image:
    return signature_image(NAMES[0])


# --- both -------------------------------------------------------------------------------------------------


def test_the_same_text_gives_the_same_png_bytes() -> None:
    assert png_bytes(signature_image(NAMES[0])) == png_bytes(signature_image(NAMES[0]))
    assert png_bytes(seal_image(AGENCY, PARENT)) == png_bytes(seal_image(AGENCY, PARENT))


def test_the_png_bytes_do_not_depend_on_the_process() -> None:
    """No use of ``hash()`` or of an unseeded generator: two fresh interpreters with different hash seeds
    draw the same bytes as this one."""
    script = (
        "import hashlib, sys\n"
        "from mock_services.signing.appearance import png_bytes, seal_image, signature_image\n"
        "sys.stdout.write(hashlib.sha256(png_bytes(signature_image(sys.argv[1]))).hexdigest() + ' ')\n"
        "sys.stdout.write(hashlib.sha256(png_bytes(seal_image(sys.argv[2], sys.argv[3]))).hexdigest())\n"
    )
    expected = " ".join(
        [
            hashlib.sha256(png_bytes(signature_image(NAMES[1]))).hexdigest(),
            hashlib.sha256(png_bytes(seal_image(AGENCY, PARENT))).hexdigest(),
        ]
    )
    for hash_seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", script, NAMES[1], AGENCY, PARENT],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        assert result.stdout == expected


def test_decomposed_vietnamese_text_gives_the_same_image() -> None:
    """Text pasted from some editors arrives decomposed (NFD); the letters drawn must not change."""
    name = unicodedata.normalize("NFD", NAMES[0])
    assert name != NAMES[0]
    assert png_bytes(signature_image(name)) == png_bytes(signature_image(NAMES[0]))
    agency = unicodedata.normalize("NFD", AGENCY)
    assert png_bytes(seal_image(agency, PARENT)) == png_bytes(seal_image(AGENCY, PARENT))


def test_png_bytes_round_trip_the_pixels_and_carry_no_metadata() -> None:
    image = signature_image(NAMES[0])
    image.info["dpi"] = (300, 300)
    image.info["icc_profile"] = b"not really a profile"
    data = png_bytes(image)
    assert png_chunks(data) == [b"IHDR", b"IDAT", b"IEND"]
    with Image.open(io.BytesIO(data)) as loaded:
        assert loaded.mode == "RGBA"
        assert loaded.tobytes() == image.tobytes()


def test_png_bytes_of_an_rgb_image_is_rgba() -> None:
    with Image.open(io.BytesIO(png_bytes(Image.new("RGB", (3, 2), (1, 2, 3))))) as loaded:
        assert loaded.mode == "RGBA"
        assert loaded.size == (3, 2)
        assert loaded.getpixel((2, 1)) == (1, 2, 3, 255)


# --- the signature ----------------------------------------------------------------------------------------


def test_signature_is_a_transparent_rgba_image_of_about_600_by_240(signature: Image.Image) -> None:
    assert signature.mode == "RGBA"
    assert signature.size == (600, 240)
    for x, y in [(0, 0), (599, 0), (0, 239), (599, 239)]:
        assert alpha_at(signature, x, y) == 0


@pytest.mark.parametrize("name", NAMES)
def test_signature_ink_is_blue(name: str) -> None:
    image = signature_image(name)
    inked = opaque_pixels(image)
    # A signature, not a dot or a filled box: some ink, most of the image transparent.
    assert 0.03 < len(inked) / (image.width * image.height) < 0.35
    assert sum(pixel[3] == 255 for pixel in inked) > 1000  # solid strokes, not only anti-aliased haze
    for r, g, b, _ in inked:
        assert b > r + 80
        assert b > g + 80
    assert {pixel[:3] for pixel in inked} == {INK_BLUE}


@pytest.mark.parametrize("name", [*NAMES, "Tôn Nữ Thị Ngọc Quỳnh-Hương-Nguyệt-Thanh-Xuân-Trường"])
def test_signature_is_not_cut_off_at_the_edge(name: str) -> None:
    assert edge_alpha(signature_image(name)) == 0


def test_different_names_give_different_signatures() -> None:
    images = {png_bytes(signature_image(name)) for name in NAMES}
    assert len(images) == len(NAMES)


def test_the_same_given_name_still_gives_a_different_flourish() -> None:
    """Two people called An do not share a signature: the flourish is seeded by the full name."""
    assert png_bytes(signature_image("Nguyễn Văn An")) != png_bytes(signature_image("Trần Thị An"))


def test_the_signature_is_the_given_name_not_the_whole_name() -> None:
    """Vietnamese names end with the given name, which is what people sign. A long family name and middle
    names do not make the ink wider."""
    short = opaque_pixels(signature_image("Lê An"))
    long = opaque_pixels(signature_image("Nguyễn Hoàng Phương Thị An"))
    assert 0.7 < len(long) / len(short) < 1.4


@pytest.mark.parametrize("name", ["", "   "])
def test_signature_needs_a_name(name: str) -> None:
    with pytest.raises(ValueError, match="name"):
        signature_image(name)


# --- the seal ---------------------------------------------------------------------------------------------


def test_seal_is_a_transparent_rgba_square_of_about_500(seal: Image.Image) -> None:
    assert seal.mode == "RGBA"
    assert seal.size == (SEAL_SIZE, SEAL_SIZE)
    for x, y in [(0, 0), (SEAL_SIZE - 1, 0), (0, SEAL_SIZE - 1), (SEAL_SIZE - 1, SEAL_SIZE - 1)]:
        assert alpha_at(seal, x, y) == 0
    # Round: nothing outside the outer ring, not only in the corners.
    assert annulus_density(seal, 246, 251) == 0


def test_seal_ink_is_red(seal: Image.Image) -> None:
    inked = opaque_pixels(seal)
    assert len(inked) > 0.1 * SEAL_SIZE * SEAL_SIZE
    for r, g, b, _ in inked:
        assert r > g + 100
        assert r > b + 100
    assert {pixel[:3] for pixel in inked} == {SEAL_RED}


def test_seal_has_an_outer_double_ring(seal: Image.Image) -> None:
    # The thick outer ring, then a gap, then the thin ring inside it, then the band that holds the text.
    assert annulus_density(seal, 237, 243) > 0.95
    assert annulus_density(seal, 232, 235) < 0.05
    assert annulus_density(seal, 228, 229.8) > 0.6


def test_seal_has_a_five_pointed_star_in_the_middle(seal: Image.Image) -> None:
    assert annulus_density(seal, 0, 40) == 1.0
    # Between the star and the inner ring: blank.
    assert annulus_density(seal, 120, 155) == 0
    # Around a circle through the star's arms, the ink comes in five separate runs, evenly spread.
    alpha = seal.getchannel("A")
    samples = [
        alpha.getpixel(
            (round(CENTRE + 90 * math.cos(math.pi * i / 360)), round(CENTRE + 90 * math.sin(math.pi * i / 360)))
        )
        for i in range(720)
    ]
    inked = [value > 128 for value in samples]  # type: ignore[operator]
    starts = [i for i in range(720) if inked[i] and not inked[i - 1]]
    assert len(starts) == 5
    gaps = sorted((starts[(k + 1) % 5] - starts[k]) % 720 for k in range(5))
    assert gaps[-1] - gaps[0] <= 4
    # The star points up: the run at the top (-90°, sample 540) is inked.
    assert inked[540]


def test_seal_text_runs_around_the_top_and_the_parent_around_the_bottom(seal: Image.Image) -> None:
    band = (168, 226)
    top, bottom = (250, 290), (70, 110)
    assert annulus_density(seal, *band, sector=top) > 0.1
    assert annulus_density(seal, *band, sector=bottom) > 0.1
    without_parent = seal_image(AGENCY)
    assert annulus_density(without_parent, *band, sector=top) > 0.05
    # Without a parent only a small star sits at the bottom of the band.
    assert 0 < annulus_density(without_parent, *band, sector=bottom) < 0.03


def test_seal_text_is_upper_case_whatever_the_input_case() -> None:
    assert png_bytes(seal_image(AGENCY.upper(), PARENT.lower())) == png_bytes(seal_image(AGENCY, PARENT))


@pytest.mark.parametrize(("agency", "parent"), [(LONG_AGENCY, LONG_PARENT), (LONG_AGENCY * 3, None), ("UBND", "Bộ")])
def test_seal_text_of_any_length_stays_on_its_arc(agency: str, parent: str | None) -> None:
    image = seal_image(agency, parent)
    assert edge_alpha(image) == 0
    assert annulus_density(image, 246, 251) == 0
    # The text shrinks to fit the band between the rings; it never spills inwards towards the star.
    assert annulus_density(image, 120, 155) == 0
    assert annulus_density(image, 168, 226) > 0.01


def test_different_agencies_give_different_seals() -> None:
    assert png_bytes(seal_image(AGENCY, PARENT)) != png_bytes(seal_image("Ủy ban nhân dân phường An Hòa", PARENT))


@pytest.mark.parametrize("agency", ["", "  "])
def test_seal_needs_an_agency(agency: str) -> None:
    with pytest.raises(ValueError, match="agency"):
        seal_image(agency)
