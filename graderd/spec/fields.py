"""Field paths: ``data.after.subject``, ``data.after.attachments.0.name``, ``reply.data.after.message_id``.

A path is dotted keys; a whole-number segment indexes a list. Looking up a path that is not
there gives ``MISSING``, which no value equals: a check on an absent field fails with
"không có" instead of comparing against ``None``.
"""

from __future__ import annotations

import re
from typing import Any, Final

_SEGMENT = re.compile(r"^[A-Za-z_][\w-]*$|^\d+$")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final[Any] = _Missing()

Path = tuple[str | int, ...]


def parse_path(text: str) -> Path | None:
    """The segments of a path, or None if it is not a well-formed path."""
    parts = text.split(".")
    if not text or not all(_SEGMENT.match(part) for part in parts):
        return None
    return tuple(int(part) if part.isdigit() else part for part in parts)


def show_path(path: Path) -> str:
    return ".".join(str(part) for part in path)


def lookup(root: Any, path: Path) -> Any:
    value = root
    for part in path:
        if isinstance(part, int):
            if not isinstance(value, list) or part >= len(value):
                return MISSING
            value = value[part]
        elif isinstance(value, dict):
            if part not in value:
                return MISSING
            value = value[part]
        else:
            return MISSING
    return value
