"""The rules of the signing service, without I/O: what a certificate's state allows, how PINs lock
a token, what kinds of signature there are and where a box may go."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol

PIN_ATTEMPTS = 3  # three wrong PINs in a row lock the token, as a real USB token does
OTP_SECONDS = 120
MIN_BOX_POINTS = 12.0  # a box smaller than this on either side cannot show anything


class SigningError(Exception):
    """An action the signing rules refuse; the message is Vietnamese and shown to the candidate as is."""


class CertificateStatus(StrEnum):
    hoat_dong = "hoat_dong"
    bi_khoa = "bi_khoa"
    thu_hoi = "thu_hoi"


CERTIFICATE_STATUS_NAMES: dict[CertificateStatus, str] = {
    CertificateStatus.hoat_dong: "Đang hoạt động",
    CertificateStatus.bi_khoa: "Bị khóa (nhập sai mã PIN 3 lần)",
    CertificateStatus.thu_hoi: "Đã thu hồi",
}


class SignatureKind(StrEnum):
    """What a signature is for: the leader's personal signature, or one of the văn thư's
    organisation signatures at issue (Thêm số, Thêm ngày, Đóng dấu), or the organisation's
    signature on a separate appendix file (no image, số ký hiệu and time as text)."""

    ca_nhan = "ca_nhan"
    so = "so"
    ngay = "ngay"
    dau = "dau"
    phu_luc = "phu_luc"


SIGNATURE_KIND_NAMES: dict[SignatureKind, str] = {
    SignatureKind.ca_nhan: "Ký cá nhân",
    SignatureKind.so: "Thêm số",
    SignatureKind.ngay: "Thêm ngày",
    SignatureKind.dau: "Đóng dấu",
    SignatureKind.phu_luc: "Ký phụ lục (tổ chức)",
}
ORGANISATION_KINDS = frozenset({SignatureKind.so, SignatureKind.ngay, SignatureKind.dau, SignatureKind.phu_luc})


class Method(StrEnum):
    """How the signer confirmed: the token's PIN, or an OTP shown on their (simulated) phone."""

    pin = "pin"
    otp = "otp"


def require_usable(status: CertificateStatus) -> None:
    if status is CertificateStatus.bi_khoa:
        raise SigningError(
            "Chứng thư số đang bị khóa do nhập sai mã PIN quá 3 lần. Vui lòng báo cán bộ coi thi để mở khóa."
        )
    if status is CertificateStatus.thu_hoi:
        raise SigningError("Chứng thư số đã bị thu hồi, không thể dùng để ký.")


def after_wrong_pin(failed: int) -> tuple[int, bool, str]:
    """(failures so far, now locked?, the message) after one more wrong PIN."""
    failed += 1
    if failed >= PIN_ATTEMPTS:
        return failed, True, "Mã PIN không đúng. Bạn đã nhập sai 3 lần: chứng thư số bị khóa, hãy báo cán bộ coi thi."
    left = PIN_ATTEMPTS - failed
    return failed, False, f"Mã PIN không đúng. Bạn còn {left} lần thử trước khi chứng thư số bị khóa."


class PageArea(Protocol):
    """A page's size in PDF points (``preview.PageSize`` is one)."""

    @property
    def width(self) -> float: ...

    @property
    def height(self) -> float: ...


def check_box(page: int, pages: Sequence[PageArea], x0: float, y0: float, x1: float, y1: float) -> None:
    """A signature box must lie on an existing page, inside it, and be big enough to see."""
    if not 0 <= page < len(pages):
        raise SigningError(f"Văn bản có {len(pages)} trang; không có trang {page + 1}.")
    area = pages[page]
    if x1 - x0 < MIN_BOX_POINTS or y1 - y0 < MIN_BOX_POINTS:
        raise SigningError("Khung chữ ký quá nhỏ. Hãy kéo khung rộng hơn trên trang văn bản.")
    if x0 < 0 or y0 < 0 or x1 > area.width + 0.5 or y1 > area.height + 0.5:
        raise SigningError("Khung chữ ký nằm ngoài trang văn bản. Hãy kéo khung vào trong trang.")
