"""Vietnamese person names for generated exam data (citizens at the one-stop desk, signers,
recipients), drawn from a seeded ``random.Random`` so that a task renders the same names for
every candidate and every re-run.

A name is họ (surname) + tên đệm (one or two middle names) + tên (given name), e.g. "Nguyễn Thị
Minh Thư", "Trần Quốc Huy". Surnames follow their real shares, so most generated people are
Nguyễn, as most real ones are; middle and given names depend on gender ("nam" male, "nu" female).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping
from typing import Literal

Gender = Literal["nam", "nu"]
GENDERS: tuple[Gender, ...] = ("nam", "nu")

# Share of the population in per cent (the commonly cited survey figures). Hoàng/Huỳnh and Vũ/Võ
# are one surname each, said differently in the North and the South; their share is split.
SURNAME_SHARES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.4),
    ("Trần", 12.1),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 2.6),
    ("Huỳnh", 2.5),
    ("Phan", 4.5),
    ("Vũ", 2.0),
    ("Võ", 1.9),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    # The long tail, so that not every generated person has a top-14 surname.
    ("Đinh", 0.8),
    ("Trương", 0.8),
    ("Trịnh", 0.7),
    ("Đào", 0.7),
    ("Mai", 0.6),
    ("Lâm", 0.5),
    ("Cao", 0.5),
    ("Lương", 0.5),
    ("Tạ", 0.4),
    ("Hà", 0.4),
)
SURNAMES: tuple[str, ...] = tuple(surname for surname, _ in SURNAME_SHARES)
_SURNAME_WEIGHTS: tuple[float, ...] = tuple(share for _, share in SURNAME_SHARES)

# "Thị" and "Văn" are still the commonest middle names, more so among older people; often a
# second middle name follows them ("Nguyễn Thị Minh Thư").
TRADITIONAL_MIDDLE_NAME: Mapping[Gender, str] = {"nam": "Văn", "nu": "Thị"}
_TRADITIONAL_SHARE = 0.4
_SECOND_MIDDLE_SHARE = 0.3

MIDDLE_NAMES: Mapping[Gender, tuple[str, ...]] = {
    "nam": (
        "Quốc", "Minh", "Hoàng", "Đức", "Hữu", "Công", "Thành", "Xuân", "Anh", "Tuấn",
        "Gia", "Trọng", "Đình", "Thanh", "Ngọc", "Quang", "Mạnh", "Bá", "Trung", "Việt",
    ),
    "nu": (
        "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Kim", "Mai", "Thùy", "Hồng", "Bảo",
        "Khánh", "Diệu", "Hoài", "Quỳnh", "Thảo", "Tuyết", "Mỹ", "Bích", "Cẩm", "Hải",
    ),
}  # fmt: skip

GIVEN_NAMES: Mapping[Gender, tuple[str, ...]] = {
    "nam": (
        "Huy", "Nam", "Hùng", "Dũng", "Tuấn", "Minh", "Long", "Cường", "Hải", "Sơn",
        "Thắng", "Phúc", "Khoa", "Bình", "Đạt", "Trung", "Hiếu", "Tùng", "Quân", "Lâm",
        "Hoàng", "Việt", "Thành", "Khánh", "Toàn", "Phong", "Nghĩa", "Tài", "Lộc", "Kiên",
    ),
    "nu": (
        "Thư", "Anh", "Linh", "Hương", "Lan", "Hà", "Trang", "Huyền", "Ngọc", "Thảo",
        "Mai", "Hằng", "Phương", "Nhung", "Yến", "Hạnh", "Vy", "Nhi", "Hoa", "Dung",
        "Quyên", "Giang", "Oanh", "Loan", "Uyên", "Trâm", "Châu", "Diệp", "Tâm", "Hiền",
    ),
}  # fmt: skip


def _middle_names(rng: random.Random, gender: Gender) -> list[str]:
    if rng.random() >= _TRADITIONAL_SHARE:
        return [rng.choice(MIDDLE_NAMES[gender])]
    middles = [TRADITIONAL_MIDDLE_NAME[gender]]
    if rng.random() < _SECOND_MIDDLE_SHARE:
        middles.append(rng.choice(MIDDLE_NAMES[gender]))
    return middles


def person_name(rng: random.Random, gender: Gender | None = None) -> str:
    """A full name in NFC; ``gender`` None draws one. The same rng state gives the same name."""
    if gender is None:
        gender = rng.choice(GENDERS)
    if gender not in GENDERS:
        raise ValueError(f"gender must be one of {GENDERS}, not {gender!r}")
    surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    middles = _middle_names(rng, gender)
    given = rng.choice(GIVEN_NAMES[gender])
    while given in middles:  # "Trần Minh Minh" is not a name anyone is given
        given = rng.choice(GIVEN_NAMES[gender])
    return unicodedata.normalize("NFC", " ".join([surname, *middles, given]))
