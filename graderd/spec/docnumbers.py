"""Document numbers (số, ký hiệu) for generated exam documents, written the way Nghị định
30/2020/NĐ-CP says, since candidates are graded on copying them exactly into a register.

The rules (Phụ lục I, Phần I, mục II.3, and Phụ lục III, Mục I):

- The number counts the body's documents in the year, in Arabic digits; below 10 it takes a
  leading 0 ("05/…").
- The symbol of a typed document is the type's abbreviation, then the issuing body's:
  "15/QĐ-UBND", "07/TTr-UBND". Abbreviations come from Phụ lục III ("QyĐ" for quy định, "TTr" for
  tờ trình: the table's mixed case is kept).
- A công văn has no type abbreviation: its symbol is the issuing body's abbreviation, then the
  drafting unit's or the field's: "215/UBND-VP". "CV" is not in the table; here it is only the
  caller's shorthand for "a công văn".
- "/" between number and symbol, "-" between the symbol's groups, no spaces.
"""

from __future__ import annotations

import random
import re

from mock_services.documents.numbering import CONG_VAN, DOCUMENT_TYPES

__all__ = ["COMMON_KINDS", "CONG_VAN", "DOCUMENT_TYPES", "UNITS", "document_number"]

# What a commune or city People's Committee sends most: drawn when the caller names no kind.
COMMON_KINDS: tuple[str, ...] = (CONG_VAN, "QĐ", "TB", "KH", "BC", "TTr", "GM")
# Drafting units and fields a công văn's symbol names: văn phòng, văn xã, kinh tế, nội chính,
# tổng hợp, khoa giáo - văn xã, tổ chức - hành chính.
UNITS: tuple[str, ...] = ("VP", "VX", "KT", "NC", "TH", "KGVX", "TCHC")

_ABBREVIATION = re.compile(r"[A-ZĐ][A-ZĐ0-9]*")


def _check_abbreviation(role: str, value: str) -> None:
    if not _ABBREVIATION.fullmatch(value):
        raise ValueError(f"the {role} must be a capitalised abbreviation such as UBND or VP, not {value!r}")


def document_number(
    rng: random.Random,
    *,
    issuer: str = "UBND",
    kind: str | None = None,
    unit: str | None = None,
    low: int = 1,
    high: int = 999,
) -> str:
    """A số, ký hiệu such as "45/QĐ-UBND" or "215/UBND-VP", its number drawn from low..high.

    ``kind`` is an abbreviation from ``DOCUMENT_TYPES``, or ``CONG_VAN``; None draws one of
    ``COMMON_KINDS``. ``unit`` names a công văn's drafting unit (None draws one of ``UNITS``); other
    kinds have none.
    """
    if not 1 <= low <= high:
        raise ValueError(f"document numbers start at 1: need 1 <= low <= high, not low={low}, high={high}")
    _check_abbreviation("issuer", issuer)
    if kind is None:
        kind = rng.choice(COMMON_KINDS)
    if kind != CONG_VAN and kind not in DOCUMENT_TYPES:
        raise ValueError(f"unknown document kind {kind!r}: use {CONG_VAN!r} or one of {', '.join(DOCUMENT_TYPES)}")
    number = f"{rng.randint(low, high):02d}"
    if kind != CONG_VAN:
        if unit is not None:
            raise ValueError(f"only a công văn names its drafting unit: the symbol of a {kind} is {kind}-{issuer}")
        return f"{number}/{kind}-{issuer}"
    if unit is None:
        unit = rng.choice(UNITS)
    _check_abbreviation("unit", unit)
    return f"{number}/{issuer}-{unit}"
