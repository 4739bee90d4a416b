"""The procedures the one-stop desk receives: the real commune-level ones the issue names are there,
each complete and consistent with its law; a broken procedures file is refused naming the
procedure and the field."""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

import pytest

from mock_services.onestop.procedures import ProcedureError, parse, procedure, procedures

REQUIRED = {
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    "Chứng thực chữ ký trong các giấy tờ, văn bản",
    "Đăng ký khai sinh",
    "Đăng ký kết hôn",
    "Cấp Giấy xác nhận tình trạng hôn nhân",
}


def test_at_least_eight_procedures_among_them_those_the_tasks_need() -> None:
    names = {p.name for p in procedures().values()}
    assert len(procedures()) >= 8
    assert names >= REQUIRED


def test_every_text_is_vietnamese_in_nfc() -> None:
    for found in procedures().values():
        texts = (found.name, found.handled_by, found.deadline.text, found.result, *(c.name for c in found.components))
        for text in texts:
            assert unicodedata.is_normalized("NFC", text), text


def test_the_same_day_procedures_state_the_15_oclock_rule_and_the_others_their_days() -> None:
    for found in procedures().values():
        if found.deadline.same_day:
            assert "15 giờ" in found.deadline.text, found.name
        else:
            assert f"{found.deadline.working_days:02d} ngày làm việc" in found.deadline.text, found.name


def test_a_birth_is_registered_with_the_birth_certificate_and_the_id_shown() -> None:
    khai_sinh = procedure("1.001193")
    by_name = {c.name: c for c in khai_sinh.components}
    assert by_name["Giấy chứng sinh"].original == 1
    assert "người làm chứng" in by_name["Giấy chứng sinh"].note
    assert by_name["Giấy tờ tùy thân của người đi đăng ký (CCCD/hộ chiếu)"].shown
    assert khai_sinh.deadline.same_day
    assert khai_sinh.fee.amount == 0


def test_copies_certified_from_originals_list_when_to_refuse_among_them_a_paper_stamped_secret() -> None:
    sao_y = procedure("2.000815")
    assert sao_y.deadline.same_day
    assert any("mật" in reason for reason in sao_y.refuse_when)
    assert len(sao_y.refuse_when) == 6  # Nghị định 23/2015, Điều 22
    assert sao_y.fee.amount == 2000


def test_an_unknown_code_names_the_known_ones() -> None:
    with pytest.raises(ProcedureError, match=r"no procedure '9.999999'; known: 1.001193, "):
        procedure("9.999999")


GOOD: dict[str, Any] = {
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "field": "Hộ tịch",
    "handled_by": "Công chức Tư pháp - Hộ tịch",
    "components": [{"name": "Tờ khai", "original": 1}],
    "deadline": {"working_days": 0, "text": "Trong ngày; sau 15 giờ thì ngày làm việc tiếp theo."},
    "fee": {"amount": 0, "text": "Miễn phí."},
    "result": "Giấy khai sinh",
    "basis": ["Luật Hộ tịch 2014, Điều 16"],
}


def changed(path: str, value: Any) -> dict[str, Any]:
    entry = copy.deepcopy(GOOD)
    *head, last = path.split(".")
    target: Any = entry
    for part in head:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return entry


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        (changed("deadline.working_days", -1), "(1.001193) › deadline.working_days: Input should be greater"),
        (changed("deadlines", {}), "procedure 1 (1.001193) › deadlines: Extra inputs are not permitted"),
        (changed("result", None), "procedure 1 (1.001193) › result: Field required"),
        (changed("code", "1001193"), "procedure 1 (1001193) › code: String should match pattern"),
        (changed("components.0.original", 0), "components.0: Value error, 'Tờ khai': give a number of originals"),
        (changed("components", []), "components: Tuple should have at least 1 item"),
    ],
)
def test_a_broken_procedure_is_refused_naming_it_and_the_field(entry: dict[str, Any], said: str) -> None:
    with pytest.raises(ProcedureError) as refused:
        parse({"procedures": [entry]})
    assert said in str(refused.value)
    assert str(refused.value).startswith("mock_services/onestop/data/procedures.yaml: ")


def test_a_code_used_twice_and_a_file_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(ProcedureError, match=r"procedure 2 \(1.001193\): code 1.001193 is used twice"):
        parse({"procedures": [GOOD, GOOD]})
    with pytest.raises(ProcedureError, match="holds one key, procedures"):
        parse([GOOD])
    assert list(parse({"procedures": [GOOD]})) == ["1.001193"]
