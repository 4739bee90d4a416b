"""Rubric items: what earns (or costs) points, parsed from YAML into frozen checks.

Every item has an ``id`` and exactly one check:

- ``event``: some event of the candidate matches (``where``); or with ``count``, how many do;
  or with ``absent: true``, none does. ``after`` / ``before`` put it in time against an
  earlier item's match, optionally ``within`` a duration.
- ``sequence``: steps that happen in this order, each optionally ``within`` a duration of
  the step before.
- ``state``: the final state of an object (the last ``after`` of each object) matches.
- ``all_of``: a group whose points come only when every part passes.

An item's id is also a binding: a later item can compare with the record it matched,
``{field: request.data.after.message_id}``. ``penalty`` instead of ``points`` makes an item a
fault that costs points when its check holds; a task never goes below 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from graderd.spec.fields import Path as FieldPath
from graderd.spec.modifiers import (
    Compiler,
    Matcher,
    Where,
    compile_matcher,
    compile_where,
)
from graderd.spec.problems import Mark, Problems, did_you_mean
from graderd.spec.shape import check_kind, describe, keys_of, points_of
from graderd.spec.source import Node
from mock_services.contract import event_types

EVENT_ROOTS = frozenset({"seq", "at", "actor", "verb", "object", "data", "context"})
ACTORS = ("candidate", "system", "proctor", "any")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")

CHECK_KINDS = {
    "event": "some event of the candidate matches where (count: how many; absent: true: none does)",
    "sequence": "events in this order, each step optionally within a duration of the one before",
    "state": "the final state of an object matches expect (the last after of each object)",
    "all_of": "a group: its points only when every part passes",
}


@dataclass(frozen=True, slots=True)
class EventMatch:
    """Which events a check looks at: one verb, by one actor, fields matching ``where``."""

    verb: str
    actor: str | None  # None: any actor
    where: Where
    mark: Mark


@dataclass(frozen=True, slots=True)
class TimeRef:
    """``after: request`` / ``before: {item: deadline_mail, within: 30m}``."""

    item: str
    within: timedelta | None
    mark: Mark


@dataclass(frozen=True, slots=True)
class EventCheck:
    match: EventMatch
    count: Matcher | None = None
    absent: bool = False
    after: TimeRef | None = None
    before: TimeRef | None = None


@dataclass(frozen=True, slots=True)
class Step:
    match: EventMatch
    within: timedelta | None
    bind: str | None


@dataclass(frozen=True, slots=True)
class SequenceCheck:
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class StateCheck:
    kind: str  # "<service>.<object kind>", e.g. mail.message
    where: Where
    expect: Where
    count: Matcher | None = None
    absent: bool = False


Check = EventCheck | SequenceCheck | StateCheck


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    title: str
    points: Decimal  # for a penalty, what it costs
    penalty: bool
    mark: Mark
    check: Check | None = None
    parts: tuple[Item, ...] = ()
    references: frozenset[str] = frozenset()  # bindings of earlier items this one compares with

    @property
    def binds(self) -> tuple[str, ...]:
        """The names this item binds: its id, and its sequence steps' ``bind`` names."""
        names = [self.id] if self.check is not None else []
        if isinstance(self.check, SequenceCheck):
            names += [step.bind for step in self.check.steps if step.bind]
        return (*names, *(name for part in self.parts for name in part.binds))


def parse_duration(text: str) -> timedelta | None:
    match = _DURATION.match(text.strip()) if text.strip() else None
    if match is None:
        return None
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def known_verbs() -> dict[str, set[str]]:
    """Every registered verb with the fields of its ``data``."""
    return {cls.verb: set(cls.model_fields) for cls in event_types()}


def state_kinds() -> set[str]:
    return {f"{cls.verb.split('.')[0]}.{cls.object_kind}" for cls in event_types() if "after" in cls.model_fields}


@dataclass
class RubricParser:
    """Parses a rubric in order, so that each item sees the bindings of the items before it."""

    problems: Problems
    params: frozenset[str]
    folder: Path | None = None
    bindings: set[str] = field(default_factory=set)
    ids: dict[str, Mark] = field(default_factory=dict)
    verbs: dict[str, set[str]] = field(default_factory=known_verbs)

    def parse(self, node: Node) -> list[Item]:
        if not check_kind(node, "list", self.problems, what="rubric"):
            return []
        if not node.value:
            self.problems.add(node.mark, "a rubric needs at least one item")
        items = [self.item(child, in_group=False) for child in node.value]
        return [item for item in items if item is not None]

    def item(self, node: Node, *, in_group: bool) -> Item | None:
        what = "a part of all_of" if in_group else "a rubric item"
        keys = keys_of(
            node,
            self.problems,
            what=what,
            required={"id": "text"},
            optional={
                "title": "text",
                "points": "number",
                "penalty": "number",
                "event": "text",
                "sequence": "list",
                "state": "text",
                "all_of": "list",
                "where": "mapping",
                "expect": "mapping",
                "actor": "text",
                "count": "any",
                "absent": "boolean",
                "after": "any",
                "before": "any",
            },
        )
        if not node.is_mapping or "id" not in keys:
            return None
        item_id = self._id(keys["id"])
        kinds = [key for key in CHECK_KINDS if key in keys]
        if len(kinds) != 1:
            listed = ", ".join(CHECK_KINDS)
            self.problems.add(
                node.mark,
                f"item {item_id!r} needs exactly one of {listed}" + (f"; found {', '.join(kinds)}" if kinds else ""),
            )
            return None
        points, penalty = self._points(node, keys, item_id, in_group=in_group)
        refs: set[str] = set()
        kind = kinds[0]
        check: Check | None = None
        parts: tuple[Item, ...] = ()
        self._only_for(kind, keys, item_id)
        if kind == "event":
            check = self._event_check(keys, refs)
        elif kind == "sequence":
            check = self._sequence(keys["sequence"], refs)
        elif kind == "state":
            check = self._state_check(keys, refs)
        else:
            parts = tuple(part for part in (self.item(child, in_group=True) for child in keys["all_of"].value) if part)
            if in_group:
                self.problems.add(keys["all_of"].mark, "all_of cannot be nested inside all_of")
        title = keys["title"].value if "title" in keys else item_id
        item = Item(item_id, title, points, penalty, node.mark, check, parts, frozenset(refs))
        self.bindings.update(item.binds)
        return item

    # -- pieces

    def _id(self, node: Node) -> str:
        item_id: str = node.value
        if not _ID.match(item_id) or item_id in EVENT_ROOTS:
            self.problems.add(
                node.mark,
                f"item id {item_id!r} must be lowercase letters, digits and _ "
                f"(and not one of {', '.join(sorted(EVENT_ROOTS))})",
            )
        elif item_id in self.ids:
            first = self.ids[item_id]
            self.problems.add(node.mark, f"item id {item_id!r} is used twice (first at line {first.line})")
        else:
            self.ids[item_id] = node.mark
        return item_id

    def _points(self, node: Node, keys: dict[str, Node], item_id: str, *, in_group: bool) -> tuple[Decimal, bool]:
        given = [key for key in ("points", "penalty") if key in keys]
        if in_group:
            for key in given:
                self.problems.add(keys[key].mark, f"a part of all_of has no {key} of its own: the group has them")
            return Decimal(0), False
        if len(given) != 1:
            self.problems.add(node.mark, f"item {item_id!r} needs points, or penalty for a fault (one of them)")
            return Decimal(0), False
        value = points_of(keys[given[0]], self.problems, what=given[0]) or Decimal(0)
        return value, given[0] == "penalty"

    def _only_for(self, kind: str, keys: dict[str, Node], item_id: str) -> None:
        allowed = {
            "event": {"where", "actor", "count", "absent", "after", "before"},
            "sequence": set(),
            "state": {"where", "expect", "count", "absent"},
            "all_of": set(),
        }[kind]
        for key in ("where", "expect", "actor", "count", "absent", "after", "before"):
            if key in keys and key not in allowed:
                self.problems.add(keys[key].mark, f"{key} does not go with {kind} (item {item_id!r})")

    def _compiler(
        self, refs: set[str], *, roots: frozenset[str] | None, check_path: Callable[[FieldPath, Mark], None] | None
    ) -> Compiler:
        return Compiler(self.problems, self.params, frozenset(self.bindings), roots, check_path, refs, self.folder)

    def _match(self, verb_node: Node, where: Node | None, actor: Node | None, refs: set[str]) -> EventMatch:
        verb: str = verb_node.value
        fields = self.verbs.get(verb)
        if fields is None:
            self.problems.add(
                verb_node.mark, f"unknown event verb {verb!r}{did_you_mean(verb, self.verbs)}; see docs/events.md"
            )

        def check_path(path: FieldPath, mark: Mark) -> None:
            if fields is not None and path[0] == "data" and len(path) > 1 and path[1] not in fields:
                self.problems.add(
                    mark,
                    f"{verb} has no field {path[1]!r} in data{did_you_mean(str(path[1]), fields)}; "
                    f"its fields: {', '.join(sorted(fields))}",
                )

        compiler = self._compiler(refs, roots=EVENT_ROOTS, check_path=check_path)
        compiled = compile_where(where, compiler, what="where") if where is not None else Where(())
        who = "candidate"
        if actor is not None:
            who = actor.value
            if who not in ACTORS:
                self.problems.add(actor.mark, f"actor must be one of {', '.join(ACTORS)}, not {describe(actor)}")
        return EventMatch(verb, None if who == "any" else who, compiled, verb_node.mark)

    def _time_ref(self, node: Node, refs: set[str], *, key: str) -> TimeRef | None:
        target, within = node, None
        if node.is_mapping:
            keys = keys_of(node, self.problems, what=key, required={"item": "text"}, optional={"within": "text"})
            if "item" not in keys:
                return None
            target = keys["item"]
            within = self._duration(keys["within"]) if "within" in keys else None
        elif not isinstance(node.value, str):
            self.problems.add(node.mark, f"{key} names an earlier item, or is {{item: …, within: 10m}}")
            return None
        name: str = target.value
        if name not in self.bindings:
            bound = ", ".join(sorted(self.bindings)) or "none yet"
            self.problems.add(
                target.mark,
                f"{key}: {name!r} is not an earlier item{did_you_mean(name, self.bindings)} (earlier: {bound})",
            )
            return None
        refs.add(name)
        return TimeRef(name, within, target.mark)

    def _duration(self, node: Node) -> timedelta | None:
        value = parse_duration(node.value) if isinstance(node.value, str) else None
        if not value:
            self.problems.add(node.mark, f"a duration is written like 30s, 10m, 2h or 1h30m, not {describe(node)}")
        return value

    def _event_check(self, keys: dict[str, Node], refs: set[str]) -> EventCheck:
        match = self._match(keys["event"], keys.get("where"), keys.get("actor"), refs)
        plain = self._compiler(refs, roots=None, check_path=None)
        count = compile_matcher(keys["count"], plain) if "count" in keys else None
        absent = bool(keys["absent"].value) if "absent" in keys else False
        if count is not None and absent:
            self.problems.add(keys["absent"].mark, "count and absent do not go together: absent is count 0")
        after = self._time_ref(keys["after"], refs, key="after") if "after" in keys else None
        before = self._time_ref(keys["before"], refs, key="before") if "before" in keys else None
        return EventCheck(match, count, absent, after, before)

    def _sequence(self, node: Node, refs: set[str]) -> SequenceCheck:
        steps: list[Step] = []
        if len(node.value) < 2:
            self.problems.add(node.mark, "a sequence needs at least two steps")
        for child in node.value:
            keys = keys_of(
                child,
                self.problems,
                what="a sequence step",
                required={"event": "text"},
                optional={"where": "mapping", "actor": "text", "within": "text", "bind": "text"},
            )
            if "event" not in keys:
                continue
            match = self._match(keys["event"], keys.get("where"), keys.get("actor"), refs)
            within = self._duration(keys["within"]) if "within" in keys else None
            if within is not None and not steps:
                self.problems.add(keys["within"].mark, "the first step has no step before it to be within")
            bind = keys["bind"].value if "bind" in keys else None
            if bind is not None and (not _ID.match(bind) or bind in self.ids or bind in EVENT_ROOTS):
                self.problems.add(
                    keys["bind"].mark, f"bind {bind!r} must be a new lowercase name, not an item id or a field"
                )
            elif bind is not None:
                self.ids[bind] = keys["bind"].mark
            steps.append(Step(match, within, bind))
        return SequenceCheck(tuple(steps))

    def _state_check(self, keys: dict[str, Node], refs: set[str]) -> StateCheck:
        kind_node = keys["state"]
        kinds = state_kinds()
        if kind_node.value not in kinds:
            self.problems.add(
                kind_node.mark,
                f"unknown kind of object {kind_node.value!r}{did_you_mean(kind_node.value, kinds)}; "
                f"kinds: {', '.join(sorted(kinds))}",
            )
        compiler = self._compiler(refs, roots=None, check_path=None)
        where = compile_where(keys["where"], compiler, what="where") if "where" in keys else Where(())
        expect = compile_where(keys["expect"], compiler, what="expect") if "expect" in keys else Where(())
        count = compile_matcher(keys["count"], compiler) if "count" in keys else None
        absent = bool(keys["absent"].value) if "absent" in keys else False
        if not where.conditions and not expect.conditions and count is None and not absent:
            self.problems.add(kind_node.mark, "a state check needs where, expect, count or absent")
        return StateCheck(kind_node.value, where, expect, count, absent)
