"""Numbers and days as Vietnamese readers write them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from mock_services.core.formatting import day, points


@pytest.mark.parametrize(("value", "shown"), [(Decimal("6.00"), "6"), (Decimal("2.50"), "2,5"), (40, "40")])
def test_points_drop_trailing_zeros_and_use_a_decimal_comma(value: Decimal | int, shown: str) -> None:
    assert points(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(date(2026, 11, 26), "26/11/2026"), ("2026-01-05", "05/01/2026"), (None, ""), ("", "")]
)
def test_a_day_reads_dd_mm_yyyy_from_a_date_or_its_iso_text(value: date | str | None, shown: str) -> None:
    assert day(value) == shown
