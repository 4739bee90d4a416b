"""Reading the candidate list: what a good file gives, and every bad line named as ``file:line: sentence``."""

from __future__ import annotations

import unicodedata

import pytest

from mock_services.core.accounts import NewCandidate
from sandbox.candidates_csv import CandidateCsvError, parse_candidates

HEADER = "Số báo danh,Họ và tên,Chức vụ,Đơn vị,Email"
SOURCE = "danh-sach.csv"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def excel(*lines: str) -> bytes:
    """The file as Excel's 'CSV UTF-8' writes it: a BOM and CRLF line ends."""
    return "\r\n".join(lines).encode("utf-8-sig") + b"\r\n"


def report_of(raw: bytes, *, taken: frozenset[str] = frozenset()) -> list[str]:
    with pytest.raises(CandidateCsvError) as caught:
        parse_candidates(raw, SOURCE, taken=taken)
    return str(caught.value).splitlines()


# --- good files


def test_an_excel_file_gives_clean_nfc_candidates() -> None:
    name_nfd = nfd("  Nguyễn   Văn  An ")
    assert name_nfd != nfc(name_nfd), "the test needs a name whose NFD form differs"
    raw = excel(
        HEADER,
        f"ct001,{name_nfd},{nfd('Chủ tịch  UBND phường')},{nfd('UBND phường Ninh Kiều')},an.nv@ninhkieu.egov.vn",
        "Ct-002.a , Trần Thị Bích Hòa,Phó Chủ tịch UBND phường,UBND phường Cái Khế, hoa@caikhe.egov.vn ",
    )

    people = parse_candidates(raw, SOURCE)

    assert people == [
        NewCandidate(
            "CT001",
            nfc("Nguyễn Văn An"),
            nfc("Chủ tịch UBND phường"),
            nfc("UBND phường Ninh Kiều"),
            "an.nv@ninhkieu.egov.vn",
        ),
        NewCandidate(
            "CT-002.A",
            nfc("Trần Thị Bích Hòa"),
            nfc("Phó Chủ tịch UBND phường"),
            nfc("UBND phường Cái Khế"),
            "hoa@caikhe.egov.vn",
        ),
    ]
    for person in people:
        for value in (person.so_bao_danh, person.ho_ten, person.chuc_vu, person.don_vi, person.email):
            assert unicodedata.is_normalized("NFC", value)


def test_a_semicolon_separated_file_keeps_commas_inside_fields() -> None:
    raw = excel(
        "Số báo danh;Họ và tên;Chức vụ;Đơn vị;Email",
        "CT001;Nguyễn Văn An;Chủ tịch;UBND phường Ninh Kiều, TP Cần Thơ;an@ninhkieu.egov.vn",
    )

    [person] = parse_candidates(raw, SOURCE)

    assert person.ho_ten == "Nguyễn Văn An"
    assert person.don_vi == "UBND phường Ninh Kiều, TP Cần Thơ"
    assert person.email == "an@ninhkieu.egov.vn"


def test_a_quoted_field_may_hold_the_separator() -> None:
    raw = excel(HEADER, 'CT001,Nguyễn Văn An,"Chủ tịch, kiêm Bí thư",UBND phường Ninh Kiều,an@ninhkieu.egov.vn')

    [person] = parse_candidates(raw, SOURCE)

    assert person.chuc_vu == "Chủ tịch, kiêm Bí thư"
    assert person.don_vi == "UBND phường Ninh Kiều"


def test_columns_may_be_named_by_their_field_names_in_any_order() -> None:
    raw = "email,don_vi,chuc_vu,ho_ten,so_bao_danh\nan@x.vn,UBND phường Ninh Kiều,Chủ tịch,Nguyễn Văn An,CT001\n"

    assert parse_candidates(raw.encode(), SOURCE) == [
        NewCandidate("CT001", "Nguyễn Văn An", "Chủ tịch", "UBND phường Ninh Kiều", "an@x.vn")
    ]


def test_headers_are_recognised_whatever_their_case_spacing_or_normal_form() -> None:
    header = nfd(" SỐ BÁO DANH , họ  và tên,CHỨC VỤ,đơn vị,EMAIL")
    raw = excel(header, "CT001,Nguyễn Văn An,Chủ tịch,UBND phường Ninh Kiều,an@x.vn")

    [person] = parse_candidates(raw, SOURCE)

    assert (person.so_bao_danh, person.ho_ten, person.email) == ("CT001", "Nguyễn Văn An", "an@x.vn")


def test_an_stt_column_is_ignored() -> None:
    raw = excel(
        f"STT,{HEADER}",
        "1,CT001,Nguyễn Văn An,Chủ tịch,UBND phường Ninh Kiều,an@x.vn",
        "2,CT002,Trần Thị Bích Hòa,Phó Chủ tịch,UBND phường Cái Khế,hoa@x.vn",
    )

    people = parse_candidates(raw, SOURCE)

    assert [p.so_bao_danh for p in people] == ["CT001", "CT002"]
    assert [p.email for p in people] == ["an@x.vn", "hoa@x.vn"]


def test_blank_lines_are_skipped() -> None:
    raw = excel(HEADER, "", "CT001,Nguyễn Văn An,Chủ tịch,UBND phường Ninh Kiều,an@x.vn", ",,,,", "")

    assert [p.so_bao_danh for p in parse_candidates(raw, SOURCE)] == ["CT001"]


def test_the_length_limit_counts_nfc_characters() -> None:
    """Vietnamese in NFD takes up to three code points a letter; the limit is on what is stored."""
    name = ("Nguyễn Thị Ánh Hồng " * 7)[:120].strip()
    assert len(nfc(name)) <= 120 < len(nfd(name))
    raw = excel(HEADER, f"CT001,{nfd(name)},Chủ tịch,UBND phường Ninh Kiều,an@x.vn")

    [person] = parse_candidates(raw, SOURCE)

    assert person.ho_ten == nfc(name)


# --- a file that cannot be read at all


def test_a_windows_1258_file_is_refused_with_line_and_column_of_the_bad_byte() -> None:
    raw = "S\u00f4\u0301 b\u00e1o danh,Ho va ten,Chuc vu,Don vi,Email\r\n".encode("cp1258")
    assert raw.startswith(b"S\xf4\xec b\xe1o")

    [line] = report_of(raw)

    assert line.startswith(f"{SOURCE}:1: column 2:")
    assert "0xf4" in line
    assert "UTF-8" in line


def test_a_bad_byte_further_down_names_its_own_line_and_column() -> None:
    raw = (HEADER + "\nCT001,Nguyen Van An,Chu tich,UBND,an@x.vn\n").encode() + b"CT002,Tr\xffan,x,y,z@x.vn\n"

    [line] = report_of(raw)

    assert line.startswith(f"{SOURCE}:3: column 9:")
    assert "0xff" in line


def test_a_bad_byte_in_a_file_with_a_bom_is_located_as_in_one_without() -> None:
    body = (HEADER + "\nCT001,Nguyen Van An,Chu tich,UBND,an@x.vn\n").encode() + b"CT002,Tr\xffan,x,y,z@x.vn\n"

    assert report_of(b"\xef\xbb\xbf" + body) == report_of(body)
    [line] = report_of(b"\xef\xbb\xbf" + body)
    assert line.startswith(f"{SOURCE}:3: column 9:")
    assert "0xff" in line


@pytest.mark.parametrize("raw", [b"", b"\xef\xbb\xbf", b"\r\n", b"\xef\xbb\xbf\r\nCT001,A,B,C,a@x.vn\r\n"])
def test_an_empty_file_or_first_line_is_reported_on_line_1(raw: bytes) -> None:
    [line] = report_of(raw)

    assert line.startswith(f"{SOURCE}:1: ")
    assert "empty" in line


# --- the header


def test_a_missing_column_is_named() -> None:
    [line] = report_of(excel("Số báo danh,Họ và tên,Chức vụ,Đơn vị", "CT001,Nguyễn Văn An,Chủ tịch,UBND"))

    assert line.startswith(f"{SOURCE}:1: ")
    assert "'Email'" in line
    assert "missing" in line


def test_an_unknown_column_is_named_with_the_accepted_ones() -> None:
    [line] = report_of(excel(f"{HEADER},Ngày sinh", "CT001,Nguyễn Văn An,Chủ tịch,UBND,an@x.vn,01/01/1970"))

    assert line.startswith(f"{SOURCE}:1: ")
    assert "'Ngày sinh'" in line
    assert all(label in line for label in ("Số báo danh", "Họ và tên", "Chức vụ", "Đơn vị", "Email"))


def test_a_column_given_twice_is_reported_even_under_another_name() -> None:
    [line] = report_of(excel(f"{HEADER},SBD", "CT001,Nguyễn Văn An,Chủ tịch,UBND,an@x.vn,CT001"))

    assert line.startswith(f"{SOURCE}:1: ")
    assert "'Số báo danh'" in line
    assert "twice" in line


def test_every_header_problem_is_reported_at_once() -> None:
    report = report_of(excel("Số báo danh,Họ tên,Ngày sinh,Đơn vị", "CT001,Nguyễn Văn An,01/01/1970,UBND"))

    assert all(line.startswith(f"{SOURCE}:1: ") for line in report)
    assert len(report) == 3
    assert any("'Ngày sinh'" in line for line in report)
    assert any("'Chức vụ'" in line and "missing" in line for line in report)
    assert any("'Email'" in line and "missing" in line for line in report)


# --- the rows


def test_a_row_with_the_wrong_number_of_fields_is_reported() -> None:
    raw = excel(HEADER, "CT001,Nguyễn Văn An,Chủ tịch,UBND,an@x.vn", "CT002,Trần Thị Bích Hòa,Phó Chủ tịch,hoa@x.vn")

    [line] = report_of(raw)

    assert line.startswith(f"{SOURCE}:3: ")
    assert "4 fields" in line
    assert "5" in line.removeprefix(f"{SOURCE}:3: ")


@pytest.mark.parametrize(
    ("row", "label"), [("CT001,   ,Chủ tịch,UBND,an@x.vn", "Họ và tên"), (",A,B,C,an@x.vn", "Số báo danh")]
)
def test_an_empty_field_is_named(row: str, label: str) -> None:
    [line] = report_of(excel(HEADER, "CT009,Lê Văn Ba,Chủ tịch,UBND,ba@x.vn", row))

    assert line.startswith(f"{SOURCE}:3: ")
    assert f"'{label}'" in line
    assert "empty" in line


@pytest.mark.parametrize(
    ("column", "limit"), [("so_bao_danh", 32), ("ho_ten", 120), ("chuc_vu", 160), ("don_vi", 200), ("email", 254)]
)
def test_a_field_longer_than_its_column_is_reported_and_one_at_the_limit_is_not(column: str, limit: int) -> None:
    def row(length: int) -> str:
        fields = {"so_bao_danh": "CT001", "ho_ten": "An", "chuc_vu": "Chủ tịch", "don_vi": "UBND", "email": "an@x.vn"}
        if column == "email":
            fields["email"] = "a" * (length - len("@x.vn")) + "@x.vn"
        else:
            fields[column] = "A" * length
        return ",".join(fields.values())

    assert len(parse_candidates(excel("so_bao_danh,ho_ten,chuc_vu,don_vi,email", row(limit)), SOURCE)) == 1

    [line] = report_of(excel("so_bao_danh,ho_ten,chuc_vu,don_vi,email", row(limit + 1)))

    assert line.startswith(f"{SOURCE}:2: ")
    assert f"longer than {limit}" in line


@pytest.mark.parametrize("number", ["CT 001", "CT/001", "ĐT001", "-CT001", "CT001#"])
def test_a_so_bao_danh_with_other_characters_is_reported(number: str) -> None:
    [line] = report_of(excel(HEADER, f"{number},Nguyễn Văn An,Chủ tịch,UBND,an@x.vn"))

    assert line.startswith(f"{SOURCE}:2: ")
    assert number.upper() in line
    assert "A-Z" in line


def test_a_so_bao_danh_repeated_in_the_file_names_the_earlier_line() -> None:
    raw = excel(
        HEADER,
        "ct001,Nguyễn Văn An,Chủ tịch,UBND,an@x.vn",
        "CT002,Trần Thị Bích Hòa,Phó Chủ tịch,UBND,hoa@x.vn",
        "CT001,Lê Quốc Việt,Trưởng phòng,UBND,viet@x.vn",
    )

    [line] = report_of(raw)

    assert line.startswith(f"{SOURCE}:4: ")
    assert "CT001" in line
    assert "line 2" in line


def test_a_repeated_so_bao_danh_is_reported_even_when_its_first_row_has_another_problem() -> None:
    """The operator fixes the file in one pass: fixing line 2's email must not reveal a new error."""
    raw = excel(
        HEADER,
        "CT001,Nguyễn Văn An,Chủ tịch,UBND,an.nv-at-x.vn",
        "CT001,Lê Quốc Việt,Trưởng phòng,UBND,viet@x.vn",
    )

    report = report_of(raw)

    assert [line.split(": ", 1)[0] for line in report] == [f"{SOURCE}:2", f"{SOURCE}:3"]
    assert "email" in report[0]
    assert "CT001" in report[1]
    assert "line 2" in report[1]


def test_a_so_bao_danh_already_in_the_exam_is_reported() -> None:
    raw = excel(
        HEADER,
        "CT001,Nguyễn Văn An,Chủ tịch,UBND,an@x.vn",
        "ct002,Trần Thị Bích Hòa,Phó Chủ tịch,UBND,hoa@x.vn",
    )

    [line] = report_of(raw, taken=frozenset({"CT002", "CT009"}))

    assert line.startswith(f"{SOURCE}:3: ")
    assert "CT002" in line
    assert "exam" in line


@pytest.mark.parametrize("email", ["an.nv", "an@", "@x.vn", "an@localhost", "an nv@x.vn", "an@x..vn", "<an@x.vn>"])
def test_a_malformed_email_is_reported(email: str) -> None:
    [line] = report_of(excel(HEADER, f"CT001,Nguyễn Văn An,Chủ tịch,UBND,{email}"))

    assert line.startswith(f"{SOURCE}:2: ")
    assert f"'{email}'" in line
    assert "email" in line


@pytest.mark.parametrize("raw", [excel(HEADER), excel(HEADER, "", ",,,,", "")])
def test_a_file_with_no_candidates_is_refused(raw: bytes) -> None:
    [line] = report_of(raw)

    assert line.startswith(f"{SOURCE}:2: ")
    assert "no candidates" in line


def test_every_problem_of_the_file_is_reported_at_once_in_line_order() -> None:
    raw = excel(
        HEADER,
        "CT001,Nguyễn Văn An,Chủ tịch,UBND,an.nv",
        "CT002,Trần Thị Bích Hòa,Phó Chủ tịch,UBND,hoa@x.vn",
        "",
        "CT003,Lê Quốc Việt,Trưởng phòng",
        "CT 004,,Chuyên viên,UBND,bon@x.vn",
        "CT002,Phạm Văn Năm,Chuyên viên,UBND,nam@x.vn",
    )

    with pytest.raises(CandidateCsvError) as caught:
        parse_candidates(raw, SOURCE)

    error = caught.value
    assert error.source == SOURCE
    assert [problem.line for problem in error.problems] == [2, 5, 6, 6, 7]
    assert str(error).splitlines() == [f"{SOURCE}:{p.line}: {p.message}" for p in error.problems]
    assert "an.nv" in error.problems[0].message
    assert "Họ và tên" in error.problems[2].message
    assert "CT 004" in error.problems[3].message
    assert "line 3" in error.problems[4].message
