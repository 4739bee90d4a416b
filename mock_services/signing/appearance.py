"""The pictures a visible signature shows: a person's handwritten signature and an agency's round seal.

Nghị định 30/2020, Phụ lục I, says what an e-document's signature looks like: the signer's signature image
is blue, on a transparent background (PNG); the agency's seal image is its red round seal, also transparent,
placed over the left third of the leader's signature. These functions draw both, so the mock signing service
can show them without anyone uploading a scan.

Pure and deterministic: the same text gives byte-identical PNG bytes (``png_bytes``). The only randomness is a
``random.Random`` seeded from a SHA-256 of the text, so each name gets its own, stable, flourish.

Both are drawn larger as a coverage mask (``L``), downsampled with LANCZOS, and used as the alpha channel of
a single ink colour, so the edges are smooth and every pixel, transparent ones too, has exactly the ink's
colour. A PDF keeps the colour and the alpha as two separate images and scales each on its own; had the
transparent pixels been black, the ink's edges would come out with a dark fringe.
"""

from __future__ import annotations

import hashlib
import io
import math
import random
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageFont

from mock_services.core.pdf_fonts import font_file

__all__ = ["INK_BLUE", "SEAL_RED", "png_bytes", "seal_image", "signature_image"]

INK_BLUE = (20, 50, 170)
SEAL_RED = (210, 25, 30)

# Drawn this many times larger, then downsampled: thin, nearly level pen strokes need more than the seal.
_SIGNATURE_SUPERSAMPLE = 4
_SEAL_SUPERSAMPLE = 2

_SIGNATURE_SIZE = (600, 240)
_SEAL_SIZE = 500


@lru_cache(maxsize=64)
def _font(style: str, size: int) -> ImageFont.FreeTypeFont:  # style as fpdf2 says it: "B", "I"
    # BASIC layout, not raqm: the output must not depend on whether libraqm happens to be installed.
    # Text is NFC, and Liberation Serif has every precomposed Vietnamese letter, so no shaping is needed.
    return ImageFont.truetype(str(font_file(style)), size, layout_engine=ImageFont.Layout.BASIC)


def _fitting_size(length: Callable[[int], float], room: float, largest: int) -> int:
    """The largest font size up to ``largest`` at which ``length(size)`` fits in ``room``. Text length grows
    about in proportion to the size, so one measurement finds it, and a few more correct for hinting; each
    size tried loads a font, so a step-by-step search would load dozens."""
    reference = 100
    measured = length(reference)
    if measured <= 0:  # nothing visible to fit
        return largest
    size = min(largest, max(1, math.floor(room / measured * reference)))
    while size > 1 and length(size) > room:
        size -= 1
    return size


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _rng(kind: str, text: str) -> random.Random:
    digest = hashlib.sha256(f"{kind}\0{text}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _inked(mask: Image.Image, size: tuple[int, int], ink: tuple[int, int, int]) -> Image.Image:
    """The supersampled coverage ``mask`` as an RGBA image of ``size`` in one colour."""
    alpha = mask.resize(size, Image.Resampling.LANCZOS)
    image = Image.new("RGBA", size, (*ink, 0))
    image.putalpha(alpha)
    return image


def png_bytes(image: Image.Image) -> bytes:
    """``image`` as PNG bytes with no metadata (no ICC profile, EXIF, text, time), so equal pixels give
    equal bytes."""
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    # A fresh image carries no ``info``, which is where Pillow would find metadata to write.
    clean = Image.frombytes("RGBA", rgba.size, rgba.tobytes())
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


# --- the signature -------------------------------------------------------------------------------------


def _given_name(name: str) -> str:
    words = _nfc(name).split(" ")
    if not words[-1]:
        raise ValueError("a signature needs a name")
    # Vietnamese names put the given name last, and that is what people usually sign with.
    given = words[-1]
    return given[0].upper() + given[1:]


def _bezier(
    p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float], steps: int
) -> list[tuple[float, float]]:
    points = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        x = u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0]
        y = u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]
        points.append((x, y))
    return points


def _stroke(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], thin: float, thick: float) -> None:
    """A pen stroke along ``points``: a ribbon whose width swells in the middle and tapers at both ends, as a
    pen does when it lands and lifts. Drawn as one polygon (the two edges offset along the normals), so the
    outline is smooth where short, separately drawn segments would leave notches."""
    last = len(points) - 1
    left: list[tuple[float, float]] = []
    right: list[tuple[float, float]] = []
    for i, (x, y) in enumerate(points):
        (xa, ya), (xb, yb) = points[max(i - 1, 0)], points[min(i + 1, last)]
        dx, dy = xb - xa, yb - ya
        norm = math.hypot(dx, dy) or 1.0
        half = (thin + (thick - thin) * math.sin(math.pi * i / last)) / 2
        nx, ny = -dy / norm * half, dx / norm * half
        left.append((x + nx, y + ny))
        right.append((x - nx, y - ny))
    draw.polygon(left + right[::-1], fill=255)


def _lean(mask: Image.Image, *, shear: float, degrees: float, baseline: float) -> Image.Image:
    """``mask`` slanted (tops to the right, about ``baseline``) and then turned ``degrees`` counter-clockwise
    about its centre. Pillow's affine map takes each output pixel back to its source, so this is the inverse:
    turn back, then unshear."""
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    cx, cy = mask.width / 2, mask.height / 2
    # Turned back: x1 = cos·x − sin·y + tx, y1 = sin·x + cos·y + ty. Unsheared: x0 = x1 + shear·(y1 − baseline).
    tx, ty = cx - cos * cx + sin * cy, cy - sin * cx - cos * cy
    coefficients = (cos + shear * sin, shear * cos - sin, tx + shear * (ty - baseline), sin, cos, ty)
    return mask.transform(mask.size, Image.Transform.AFFINE, coefficients, resample=Image.Resampling.BILINEAR)


def signature_image(name: str) -> Image.Image:
    """A blue, handwritten-looking signature for ``name`` on a transparent background, about 600×240.

    The given name (the last word: "Trần Thị Bích Ngữ" signs "Ngữ") in a slanted italic with an enlarged
    capital, each letter a little tilted and off the line, the whole rising to the right, and a flourish:
    either a sweep back under the name or a loop after it. The tilts, the flourish and its shape come from a
    generator seeded with the name, so they differ per person and never change.
    """
    given = _given_name(name)
    rng = _rng("signature", _nfc(name))
    j = rng.uniform
    s = _SIGNATURE_SUPERSAMPLE
    width, height = _SIGNATURE_SIZE[0] * s, _SIGNATURE_SIZE[1] * s
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)

    # People sign with a bigger capital; the rest of the name takes at most about 58 % of the width, which
    # leaves room for the flourish and for the slant and tilt applied below.
    sizes = [1.3, *[1.0] * (len(given) - 1)]

    def text_width(size: int) -> float:
        return sum(_font("I", round(size * k)).getlength(ch) * 0.9 for ch, k in zip(given, sizes, strict=True))

    size = _fitting_size(text_width, 0.58 * width, 110 * s)
    x = (width - text_width(size)) / 2 - j(0.04, 0.10) * width
    baseline = height * 0.58
    start_x = x
    for ch, k in zip(given, sizes, strict=True):
        font = _font("I", round(size * k))
        advance = font.getlength(ch) * 0.9  # letters overlap a little, as in joined-up writing
        # The tile is centred on the letter's middle (0.35 em above the baseline), which it turns about,
        # and is big enough for stacked Vietnamese marks above and a descender below.
        em = round(size * k)
        tile, middle = round(2.4 * em), 0.35 * em
        glyph = Image.new("L", (tile, tile), 0)
        # A one-pixel outline (in the final image) thickens the italic's hairlines to a ballpoint's line.
        draw_at = (tile / 2, tile / 2 + middle)
        ImageDraw.Draw(glyph).text(draw_at, ch, font=font, fill=255, anchor="ms", stroke_width=s)
        # Bilinear is enough at 4×, where the LANCZOS downsample does the smoothing, and it is much faster.
        glyph = glyph.rotate(j(-6, 6), resample=Image.Resampling.BILINEAR)
        left = round(x + advance / 2 - tile / 2)
        top = round(baseline - middle + j(-0.05, 0.05) * size - tile / 2)
        mask.paste(ImageChops.lighter(mask.crop((left, top, left + tile, top + tile)), glyph), (left, top))
        x += advance
    end_x = x

    tail = (end_x - j(0.00, 0.03) * width, baseline - j(0.00, 0.08) * height)
    if rng.random() < 0.5:
        # Down from the last letter, back to the left under the name, then a long stroke out to the right.
        low = baseline + j(0.14, 0.24) * height
        turn = (start_x - j(0.02, 0.08) * width, baseline + j(0.06, 0.14) * height)
        lift = (end_x + j(0.10, 0.16) * width, baseline + j(-0.06, 0.06) * height)
        strokes = [
            _bezier(tail, (end_x + j(0.06, 0.14) * width, low), (start_x + j(0.05, 0.2) * width, low), turn, 64),
            _bezier(
                turn,
                (turn[0] + j(0.15, 0.30) * width, turn[1] + j(0.02, 0.10) * height),
                (lift[0] - j(0.15, 0.30) * width, lift[1] + j(0.00, 0.08) * height),
                lift,
                64,
            ),
        ]
    else:
        # A loop after the name (a cubic whose control points cross), then a sweep back under it.
        r = j(0.07, 0.11) * height
        knot = (end_x + j(0.04, 0.08) * width, baseline + j(0.02, 0.08) * height)
        finish = (start_x - j(0.00, 0.06) * width, baseline + j(0.10, 0.20) * height)
        strokes = [
            _bezier(
                tail,
                (knot[0] + 4 * r, knot[1] + 3 * r),
                (knot[0] + 4 * r, knot[1] - 4 * r),
                knot,
                64,
            ),
            _bezier(
                knot,
                (knot[0] - 2 * r, knot[1] + 3 * r),
                (finish[0] + j(0.15, 0.30) * width, finish[1] + j(0.02, 0.10) * height),
                finish,
                64,
            ),
        ]
    for points in strokes:
        _stroke(draw, points, 1.0 * s, j(4.0, 5.5) * s)

    # Handwriting leans further than an italic, and a signature climbs to the right.
    mask = _lean(mask, shear=0.2, degrees=j(3.0, 7.0), baseline=baseline)
    return _inked(mask, _SIGNATURE_SIZE, INK_BLUE)


# --- the seal ------------------------------------------------------------------------------------------


def _star(center: tuple[float, float], outer: float, rotation: float = -90.0) -> list[tuple[float, float]]:
    """The ten corners of a five-pointed star, the first point at ``rotation`` degrees (up by default)."""
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(126))  # a regular star's inner radius
    corners = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(rotation + 36 * i)
        corners.append((center[0] + radius * math.cos(angle), center[1] + radius * math.sin(angle)))
    return corners


def _ring(draw: ImageDraw.ImageDraw, center: float, radius: float, width: float) -> None:
    """A circle whose outer edge is at ``radius``."""
    draw.ellipse([center - radius, center - radius, center + radius, center + radius], outline=255, width=round(width))


def _arc_layout(text: str, radius: float, span: float, max_size: int) -> tuple[int, float]:
    """The font size and extra letter spacing (px) for ``text`` to fill at most ``span`` degrees of a circle of
    ``radius``: the largest size that fits, then spacing to spread a short name out as engravers do."""
    length = math.radians(span) * radius
    size = _fitting_size(lambda size: _font("B", size).getlength(text), length, max_size)
    natural = _font("B", size).getlength(text)
    gaps = max(len(text) - 1, 1)
    spacing = min((length - natural) / gaps, 0.3 * size) if natural < length else 0.0
    return size, spacing


def _arc_text(mask: Image.Image, text: str, radius: float, span: float, max_size: int, *, top: bool) -> float:
    """Write ``text`` around the circle, centred on the top (letters' tops outward, reading clockwise) or
    the bottom (letters upright, reading left to right); ``radius`` is where the middle of the capitals
    runs. Returns the angle, in degrees, that the text takes."""
    center = mask.width / 2
    size, spacing = _arc_layout(text, radius, span, max_size)
    font = _font("B", size)
    cap = -font.getbbox("H", anchor="ls")[1]
    tile = size * 3
    advances = [font.getlength(ch) + spacing for ch in text]
    used = math.degrees((sum(advances) - spacing) / radius)
    # Angles on screen (y down): the top is -90°, the bottom 90°; clockwise is increasing.
    along = -90 - used / 2 if top else 90 + used / 2
    direction = 1 if top else -1
    for ch, advance in zip(text, advances, strict=True):
        middle = along + direction * math.degrees((advance - spacing) / 2 / radius)
        along += direction * math.degrees(advance / radius)
        if ch == " ":
            continue
        glyph = Image.new("L", (tile, tile), 0)
        # Anchor the glyph so that the middle of a capital sits on the tile's centre, on the circle.
        ImageDraw.Draw(glyph).text((tile / 2, tile / 2 + cap / 2), ch, font=font, fill=255, anchor="ms")
        # PIL rotates counter-clockwise: at the top, a letter turns so its top points away from the
        # centre; at the bottom, so its top points towards it.
        turn = -(middle + 90) if top else 90 - middle
        glyph = glyph.rotate(turn, resample=Image.Resampling.BICUBIC)
        x = center + radius * math.cos(math.radians(middle))
        y = center + radius * math.sin(math.radians(middle))
        left, upper = round(x - tile / 2), round(y - tile / 2)
        mask.paste(ImageChops.lighter(mask.crop((left, upper, left + tile, upper + tile)), glyph), (left, upper))
    return used


def seal_image(agency: str, parent: str | None = None) -> Image.Image:
    """An agency's red round seal on a transparent background, about 500×500, as Vietnamese state seals look:
    a thick outer ring with a thin one inside it, the agency's name in capitals around the top, its parent
    body (if any) around the bottom, small stars between the two, and a five-pointed star in the middle.

    Long names get a smaller font so they stay on their arc.
    """
    top_text = _nfc(agency).upper()
    if not top_text:
        raise ValueError("a seal needs an agency name")
    bottom_text = _nfc(parent).upper() if parent else ""
    s = _SEAL_SUPERSAMPLE
    side = _SEAL_SIZE * s
    c = side / 2
    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)

    outer = c - 6 * s  # a margin so the LANCZOS ringing never reaches the image edge
    _ring(draw, c, outer, 8 * s)
    _ring(draw, c, outer - 14 * s, 2.5 * s)
    inner = outer - 82 * s
    _ring(draw, c, inner, 2.5 * s)
    text_radius = (outer - 14 * s + inner) / 2 - 2 * s
    # Capitals with Vietnamese marks above and below fill the band between the thin rings.
    max_size = 34 * s

    if bottom_text:
        top_used = _arc_text(mask, top_text, text_radius, 215, max_size, top=True)
        bottom_used = _arc_text(mask, bottom_text, text_radius, 105, max_size, top=False)
        # A small star on each side, halfway between where the top text ends and the bottom text starts.
        top_end = -90 + top_used / 2
        bottom_end = 90 - bottom_used / 2
        for angle in ((top_end + bottom_end) / 2, 180 - (top_end + bottom_end) / 2):
            point = (c + text_radius * math.cos(math.radians(angle)), c + text_radius * math.sin(math.radians(angle)))
            draw.polygon(_star(point, 8 * s, rotation=angle), fill=255)
    else:
        _arc_text(mask, top_text, text_radius, 300, max_size, top=True)
        point = (c, c + text_radius)
        draw.polygon(_star(point, 10 * s, rotation=-90), fill=255)

    draw.polygon(_star((c, c), inner * 0.72), fill=255)
    return _inked(mask, (_SEAL_SIZE, _SEAL_SIZE), SEAL_RED)
