"""Sign a PDF for a candidate: check the certificate and the confirmation (PIN or OTP), check the
box, sign on the server with the certificate's key, keep the signed PDF as a new blob and log
``signing.pdf_signed``. The documents service calls this for ký số and phát hành; the "Ký số
tệp" page calls it for an uploaded file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PIL import Image
from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.acting import Acting, emit
from mock_services.signing import appearance, authority, certificates, pades, preview
from mock_services.signing.domain import (
    ORGANISATION_KINDS,
    Method,
    SignatureKind,
    SigningError,
    check_box,
    require_usable,
)
from mock_services.signing.events import PdfSigned
from mock_services.signing.pki import Holder
from mock_services.signing.store import Certificate

FIELD_PREFIX = {
    SignatureKind.ca_nhan: "ChuKyCaNhan",
    SignatureKind.so: "ThemSo",
    SignatureKind.ngay: "ThemNgay",
    SignatureKind.dau: "DongDau",
    SignatureKind.phu_luc: "KyPhuLuc",
}


@dataclass(frozen=True)
class Request:
    """What the signer asked for on the page."""

    pdf: bytes
    name: str
    kind: SignatureKind
    box: pades.Box | None
    method: Method
    code: str  # the PIN or the OTP
    text: str = ""  # shown in the box: the number, the date, the số ký hiệu and time …
    seal_parent: str | None = None  # the seal's lower arc, e.g. "THÀNH PHỐ CẦN THƠ"


@dataclass(frozen=True)
class Signed:
    data: bytes
    sha256: str
    size: int
    field: str
    cert: Certificate


def _look(request: Request, cert: Certificate) -> pades.Look | None:
    if request.box is None:
        return None
    if request.kind is SignatureKind.ca_nhan:
        return pades.Look(image=appearance.signature_image(cert.name), text=request.text or None)
    if request.kind is SignatureKind.dau:
        return pades.Look(image=appearance.seal_image(cert.organization, request.seal_parent))
    if request.kind in (SignatureKind.so, SignatureKind.ngay):
        # An opaque white ground hides the blank "Số:      /…" or "ngày … tháng …" it is stamped over.
        ground = Image.new("RGB", (8, 8), (255, 255, 255))
        return pades.Look(image=ground, text=request.text, font_size=13 if request.kind is SignatureKind.so else 14)
    return pades.Look(text=request.text)  # an appendix: text only, no image (Phụ lục I)


def page_areas(pdf: bytes) -> list[preview.PageSize]:
    try:
        return preview.page_sizes(pdf)
    except preview.PreviewError as error:
        raise SigningError("Không mở được tệp để ký: tệp không phải PDF, bị hỏng hoặc được đặt mật khẩu.") from error


def check_request(request: Request, cert: Certificate) -> None:
    """Everything that can be refused before the confirmation is checked."""
    require_usable(cert.status)
    if request.kind is SignatureKind.ca_nhan and cert.holder is not Holder.ca_nhan:
        raise SigningError("Chữ ký cá nhân phải dùng chứng thư số cá nhân, không dùng chứng thư số của cơ quan.")
    if request.kind in ORGANISATION_KINDS and cert.holder is not Holder.to_chuc:
        raise SigningError(
            "Thêm số, thêm ngày, đóng dấu và ký phụ lục dùng chứng thư số của cơ quan (tổ chức), "
            "không dùng chứng thư cá nhân."
        )
    pages = page_areas(request.pdf)
    if request.box is not None:
        box = request.box
        check_box(box.page, pages, box.x0, box.y0, box.x1, box.y1)


def confirm(
    conn: Connection, candidate: Candidate, acting: Acting, cert: Certificate, method: Method, code: str
) -> Certificate | certificates.Refused:
    if method is Method.otp:
        return certificates.check_otp(conn, acting, cert, code)
    return certificates.check_pin(conn, candidate, acting, cert, code)


def sign(
    conn: Connection,
    candidate: Candidate,
    acting: Acting,
    cert: Certificate,
    request: Request,
    *,
    by: str,
    role: str = "",
    document: dict[str, Any] | None = None,
) -> Signed | certificates.Refused:
    """Sign ``request.pdf`` with ``cert`` once the confirmation is right; a wrong PIN is recorded
    and returned as ``Refused`` (the caller commits it), anything else wrong raises SigningError."""
    check_request(request, cert)
    confirmed = confirm(conn, candidate, acting, cert, request.method, request.code)
    if isinstance(confirmed, certificates.Refused):
        return confirmed
    ca = authority.authority(conn, acting.now)
    field = f"{FIELD_PREFIX[request.kind]}_{acting.now:%Y%m%d%H%M%S%f}"
    try:
        data = pades.sign_pdf(
            request.pdf,
            confirmed.issued(),
            [ca.ca.cert, ca.root.cert],
            field=field,
            box=request.box,
            look=_look(request, confirmed),
            tsa=pades.timestamper(ca.tsa, [ca.ca.cert, ca.root.cert], at=acting.now),
            reason=request.kind.value,
        )
    except pades.PdfSigningError as error:
        raise SigningError("Không ký được tệp này: tệp PDF bị hỏng, được mã hóa hoặc không đúng định dạng.") from error
    source = acting.blobs.put(conn, request.pdf, now=acting.now)
    ref = acting.blobs.put(conn, data, now=acting.now)
    event = PdfSigned(
        by=by,
        role=role,
        kind=request.kind.value,
        method=request.method.value,
        serial=confirmed.serial,
        holder=confirmed.holder.value,
        signer=confirmed.name,
        field=field,
        box=request.box.as_dict() if request.box else None,
        text=request.text,
        name=request.name,
        source_sha256=source.sha256,
        sha256=ref.sha256,
        document=document,
    )
    emit(conn, candidate, acting, event, ref.sha256)
    return Signed(data=data, sha256=ref.sha256, size=ref.size, field=field, cert=confirmed)
