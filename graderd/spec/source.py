"""Task files read as YAML with every value's place kept, strictly.

PyYAML's own loader forgets where a value came from and lets a duplicate key silently win.
Here the file is composed into nodes (which keep their marks), checked (no duplicate keys, no
merge keys, no tags beyond YAML's plain ones), and turned into ``Node`` values that carry their
``Mark``, so every later stage can point an author at ``tasks/…/x.yaml:14:5``. Syntax errors
come out the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from graderd.spec.problems import Mark, Problems

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value and where it was written. ``value`` is a ``dict[str, Node]`` for a mapping
    (its keys' marks in ``keys``), a ``list[Node]`` for a sequence, or a plain scalar."""

    value: Any
    mark: Mark
    keys: dict[str, Mark] | None = None

    @property
    def is_mapping(self) -> bool:
        return self.keys is not None

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.value, list)

    def plain(self) -> Any:
        """The value with every mark dropped: dicts, lists and scalars."""
        if self.keys is not None:
            return {key: node.plain() for key, node in self.value.items()}
        if isinstance(self.value, list):
            return [node.plain() for node in self.value]
        return self.value


def shown_path(path: Path, base: Path | None) -> str:
    """How a file is named in problems: relative to ``base`` (the bank's parent) when inside it."""
    if base is None:
        return str(path)
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def load_file(path: Path, problems: Problems, *, shown_as: str | None = None) -> Node | None:
    """The file's document, or None (with the reasons in ``problems``)."""
    name = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.add(Mark(name, 1, 1), f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8")
        return None
    return load_text(text, name, problems)


def load_text(text: str, name: str, problems: Problems) -> Node | None:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        where = exc.problem_mark or exc.context_mark
        mark = Mark(name, where.line + 1, where.column + 1) if where else Mark(name, 1, 1)
        problems.add(mark, f"not valid YAML: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        problems.add(Mark(name, 1, 1), f"not valid YAML: {exc}")
        return None
    if root is None:
        problems.add(Mark(name, 1, 1), "the file is empty")
        return None
    return _convert(root, name, problems)


def _mark(node: yaml.Node, name: str) -> Mark:
    return Mark(name, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node: yaml.Node, name: str, problems: Problems) -> Node:
    mark = _mark(node, name)
    if node.tag not in _PLAIN_TAGS:
        problems.add(mark, f"the tag {node.tag!r} is not allowed in a task file")
        return Node(None, mark)
    if isinstance(node, MappingNode):
        values: dict[str, Node] = {}
        keys: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            key_mark = _mark(key_node, name)
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.add(key_mark, "merge keys (<<) are not allowed: write the keys out")
                continue
            if not isinstance(key_node, ScalarNode):
                problems.add(key_mark, "a key must be a plain word, not a list or a mapping")
                continue
            key = str(key_node.value)
            if key in keys:
                first = keys[key]
                problems.add(
                    key_mark, f"duplicate key {key!r} (first written at line {first.line}, column {first.col})"
                )
                continue
            keys[key] = key_mark
            values[key] = _convert(value_node, name, problems)
        return Node(values, mark, keys)
    if isinstance(node, SequenceNode):
        return Node([_convert(item, name, problems) for item in node.value], mark)
    assert isinstance(node, ScalarNode)
    if node.style in ("|", ">"):
        # A block scalar's text starts on the line below its indicator: that is where its line 1 is.
        mark = Mark(name, node.start_mark.line + 2, 1)
    try:
        return Node(SafeConstructor().construct_object(node), mark)
    except yaml.constructor.ConstructorError as exc:
        problems.add(mark, f"cannot read this value: {exc.problem}")
    except (ValueError, TypeError, OverflowError) as exc:  # "!!int abc", a date like 2026-02-30
        problems.add(mark, f"cannot read this value: {exc}")
    return Node(None, mark)
