"""The words and rules of a dossier (hồ sơ) at the one-stop desk, pure: its statuses and channels as
the national portal codes them, the dossier code (mã hồ sơ), and the checks on an applicant's
details that the intake form makes before anything is saved."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from mock_services.core.errors import SathachError
from mock_services.mail.domain import is_address


class OnestopError(SathachError):
    """A one-stop action refused; the message is for the official, in Vietnamese."""


class Status(StrEnum):
    """TrangThaiHoSo of the national portal (domain reference §5.6), the codes in ``code``."""

    moi_dang_ky = "moi_dang_ky"  # 1: an online dossier not yet checked
    da_tiep_nhan = "da_tiep_nhan"  # 2
    khong_tiep_nhan = "khong_tiep_nhan"  # 3: từ chối tiếp nhận
    dang_xu_ly = "dang_xu_ly"  # 4
    yeu_cau_bo_sung = "yeu_cau_bo_sung"  # 5
    dung_xu_ly = "dung_xu_ly"  # 8
    da_xu_ly_xong = "da_xu_ly_xong"  # 9: the result is ready, to return
    da_tra_ket_qua = "da_tra_ket_qua"  # 10

    @property
    def code(self) -> int:
        return _STATUS_CODES[self]

    @property
    def label(self) -> str:
        return STATUS_NAMES[self]


_STATUS_CODES = {
    Status.moi_dang_ky: 1,
    Status.da_tiep_nhan: 2,
    Status.khong_tiep_nhan: 3,
    Status.dang_xu_ly: 4,
    Status.yeu_cau_bo_sung: 5,
    Status.dung_xu_ly: 8,
    Status.da_xu_ly_xong: 9,
    Status.da_tra_ket_qua: 10,
}
STATUS_NAMES = {
    Status.moi_dang_ky: "Mới đăng ký",
    Status.da_tiep_nhan: "Được tiếp nhận",
    Status.khong_tiep_nhan: "Không được tiếp nhận",
    Status.dang_xu_ly: "Đang xử lý",
    Status.yeu_cau_bo_sung: "Yêu cầu bổ sung giấy tờ",
    Status.dung_xu_ly: "Dừng xử lý",
    Status.da_xu_ly_xong: "Đã xử lý xong",
    Status.da_tra_ket_qua: "Đã trả kết quả",
}


class Channel(StrEnum):
    """KenhThucHien: how the dossier came in."""

    truc_tiep = "truc_tiep"  # 1: at the desk
    truc_tuyen = "truc_tuyen"  # 2: on the Cổng Dịch vụ công
    bcci = "bcci"  # 3: by public post (bưu chính công ích)

    @property
    def label(self) -> str:
        return {"truc_tiep": "Trực tiếp", "truc_tuyen": "Trực tuyến", "bcci": "Dịch vụ bưu chính công ích"}[self]


# --- The dossier code: <mã định danh đơn vị>-<YYMMDD>-<NNNN> (domain reference §5.5)

UNIT_ID = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}$")  # the agency's electronic identifier, e.g. 000.00.13.H13
DOSSIER_CODE = re.compile(r"^(?P<unit>\d{3}\.\d{2}\.\d{2}\.H\d{2})-(?P<day>\d{6})-(?P<number>\d{4})$")


def dossier_code(unit_id: str, received: date, number: int) -> str:
    """``000.00.13.H13-261120-0007``: the unit, the day of intake, the day's running number."""
    if not UNIT_ID.match(unit_id):
        raise ValueError(f"{unit_id!r} is not an agency identifier such as 000.00.13.H13")
    if not 1 <= number <= 9999:
        raise ValueError(f"the day's running number is 1–9999, not {number}")
    return f"{unit_id}-{received:%y%m%d}-{number:04d}"


# --- The applicant (người nộp hồ sơ)

CCCD = re.compile(r"^\d{12}$")
PHONE = re.compile(r"^0\d{9}$")  # a Vietnamese mobile or landline number, as written at the desk


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str  # số căn cước (12 digits)
    phone: str
    address: str
    email: str = ""


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def check_applicant(name: str, id_number: str, phone: str, address: str, email: str = "") -> Applicant:
    """The applicant's details as the intake form takes them, tidied; every problem at once, in
    Vietnamese, so that the official corrects them in one go."""
    name, address, email = _clean(name), _clean(address), email.strip()
    id_number = re.sub(r"\s+", "", id_number)
    phone = re.sub(r"[\s.\-]", "", phone)
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    problems = []
    if len(name) < 2 or any(ch.isdigit() for ch in name):
        problems.append("Họ và tên người nộp không hợp lệ.")
    if not CCCD.match(id_number):
        problems.append("Số căn cước phải gồm đúng 12 chữ số.")
    if not PHONE.match(phone):
        problems.append("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng số 0.")
    if len(address) < 5:
        problems.append("Vui lòng nhập địa chỉ (số nhà, đường/khu vực, phường/xã).")
    if email and not is_address(email):  # the mail service's rule: the system mails it
        problems.append("Địa chỉ thư điện tử không hợp lệ.")
    if problems:
        raise OnestopError(" ".join(problems))
    return Applicant(name, id_number, phone, address, email)


DEFAULT_UNIT_ID = "000.00.13.H13"  # H13: Cần Thơ's provincial part, unverified (domain reference §5.5)


# --- Returning the result (trả kết quả)


class ReturnMethod(StrEnum):
    """HinhThucTra: how the result reaches the citizen."""

    tai_bo_phan_mot_cua = "tai_bo_phan_mot_cua"
    buu_chinh = "buu_chinh"
    truc_tuyen = "truc_tuyen"

    @property
    def label(self) -> str:
        return RETURN_METHOD_NAMES[self]


RETURN_METHOD_NAMES = {
    ReturnMethod.tai_bo_phan_mot_cua: "Trực tiếp tại Bộ phận Một cửa",
    ReturnMethod.buu_chinh: "Qua dịch vụ bưu chính công ích",
    ReturnMethod.truc_tuyen: "Trực tuyến (kho dữ liệu của công dân)",
}

# Where a dossier is still with the unit: these count towards Quá hạn and Tới hạn.
OPEN = frozenset({Status.da_tiep_nhan, Status.dang_xu_ly, Status.da_xu_ly_xong})


class Timeliness(StrEnum):
    """The derived flags of the lists (domain reference §5.6)."""

    qua_han = "qua_han"  # overdue
    toi_han = "toi_han"  # due today
    trong_han = "trong_han"

    @property
    def label(self) -> str:
        return {"qua_han": "Quá hạn", "toi_han": "Tới hạn", "trong_han": "Trong hạn"}[self]


def timeliness(status: Status, due: date, today: date) -> Timeliness | None:
    """Quá hạn once the return date has passed and the result is not back with the citizen; tới hạn on
    the day itself. A dossier not (or no longer) with the unit has neither."""
    if status not in OPEN:
        return None
    if today > due:
        return Timeliness.qua_han
    return Timeliness.toi_han if today == due else Timeliness.trong_han
