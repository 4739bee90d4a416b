"""Reading the candidate list (danh sách thí sinh) from a UTF-8 CSV, as Excel saves it.

Every row is checked before anything is imported, and every problem is reported at once as
``file:line: sentence``, so the operator fixes the file in one pass and the import is all
or nothing. Columns may be named in Vietnamese (``Số báo danh``, ``Họ và tên``, ``Chức vụ``,
``Đơn vị``, ``Email``) or by their field names; the separator may be a comma or, as a
Vietnamese-locale Excel writes it, a semicolon.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from mock_services.core.accounts import NewCandidate, normalize_number
from mock_services.core.errors import SathachError

FIELDS: dict[str, str] = {
    "so_bao_danh": "Số báo danh",
    "ho_ten": "Họ và tên",
    "chuc_vu": "Chức vụ",
    "don_vi": "Đơn vị",
    "email": "Email",
}

_ALIASES: dict[str, str] = {
    "số báo danh": "so_bao_danh",
    "sbd": "so_bao_danh",
    "họ và tên": "ho_ten",
    "họ tên": "ho_ten",
    "chức vụ": "chuc_vu",
    "đơn vị": "don_vi",
    "đơn vị công tác": "don_vi",
    "email": "email",
    "thư điện tử": "email",
    **{name: name for name in FIELDS},
}

# Columns an operator's spreadsheet often carries that the import has no use for.
_IGNORED = {"stt", "số thứ tự", "ghi chú"}

_LIMITS = {"so_bao_danh": 32, "ho_ten": 120, "chuc_vu": 160, "don_vi": 200, "email": 254}
NUMBER_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]*$")
EMAIL_PATTERN = re.compile(r"^[^@\s,;<>]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True, slots=True)
class CsvProblem:
    line: int
    message: str


class CandidateCsvError(SathachError):
    def __init__(self, source: str, problems: list[CsvProblem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}:{p.line}: {p.message}" for p in problems))


def clean(value: str) -> str:
    """NFC, surrounding spaces gone, runs of spaces made one."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def parse_candidates(raw: bytes, source: str, *, taken: AbstractSet[str] = frozenset()) -> list[NewCandidate]:
    """The candidates of a CSV file, or ``CandidateCsvError`` naming every bad line.

    ``taken`` holds the số báo danh already in the exam: importing one again is an error.
    """
    text = _decode(raw, source)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise CandidateCsvError(source, [CsvProblem(1, "the file is empty: the first line must name the columns")])
    dialect = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect)
    header = next(reader)
    columns, problems = _columns(header)
    if problems:
        raise CandidateCsvError(source, problems)

    people: list[NewCandidate] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(CsvProblem(line, f"has {len(row)} fields but the header has {len(header)}"))
            continue
        values = {field: clean(row[index]) for field, index in columns.items()}
        row_problems = _check_row(values, line, seen, taken)
        problems.extend(row_problems)
        # Remember the number even when the row has other problems: a repeat must show up now, not next time.
        if NUMBER_PATTERN.match(values["so_bao_danh"]):
            seen.setdefault(values["so_bao_danh"], line)
        if not row_problems:
            people.append(NewCandidate(**values))
    if problems:
        raise CandidateCsvError(source, problems)
    if not people:
        raise CandidateCsvError(source, [CsvProblem(2, "the file names no candidates")])
    return people


def _decode(raw: bytes, source: str) -> str:
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # Excel's byte-order mark; positions below count without it
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise CandidateCsvError(
            source,
            [
                CsvProblem(
                    line,
                    f"column {column}: byte 0x{raw[exc.start]:02x} is not UTF-8. Save the list in Excel "
                    "as 'CSV UTF-8 (Comma delimited)' and import that file.",
                )
            ],
        ) from None


def _columns(header: list[str]) -> tuple[dict[str, int], list[CsvProblem]]:
    columns: dict[str, int] = {}
    problems: list[CsvProblem] = []
    for index, name in enumerate(header):
        key = clean(name).casefold()
        field = _ALIASES.get(key)
        if field is None:
            if key not in _IGNORED:
                accepted = ", ".join(f"'{label}'" for label in FIELDS.values())
                problems.append(CsvProblem(1, f"unknown column '{clean(name)}'; the columns are {accepted}"))
            continue
        if field in columns:
            problems.append(CsvProblem(1, f"column '{FIELDS[field]}' appears twice"))
        columns[field] = index
    for field, label in FIELDS.items():
        if field not in columns:
            problems.append(CsvProblem(1, f"column '{label}' is missing"))
    return columns, problems


def _check_row(values: dict[str, str], line: int, seen: dict[str, int], taken: AbstractSet[str]) -> list[CsvProblem]:
    problems = []
    for field, label in FIELDS.items():
        if not values[field]:
            problems.append(CsvProblem(line, f"'{label}' is empty"))
        elif len(values[field]) > _LIMITS[field]:
            problems.append(CsvProblem(line, f"'{label}' is longer than {_LIMITS[field]} characters"))
    number = values["so_bao_danh"] = normalize_number(values["so_bao_danh"])
    if number and not NUMBER_PATTERN.match(number):
        problems.append(CsvProblem(line, f"số báo danh '{number}' may hold only letters A-Z, digits, '.', '_' and '-'"))
    elif number in seen:
        problems.append(CsvProblem(line, f"số báo danh {number} is already on line {seen[number]}"))
    elif number in taken:
        problems.append(CsvProblem(line, f"số báo danh {number} is already a candidate of this exam"))
    email = values["email"]
    if email and not EMAIL_PATTERN.match(email):
        problems.append(CsvProblem(line, f"email '{email}' is not an email address"))
    return problems
