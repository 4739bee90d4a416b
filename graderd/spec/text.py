"""Comparing Vietnamese text as a grader would, so that no candidate loses a point for how their
keyboard encodes a letter.

``same_text`` holds when two texts differ only in Unicode form (NFC or NFD, precomposed or
combining), in where the tone mark sits ("hoà" and "hòa", "thuỷ" and "thủy", "khoẻ" and
"khỏe"), in case, or in runs of spaces. ``fold`` goes further, for the checks that ask for it:
no diacritics at all ("Hòa" = "hoa", "Đức" = "duc"). ``similarity`` compares word by word.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# The five tone marks (dấu thanh): huyền, sắc, hỏi, ngã, nặng. Other diacritics (ă, â, ê, ô,
# ơ, ư) are part of the letter and stay where they are.
TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")
_WORD = re.compile(r"[\w\u0300-\u036f]+", re.UNICODE)  # a word with its combining marks
_SPACES = re.compile(r"\s+", re.UNICODE)


def _tone_at_end(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(ch for ch in decomposed if ch in TONE_MARKS)
    if not tones:
        return word
    base = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    return base + tones


def normalize(text: str) -> str:
    """The form two texts are compared in: one tone-mark placement, NFC, case-folded, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _WORD.sub(lambda word: _tone_at_end(word.group(0)), text)
    text = unicodedata.normalize("NFC", text).casefold()
    return _SPACES.sub(" ", text).strip()


def same_text(a: str, b: str) -> bool:
    return normalize(a) == normalize(b)


def fold(text: str) -> str:
    """Without any diacritic (accent-insensitive comparison): "Đồng Tháp" → "dong thap"."""
    decomposed = unicodedata.normalize("NFD", normalize(text).replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def similarity(a: str, b: str) -> float:
    """How alike two texts are, word by word, from 0 to 1 (after ``normalize``)."""
    words_a, words_b = normalize(a).split(), normalize(b).split()
    if not words_a and not words_b:
        return 1.0
    return SequenceMatcher(a=words_a, b=words_b, autojunk=False).ratio()
