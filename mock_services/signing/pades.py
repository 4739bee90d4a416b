"""Sign a PDF: a PAdES baseline signature (pyHanko) with an RFC 3161 time stamp, added as an
incremental update so that every earlier signature stays intact, optionally with a visible
appearance (an image, a line of text, or both) in a box on a page.

Pure: bytes and keys in, bytes out. The keys stay on the server; this is the "remote signing"
half that runs after the PIN or OTP was accepted.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from PIL.Image import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from mock_services.core.pdf_fonts import font_file
from mock_services.signing.pki import Issued

FONT = font_file()

# fontTools says, at every text stamp, that it drops a table of our font it cannot subset (FFTM): not news.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


@dataclass(frozen=True)
class _FontInMemory(GlyphAccumulatorFactory):
    """pyHanko's factory opens the font file for every signature and never closes it; this one
    reads the vendored font once and hands each signature its own in-memory copy."""

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_font_bytes()),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


@functools.cache
def _font_bytes() -> bytes:
    return FONT.read_bytes()


class PdfSigningError(ValueError):
    """The PDF cannot be signed as asked (unreadable, encrypted, no such page)."""


@dataclass(frozen=True)
class Box:
    """Where a visible signature goes: a page (0-based) and a rectangle in PDF points, origin at
    the bottom left as PDF has it."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "page": self.page + 1,
            "x0": round(self.x0, 2),
            "y0": round(self.y0, 2),
            "x1": round(self.x1, 2),
            "y1": round(self.y1, 2),
        }


@dataclass(frozen=True)
class Look:
    """What the box shows: an image (signature or seal, transparent PNG), a text, or both."""

    image: Image | None = None
    text: str | None = None
    font_size: int = 10


def asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(issued: Issued) -> asn1_keys.PrivateKeyInfo:
    der = issued.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_keys.PrivateKeyInfo.load(der)


def timestamper(tsa: Issued, chain: Sequence[x509.Certificate], *, at: datetime | None = None) -> DummyTimeStamper:
    """An in-process RFC 3161 time-stamp authority. It stamps ``at`` (the server's time of the
    action, so the token and the logged event agree), else the current time."""
    return DummyTimeStamper(
        fixed_dt=at,
        tsa_cert=asn1_cert(tsa.cert),
        tsa_key=_asn1_key(tsa),
        certs_to_embed=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [asn1_cert(cert) for cert in chain]
        ),
    )


def _style(look: Look) -> TextStampStyle:
    # pyHanko fills %(name)s placeholders in the text; a literal % must be doubled.
    text = (look.text or "").replace("%", "%%")
    # An embedded font with no glyphs used cannot be written; an image-only box needs none.
    font = _FontInMemory(str(FONT)) if text else None
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(font=font, font_size=look.font_size) if font else TextBoxStyle(),
        background=PdfImage(look.image) if look.image is not None else None,
        background_opacity=1.0,
        border_width=0,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID
        ),
    )


def sign_pdf(
    pdf: bytes,
    signer: Issued,
    chain: Sequence[x509.Certificate],
    *,
    field: str,
    box: Box | None = None,
    look: Look | None = None,
    tsa: DummyTimeStamper | None = None,
    reason: str | None = None,
    location: str | None = None,
    md_algorithm: str = "sha256",
) -> bytes:
    """``pdf`` with one more signature, in a new field ``field``, appended as an incremental update."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as error:  # pyHanko raises many kinds on a malformed file
        raise PdfSigningError(f"not a readable PDF: {error}") from error
    if writer.prev.encrypted:
        raise PdfSigningError("the PDF is encrypted")
    field_spec = None
    if box is not None:
        pages = int(writer.root["/Pages"]["/Count"])
        if not 0 <= box.page < pages:
            raise PdfSigningError(f"the PDF has {pages} pages, not a page {box.page + 1}")
        # pyHanko's annotation says int; it writes the floats as given, which keeps the box exact.
        rect = (box.x0, box.y0, box.x1, box.y1)
        field_spec = fields.SigFieldSpec(field, on_page=box.page, box=rect)  # type: ignore[arg-type]
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm=md_algorithm,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    cms_signer = signers.SimpleSigner(
        signing_cert=asn1_cert(signer.cert),
        signing_key=_asn1_key(signer),
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [asn1_cert(cert) for cert in chain]
        ),
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=cms_signer,
        timestamper=tsa,
        stamp_style=_style(look) if look is not None else None,
        new_field_spec=field_spec,
    )
    try:
        out = pdf_signer.sign_pdf(writer)
    except SigningError as error:  # e.g. the field is already signed
        raise PdfSigningError(str(error)) from error
    return bytes(out.getbuffer())
