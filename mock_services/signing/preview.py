"""Pictures of PDF pages for the signing pages: the candidate sees the page and drags the signature box onto
it, so the server renders the page (pypdfium2) rather than trusting a PDF viewer in the browser.

Pure functions over bytes. Form fields and annotations are drawn, so signatures already on the document show
where they are, with their appearances (the signature image, the seal).

PDFium keeps global state and is not thread-safe; pypdfium2 says so. FastAPI runs sync handlers on a thread
pool, so every call into it goes through one lock. Documents and pages are closed before the lock is released,
never left to the garbage collector, which could run on another thread at any time.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]
from PIL import Image

__all__ = ["PageSize", "PreviewError", "page_sizes", "render_page"]

_LOCK = threading.Lock()
_MAX_WIDTH_PX = 4000  # a preview, not a print: bounds the memory one request can ask for


class PreviewError(ValueError):
    """The PDF cannot be previewed as asked (not a PDF, encrypted, broken, no such page)."""


@dataclass(frozen=True)
class PageSize:
    """A page's size in PDF points (1/72 inch), as displayed (after the page's rotation)."""

    width: float
    height: float


@contextmanager
def _opened(pdf: bytes) -> Iterator[Any]:
    """The document, with its form environment, under the lock; closed (pages, forms, document) on exit."""
    if b"%PDF-" not in pdf[:1024]:
        # Readers allow junk before the header, within the first 1024 bytes; anything else is refused here,
        # without waiting for the lock.
        raise PreviewError("not a PDF")
    with _LOCK:
        try:
            document = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as error:
            if error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
                raise PreviewError("the PDF is encrypted") from error
            raise PreviewError(f"not a readable PDF: {error}") from error
        try:
            # PDFium opens a PDF encrypted with an empty user password without asking; the signing
            # service refuses to sign those (pades.sign_pdf), so the preview refuses them too.
            if pdfium_c.FPDF_GetSecurityHandlerRevision(document) != -1:
                raise PreviewError("the PDF is encrypted")
            # The form environment must exist before any page is loaded, or signature widgets are not drawn.
            document.init_forms()
            yield document
        finally:
            document.close()


def page_sizes(pdf: bytes) -> list[PageSize]:
    """The size of each page, in order."""
    with _opened(pdf) as document:
        sizes = []
        for index in range(len(document)):
            width, height = document.get_page_size(index)
            # PDFium reports single-precision floats (595.280029…); two decimals is what the PDF says.
            sizes.append(PageSize(width=round(float(width), 2), height=round(float(height), 2)))
    if not sizes:
        raise PreviewError("the PDF has no pages")
    return sizes


def render_page(pdf: bytes, index: int, *, width_px: int = 900) -> bytes:
    """Page ``index`` (0-based) as PNG bytes, ``width_px`` wide, on white, with form fields and annotations
    (signature appearances) drawn."""
    if not 1 <= width_px <= _MAX_WIDTH_PX:
        raise ValueError(f"width_px must be between 1 and {_MAX_WIDTH_PX}, not {width_px}")
    with _opened(pdf) as document:
        count = len(document)
        if not 0 <= index < count:
            raise PreviewError(f"the PDF has {count} pages, not a page {index + 1}")
        try:
            page = document.get_page(index)
        except pdfium.PdfiumError as error:
            raise PreviewError(f"page {index + 1} cannot be read: {error}") from error
        try:
            page_width = float(page.get_width())
            if not page_width > 0 or not math.isfinite(page_width):
                raise PreviewError(f"page {index + 1} has no width")
            bitmap = page.render(
                scale=width_px / page_width,
                may_draw_forms=True,  # signature widgets: drawn by the form environment
                draw_annots=True,  # every other annotation
                fill_color=(255, 255, 255, 255),
            )
            try:
                image: Image.Image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            page.close()
    # Rounding the page size up can add a column; the caller asked for an exact width.
    if image.width != width_px:
        image = image.crop((0, 0, width_px, image.height))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()
