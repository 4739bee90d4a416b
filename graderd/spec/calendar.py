"""Vietnam's working days, so that a deadline counted in "ngày làm việc" (a one-stop receipt's
hẹn trả, the văn thư's "next working day at the latest") lands where an official would put it.

The public holidays, with the days off in lieu and the swapped days the government announces, are
data: ``graderd/data/vn_public_holidays.yaml``. Outside the years it covers every function raises
``CalendarError`` instead of guessing: a deadline that silently ran through Tết would mark a right
answer wrong. Saturdays worked in exchange for a swapped day (ngày làm bù) are not modelled: every
Saturday and Sunday is a day off.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from types import MappingProxyType

import yaml

DATA_FILE = "graderd/data/vn_public_holidays.yaml"
_ONE_DAY = timedelta(days=1)


class CalendarError(ValueError):
    """A date the holiday data does not cover, or holiday data that does not hold together."""


@dataclass(frozen=True)
class _HolidayData:
    holidays: Mapping[date, str]
    years: range


def _parse(raw: object) -> _HolidayData:
    """Checks the file's shape, so that a typo in it fails loudly instead of moving a deadline."""
    if not isinstance(raw, dict) or not raw:
        raise CalendarError(f"{DATA_FILE} must map years to lists of holidays")
    holidays: dict[date, str] = {}
    for year, entries in raw.items():
        if not isinstance(year, int) or not isinstance(entries, list):
            raise CalendarError(f"{DATA_FILE}: {year!r} must be a year holding a list of holidays")
        for entry in entries:
            day = entry.get("date") if isinstance(entry, dict) else None
            name = entry.get("name") if isinstance(entry, dict) else None
            if type(day) is not date or not isinstance(name, str) or not name.strip():
                raise CalendarError(f"{DATA_FILE}: {entry!r} in {year} needs a date (YYYY-MM-DD) and a name")
            if day.year != year:
                raise CalendarError(f"{DATA_FILE}: {day.isoformat()} is listed under {year}")
            if day in holidays:
                raise CalendarError(f"{DATA_FILE}: {day.isoformat()} is listed twice")
            holidays[day] = name
    years = range(min(raw), max(raw) + 1)
    if len(years) != len(raw):
        missing = ", ".join(str(year) for year in years if year not in raw)
        raise CalendarError(f"{DATA_FILE} skips {missing}")
    return _HolidayData(MappingProxyType(dict(sorted(holidays.items()))), years)


@functools.cache
def _data() -> _HolidayData:
    text = (resources.files("graderd") / "data" / "vn_public_holidays.yaml").read_text(encoding="utf-8")
    return _parse(yaml.safe_load(text))


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
        raise CalendarError(f"no public-holiday data for {day.year}: {DATA_FILE} covers {years[0]}–{years[-1]}")


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday."""
    _require_covered(day)
    return day.weekday() < 5 and day not in _data().holidays


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
