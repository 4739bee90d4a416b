"""How two values compare in a rubric: text as a Vietnamese grader reads it, dates whichever
way they are written, numbers exactly.

Text is compared after ``text.normalize`` (Unicode form, tone-mark placement, case, spaces)
unless a check asks for ``exact``; ``ignore_accents`` folds diacritics away; ``similarity``
accepts a text that is alike enough, word by word. A date written 27/11/2026, 2026-11-27 or
as a timestamp is the same day (a timestamp is read in the room's time zone).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from graderd.spec.text import fold, normalize, similarity

_VN_DAY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_ISO_DAY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")


@dataclass(frozen=True, slots=True)
class TextOptions:
    exact: bool = False
    ignore_accents: bool = False
    similarity: float | None = None


DEFAULT_TEXT = TextOptions()


@lru_cache(maxsize=65536)
def _normalized(text: str) -> str:
    return normalize(text)


@lru_cache(maxsize=65536)
def _folded(text: str) -> str:
    return fold(text)


def prepare(text: str, options: TextOptions) -> str:
    if options.exact:
        return unicodedata.normalize("NFC", text)
    return _folded(text) if options.ignore_accents else _normalized(text)


def as_text(value: Any) -> str | None:
    """The text of a scalar (a number compares with the text "215"); None for lists, mappings, nothing."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal | dt.date):
        return str(value)
    return None


def text_equal(actual: str, expected: str, options: TextOptions) -> bool:
    a, b = prepare(actual, options), prepare(expected, options)
    if a == b:
        return True
    return options.similarity is not None and similarity(a, b) >= options.similarity


def as_number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def as_moment(value: Any, tz: ZoneInfo) -> dt.date | dt.datetime | None:
    """A date or an aware timestamp from any of the ways the log and authors write them."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    match = _VN_DAY.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=tz)


def comparable(actual: Any, expected: Any, tz: ZoneInfo) -> tuple[Any, Any] | None:
    """The two values in one ordered domain (numbers, days, or instants), or None if they have none."""
    if isinstance(expected, int | float | Decimal) and not isinstance(expected, bool):
        a, b = as_number(actual), as_number(expected)
        return (a, b) if a is not None and b is not None else None
    a_moment, b_moment = as_moment(actual, tz), as_moment(expected, tz)
    if a_moment is None or b_moment is None:
        a, b = as_number(actual), as_number(expected)
        return (a, b) if a is not None and b is not None else None
    a_dt, b_dt = isinstance(a_moment, dt.datetime), isinstance(b_moment, dt.datetime)
    if a_dt and b_dt:
        return a_moment, b_moment
    # A day against an instant: compare days, the instant's day in the room's time zone.
    return _day(a_moment, tz), _day(b_moment, tz)


def _day(moment: dt.date | dt.datetime, tz: ZoneInfo) -> dt.date:
    if isinstance(moment, dt.datetime):
        return moment.astimezone(tz).date()
    return moment


def _same_elements(actual: list[Any], expected: list[Any], options: TextOptions, tz: ZoneInfo) -> bool:
    """The same elements, in any order (recipients, attachments): each expected one used once."""
    if len(actual) != len(expected):
        return False
    left = list(actual)
    for wanted in expected:
        index = next((i for i, item in enumerate(left) if values_equal(item, wanted, options, tz)), None)
        if index is None:
            return False
        left.pop(index)
    return True


def _same_day_or_number(actual: Any, expected: Any, tz: ZoneInfo) -> bool:
    """Texts that differ as text but name one day (27/11/2026, 2026-11-27) or one number (2,5 and 2.5)."""
    if isinstance(expected, str) and (_VN_DAY.match(expected) or _ISO_DAY.match(expected)):
        pair = comparable(actual, expected, tz)
        return pair is not None and pair[0] == pair[1]
    a_number, e_number = as_number(actual), as_number(expected)
    return a_number is not None and a_number == e_number


def values_equal(actual: Any, expected: Any, options: TextOptions, tz: ZoneInfo) -> bool:
    if type(actual) is str and type(expected) is str:  # the common case, first
        return text_equal(actual, expected, options) or _same_day_or_number(actual, expected, tz)
    if isinstance(expected, dt.date):
        pair = comparable(actual, expected, tz)
        return pair is not None and pair[0] == pair[1]
    if isinstance(expected, list):
        return isinstance(actual, list) and _same_elements(actual, expected, options, tz)
    if expected is None or isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected or (actual == expected and type(actual) is type(expected))
    if isinstance(expected, dict) or isinstance(actual, dict | list):
        return bool(actual == expected)
    if isinstance(expected, str) or isinstance(actual, str):
        a_text, e_text = as_text(actual), as_text(expected)
        if a_text is not None and e_text is not None and text_equal(a_text, e_text, options):
            return True
        return _same_day_or_number(actual, expected, tz)
    a_number, e_number = as_number(actual), as_number(expected)
    return a_number is not None and a_number == e_number
