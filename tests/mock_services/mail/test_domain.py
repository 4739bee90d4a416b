"""The mail service's pure rules: recipients, replies and forwards, the room's domains, out of office."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from mock_services.mail import domain
from mock_services.mail.domain import AddressError, parse_recipients
from mock_services.mail.store import MailSettings, Message

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ME = "an.nv@ninhkieu.egov.test"
DOMAINS = ("egov.test",)


def message(**fields: object) -> Message:
    base = Message(
        id=7,
        candidate_id=1,
        folder="inbox",
        folder_id=None,
        trashed_from=None,
        message_id="<goc@cantho.egov.test>",
        in_reply_to="",
        references=[],
        from_addr="noivu@cantho.egov.test",
        from_name="Phòng Nội vụ",
        reply_to=[],
        to_addrs=[ME, "hoa@caikhe.egov.test"],
        cc_addrs=["viet.lq@tanan.egov.test", ME],
        bcc_addrs=[],
        subject="Công văn số 123",
        sent_at=datetime(2026, 11, 24, 0, 30, tzinfo=UTC),
        received_at=datetime(2026, 11, 24, 0, 31, tzinfo=UTC),
        text_body="Dòng một\nDòng hai",
        html_body=None,
        attachments=[],
        raw_sha256=None,
        size=10,
        seen=False,
        flagged=False,
        reported=False,
        malformed=False,
        defects=[],
        origin="smtp",
        auto_submitted=False,
        draft_kind=None,
        draft_original=None,
        purged=False,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


# --- parse_recipients


def test_recipients_are_split_on_commas_semicolons_and_new_lines() -> None:
    field = "a@cantho.egov.test, Nguyễn Văn B <B@CaiKhe.egov.test>; c@tanan.egov.test\nd@ninhkieu.egov.test\r\n"
    assert parse_recipients(field, "Tới") == [
        "a@cantho.egov.test",
        "b@caikhe.egov.test",
        "c@tanan.egov.test",
        "d@ninhkieu.egov.test",
    ]


def test_recipients_are_lower_cased_deduplicated_and_kept_in_order() -> None:
    field = "b@egov.test, A@egov.test; a@EGOV.test, Tên <b@egov.test>, c@egov.test"
    assert parse_recipients(field, "Cc") == ["b@egov.test", "a@egov.test", "c@egov.test"]


@pytest.mark.parametrize("field", ["", "   ", " , ;\n; ,"])
def test_an_empty_field_has_no_recipients(field: str) -> None:
    assert parse_recipients(field, "Bcc") == []


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("a@egov.test, không-phải-địa-chỉ", "không-phải-địa-chỉ"),
        ("a@egov.test; b@localhost", "b@localhost"),
        ("a@egov.test b@egov.test", "a@egov.test b@egov.test"),
        ("Tên <a@-bad.egov.test>", "Tên <a@-bad.egov.test>"),
        ("an@@egov.test", "an@@egov.test"),
    ],
)
def test_a_bad_recipient_is_refused_in_vietnamese_naming_the_field_and_the_bad_part(field: str, bad: str) -> None:
    with pytest.raises(AddressError) as refused:
        parse_recipients(field, "Tới")
    assert str(refused.value) == f"Ô “Tới”: “{bad}” không phải là địa chỉ thư điện tử hợp lệ."


def test_a_quoted_display_name_may_hold_a_comma() -> None:
    assert parse_recipients('"Văn phòng, UBND phường" <vp@ninhkieu.egov.test>, b@egov.test', "Tới") == [
        "vp@ninhkieu.egov.test",
        "b@egov.test",
    ]


# --- in_room and room_domains


@pytest.mark.parametrize(
    ("address", "inside"),
    [
        ("a@egov.test", True),
        ("a@ninhkieu.egov.test", True),
        ("A@PHUONG.CanTho.EGOV.TEST", True),
        ("a@gmail.com", False),
        ("a@evilegov.test", False),
        ("a@egov.test.evil.com", False),
        ("a@egov.testing", False),
    ],
)
def test_in_room_means_one_of_the_rooms_domains_or_a_subdomain(address: str, inside: bool) -> None:
    assert domain.in_room(address, DOMAINS) is inside


def test_room_domains_are_read_from_the_setting() -> None:
    assert domain.room_domains(" EGOV.test, .gov.vn ,, ") == ("egov.test", "gov.vn")
    assert domain.in_room("x@sotttt.cantho.gov.vn", domain.room_domains("egov.test,gov.vn"))


# --- Replies and forwards


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Công văn số 123", "Re: Công văn số 123"),
        ("Re: Công văn", "Re: Công văn"),
        ("RE: Công văn", "RE: Công văn"),
        ("TL: Công văn", "TL: Công văn"),
        ("Trả lời: Công văn", "Trả lời: Công văn"),
        ("TRẢ LỜI: Công văn", "TRẢ LỜI: Công văn"),
        ("Fwd: Công văn", "Re: Fwd: Công văn"),
        ("Regarding: x", "Re: Regarding: x"),
        ("", "Re: "),
    ],
)
def test_reply_subject_adds_one_prefix_and_is_idempotent(subject: str, expected: str) -> None:
    assert domain.reply_subject(subject) == expected
    assert domain.reply_subject(domain.reply_subject(subject)) == expected


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Công văn số 123", "Fwd: Công văn số 123"),
        ("Fwd: Công văn", "Fwd: Công văn"),
        ("FW: Công văn", "FW: Công văn"),
        ("Chuyển tiếp: Công văn", "Chuyển tiếp: Công văn"),
        ("Re: Công văn", "Fwd: Re: Công văn"),
    ],
)
def test_forward_subject_adds_one_prefix_and_is_idempotent(subject: str, expected: str) -> None:
    assert domain.forward_subject(subject) == expected
    assert domain.forward_subject(domain.forward_subject(subject)) == expected


def test_reply_goes_to_the_sender_only() -> None:
    assert domain.reply_recipients(message(), ME, everyone=False) == (["noivu@cantho.egov.test"], [])


def test_reply_all_copies_every_other_recipient_but_oneself_once() -> None:
    original = message(cc_addrs=["viet.lq@tanan.egov.test", ME, "hoa@caikhe.egov.test", "noivu@cantho.egov.test"])
    to, cc = domain.reply_recipients(original, ME.upper(), everyone=True)
    assert to == ["noivu@cantho.egov.test"]
    assert cc == ["hoa@caikhe.egov.test", "viet.lq@tanan.egov.test"]


def test_replying_to_ones_own_sent_message_answers_its_recipients() -> None:
    sent = message(from_addr=ME, to_addrs=["hoa@caikhe.egov.test", ME], cc_addrs=["viet.lq@tanan.egov.test"])
    assert domain.reply_recipients(sent, ME, everyone=False) == (["hoa@caikhe.egov.test"], [])
    assert domain.reply_recipients(sent, ME, everyone=True) == (["hoa@caikhe.egov.test"], ["viet.lq@tanan.egov.test"])


def test_replying_to_a_note_to_oneself_answers_oneself() -> None:
    note = message(from_addr=ME, to_addrs=[ME], cc_addrs=[])
    assert domain.reply_recipients(note, ME, everyone=True) == ([ME], [])


def test_thread_references_end_with_the_original_and_keep_at_most_twenty() -> None:
    assert domain.thread_references(message(references=["<a@x>"])) == ["<a@x>", "<goc@cantho.egov.test>"]
    assert domain.thread_references(message(references=["<goc@cantho.egov.test>"])) == ["<goc@cantho.egov.test>"]
    long_thread = domain.thread_references(message(references=[f"<{i}@x>" for i in range(30)]))
    assert len(long_thread) == 20
    assert long_thread[-1] == "<goc@cantho.egov.test>"


def test_a_quoted_reply_and_a_forward_carry_the_original() -> None:
    quoted = domain.quoted_reply(message(), "08:00 24/11/2026")
    assert "Vào 08:00 24/11/2026, Phòng Nội vụ <noivu@cantho.egov.test> đã viết:" in quoted
    assert "> Dòng một\n> Dòng hai" in quoted
    forwarded = domain.forwarded_body(message(), "08:00 24/11/2026")
    assert "----- Thư chuyển tiếp -----" in forwarded
    assert f"Tới: {ME}, hoa@caikhe.egov.test" in forwarded
    assert "Chủ đề: Công văn số 123" in forwarded
    assert forwarded.rstrip().endswith("Dòng một\nDòng hai")


# --- Out of office

NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 08:00 on 24/11/2026 in the room


def ooo(start: str = "2026-11-24", end: str = "2026-11-24", enabled: bool = True) -> MailSettings:
    return MailSettings(ooo_enabled=enabled, ooo_start=start, ooo_end=end, ooo_message="Tôi đi công tác.")


def answers(
    settings: MailSettings, *, sender: str = "noivu@cantho.egov.test", now: datetime = NOW, automatic: bool = False
) -> bool:
    return domain.should_autoreply(settings, now=now, tz=TZ, sender=sender, own=ME, automatic=automatic)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-11-24", "2026-11-24", True),
        ("2026-11-20", "2026-11-24", True),
        ("2026-11-24", "2026-11-30", True),
        ("", "", True),
        ("2026-11-25", "", False),
        ("", "2026-11-23", False),
    ],
)
def test_out_of_office_answers_on_its_dates_both_included(start: str, end: str, expected: bool) -> None:
    assert answers(ooo(start, end)) is expected


def test_out_of_office_dates_are_the_rooms_local_dates() -> None:
    late_on_the_23rd_utc = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # already 01:00 on the 24th in Cần Thơ
    assert answers(ooo("2026-11-24", "2026-11-24"), now=late_on_the_23rd_utc) is True
    assert answers(ooo("2026-11-23", "2026-11-23"), now=late_on_the_23rd_utc) is False


@pytest.mark.parametrize(
    "sender",
    [ME, ME.upper(), "MAILER-DAEMON@ninhkieu.egov.test", "postmaster@egov.test", "no-reply@dichvucong.gov.vn", ""],
)
def test_out_of_office_never_answers_oneself_or_mail_systems(sender: str) -> None:
    assert answers(ooo(), sender=sender) is False


def test_out_of_office_never_answers_automatic_mail_and_only_when_on() -> None:
    assert answers(ooo(), automatic=True) is False
    assert answers(ooo(enabled=False)) is False


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (domain.OutOfOffice(False, "", "", "", ""), None),
        (domain.OutOfOffice(True, "2026-11-24", "2026-11-25", "", "Vắng mặt"), None),
        (domain.OutOfOffice(True, "", "", "", "  "), "Vui lòng nhập nội dung thư trả lời tự động."),
        (domain.OutOfOffice(True, "24/11/2026", "", "", "x"), "Ngày bắt đầu hoặc ngày kết thúc không hợp lệ."),
        (
            domain.OutOfOffice(True, "2026-11-25", "2026-11-24", "", "x"),
            "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.",
        ),
    ],
)
def test_out_of_office_settings_are_checked_in_vietnamese(value: domain.OutOfOffice, problem: str | None) -> None:
    assert domain.check_out_of_office(value) == problem


def test_a_bounce_lists_the_refused_addresses_and_the_subject() -> None:
    text = domain.bounce_text(["a@gmail.com", "b@yahoo.com"], "Báo cáo")
    assert "  a@gmail.com\n  b@yahoo.com" in text
    assert "550 5.7.1 Relaying denied" in text
    assert "Chủ đề thư gốc: Báo cáo" in text


def test_a_reply_goes_to_reply_to_when_the_sender_set_one() -> None:
    asked = message(reply_to=["hoithi.cantho@gmail.com"])
    assert domain.reply_recipients(asked, ME, everyone=False) == (["hoithi.cantho@gmail.com"], [])
    to, cc = domain.reply_recipients(asked, ME, everyone=True)
    assert to == ["hoithi.cantho@gmail.com"]
    assert ME not in cc


@pytest.mark.parametrize(
    ("typed", "day"),
    [("25/11/2026", date(2026, 11, 25)), ("5/1/2027", date(2027, 1, 5)), ("25-11-2026", date(2026, 11, 25)),
     ("2026-11-25", date(2026, 11, 25)), ("  ", None)],
)  # fmt: skip
def test_a_day_is_read_as_vietnamese_write_it(typed: str, day: date | None) -> None:
    assert domain.parse_day(typed) == day


@pytest.mark.parametrize("typed", ["31/02/2026", "11/25/2026", "hôm nay", "25/11"])
def test_a_day_that_is_not_one_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        domain.parse_day(typed)
