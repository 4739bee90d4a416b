"""Changes made to a signed PDF after it was signed, as a PDF editor saving in place makes them
(one incremental update each): what setup uses to seed an "altered" incoming document, and what
the verifier's tamper corpus is tested with. Each leaves the signed bytes intact; the verifier
must still see that a page changed after the signature (pyHanko's difference analysis).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter


def update(pdf: bytes, change: Callable[[IncrementalPdfFileWriter], None]) -> bytes:
    """``pdf`` with one incremental update appended, written by ``change``."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_of(writer: IncrementalPdfFileWriter, index: int = 0) -> generic.DictionaryObject:
    page_ref, _ = writer.find_page_for_modification(index)
    page = page_ref.get_object()
    assert isinstance(page, generic.DictionaryObject)
    return page


def replace_page_content(pdf: bytes, page: int = 0) -> bytes:
    """An update that rewrites the page's content stream: the same content with a white box drawn
    over the top of the body, as an editor "whiting out" a line would."""

    def change(writer: IncrementalPdfFileWriter) -> None:
        page_object = page_of(writer, page)
        old = page_object["/Contents"]
        data = old.data if isinstance(old, generic.StreamObject) else b""
        data += b"\nq 1 1 1 rg 85 560 440 40 re f Q\n"
        page_object["/Contents"] = writer.add_object(generic.StreamObject(stream_data=data))
        writer.update_container(page_object)

    return update(pdf, change)


def add_page(pdf: bytes, text: bytes = b"(PHU LUC BO SUNG) Tj") -> bytes:
    """An update that appends a page to the document."""

    def change(writer: IncrementalPdfFileWriter) -> None:
        font = writer.add_object(_helvetica())
        content = writer.add_object(generic.StreamObject(stream_data=b"BT /FS 14 Tf 85 760 Td " + text + b" ET"))
        resources = generic.DictionaryObject({generic.pdf_name("/Font"): generic.DictionaryObject({"/FS": font})})
        page = generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                generic.pdf_name("/MediaBox"): _numbers(0, 0, 595.28, 841.89),
                generic.pdf_name("/Resources"): resources,
                generic.pdf_name("/Contents"): content,
            }
        )
        writer.insert_page(page)

    return update(pdf, change)


def replace_media_box(pdf: bytes, page: int = 0) -> bytes:
    """An update that gives the page another /MediaBox (cropping away its lower half), on the page
    object itself or on the page-tree node it inherits it from."""

    def change(writer: IncrementalPdfFileWriter) -> None:
        node: Any = page_of(writer, page)
        while "/MediaBox" not in node and "/Parent" in node:
            node = node["/Parent"]
        node["/MediaBox"] = _numbers(0, 420, 595.28, 841.89)
        writer.update_container(node)

    return update(pdf, change)


def overlay_text(
    pdf: bytes, text: bytes = b"(DA DUYET CHI 500.000.000 DONG) Tj", page: int = 0, at: tuple[float, float] = (90, 470)
) -> bytes:
    """An update that adds a content stream drawing red text over the page (Helvetica: ASCII)."""

    def change(writer: IncrementalPdfFileWriter) -> None:
        font = writer.add_object(_helvetica())
        place = f"{at[0]:.1f} {at[1]:.1f}".encode()
        stream = generic.StreamObject(stream_data=b"BT 1 0 0 rg /FSathach 16 Tf " + place + b" Td " + text + b" ET")
        resources = generic.DictionaryObject({generic.pdf_name("/Font"): generic.DictionaryObject({"/FSathach": font})})
        writer.add_stream_to_page(page, writer.add_object(stream), resources=resources)

    return update(pdf, change)


def _helvetica() -> generic.DictionaryObject:
    return generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )


def _numbers(*values: float) -> generic.ArrayObject:
    return generic.ArrayObject([generic.FloatObject(value) for value in values])
