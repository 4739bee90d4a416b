"""The words and rules of a dossier: statuses and channels as the national portal codes them, the
dossier code, and the intake form's checks on the applicant."""

from __future__ import annotations

from datetime import date

import pytest

from mock_services.onestop.domain import (
    DOSSIER_CODE,
    Channel,
    OnestopError,
    Status,
    check_applicant,
    dossier_code,
)


def test_statuses_carry_the_national_portal_codes_and_names() -> None:
    assert [(s.code, s.label) for s in (Status.da_tiep_nhan, Status.yeu_cau_bo_sung, Status.da_tra_ket_qua)] == [
        (2, "Được tiếp nhận"),
        (5, "Yêu cầu bổ sung giấy tờ"),
        (10, "Đã trả kết quả"),
    ]
    assert len({s.code for s in Status}) == len(Status)
    assert Channel.bcci.label == "Dịch vụ bưu chính công ích"


def test_the_dossier_code_is_unit_day_and_running_number() -> None:
    code = dossier_code("000.00.13.H13", date(2026, 11, 20), 7)
    assert code == "000.00.13.H13-261120-0007"
    match = DOSSIER_CODE.match(code)
    assert match is not None
    assert match["day"] == "261120"


@pytest.mark.parametrize(("unit", "number"), [("H13", 1), ("000.00.13.H13", 0), ("000.00.13.H13", 10_000)])
def test_a_dossier_code_from_a_wrong_unit_or_number_is_refused(unit: str, number: int) -> None:
    with pytest.raises(ValueError, match=r"agency identifier|running number"):
        dossier_code(unit, date(2026, 11, 20), number)


def test_the_applicant_is_tidied_as_typed_at_the_desk() -> None:
    applicant = check_applicant("  Nguyễn   Văn An ", "0921 8600 0123", "+84 912.345.678", "12 Trần Hưng Đạo")
    assert applicant.name == "Nguyễn Văn An"
    assert applicant.id_number == "092186000123"
    assert applicant.phone == "0912345678"


def test_every_problem_of_the_applicant_is_said_at_once_in_vietnamese() -> None:
    with pytest.raises(OnestopError) as refused:
        check_applicant("An2", "09218600012", "912345678", "", "an@")
    assert str(refused.value) == (
        "Họ và tên người nộp không hợp lệ. Số căn cước phải gồm đúng 12 chữ số. "
        "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng số 0. "
        "Vui lòng nhập địa chỉ (số nhà, đường/khu vực, phường/xã). Địa chỉ thư điện tử không hợp lệ."
    )
