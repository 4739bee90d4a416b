"""Vietnam's working days, so that a deadline counted in "ngày làm việc" (a one-stop receipt's
hẹn trả, the văn thư's "next working day at the latest") lands where an official would put it.

The public holidays, with the days off in lieu, the swapped days and the Saturdays worked in
exchange (ngày làm bù) the government announces, are data: one file a year under
``mock_services/core/data/holidays/`` (its README gives the sources). Outside the years they cover
every function raises ``CalendarError`` instead of guessing: a deadline that silently ran through
Tết would mark a right answer wrong. Pure: graderd counts with it too.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources
from importlib.abc import Traversable
from types import MappingProxyType

import yaml

DATA_DIR = "mock_services/core/data/holidays"
_ONE_DAY = timedelta(days=1)


class CalendarError(ValueError):
    """A date the holiday data does not cover, or holiday data that does not hold together."""


@dataclass(frozen=True)
class _HolidayData:
    holidays: Mapping[date, str]
    make_up_days: Mapping[date, str]
    years: range


def _days(raw: object, where: str, year: int, key: str, seen: dict[date, str]) -> dict[date, str]:
    entries = raw.get(key, []) if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise CalendarError(f"{where}: {key} must be a list of {{date: YYYY-MM-DD, name: …}}")
    found: dict[date, str] = {}
    for entry in entries:
        day = entry.get("date") if isinstance(entry, dict) else None
        name = entry.get("name") if isinstance(entry, dict) else None
        if type(day) is not date or not isinstance(name, str) or not name.strip():
            raise CalendarError(f"{where}: {entry!r} needs a date (YYYY-MM-DD) and a name")
        if day.year != year:
            raise CalendarError(f"{where}: {day.isoformat()} is not in {year}")
        if day in seen or day in found:
            raise CalendarError(f"{where}: {day.isoformat()} is listed twice")
        found[day] = name
    return found


def _parse(files: Mapping[int, object]) -> _HolidayData:
    """Checks each year's shape, so that a typo fails loudly instead of moving a deadline."""
    if not files:
        raise CalendarError(f"{DATA_DIR} holds no <year>.yaml")
    holidays: dict[date, str] = {}
    make_up: dict[date, str] = {}
    for year, raw in sorted(files.items()):
        where = f"{DATA_DIR}/{year}.yaml"
        if not isinstance(raw, dict) or set(raw) - {"holidays", "make_up_days"} or "holidays" not in raw:
            raise CalendarError(f"{where} must hold holidays (and make_up_days), each a list")
        holidays.update(_days(raw, where, year, "holidays", holidays))
        for day, name in _days(raw, where, year, "make_up_days", holidays).items():
            if day.weekday() < 5:
                raise CalendarError(f"{where}: make-up day {day.isoformat()} is not a Saturday or Sunday")
            make_up[day] = name
    years = range(min(files), max(files) + 1)
    if len(years) != len(files):
        missing = ", ".join(str(year) for year in years if year not in files)
        raise CalendarError(f"{DATA_DIR} skips {missing}")
    return _HolidayData(
        MappingProxyType(dict(sorted(holidays.items()))), MappingProxyType(dict(sorted(make_up.items()))), years
    )


def _year_files(folder: Traversable) -> dict[int, object]:
    found: dict[int, object] = {}
    for entry in folder.iterdir():
        stem, _, suffix = entry.name.partition(".")
        if suffix == "yaml":
            if not stem.isdigit():
                raise CalendarError(f"{DATA_DIR}/{entry.name}: a holiday file is named after its year")
            found[int(stem)] = yaml.safe_load(entry.read_text(encoding="utf-8"))
    return found


@functools.cache
def _data() -> _HolidayData:
    return _parse(_year_files(resources.files("mock_services") / "core" / "data" / "holidays"))


def public_holidays() -> dict[date, str]:
    """Every day off for a holiday, in date order, with its Vietnamese name (a copy: change it freely)."""
    return dict(_data().holidays)


def covered_years() -> range:
    """The years the holiday data covers; dates outside them raise ``CalendarError``."""
    return _data().years


def _require_covered(day: date) -> None:
    if isinstance(day, datetime):  # a datetime never equals a date, so it would never be a holiday
        raise TypeError(f"pass a date, not a datetime: {day.isoformat()}")
    years = covered_years()
    if day.year not in years:
        raise CalendarError(f"no public-holiday data for {day.year}: {DATA_DIR} covers {years[0]}–{years[-1]}")


def make_up_days() -> dict[date, str]:
    """The Saturdays worked in exchange for a swapped day (ngày làm bù), in date order (a copy)."""
    return dict(_data().make_up_days)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday, or a Saturday worked in exchange (làm bù)."""
    _require_covered(day)
    data = _data()
    return (day.weekday() < 5 and day not in data.holidays) or day in data.make_up_days


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start``, ``start`` itself not counted, as "trong 03 ngày làm
    việc" is counted; a negative n counts backwards. With n == 0: ``start`` if it is a working day,
    else the next one (the "same day, or the next working day" rule)."""
    _require_covered(start)
    day = start
    if n == 0:
        while not is_working_day(day):
            day += _ONE_DAY
        return day
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


# The one-stop rule (Nghị định 61/2018 and the procedures' own texts): a procedure settled "trong
# ngày" or "ngay" takes what arrives after 15:00 as the next working day's.
SAME_DAY_CUTOFF = time(15, 0)


def due_date(received: datetime, working_days: int, *, cutoff: time = SAME_DAY_CUTOFF) -> date:
    """The return date of a dossier received at ``received`` (local time), due in ``working_days``
    working days (0: the same day). Received on a day off, it counts from the next working day;
    the same-day rule moves what arrives after ``cutoff`` to the next working day. The day of
    receipt is not counted in a count of working days ("trong 03 ngày làm việc")."""
    if received.tzinfo is None:
        raise TypeError(f"pass the local time with its zone, not a naive one: {received.isoformat()}")
    if working_days < 0:
        raise ValueError(f"a handling time is not negative: {working_days}")
    day = received.date()
    if not is_working_day(day):  # taken in as the next working day's, first thing
        return add_working_days(add_working_days(day, 0), working_days)
    if working_days == 0:
        return add_working_days(day, 1) if received.time() >= cutoff else day
    return add_working_days(day, working_days)
