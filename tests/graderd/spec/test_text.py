"""Vietnamese-aware comparison: the encoding of a letter never costs a candidate a point."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graderd.spec.text import fold, normalize, same_text, similarity

VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
words = st.text(alphabet=VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + " ", max_size=40)


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Hoà Bình", "Hòa Bình"), ("tuỳ", "tùy"), ("hoạ", "họa")],
)
def test_both_tone_mark_placements_are_the_same_text(old_style: str, new_style: str) -> None:
    assert same_text(old_style, new_style)


def test_unicode_form_case_and_spaces_do_not_matter() -> None:
    written = "Báo cáo kết quả chuyển đổi số năm 2026"
    assert same_text(written, unicodedata.normalize("NFD", written))
    assert same_text(written, "  BÁO CÁO   kết quả\tchuyển đổi số năm 2026 ")


@pytest.mark.parametrize(
    ("a", "b"),
    [("hòa", "hóa"), ("Báo cáo", "Bao cao"), ("cần", "cận"), ("đồng", "dồng"), ("ư", "u"), ("mơ", "mo")],
)
def test_a_different_tone_or_letter_is_a_different_text(a: str, b: str) -> None:
    assert not same_text(a, b)


def test_folding_drops_every_diacritic_for_accent_insensitive_checks() -> None:
    assert fold("Đồng Tháp, Hòa Bình") == "dong thap, hoa binh"
    assert fold("hoà") == fold("hóa") == "hoa"


def test_similarity_is_word_by_word() -> None:
    assert similarity("V/v báo cáo kết quả", "V/v báo cáo kết quả") == 1.0
    assert similarity("Giao Phòng Văn hóa chủ trì", "giao phòng văn hoá chủ trì") == 1.0
    assert 0.7 < similarity("Giao Phòng Văn hóa - Xã hội chủ trì", "Giao Phòng Văn hóa chủ trì") < 1.0
    assert similarity("một hai ba", "bốn năm sáu") == 0.0


@settings(max_examples=300, deadline=None)
@given(words)
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


@settings(max_examples=300, deadline=None)
@given(words)
def test_nfd_and_case_never_change_the_normal_form(text: str) -> None:
    assert normalize(unicodedata.normalize("NFD", text)) == normalize(text)
    assert normalize(text.upper()) == normalize(text.lower())


@settings(max_examples=300, deadline=None)
@given(words)
def test_moving_a_tone_mark_within_its_word_never_changes_the_normal_form(text: str) -> None:
    # Each word rewritten with its tone marks moved to its first letter: another placement.
    def tone_first(word: str) -> str:
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(ch for ch in decomposed if ch in "\u0300\u0301\u0309\u0303\u0323")
        base = "".join(ch for ch in decomposed if ch not in "\u0300\u0301\u0309\u0303\u0323")
        return unicodedata.normalize("NFC", base[:1] + tones + base[1:]) if base else word

    moved = " ".join(tone_first(word) for word in text.split(" "))
    assert normalize(moved) == normalize(text)


def test_a_tone_typed_before_the_letters_own_mark_is_the_same_letter() -> None:
    # Some input methods send "e", the acute, then the circumflex: NFC cannot join them.
    assert unicodedata.normalize("NFC", "Thie\u0301\u0302t") != "Thiết"
    assert same_text("Thie\u0301\u0302t bị", "Thiết bị")
