"""Checking a ``Node`` against the shape a spec expects: known keys only, the right types,
every problem collected with its place (``problems``), never the first one alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from graderd.spec.problems import Problems, did_you_mean
from graderd.spec.source import Node

# What a value must be, as an author reads it in a message.
KIND_NAMES = {
    "text": "a text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "date": "a date (YYYY-MM-DD)",
    "list": "a list",
    "mapping": "a mapping of keys to values",
    "any": "a value",
}


def keys_of(
    node: Node,
    problems: Problems,
    *,
    what: str,
    required: Mapping[str, str],
    optional: Mapping[str, str] | None = None,
) -> dict[str, Node]:
    """The known keys of a mapping, each of the kind asked for; problems for the rest.

    ``required`` and ``optional`` map each key to a kind (see ``KIND_NAMES``)."""
    optional = optional or {}
    if not node.is_mapping:
        problems.add(node.mark, f"{what} must be {KIND_NAMES['mapping']}, not {describe(node)}")
        return {}
    allowed = {**required, **optional}
    found: dict[str, Node] = {}
    assert node.keys is not None
    for key, value in node.value.items():
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            problems.add(node.keys[key], f"unknown key {key!r} in {what}{did_you_mean(key, allowed)}; known: {known}")
            continue
        if check_kind(value, allowed[key], problems, what=f"{key!r} of {what}"):
            found[key] = value
    for key in required:
        if key not in node.value:
            problems.add(node.mark, f"{what} needs the key {key!r}")
    return found


def check_kind(node: Node, kind: str, problems: Problems, *, what: str) -> bool:
    if _is(node, kind):
        return True
    problems.add(node.mark, f"{what} must be {KIND_NAMES[kind]}, not {describe(node)}")
    return False


def _is(node: Node, kind: str) -> bool:
    value = node.value
    if kind == "any":
        return True
    if kind == "mapping":
        return node.is_mapping
    if kind == "list":
        return node.is_sequence
    if node.is_mapping or node.is_sequence:
        return False
    if kind == "text":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    raise ValueError(f"unknown kind {kind!r}")


def describe(node: Node) -> str:
    """The value as the author wrote it, for a message: ``the text 'năm'``, ``a list`` …"""
    if node.is_mapping:
        return "a mapping"
    if node.is_sequence:
        return "a list"
    value = node.value
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f"the text {shown!r}"
    return f"{value!r}"


def points_of(node: Node, problems: Problems, *, what: str) -> Decimal | None:
    """Points: a number, exact (``2.5`` is two and a half, never 2.4999…), not negative."""
    if not check_kind(node, "number", problems, what=what):
        return None
    try:
        points = Decimal(str(node.value))
    except InvalidOperation:  # pragma: no cover - YAML numbers always convert
        problems.add(node.mark, f"{what} must be a number")
        return None
    if not points.is_finite() or points < 0:
        problems.add(node.mark, f"{what} must be a number of 0 or more, not {node.value}")
        return None
    return points
