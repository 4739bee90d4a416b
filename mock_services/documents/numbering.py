"""Số, ký hiệu and the date line, as Nghị định 30/2020/NĐ-CP writes them; and the checks that name
the exact rule a number, symbol or date breaks. Pure: graderd reads these rules too.

The rules (Phụ lục I, Phần I, mục II.3 and II.4; Phụ lục III, Mục I):

- The number counts the issuing body's documents in the calendar year, from 01 on 1 January, in
  Arabic digits; below 10 it takes a leading 0 ("05/…").
- The symbol of a typed document is the type's abbreviation, then the issuing body's: "15/QĐ-UBND".
  Abbreviations come from Phụ lục III ("QyĐ" for quy định, "TTr" for tờ trình: mixed case kept).
- A công văn has no type abbreviation: its symbol is the issuing body's abbreviation, then the
  drafting unit's or the field's: "215/UBND-VP". "CV" is a common mistake.
- "/" between number and symbol, "-" between the symbol's groups, no spaces, capitals.
- The date: "ngày 05 tháng 01 năm 2026": days below 10 and months 1 and 2 take a leading 0,
  months from 3 on do not ("ngày 15 tháng 3").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

# Phụ lục III, Mục I: the abbreviations of the administrative document types.
DOCUMENT_TYPES: Mapping[str, str] = {
    "NQ": "Nghị quyết (cá biệt)",
    "QĐ": "Quyết định (cá biệt)",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
}
CONG_VAN = "CV"  # our key for a công văn; never part of a symbol
CONG_VAN_NAME = "Công văn"

# The name of each type as a document's heading shows it, and as the forms list them.
TYPE_NAMES: Mapping[str, str] = {
    CONG_VAN: CONG_VAN_NAME,
    **{abbr: name.removesuffix(" (cá biệt)") for abbr, name in DOCUMENT_TYPES.items()},
}

_RULE_SOURCE = "Nghị định 30/2020/NĐ-CP, Phụ lục I"


@dataclass(frozen=True, slots=True)
class FormatProblem:
    """One rule broken: a short key for graders and tests, and the sentence a civil servant reads."""

    rule: str
    message: str


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def type_key(type_name: str) -> str | None:
    """The key of a type named either way: "Công văn", "Kế hoạch", "KH", "kế hoạch" → "CV", "KH", …"""
    wanted = nfc(type_name).strip().casefold()
    for key, name in TYPE_NAMES.items():
        if wanted in (key.casefold(), name.casefold(), DOCUMENT_TYPES.get(key, "").casefold()):
            return key
    return None


def format_number(number: int) -> str:
    """05, 12, 215: a leading zero below 10."""
    if number < 1:
        raise ValueError("document numbers start at 1")
    return f"{number:02d}"


def symbol_of(kind: str, issuer_abbr: str, unit_abbr: str) -> str:
    """The ký hiệu: "QĐ-UBND" for a typed document, "UBND-VP" for a công văn."""
    if kind == CONG_VAN:
        return f"{issuer_abbr}-{unit_abbr}"
    return f"{kind}-{issuer_abbr}"


def number_symbol(number: int, symbol: str) -> str:
    return f"{format_number(number)}/{symbol}"


_MONTHS_PADDED = (1, 2)


def date_words(day: date) -> str:
    """ "ngày 05 tháng 01 năm 2026", "ngày 15 tháng 3 năm 2026"."""
    month = f"{day.month:02d}" if day.month in _MONTHS_PADDED else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(place: str, day: date | None, *, year: int | None = None) -> str:
    """The place and date line; a draft, not yet dated, leaves the day and month blank."""
    if day is None:
        return f"{place}, ngày      tháng      năm {year or ''}".rstrip()
    return f"{place}, {date_words(day)}"


# --- Checks: each names the rule broken, so a candidate (or a grader) learns which one.

_NUMBER_SYMBOL = re.compile(r"^(?P<number>[^/]*)/(?P<symbol>.*)$")
_ABBREVIATION_GROUP = re.compile(r"^[A-ZĐ][A-Za-zĐđ0-9]*$")


def check_number_symbol(text: str, *, kind: str | None = None, issuer_abbr: str | None = None) -> list[FormatProblem]:
    """Problems with a số, ký hiệu such as "05/UBND-VP"; an empty list when it follows the rules.

    ``kind`` (a key of ``TYPE_NAMES``) and ``issuer_abbr`` check the symbol against the
    document's type and issuing body when they are known.
    """
    value = nfc(text).strip()
    value = value.removeprefix("Số:").removeprefix("Số").strip() if value.startswith("Số") else value
    problems: list[FormatProblem] = []
    if not value:
        return [FormatProblem("empty", "Chưa nhập số, ký hiệu văn bản.")]
    if re.search(r"\s", value):
        problems.append(
            FormatProblem("spaces", f"“{value}”: số, ký hiệu viết liền, không có dấu cách ({_RULE_SOURCE}, mục II.3).")
        )
        value = re.sub(r"\s+", "", value)
    found = _NUMBER_SYMBOL.match(value)
    if found is None:
        problems.append(
            FormatProblem(
                "slash",
                f"“{value}”: giữa số và ký hiệu phải có dấu gạch chéo “/”, ví dụ 05/UBND-VP "
                f"({_RULE_SOURCE}, mục II.3).",
            )
        )
        return problems
    number, symbol = found.group("number"), found.group("symbol")
    problems += _number_problems(number)
    problems += _symbol_problems(symbol, kind=kind, issuer_abbr=issuer_abbr)
    return problems


def _number_problems(number: str) -> list[FormatProblem]:
    if not number.isdigit() or not number.isascii():
        return [FormatProblem("digits", f"Số “{number}” phải viết bằng chữ số Ả Rập ({_RULE_SOURCE}, mục II.3).")]
    if int(number) == 0:
        return [FormatProblem("zero", f"Số “{number}” không hợp lệ: số văn bản bắt đầu từ 01 ({_RULE_SOURCE}).")]
    if int(number) < 10 and len(number) != 2:
        return [
            FormatProblem(
                "leading_zero",
                f"Số “{number}”: số nhỏ hơn 10 phải ghi thêm số 0 phía trước, ví dụ “0{int(number)}” "
                f"({_RULE_SOURCE}, mục II.3).",
            )
        ]
    if int(number) >= 10 and number.startswith("0"):
        return [FormatProblem("extra_zero", f"Số “{number}”: chỉ số nhỏ hơn 10 mới có số 0 phía trước.")]
    return []


def _symbol_problems(symbol: str, *, kind: str | None, issuer_abbr: str | None) -> list[FormatProblem]:
    groups = symbol.split("-")
    if not symbol or any(not g for g in groups) or len(groups) < 2:
        return [
            FormatProblem(
                "groups",
                f"Ký hiệu “{symbol}”: các nhóm chữ viết tắt nối với nhau bằng dấu gạch nối “-”, "
                f"ví dụ QĐ-UBND hoặc UBND-VP ({_RULE_SOURCE}, mục II.3).",
            )
        ]
    problems: list[FormatProblem] = []
    if any(not _ABBREVIATION_GROUP.match(g) for g in groups):
        problems.append(FormatProblem("characters", f"Ký hiệu “{symbol}” chỉ gồm chữ viết tắt và chữ số."))
    wrong_case = [g for g in groups if g not in DOCUMENT_TYPES and g != g.upper()]
    if wrong_case:
        problems.append(
            FormatProblem(
                "capitals",
                f"Ký hiệu “{symbol}”: chữ viết tắt phải viết in hoa ({', '.join(wrong_case)}) "
                f"({_RULE_SOURCE}, mục II.3).",
            )
        )
    if "CV" in groups:
        problems.append(
            FormatProblem(
                "cong_van_abbreviation",
                f"Ký hiệu “{symbol}”: công văn không có chữ viết tắt tên loại, “CV” không có trong Phụ lục III; "
                "ký hiệu công văn gồm chữ viết tắt tên cơ quan ban hành và đơn vị soạn thảo, ví dụ UBND-VP.",
            )
        )
    # A unit may be abbreviated like a type (Phòng Kế hoạch "KH"): only a leading type abbreviation is wrong.
    if kind == CONG_VAN and groups[0] in DOCUMENT_TYPES and "CV" not in groups:
        problems.append(
            FormatProblem(
                "cong_van_abbreviation",
                f"Ký hiệu “{symbol}”: công văn không ghi chữ viết tắt tên loại ({groups[0]}).",
            )
        )
    if kind not in (None, CONG_VAN) and groups[0] != kind:
        problems.append(
            FormatProblem(
                "type_abbreviation",
                f"Ký hiệu “{symbol}”: {TYPE_NAMES[kind].lower()} phải mở đầu bằng chữ viết tắt “{kind}” "
                "(Nghị định 30/2020/NĐ-CP, Phụ lục III).",
            )
        )
    if issuer_abbr:
        expected_at = 0 if kind == CONG_VAN else 1
        if kind is not None and (len(groups) <= expected_at or groups[expected_at] != issuer_abbr):
            problems.append(
                FormatProblem(
                    "issuer_abbreviation",
                    f"Ký hiệu “{symbol}” phải có chữ viết tắt tên cơ quan ban hành “{issuer_abbr}” "
                    f"{'ở đầu' if expected_at == 0 else 'sau chữ viết tắt tên loại'}.",
                )
            )
    return problems


_DATE_WORDS = re.compile(r"ngày\s+(?P<day>\S+)\s+tháng\s+(?P<month>\S+)\s+năm\s+(?P<year>\S+)", re.IGNORECASE)


def check_date_words(text: str) -> list[FormatProblem]:
    """Problems with a date written in words, "ngày 05 tháng 01 năm 2026"."""
    found = _DATE_WORDS.search(nfc(text))
    if found is None:
        return [
            FormatProblem(
                "date_shape",
                f"“{text}”: ngày tháng ghi đầy đủ “ngày … tháng … năm …”, ví dụ ngày 05 tháng 01 năm 2026 "
                f"({_RULE_SOURCE}, mục II.4).",
            )
        ]
    day, month, year = found.group("day"), found.group("month"), found.group("year")
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        return [FormatProblem("date_digits", f"“{found.group(0)}”: ngày, tháng, năm ghi bằng chữ số Ả Rập.")]
    problems: list[FormatProblem] = []
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return [FormatProblem("date_invalid", f"“{found.group(0)}” không phải là một ngày có thật.")]
    if int(day) < 10 and len(day) != 2:
        problems.append(
            FormatProblem(
                "day_leading_zero",
                f"“{found.group(0)}”: ngày nhỏ hơn 10 phải ghi thêm số 0 phía trước (ngày 0{int(day)}) "
                f"({_RULE_SOURCE}, mục II.4).",
            )
        )
    if int(month) in _MONTHS_PADDED and len(month) != 2:
        problems.append(
            FormatProblem(
                "month_leading_zero",
                f"“{found.group(0)}”: tháng 1 và tháng 2 phải ghi thêm số 0 phía trước (tháng 0{int(month)}) "
                f"({_RULE_SOURCE}, mục II.4).",
            )
        )
    if int(month) >= 3 and month.startswith("0"):
        problems.append(
            FormatProblem(
                "month_extra_zero",
                f"“{found.group(0)}”: từ tháng 3 trở đi không ghi số 0 phía trước (tháng {int(month)}) "
                f"({_RULE_SOURCE}, mục II.4).",
            )
        )
    return problems
