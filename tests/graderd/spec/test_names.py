"""Generated Vietnamese names: the same seed gives the same people, genders are respected, and
the text is NFC so that it compares equal to what a candidate types."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graderd.spec.names import (
    GIVEN_NAMES,
    MIDDLE_NAMES,
    SURNAME_SHARES,
    SURNAMES,
    TRADITIONAL_MIDDLE_NAME,
    Gender,
    person_name,
)

seeds = st.integers(min_value=0, max_value=2**32)
genders = st.sampled_from(["nam", "nu", None])


def names(seed: int, count: int, gender: Gender | None = None) -> list[str]:
    rng = random.Random(seed)
    return [person_name(rng, gender) for _ in range(count)]


def test_the_same_seed_gives_the_same_names() -> None:
    assert names(2026, 20) == names(2026, 20)
    assert names(2026, 20) != names(2027, 20)


def test_a_name_is_surname_middle_names_and_given_name() -> None:
    for name in names(1, 200):
        surname, *middles, given = name.split(" ")
        assert surname in SURNAMES
        assert 1 <= len(middles) <= 2
        assert given not in middles


@pytest.mark.parametrize("gender", ["nam", "nu"])
def test_the_gender_asked_for_picks_middle_and_given_names(gender: Gender) -> None:
    allowed_middles = {TRADITIONAL_MIDDLE_NAME[gender], *MIDDLE_NAMES[gender]}
    for name in names(7, 300, gender):
        _, *middles, given = name.split(" ")
        assert set(middles) <= allowed_middles
        assert given in GIVEN_NAMES[gender]


def test_thi_and_van_mark_the_gender_they_belong_to() -> None:
    assert not any(" Thị " in name for name in names(3, 300, "nam"))
    assert not any(" Văn " in name for name in names(3, 300, "nu"))
    assert sum(" Thị " in name for name in names(3, 300, "nu")) > 60


def test_without_a_gender_both_appear() -> None:
    drawn = names(11, 300)
    assert any(" Thị " in name for name in drawn)
    assert any(" Văn " in name for name in drawn)


def test_surnames_follow_their_real_shares() -> None:
    counts = Counter(name.split(" ")[0] for name in names(5, 5000))
    assert counts.most_common(1)[0][0] == "Nguyễn"
    assert 0.33 < counts["Nguyễn"] / 5000 < 0.44
    assert counts["Trần"] > counts["Đỗ"] > counts["Lý"]


def test_the_word_lists_are_nfc_and_without_duplicates() -> None:
    lists = [SURNAMES, *MIDDLE_NAMES.values(), *GIVEN_NAMES.values()]
    for words in lists:
        assert len(set(words)) == len(words)
        for word in words:
            assert unicodedata.normalize("NFC", word) == word
            assert word == word.strip()
            assert " " not in word
    assert len(SURNAME_SHARES) == len(SURNAMES)


def test_an_unknown_gender_is_refused() -> None:
    with pytest.raises(ValueError, match="gender must be one of"):
        person_name(random.Random(0), "male")  # type: ignore[arg-type]


@given(seed=seeds, gender=genders)
def test_every_name_is_nfc_title_case_and_reproducible(seed: int, gender: Gender | None) -> None:
    name = person_name(random.Random(seed), gender)
    assert unicodedata.normalize("NFC", name) == name
    assert all(word[:1].isupper() and word[1:].islower() for word in name.split(" "))
    assert person_name(random.Random(seed), gender) == name
    if gender is not None:
        assert name.split(" ")[-1] in GIVEN_NAMES[gender]
