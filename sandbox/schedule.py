"""Exam dates and times as operators type them (room time zone), turned into UTC instants."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from mock_services.core.errors import SathachError


class ScheduleError(SathachError):
    """A date, time or duration an operator typed cannot be understood."""


def parse_date(text: str) -> date:
    """``2026-11-24`` or, as Vietnamese write it, ``24/11/2026``."""
    text = text.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    vn = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if vn:
            return date(int(vn[3]), int(vn[2]), int(vn[1]))
    except ValueError:
        raise ScheduleError(f"{text!r} is not a date on the calendar.") from None
    raise ScheduleError(f"{text!r} is not a date: write it as 2026-11-24 or 24/11/2026.")


def parse_time(text: str) -> time:
    """``08:00`` or ``8h00``."""
    match = re.fullmatch(r"(\d{1,2})[:hH](\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ScheduleError(f"{text!r} is not a time of day: write it as 08:00.")
    return time(int(match[1]), int(match[2]))


def starts_at(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def check_duration(minutes: int) -> int:
    if not 1 <= minutes <= 600:
        raise ScheduleError(f"An exam lasts between 1 and 600 minutes, not {minutes}.")
    return minutes
