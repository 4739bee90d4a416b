"""Working days in Vietnam: deadlines skip weekends, Tết and the other public holidays, count the
Saturdays worked in exchange (làm bù), take the one-stop shop's 15:00 rule, and stop with a clear
error where the holiday data ends."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_services.core.workdays import (
    CalendarError,
    _parse,
    add_working_days,
    covered_years,
    due_date,
    is_working_day,
    make_up_days,
    public_holidays,
)

ROOM = ZoneInfo("Asia/Ho_Chi_Minh")

FIRST, LAST = date(2024, 1, 1), date(2030, 12, 31)
LUNAR_NEW_YEAR = {
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 2),  # 3 February in China: the new moon is at 23:07 Vietnam time on the 2nd
}
HUNG_KINGS = {
    2024: date(2024, 4, 18),
    2025: date(2025, 4, 7),
    2026: date(2026, 4, 26),
    2027: date(2027, 4, 16),
    2028: date(2028, 4, 4),
    2029: date(2029, 4, 23),
    2030: date(2030, 4, 12),
}


def working_days_between(after: date, up_to: date) -> int:
    """How many working days lie in (after, up_to]."""
    return sum(is_working_day(after + timedelta(days=i)) for i in range(1, (up_to - after).days + 1))


def test_the_data_covers_2024_to_2030() -> None:
    assert covered_years() == range(2024, 2031)
    assert min(public_holidays()) == date(2024, 1, 1)
    assert max(public_holidays()) == date(2030, 9, 3)


@pytest.mark.parametrize(("year", "day"), LUNAR_NEW_YEAR.items())
def test_the_first_day_of_tet_is_the_vietnamese_lunar_new_year(year: int, day: date) -> None:
    firsts = [d for d, name in public_holidays().items() if d.year == year and "mùng 1 tháng Giêng" in name]
    assert firsts == [day]


@pytest.mark.parametrize(("year", "day"), HUNG_KINGS.items())
def test_the_hung_kings_day_is_the_tenth_of_the_third_lunar_month(year: int, day: date) -> None:
    days = [d for d, name in public_holidays().items() if d.year == year and name.startswith("Giỗ Tổ")]
    assert days == [day]


@pytest.mark.parametrize("year", range(2024, 2031))
def test_each_year_gives_the_law_s_eleven_weekdays_off_plus_each_announced_swap(year: int) -> None:
    holidays = {d: name for d, name in public_holidays().items() if d.year == year}
    weekdays_off = [d for d in holidays if d.weekday() < 5]
    swaps = [d for d, name in holidays.items() if "hoán đổi" in name]
    assert len(weekdays_off) == 11 + len(swaps)


def test_names_are_vietnamese_in_nfc() -> None:
    for name in public_holidays().values():
        assert name.strip()
        assert unicodedata.normalize("NFC", name) == name


def test_public_holidays_hands_out_a_copy() -> None:
    public_holidays().clear()
    assert date(2026, 9, 2) in public_holidays()


def test_five_working_days_from_the_friday_before_tet_2026_skip_the_whole_tet_break() -> None:
    # Tết Bính Ngọ: off from Saturday 14/02 to Sunday 22/02/2026.
    assert add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)
    assert [is_working_day(date(2026, 2, d)) for d in range(13, 24)] == [True] + [False] * 9 + [True]


def test_the_national_day_block_of_2026_includes_the_swapped_monday() -> None:
    # Off from Saturday 29/08 to Wednesday 02/09/2026; Monday 31/08 is swapped for Saturday 22/08.
    assert not any(is_working_day(date(2026, 8, 31) + timedelta(days=i)) for i in range(3))
    assert add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_a_holiday_on_a_sunday_is_taken_on_the_monday() -> None:
    assert public_holidays()[date(2026, 4, 27)] == "Nghỉ bù Giỗ Tổ Hùng Vương"
    assert add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)
    # 30/4 Sunday and 1/5 Monday in 2028: the Sunday is taken on Tuesday 2/5.
    assert add_working_days(date(2028, 4, 28), 1) == date(2028, 5, 3)


def test_the_next_working_day_after_a_friday_is_the_monday() -> None:
    # The one-stop rule: received after 15:00 on Friday 27/11/2026, due the next working day.
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_zero_days_is_today_if_it_is_a_working_day_else_the_next_one() -> None:
    assert add_working_days(date(2026, 11, 25), 0) == date(2026, 11, 25)
    assert add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)
    assert add_working_days(date(2026, 2, 14), 0) == date(2026, 2, 23)


def test_negative_days_count_backwards() -> None:
    assert add_working_days(date(2026, 2, 23), -1) == date(2026, 2, 13)
    assert add_working_days(date(2026, 11, 30), -1) == date(2026, 11, 27)
    assert add_working_days(date(2025, 5, 5), -2) == date(2025, 4, 28)  # 30/4-2/5/2025 off


@pytest.mark.parametrize("day", [date(2023, 12, 29), date(2031, 1, 2)])
def test_a_date_outside_the_data_raises_a_precise_error(day: date) -> None:
    expected = f"no public-holiday data for {day.year}: mock_services/core/data/holidays covers 2024–2030"
    with pytest.raises(CalendarError) as raised:
        is_working_day(day)
    assert str(raised.value) == expected
    with pytest.raises(CalendarError):
        add_working_days(day, 0)


def test_counting_past_the_end_of_the_data_raises_instead_of_guessing() -> None:
    with pytest.raises(CalendarError, match="for 2031"):
        add_working_days(date(2030, 12, 31), 1)
    with pytest.raises(CalendarError, match="for 2023"):
        add_working_days(date(2024, 1, 2), -1)


def test_a_datetime_is_refused_since_it_never_equals_a_holiday_date() -> None:
    with pytest.raises(TypeError, match="not a datetime"):
        is_working_day(datetime(2026, 9, 2, 8, 0))


DAY = {"date": date(2024, 1, 1), "name": "Tết Dương lịch"}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({2024: {"holidays": [{"date": date(2025, 1, 1), "name": "Tết Dương lịch"}]}}, "2025-01-01 is not in 2024"),
        ({2024: {"holidays": [{"date": date(2024, 1, 1)}]}}, "needs a date"),
        ({2024: {"holidays": [{"date": "2024-01-01", "name": "Tết Dương lịch"}]}}, "needs a date"),
        ({2024: {"holidays": [DAY, DAY]}}, "2024-01-01 is listed twice"),
        ({2024: {"holidays": []}, 2026: {"holidays": []}}, "skips 2025"),
        ({2024: [DAY]}, "must hold holidays"),
        ({2024: {"holiday": [DAY]}}, "must hold holidays"),
        ({2024: {"holidays": [], "make_up_days": [{"date": date(2024, 5, 6), "name": "x"}]}}, "not a Saturday"),
        ({2024: {"holidays": [DAY], "make_up_days": [DAY]}}, "listed twice"),
        ({}, "holds no"),
    ],
)
def test_malformed_holiday_data_is_refused(files: dict[int, object], message: str) -> None:
    with pytest.raises(CalendarError, match=message):
        _parse(files)


def test_the_saturdays_worked_in_exchange_are_working_days() -> None:
    assert list(make_up_days()) == [date(2024, 5, 4), date(2025, 4, 26), date(2026, 1, 10), date(2026, 8, 22)]
    assert is_working_day(date(2026, 1, 10))
    assert not is_working_day(date(2026, 1, 17))  # the Saturday after: off
    # Friday 09/01/2026 + 1 working day: Saturday 10/01, worked in exchange for Friday 02/01.
    assert add_working_days(date(2026, 1, 9), 1) == date(2026, 1, 10)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ROOM)


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (at(date(2026, 11, 20), 14, 59), 0, date(2026, 11, 20)),  # Friday before 15:00: the same day
        (at(date(2026, 11, 20), 15, 0), 0, date(2026, 11, 23)),  # Friday at 15:00: Monday
        (at(date(2026, 11, 20), 15, 20), 0, date(2026, 11, 23)),  # Friday at 15:20: Monday
        (at(date(2026, 4, 29), 15, 20), 0, date(2026, 5, 4)),  # Wed 29/04, then 30/4, 1/5, a weekend: Mon 04/05
        (at(date(2026, 2, 13), 16, 0), 0, date(2026, 2, 23)),  # Friday before Tết 2026: Monday after it
        (at(date(2026, 11, 21), 9, 0), 0, date(2026, 11, 23)),  # a Saturday morning desk: Monday
        (at(date(2026, 11, 20), 15, 20), 3, date(2026, 11, 25)),  # 3 working days: the day itself not counted
        (at(date(2026, 11, 21), 9, 0), 3, date(2026, 11, 26)),  # received on a Saturday: counted from Monday
        (at(date(2026, 2, 13), 10, 0), 5, date(2026, 2, 27)),  # 5 working days across Tết
        (at(date(2026, 8, 28), 10, 0), 2, date(2026, 9, 4)),  # across 31/8-2/9: Thu 03/09, Fri 04/09
    ],
)
def test_the_return_date_of_a_dossier(received: datetime, days: int, due: date) -> None:
    assert due_date(received, days) == due


def test_a_return_date_needs_the_local_time_with_its_zone() -> None:
    with pytest.raises(TypeError, match="naive"):
        due_date(datetime(2026, 11, 20, 15, 20), 0)
    with pytest.raises(ValueError, match="not negative"):
        due_date(at(date(2026, 11, 20), 9), -1)


forward_starts = st.dates(min_value=FIRST, max_value=date(2030, 10, 31))
backward_starts = st.dates(min_value=date(2024, 3, 1), max_value=LAST)


@given(start=forward_starts, n=st.integers(min_value=1, max_value=40))
def test_counting_forwards_lands_on_a_working_day_exactly_n_working_days_later(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert end > start
    assert is_working_day(end)
    assert working_days_between(start, end) == n


@given(start=forward_starts, n=st.integers(min_value=0, max_value=40))
def test_more_days_land_later(start: date, n: int) -> None:
    # On a day off, 0 and 1 both mean the next working day; otherwise each day more lands later.
    if n == 0 and not is_working_day(start):
        assert add_working_days(start, 1) == add_working_days(start, 0)
    else:
        assert add_working_days(start, n + 1) > add_working_days(start, n)


@given(start=forward_starts)
def test_zero_days_lands_on_the_first_working_day_from_start(start: date) -> None:
    end = add_working_days(start, 0)
    assert is_working_day(end)
    assert end >= start
    assert working_days_between(start - timedelta(days=1), end) == 1


@given(start=backward_starts, n=st.integers(min_value=1, max_value=40))
def test_counting_backwards_lands_on_the_n_th_working_day_before(start: date, n: int) -> None:
    earlier = add_working_days(start, -n)
    assert is_working_day(earlier)
    one_day = timedelta(days=1)
    assert working_days_between(earlier - one_day, start - one_day) == n  # [earlier, start)
    if is_working_day(start):
        assert add_working_days(earlier, n) == start
