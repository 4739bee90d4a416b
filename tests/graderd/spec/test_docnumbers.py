"""Document numbers as Nghị định 30/2020/NĐ-CP writes them: the type before the issuer, none for a
công văn, a leading 0 below 10, no spaces."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graderd.spec.docnumbers import COMMON_KINDS, CONG_VAN, DOCUMENT_TYPES, UNITS, document_number

# The pattern the domain reference suggests for "Số: …" (shared/reference/vn-egov-domain.md, 2.3).
SO_KY_HIEU = re.compile(r"^Số: (0[1-9]|[1-9]\d+)/([A-ZĐ][A-Za-zĐđ]*)(-[A-ZĐ][A-ZĐ0-9]*)+$")


def test_a_typed_document_puts_its_type_before_the_issuer() -> None:
    number = document_number(random.Random(1), kind="QĐ", low=45, high=45)
    assert number == "45/QĐ-UBND"
    assert document_number(random.Random(1), issuer="BNV", kind="TTr", low=15, high=15) == "15/TTr-BNV"


def test_a_cong_van_has_no_type_but_names_its_drafting_unit() -> None:
    assert document_number(random.Random(1), kind=CONG_VAN, unit="VP", low=215, high=215) == "215/UBND-VP"
    drawn = document_number(random.Random(1), kind=CONG_VAN, low=215, high=215)
    assert drawn.startswith("215/UBND-")
    assert drawn.removeprefix("215/UBND-") in UNITS


def test_numbers_below_ten_get_a_leading_zero() -> None:
    assert document_number(random.Random(1), kind="TB", low=5, high=5) == "05/TB-UBND"
    assert document_number(random.Random(1), kind="TB", low=10, high=10) == "10/TB-UBND"


def test_the_table_s_mixed_case_abbreviations_are_kept() -> None:
    assert document_number(random.Random(1), kind="QyĐ", low=3, high=3) == "03/QyĐ-UBND"
    assert DOCUMENT_TYPES["QyĐ"] == "Quy định"
    assert "CV" not in DOCUMENT_TYPES  # công văn has no abbreviation: CV is the classic mistake


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"kind": "XYZ"}, "unknown document kind 'XYZ'"),
        ({"kind": "QĐ", "unit": "VP"}, "only a công văn names its drafting unit"),
        ({"issuer": "ubnd"}, "capitalised abbreviation"),
        ({"issuer": "UB ND"}, "capitalised abbreviation"),
        ({"kind": CONG_VAN, "unit": "V-P"}, "capitalised abbreviation"),
        ({"low": 0}, "need 1 <= low <= high"),
        ({"low": 9, "high": 5}, "need 1 <= low <= high"),
    ],
)
def test_bad_arguments_are_refused(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        document_number(random.Random(0), **arguments)  # type: ignore[arg-type]


def test_without_a_kind_the_common_kinds_are_drawn() -> None:
    rng = random.Random(4)
    drawn = {document_number(rng) for _ in range(300)}
    symbols = {number.split("/", 1)[1] for number in drawn}
    assert {f"{kind}-UBND" for kind in COMMON_KINDS if kind != CONG_VAN} <= symbols
    assert any(symbol.startswith("UBND-") for symbol in symbols)


@given(
    seed=st.integers(min_value=0, max_value=2**32),
    kind=st.sampled_from([None, CONG_VAN, *DOCUMENT_TYPES]),
    issuer=st.sampled_from(["UBND", "BNV", "SNV", "VPCP", "HĐND"]),
    bounds=st.tuples(st.integers(min_value=1, max_value=2000), st.integers(min_value=0, max_value=2000)),
)
def test_every_number_fits_the_decree_s_pattern(
    seed: int, kind: str | None, issuer: str, bounds: tuple[int, int]
) -> None:
    low, high = bounds[0], bounds[0] + bounds[1]
    number = document_number(random.Random(seed), issuer=issuer, kind=kind, low=low, high=high)
    assert SO_KY_HIEU.match(f"Số: {number}")
    assert " " not in number
    assert low <= int(number.split("/")[0]) <= high
    assert issuer in number.split("/")[1].split("-")
    assert document_number(random.Random(seed), issuer=issuer, kind=kind, low=low, high=high) == number
