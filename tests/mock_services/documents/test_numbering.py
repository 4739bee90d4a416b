"""Số, ký hiệu and the date line as Nghị định 30/2020/NĐ-CP writes them (Phụ lục I, mục II.3–II.4;
Phụ lục III), and the checks that name the rule a written number or date breaks."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mock_services.documents.numbering import (
    CONG_VAN,
    DOCUMENT_TYPES,
    TYPE_NAMES,
    FormatProblem,
    check_date_words,
    check_number_symbol,
    date_words,
    format_number,
    number_symbol,
    place_date,
    symbol_of,
    type_key,
)

# --- Writing them


@pytest.mark.parametrize(("number", "written"), [(1, "01"), (5, "05"), (9, "09"), (10, "10"), (99, "99"), (215, "215")])
def test_numbers_below_ten_take_a_leading_zero(number: int, written: str) -> None:
    assert format_number(number) == written


@pytest.mark.parametrize("number", [0, -1])
def test_numbers_start_at_one(number: int) -> None:
    with pytest.raises(ValueError, match="start at 1"):
        format_number(number)


def test_a_cong_van_s_symbol_is_the_issuer_then_the_drafting_unit() -> None:
    assert symbol_of(CONG_VAN, "UBND", "VHXH") == "UBND-VHXH"
    assert number_symbol(5, symbol_of(CONG_VAN, "UBND", "VP")) == "05/UBND-VP"


@pytest.mark.parametrize(
    ("kind", "symbol"), [("KH", "KH-UBND"), ("QĐ", "QĐ-UBND"), ("QyĐ", "QyĐ-UBND"), ("TTr", "TTr-UBND")]
)
def test_a_typed_document_s_symbol_is_its_type_then_the_issuer(kind: str, symbol: str) -> None:
    assert symbol_of(kind, "UBND", "VHXH") == symbol
    assert number_symbol(15, symbol) == f"15/{symbol}"


def test_cong_van_is_not_a_type_abbreviation() -> None:
    assert CONG_VAN not in DOCUMENT_TYPES
    assert TYPE_NAMES[CONG_VAN] == "Công văn"
    assert TYPE_NAMES["QĐ"] == "Quyết định"  # the "(cá biệt)" of Phụ lục III is not printed
    assert DOCUMENT_TYPES["QyĐ"] == "Quy định"


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 15), "ngày 15 tháng 3 năm 2026"),
        (date(2026, 9, 9), "ngày 09 tháng 9 năm 2026"),
        (date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_days_below_ten_and_months_one_and_two_take_a_leading_zero(day: date, words: str) -> None:
    assert date_words(day) == words


def test_the_place_and_date_line_of_a_dated_and_of_an_undated_document() -> None:
    assert place_date("Ninh Kiều", date(2026, 1, 5)) == "Ninh Kiều, ngày 05 tháng 01 năm 2026"
    assert place_date("Ninh Kiều", None, year=2026) == "Ninh Kiều, ngày      tháng      năm 2026"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Công văn", "CV"),
        ("công văn", "CV"),
        ("Kế hoạch", "KH"),
        ("kế hoạch", "KH"),
        ("KH", "KH"),
        ("Quyết định", "QĐ"),
        ("Quyết định (cá biệt)", "QĐ"),
        ("Quy định", "QyĐ"),
        ("Tờ trình", "TTr"),
        (unicodedata.normalize("NFD", "Kế hoạch"), "KH"),  # as some keyboards send it
        ("  Báo cáo ", "BC"),
        ("Văn bản", None),
        ("XYZ", None),
    ],
)
def test_a_type_is_found_by_its_name_or_abbreviation(name: str, key: str | None) -> None:
    assert type_key(name) == key


# --- Checking them: each problem names the rule broken


def rules(problems: Sequence[FormatProblem]) -> list[str]:
    return [p.rule for p in problems]


@pytest.mark.parametrize(
    ("written", "rule", "said"),
    [
        ("5/UBND-VP", "leading_zero", "Số “5”: số nhỏ hơn 10 phải ghi thêm số 0 phía trước, ví dụ “05”"),
        (
            "05/CV-UBND",
            "cong_van_abbreviation",
            "công văn không có chữ viết tắt tên loại, “CV” không có trong Phụ lục III",
        ),
        ("12 / QĐ-UBND", "spaces", "“12 / QĐ-UBND”: số, ký hiệu viết liền, không có dấu cách"),
        ("", "empty", "Chưa nhập số, ký hiệu văn bản."),
        ("05-UBND-VP", "slash", "giữa số và ký hiệu phải có dấu gạch chéo “/”"),
        ("5a/UBND-VP", "digits", "phải viết bằng chữ số Ả Rập"),
        ("00/UBND-VP", "zero", "số văn bản bắt đầu từ 01"),
        ("012/UBND-VP", "extra_zero", "chỉ số nhỏ hơn 10 mới có số 0 phía trước"),
        ("05/UBND", "groups", "nối với nhau bằng dấu gạch nối “-”"),
        ("05/UBND-", "groups", "nối với nhau bằng dấu gạch nối “-”"),
        ("05/Ubnd-VP", "capitals", "chữ viết tắt phải viết in hoa (Ubnd)"),
        ("05/UBND_VP-X", "characters", "chỉ gồm chữ viết tắt và chữ số"),
    ],
)
def test_a_badly_written_number_names_the_rule_it_breaks(written: str, rule: str, said: str) -> None:
    problems = check_number_symbol(written)
    assert rules(problems) == [rule]
    assert said in problems[0].message


def test_the_three_classic_mistakes_give_one_problem_each() -> None:
    assert rules(check_number_symbol("5/UBND-VP")) == ["leading_zero"]
    assert rules(check_number_symbol("05/CV-UBND")) == ["cong_van_abbreviation"]
    assert rules(check_number_symbol("12 / QĐ-UBND")) == ["spaces"]


def test_a_cong_van_written_with_cv_also_misses_its_issuer_at_the_front() -> None:
    problems = check_number_symbol("05/CV-UBND", kind=CONG_VAN, issuer_abbr="UBND")
    assert rules(problems) == ["cong_van_abbreviation", "issuer_abbreviation"]
    assert "phải có chữ viết tắt tên cơ quan ban hành “UBND” ở đầu" in problems[1].message


@pytest.mark.parametrize(
    ("written", "kind", "rule", "said"),
    [
        ("05/TB-UBND", CONG_VAN, "cong_van_abbreviation", "công văn không ghi chữ viết tắt tên loại (TB)"),
        ("05/QĐ-UBND", "KH", "type_abbreviation", "kế hoạch phải mở đầu bằng chữ viết tắt “KH”"),
        ("05/KH-SNV", "KH", "issuer_abbreviation", "“UBND” sau chữ viết tắt tên loại"),
        ("05/SNV-VP", CONG_VAN, "issuer_abbreviation", "“UBND” ở đầu"),
    ],
)
def test_a_number_is_checked_against_the_document_s_type_and_issuer(
    written: str, kind: str, rule: str, said: str
) -> None:
    problems = check_number_symbol(written, kind=kind, issuer_abbr="UBND")
    assert rule in rules(problems)
    assert any(said in p.message for p in problems), [p.message for p in problems]


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("05/UBND-VP", None),
        ("215/UBND-VP", CONG_VAN),
        ("Số: 05/UBND-VHXH", CONG_VAN),
        ("15/QĐ-UBND", "QĐ"),
        ("03/QyĐ-UBND", "QyĐ"),
        ("12/TTr-UBND", "TTr"),
        ("01/KH-UBND", "KH"),
        ("1234/UBND-KTHTĐT", CONG_VAN),
    ],
)
def test_a_well_written_number_has_no_problem(written: str, kind: str | None) -> None:
    assert check_number_symbol(written, kind=kind, issuer_abbr="UBND") == []


def test_a_cong_van_of_a_unit_abbreviated_like_a_document_type_passes_its_own_check() -> None:
    """Phòng Tổ chức signs "TC", which Phụ lục III also lists for a thông cáo: the công văn it drafts
    is numbered UBND-TC by ``symbol_of``, and that is right, since the unit's abbreviation is the
    second group, where no type abbreviation belongs."""
    written = number_symbol(7, symbol_of(CONG_VAN, "UBND", "TC"))
    assert written == "07/UBND-TC"
    assert check_number_symbol(written, kind=CONG_VAN, issuer_abbr="UBND") == []


@pytest.mark.parametrize(
    ("written", "found", "said"),
    [
        (
            "ngày 5 tháng 1 năm 2026",
            ["day_leading_zero", "month_leading_zero"],
            [
                "ngày nhỏ hơn 10 phải ghi thêm số 0 phía trước (ngày 05)",
                "tháng 1 và tháng 2 phải ghi thêm số 0 phía trước (tháng 01)",
            ],
        ),
        (
            "ngày 15 tháng 03 năm 2026",
            ["month_extra_zero"],
            ["từ tháng 3 trở đi không ghi số 0 phía trước (tháng 3)"],
        ),
        ("ngày 05 tháng 2 năm 2026", ["month_leading_zero"], ["(tháng 02)"]),
        ("ngày 31 tháng 02 năm 2026", ["date_invalid"], ["không phải là một ngày có thật"]),
        ("ngày 05 tháng 01 năm 26", ["date_digits"], ["ghi bằng chữ số Ả Rập"]),
        ("05/01/2026", ["date_shape"], ["ngày tháng ghi đầy đủ “ngày … tháng … năm …”"]),
    ],
)
def test_a_badly_written_date_names_the_rules_it_breaks(written: str, found: list[str], said: list[str]) -> None:
    problems = check_date_words(written)
    assert rules(problems) == found
    for problem, words in zip(problems, said, strict=True):
        assert words in problem.message


@pytest.mark.parametrize(
    "written",
    ["ngày 05 tháng 01 năm 2026", "Ninh Kiều, ngày 15 tháng 3 năm 2026", "Cần Thơ, ngày 31 tháng 12 năm 2026"],
)
def test_a_well_written_date_has_no_problem(written: str) -> None:
    assert check_date_words(written) == []


# --- Properties: what the service writes always passes the checks it applies to others

_LETTERS = "ABCDEGHIKLMNOPQRSTUVXYĐ"
_ABBREVIATIONS = st.text(alphabet=_LETTERS + "0123456789", min_size=1, max_size=7).filter(
    lambda a: a[0] in _LETTERS and a not in DOCUMENT_TYPES and a != CONG_VAN
)
# A drafting unit may well be abbreviated like a document type (Phòng Tổ chức, TC): it is the
# second group of a công văn's symbol, where no type belongs.
_UNITS = st.one_of(_ABBREVIATIONS, st.sampled_from(sorted(a for a in DOCUMENT_TYPES if a.isupper())))


@settings(max_examples=300, derandomize=True, database=None)
@given(
    number=st.integers(min_value=1, max_value=100_000),
    kind=st.sampled_from(sorted(TYPE_NAMES)),
    issuer=_ABBREVIATIONS,
    unit=_UNITS,
)
@example(number=9, kind=CONG_VAN, issuer="UBND", unit="VHXH")
@example(number=10, kind="QyĐ", issuer="UBND", unit="VP")
@example(number=7, kind=CONG_VAN, issuer="UBND", unit="TC")
def test_every_number_the_service_writes_passes_the_check(number: int, kind: str, issuer: str, unit: str) -> None:
    written = number_symbol(number, symbol_of(kind, issuer, unit))
    assert check_number_symbol(written, kind=kind, issuer_abbr=issuer) == []
    assert check_number_symbol(f"Số: {written}", kind=kind, issuer_abbr=issuer) == []


@settings(max_examples=300, derandomize=True, database=None)
@given(st.integers(min_value=1, max_value=9), st.sampled_from(["UBND-VP", "QĐ-UBND", "KH-SNV"]))
def test_every_number_below_ten_without_its_zero_is_caught(number: int, symbol: str) -> None:
    problems = check_number_symbol(f"{number}/{symbol}")
    assert rules(problems) == ["leading_zero"]
    assert f"“0{number}”" in problems[0].message


@settings(max_examples=500, derandomize=True, database=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
@example(date(2026, 1, 5))
@example(date(2026, 3, 15))
def test_every_date_the_service_writes_passes_the_check(day: date) -> None:
    assert check_date_words(date_words(day)) == []
    assert check_date_words(place_date("Ninh Kiều", day)) == []


@settings(max_examples=300, derandomize=True, database=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_every_date_written_without_its_zeros_is_caught(day: date) -> None:
    written = f"ngày {day.day} tháng {day.month} năm {day.year}"
    expected = []
    if day.day < 10:
        expected.append("day_leading_zero")
    if day.month <= 2:
        expected.append("month_leading_zero")
    assert rules(check_date_words(written)) == expected
