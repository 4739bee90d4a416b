"""Task params: the per-candidate variant of a task (which unit to forward to, which deadline).

Each param is drawn from its own random stream, seeded by (exam seed, candidate, task, param
name): the same candidate always gets the same values, two candidates usually differ, and
adding a param to a task never changes the others. Drawn values are plain JSON (dates as
ISO text), stored with the assignment; ``context_value`` turns them back into what templates
and checks see (a date prints as 27/11/2026).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graderd.spec.docnumbers import CONG_VAN, DOCUMENT_TYPES, document_number
from graderd.spec.names import person_name
from graderd.spec.problems import Mark, Problems, did_you_mean
from graderd.spec.shape import check_kind, describe, keys_of
from graderd.spec.source import Node
from graderd.spec.templates import VnDate
from mock_services.core.workdays import add_working_days

GENDERS = {"any": None, "nam": "nam", "nu": "nu"}


@dataclass(frozen=True, slots=True)
class Param:
    """One declared param: its kind, its arguments, and how to draw it."""

    name: str
    kind: str
    mark: Mark
    draw_value: Callable[[random.Random, dt.date], Any]
    is_date: bool = False

    def draw(self, rng: random.Random, exam_day: dt.date) -> Any:
        value = self.draw_value(rng, exam_day)
        return value.isoformat() if isinstance(value, dt.date) else value

    def context_value(self, stored: Any) -> Any:
        return VnDate.of(dt.date.fromisoformat(stored)) if self.is_date else stored


ParamParser = Callable[[str, Node, Problems], Param | None]
PARAM_KINDS: dict[str, tuple[ParamParser, str]] = {}


def param_kind(name: str, doc: str) -> Callable[[ParamParser], ParamParser]:
    def register(parser: ParamParser) -> ParamParser:
        PARAM_KINDS[name] = (parser, doc)
        return parser

    return register


def parse_params(node: Node | None, problems: Problems) -> dict[str, Param]:
    """``params:``: a mapping of name to ``{kind: arguments}``."""
    if node is None or node.value is None:
        return {}
    if not check_kind(node, "mapping", problems, what="params"):
        return {}
    assert node.keys is not None
    params: dict[str, Param] = {}
    for name, spec in node.value.items():
        if not name.isidentifier() or name == "candidate":
            problems.add(node.keys[name], f"param name {name!r} must be a name like 'lead_unit' (and not 'candidate')")
            continue
        if not spec.is_mapping or len(spec.value) != 1:
            kinds = ", ".join(PARAM_KINDS)
            problems.add(spec.mark, f"param {name!r} must be one mapping {{kind: arguments}}; kinds: {kinds}")
            continue
        assert spec.keys is not None
        [(kind, arguments)] = spec.value.items()
        if kind not in PARAM_KINDS:
            problems.add(
                spec.keys[kind],
                f"unknown param kind {kind!r}{did_you_mean(kind, PARAM_KINDS)}; kinds: {', '.join(PARAM_KINDS)}",
            )
            continue
        param = PARAM_KINDS[kind][0](name, arguments, problems)
        if param is not None:
            params[name] = param
    return params


def seeded(*parts: object) -> random.Random:
    """A generator that depends only on ``parts`` (the exam's seed first): the same on every
    machine and Python, unlike ``hash()``; each draw names what it is for, so draws never mix."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def seeded_random(exam_seed: int, candidate: str, task_id: str, name: str) -> random.Random:
    return seeded(exam_seed, candidate, task_id, name)


def draw_params(
    params: Mapping[str, Param], *, exam_seed: int, candidate: str, task_id: str, exam_day: dt.date
) -> dict[str, Any]:
    """One candidate's values, as stored JSON."""
    return {
        name: param.draw(seeded_random(exam_seed, candidate, task_id, name), exam_day) for name, param in params.items()
    }


def _range(name: str, node: Node, problems: Problems, *, what: str) -> tuple[int, int] | None:
    """``5`` or ``[3, 7]``: whole numbers, low ≤ high."""
    if not node.is_sequence:
        if check_kind(node, "integer", problems, what=what):
            return node.value, node.value
        return None
    items = node.value
    if len(items) != 2 or not all(check_kind(item, "integer", problems, what=what) for item in items):
        if len(items) != 2:
            problems.add(node.mark, f"{what} must be a whole number or [low, high]")
        return None
    low, high = items[0].value, items[1].value
    if low > high:
        problems.add(node.mark, f"{what}: low {low} is above high {high}")
        return None
    return low, high


@param_kind("value", "A fixed value, the same for every candidate.")
def _value(name: str, node: Node, problems: Problems) -> Param:
    value = node.plain()
    return Param(name, "value", node.mark, lambda rng, day: value)


@param_kind("choice", "One of a list of values (text, numbers, or mappings such as a unit's name and address).")
def _choice(name: str, node: Node, problems: Problems) -> Param | None:
    if not check_kind(node, "list", problems, what=f"choice of param {name!r}"):
        return None
    if not node.value:
        problems.add(node.mark, f"choice of param {name!r} needs at least one value")
        return None
    values = node.plain()
    return Param(name, "choice", node.mark, lambda rng, day: rng.choice(values))


@param_kind("integer", "A whole number from low to high, both included: ``[1, 5]``.")
def _integer(name: str, node: Node, problems: Problems) -> Param | None:
    bounds = _range(name, node, problems, what=f"integer of param {name!r}")
    if bounds is None:
        return None
    low, high = bounds
    return Param(name, "integer", node.mark, lambda rng, day: rng.randint(low, high))


@param_kind(
    "workdays_from_start",
    "A date N working days after the exam day, N drawn from ``[low, high]`` (or fixed): weekends and "
    "Vietnamese public holidays (mock_services/core/data/holidays/) are skipped. Prints as 27/11/2026.",
)
def _workdays(name: str, node: Node, problems: Problems) -> Param | None:
    bounds = _range(name, node, problems, what=f"workdays_from_start of param {name!r}")
    if bounds is None:
        return None
    low, high = bounds
    if low < 0:
        problems.add(node.mark, f"workdays_from_start of param {name!r} must not be negative")
        return None
    return Param(
        name,
        "workdays_from_start",
        node.mark,
        lambda rng, day: add_working_days(day, rng.randint(low, high)),
        is_date=True,
    )


@param_kind("person_name", "A generated Vietnamese full name: ``any``, ``nam`` (male) or ``nu`` (female).")
def _person(name: str, node: Node, problems: Problems) -> Param | None:
    gender = node.value
    if node.is_mapping or node.is_sequence or gender not in GENDERS:
        problems.add(node.mark, f"person_name of param {name!r} must be any, nam or nu, not {describe(node)}")
        return None
    return Param(name, "person_name", node.mark, lambda rng, day: person_name(rng, GENDERS[gender]))  # type: ignore[arg-type]


@param_kind(
    "document_number",
    "A document number (số, ký hiệu) as Nghị định 30/2020 writes it: ``{issuer: UBND, kind: QĐ, "
    "range: [1, 999]}``, all optional; a công văn has no kind: 215/UBND-VP.",
)
def _document_number(name: str, node: Node, problems: Problems) -> Param | None:
    keys = keys_of(
        node,
        problems,
        what=f"document_number of param {name!r}",
        required={},
        optional={"issuer": "text", "kind": "text", "range": "any"},
    )
    if not node.is_mapping:
        return None
    bounds = _range(name, keys["range"], problems, what="range") if "range" in keys else (1, 999)
    if bounds is None:
        return None
    issuer = keys["issuer"].value if "issuer" in keys else "UBND"
    kind = keys["kind"].value if "kind" in keys else None
    if kind is not None and kind not in DOCUMENT_TYPES and kind != CONG_VAN:
        kinds = ", ".join([CONG_VAN, *DOCUMENT_TYPES])
        problems.add(
            keys["kind"].mark, f"unknown kind of document {kind!r}{did_you_mean(kind, DOCUMENT_TYPES)}; kinds: {kinds}"
        )
        return None
    low, high = bounds
    return Param(
        name,
        "document_number",
        node.mark,
        lambda rng, day: document_number(rng, issuer=issuer, kind=kind, low=low, high=high),
    )
