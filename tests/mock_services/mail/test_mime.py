"""Messages as bytes: parsing whatever arrives (never a crash), line endings, file names, building."""

from __future__ import annotations

import base64
import re
import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mock_services.mail.mime import (
    MAX_NAME_LENGTH,
    Attachment,
    build_message,
    new_message_id,
    normalize_line_endings,
    parse_message,
    safe_filename,
)

DATE = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)


def headers_of(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


# --- parse_message


def test_vietnamese_encoded_words_are_decoded() -> None:
    raw = (
        b"From: =?UTF-8?B?UGjDsm5nIE7hu5lpIHbhu6U=?= <NoiVu@CanTho.egov.test>\r\n"
        b"To: an.nv@ninhkieu.egov.test, =?utf-8?q?Tr=E1=BA=A7n_Th=E1=BB=8B_H=C3=B2a?= <Hoa@CaiKhe.egov.test>\r\n"
        b"Cc: viet.lq@tanan.egov.test\r\n"
        b"Subject: =?UTF-8?B?Q8O0bmcgdsSDbiBz4buRIDEyMy9VQk5E?=\r\n"
        b" =?UTF-8?Q?_v=E1=BB=81_vi=E1=BB=87c_b=C3=A1o_c=C3=A1o?=\r\n"
        b"Date: Tue, 24 Nov 2026 08:30:00 +0700\r\n"
        b"Message-ID: <cv-123@cantho.egov.test>\r\n"
        b"In-Reply-To: <goc@ninhkieu.egov.test>\r\n"
        b"References: <a@x> <goc@ninhkieu.egov.test>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"K=C3=ADnh g=E1=BB=ADi c=C3=A1c =C4=91=E1=BB=93ng ch=C3=AD.\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.subject == "Công văn số 123/UBND về việc báo cáo"
    assert (parsed.from_name, parsed.from_addr) == ("Phòng Nội vụ", "noivu@cantho.egov.test")
    assert parsed.to == ["an.nv@ninhkieu.egov.test", "hoa@caikhe.egov.test"]
    assert parsed.cc == ["viet.lq@tanan.egov.test"]
    assert parsed.date == datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
    assert parsed.message_id == "<cv-123@cantho.egov.test>"
    assert parsed.in_reply_to == "<goc@ninhkieu.egov.test>"
    assert parsed.references == ["<a@x>", "<goc@ninhkieu.egov.test>"]
    assert parsed.text.strip() == "Kính gửi các đồng chí."
    assert parsed.html is None
    assert parsed.attachments == []
    assert parsed.auto_submitted is False
    assert parsed.malformed is False


def test_an_html_only_message_gets_its_text_from_the_html() -> None:
    raw = (
        b"From: a@cantho.egov.test\r\nSubject: html\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        + "<html><body><p>Kính gửi</p><p>Xem <a href='https://a.vn'>tại đây</a></p>".encode()
        + b"<script>x()</script></body></html>"
    )
    parsed = parse_message(raw)
    assert parsed.html is not None
    assert "<a href='https://a.vn'>" in parsed.html
    assert parsed.text == "Kính gửi\n\nXem tại đây"


def test_an_alternative_message_keeps_both_bodies() -> None:
    raw = build_message(
        from_addr="a@cantho.egov.test",
        from_name="",
        to=["b@egov.test"],
        cc=[],
        subject="alt",
        text="Bản văn bản",
        html="<p>Bản <b>HTML</b></p>",
        date=DATE,
        message_id="<alt@x>",
    )
    parsed = parse_message(raw)
    assert parsed.text.strip() == "Bản văn bản"
    assert parsed.html is not None
    assert "<p>Bản <b>HTML</b></p>" in parsed.html


def test_attachments_with_rfc2231_vietnamese_file_names_are_decoded_and_made_safe() -> None:
    pdf = b"%PDF-1.4\n\x00\x01\xff binary"
    raw = (
        b"From: a@cantho.egov.test\r\nSubject: att\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nXem t\xe1\xbb\x87p \xc4\x91\xc3\xadnh k\xc3\xa8m\r\n"
        b"--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment; filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%2045.pdf\r\n\r\n"
        + base64.b64encode(pdf)
        + b"\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Disposition: attachment;\r\n filename*0*=UTF-8''..%2F..%2Fb%C3%A1o;\r\n"
        b" filename*1*=%20c%C3%A1o.txt\r\n\r\n"
        b"noi dung\r\n"
        b"--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
        b"--b--\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.text.strip() == "Xem tệp đính kèm"
    assert parsed.attachments == [
        Attachment("Kế hoạch số 45.pdf", "application/pdf", pdf),
        Attachment("báo cáo.txt", "text/plain", b"noi dung"),
        Attachment("tap-tin", "image/png", b"\x89PNG\r\n\x1a\n"),
    ]
    assert parsed.malformed is False


@pytest.mark.parametrize(
    ("headers", "automatic"),
    [
        (b"Auto-Submitted: auto-replied\r\n", True),
        (b"Auto-Submitted: auto-generated\r\n", True),
        (b"Auto-Submitted: no\r\n", False),
        (b"Precedence: bulk\r\n", True),
        (b"Precedence: list\r\n", True),
        (b"Precedence: first-class\r\n", False),
        (b"", False),
    ],
)
def test_automatic_mail_is_recognised(headers: bytes, automatic: bool) -> None:
    assert parse_message(b"From: a@egov.test\r\n" + headers + b"\r\nx").auto_submitted is automatic


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"Tue, 24 Nov 2026 08:30:00 +0700", datetime(2026, 11, 24, 1, 30, tzinfo=UTC)),
        (b"Tue, 24 Nov 2026 01:30:00 GMT", datetime(2026, 11, 24, 1, 30, tzinfo=UTC)),
        (b"24 Nov 2026 01:30:00 -0000", datetime(2026, 11, 24, 1, 30, tzinfo=UTC)),
        (b"not a date", None),
        (b"Tue, 32 Nov 2026 01:30:00 +0000", None),
    ],
)
def test_dates_are_aware_utc_or_none(value: bytes, expected: datetime | None) -> None:
    parsed = parse_message(b"From: a@egov.test\r\nDate: " + value + b"\r\n\r\nx")
    assert parsed.date == expected
    assert parsed.date is None or parsed.date.tzinfo is not None


def test_a_body_in_an_unknown_charset_is_still_read() -> None:
    raw = b"From: a@egov.test\r\nContent-Type: text/plain; charset=x-khong-ro\r\n\r\nK\xc3\xadnh g\xe1\xbb\xadi\r\n"
    assert parse_message(raw).text.strip() == "Kính gửi"


@pytest.mark.parametrize(
    "raw",
    [
        bytes(range(256)) * 4,
        b"\xff\xfe\x00garbage without any header\x00\x01",
        b"",
        b"\r\n\r\n\r\n",
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n",
        b"Content-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n",
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n=C3",
        b"Content-Type: message/rfc822\r\n\r\nnot: really\r\n\r\nnested",
    ],
    ids=["all bytes", "binary", "empty", "only blank lines", "unterminated nesting", "no boundary", "bad qp", "rfc822"],
)
def test_garbage_never_raises(raw: bytes) -> None:
    parsed = parse_message(raw)
    assert isinstance(parsed.text, str)
    assert isinstance(parsed.subject, str)


def test_missing_boundary_is_a_defect() -> None:
    parsed = parse_message(
        b"From: a@egov.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n"
        b"--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n"
    )
    assert parsed.malformed is True
    assert "NoBoundaryInMultipartDefect" in parsed.defects


@pytest.mark.parametrize(
    "header",
    [b"From: <", b"To: <", b"Cc: a@egov.test, <", b"Message-ID: <", b"From: .:", b"From: a@@cantho..egov.test <<"],
)
def test_a_header_the_email_package_chokes_on_is_no_crash(header: bytes) -> None:
    parsed = parse_message(header + b"\r\nSubject: still readable\r\n\r\nbody\r\n")
    assert parsed.subject == "still readable"
    assert parsed.text.strip() == "body"


@pytest.mark.parametrize(
    "header",
    [b"From: <", b"To: <", b"Cc: a@egov.test, <", b"From: .:", b"From: a@@cantho..egov.test <<", b"To: ,,;;<>"],
)
def test_an_address_header_that_cannot_be_read_is_a_defect(header: bytes) -> None:
    assert parse_message(header + b"\r\n\r\nbody\r\n").malformed is True


def test_a_date_out_of_range_is_no_date_rather_than_a_crash() -> None:
    parsed = parse_message(b"From: a@egov.test\r\nDate: Fri, 31 Dec 9999 23:59:59 -1200\r\n\r\nbody\r\n")
    assert parsed.date is None
    assert parsed.text.strip() == "body"


@pytest.mark.parametrize(
    "value", [b"Fri, 31 Dec 9999 23:59:59 -1200", b"not a date", b"Tue, 32 Nov 2026 01:30:00 +0000"]
)
def test_an_unreadable_date_is_a_defect(value: bytes) -> None:
    assert parse_message(b"From: a@egov.test\r\nDate: " + value + b"\r\n\r\nbody\r\n").malformed is True


def test_broken_base64_is_a_defect() -> None:
    parsed = parse_message(
        b"From: a@egov.test\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"SGVsbG8gd29ybGQ!!!*\r\n"
    )
    assert parsed.malformed is True


def test_an_undecodable_encoded_subject_is_a_defect() -> None:
    parsed = parse_message(b"From: a@egov.test\r\nSubject: =?x-khong-ro?q?abc?= =?utf-8?q?=FF=FE?=\r\n\r\nx")
    assert parsed.malformed is True


_HEADER_NAMES = st.sampled_from(
    ["From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Content-Type",
     "Content-Transfer-Encoding", "Content-Disposition", "Auto-Submitted", "MIME-Version"]
)  # fmt: skip
_HEADER_VALUES = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=40).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"multipart/mixed; boundary=x", b"base64", b"attachment; filename*=utf-8''%FF", b"<"]),
)


@settings(max_examples=300, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_HEADER_NAMES, _HEADER_VALUES), max_size=6), st.binary(max_size=200))
@example([("From", b"<")], b"")
@example([("Date", b"Fri, 31 Dec 9999 23:59:59 -1200")], b"")
def test_parse_message_never_raises(headers: list[tuple[str, bytes]], body: bytes) -> None:
    raw = b"".join(name.encode() + b": " + value + b"\r\n" for name, value in headers) + b"\r\n" + body
    parse_message(raw)


# --- normalize_line_endings


@pytest.mark.parametrize(
    ("raw", "normalized", "bare"),
    [
        (b"a\r\nb\r\n", b"a\r\nb\r\n", False),
        (b"", b"", False),
        (b"a\nb", b"a\r\nb", True),
        (b"a\rb", b"a\r\nb", True),
        (b"a\r\r\nb", b"a\r\n\r\nb", True),
        (b"a\n\r\nb", b"a\r\n\r\nb", True),
        (b"x\n.\nMAIL FROM:<e@evil.test>\r\n", b"x\r\n.\r\nMAIL FROM:<e@evil.test>\r\n", True),
        (b"x\r.\rDATA", b"x\r\n.\r\nDATA", True),
    ],
)
def test_every_bare_cr_and_lf_becomes_crlf_and_is_reported(raw: bytes, normalized: bytes, bare: bool) -> None:
    assert normalize_line_endings(raw) == (normalized, bare)


@given(st.binary(max_size=300))
@settings(max_examples=200, derandomize=True, database=None)
def test_normalised_bytes_have_no_bare_endings_and_keep_everything_else(raw: bytes) -> None:
    normalized, _ = normalize_line_endings(raw)
    assert b"\r" not in normalized.replace(b"\r\n", b"")
    assert b"\n" not in normalized.replace(b"\r\n", b"")
    assert re.sub(rb"[\r\n]", b"", normalized) == re.sub(rb"[\r\n]", b"", raw)
    assert normalize_line_endings(normalized) == (normalized, False)


# --- safe_filename


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Báo cáo quý 3.pdf", "Báo cáo quý 3.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\System32\\evil.exe", "evil.exe"),
        ("C:\\Users\\An\\Báo cáo.docx", "Báo cáo.docx"),
        ("bao\x00cao\x1f\x7f.pdf", "bao_cao_.pdf"),
        ('a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"),
        ("ten\r\nX-Evil: 1.pdf", "ten_X-Evil_ 1.pdf"),
        (".htaccess", "htaccess"),
        ("  tên có khoảng trắng.xlsx  ", "tên có khoảng trắng.xlsx"),
        ("", "tap-tin"),
        ("...", "tap-tin"),
        ("../", "tap-tin"),
    ],
)
def test_a_file_name_is_safe_to_show_and_download(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_a_file_name_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Kế hoạch.pdf")
    assert decomposed != "Kế hoạch.pdf"
    assert safe_filename(decomposed) == "Kế hoạch.pdf"


def test_a_long_file_name_is_cut_keeping_its_extension() -> None:
    name = "Báo cáo " * 40 + ".docx"
    safe = safe_filename(name)
    assert len(safe) == MAX_NAME_LENGTH
    assert safe.endswith(".docx")
    assert safe.startswith("Báo cáo Báo cáo")


def test_a_long_file_name_without_a_short_extension_is_just_cut() -> None:
    assert safe_filename("x" * 400) == "x" * MAX_NAME_LENGTH
    assert len(safe_filename("x" * 200 + ".phan-mo-rong-qua-dai")) == MAX_NAME_LENGTH


@pytest.mark.parametrize(
    "name",
    ["hoa_don\u202efdp.exe", "bao\x85cao.pdf", "bao\u200fcao.pdf"],
    ids=["right-to-left override", "C1 control", "right-to-left mark"],
)
def test_unicode_control_and_bidi_characters_are_removed(name: str) -> None:
    assert all(unicodedata.category(ch) not in ("Cc", "Cf") for ch in safe_filename(name))


@given(st.text(max_size=400))
@settings(max_examples=300, derandomize=True, database=None)
def test_any_file_name_becomes_a_short_plain_base_name(name: str) -> None:
    safe = safe_filename(name)
    assert 0 < len(safe) <= MAX_NAME_LENGTH
    assert "/" not in safe
    assert "\\" not in safe
    assert not re.search(r"[\x00-\x1f\x7f<>:\"|?*]", safe)
    assert safe == unicodedata.normalize("NFC", safe)


# --- build_message


def test_a_built_message_parses_back_to_what_was_given() -> None:
    pdf = b"%PDF-1.7\n" + bytes(range(256))
    raw = build_message(
        from_addr="an.nv@ninhkieu.egov.test",
        from_name="Nguyễn Văn An",
        to=["hoa@caikhe.egov.test", "viet.lq@tanan.egov.test"],
        cc=["vanphong@cantho.egov.test"],
        subject="Báo cáo kết quả chuyển đổi số năm 2026 của UBND phường Ninh Kiều gửi Sở Thông tin và Truyền thông",
        text="Kính gửi Văn phòng,\nTôi xin gửi báo cáo.\n",
        html="<p>Kính gửi <b>Văn phòng</b></p>",
        date=DATE,
        message_id="<bao-cao@ninhkieu.egov.test>",
        in_reply_to="<goc@cantho.egov.test>",
        references=["<a@cantho.egov.test>", "<goc@cantho.egov.test>"],
        attachments=[Attachment("bao-cao-quy-3.pdf", "application/pdf", pdf)],
        extra_headers={"Reply-To": "hopthu@ninhkieu.egov.test"},
    )
    parsed = parse_message(raw)
    assert (parsed.from_name, parsed.from_addr) == ("Nguyễn Văn An", "an.nv@ninhkieu.egov.test")
    assert parsed.to == ["hoa@caikhe.egov.test", "viet.lq@tanan.egov.test"]
    assert parsed.cc == ["vanphong@cantho.egov.test"]
    assert parsed.subject == (
        "Báo cáo kết quả chuyển đổi số năm 2026 của UBND phường Ninh Kiều gửi Sở Thông tin và Truyền thông"
    )
    assert parsed.text.replace("\r\n", "\n") == "Kính gửi Văn phòng,\nTôi xin gửi báo cáo.\n"
    assert parsed.html is not None
    assert "<p>Kính gửi <b>Văn phòng</b></p>" in parsed.html
    assert parsed.date == DATE
    assert parsed.message_id == "<bao-cao@ninhkieu.egov.test>"
    assert parsed.in_reply_to == "<goc@cantho.egov.test>"
    assert parsed.references == ["<a@cantho.egov.test>", "<goc@cantho.egov.test>"]
    assert parsed.attachments == [Attachment("bao-cao-quy-3.pdf", "application/pdf", pdf)]
    assert b"\r\nReply-To: hopthu@ninhkieu.egov.test\r\n" in raw
    assert parsed.defects == []


def test_a_built_attachment_keeps_its_vietnamese_name() -> None:
    raw = build_message(
        from_addr="a@egov.test",
        from_name="",
        to=["b@egov.test"],
        cc=[],
        subject="Tệp đính kèm",
        text="Xem tệp.",
        date=DATE,
        message_id="<tep@x>",
        attachments=[Attachment("Báo cáo quý 3.pdf", "application/pdf", b"%PDF-1.7")],
    )
    assert [a.name for a in parse_message(raw).attachments] == ["Báo cáo quý 3.pdf"]


def test_a_built_message_has_crlf_lines_and_no_bcc_header() -> None:
    raw = build_message(
        from_addr="a@egov.test",
        from_name="",
        to=[],
        cc=[],
        subject="Chỉ gửi Bcc",
        text="x",
        date=DATE,
        message_id=new_message_id("ninhkieu.egov.test"),
    )
    head = headers_of(raw)
    assert not re.search(rb"(?im)^(bcc|to|cc):", head)
    assert normalize_line_endings(raw) == (raw, False)
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_a_new_message_id_is_unique_and_in_the_given_domain() -> None:
    first, second = new_message_id("ninhkieu.egov.test"), new_message_id("ninhkieu.egov.test")
    assert first != second
    assert re.fullmatch(r"<[0-9a-f]{32}@ninhkieu\.egov\.test>", first)
    assert new_message_id("").endswith("@egov.test>")
