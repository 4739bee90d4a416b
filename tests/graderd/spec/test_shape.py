"""Checking shapes: unknown keys, missing keys and wrong types, each named with its place."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graderd.spec.problems import Problems
from graderd.spec.shape import keys_of, points_of
from graderd.spec.source import Node, load_text

NAME = "tasks/mail/x.yaml"
REQUIRED = {"id": "text", "points": "number"}
OPTIONAL = {"title": "text", "rubric": "list", "params": "mapping", "strict": "boolean", "due": "date"}


def node_of(text: str) -> Node:
    problems = Problems()
    node = load_text(text, NAME, problems)
    assert node is not None
    assert not problems
    return node


def check(text: str) -> tuple[dict[str, Node], list[str]]:
    problems = Problems()
    found = keys_of(node_of(text), problems, what="a task", required=REQUIRED, optional=OPTIONAL)
    return found, [str(p) for p in problems.found]


def test_a_task_of_the_right_shape_passes() -> None:
    found, problems = check("id: mail.reply\npoints: 3\ntitle: Trả lời thư\nrubric: []\ndue: 2026-11-30\n")
    assert problems == []
    assert sorted(found) == ["due", "id", "points", "rubric", "title"]


def test_an_unknown_key_suggests_the_near_miss_and_lists_the_known_ones() -> None:
    _, problems = check("id: a\npoints: 1\npionts: 2\n")
    assert problems == [
        f"{NAME}:3:1: unknown key 'pionts' in a task (did you mean 'points'?); "
        "known: due, id, params, points, rubric, strict, title"
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("id: [a]\npoints: 1\n", f"{NAME}:1:5: 'id' of a task must be a text, not a list"),
        ("id: a\npoints: ba\n", f"{NAME}:2:9: 'points' of a task must be a number, not the text 'ba'"),
        ("id: a\npoints: true\n", f"{NAME}:2:9: 'points' of a task must be a number, not true"),
        ("id: a\npoints: 1\nparams: 3\n", f"{NAME}:3:9: 'params' of a task must be a mapping of keys to values, not 3"),
        ("id: a\npoints: 1\nstrict: yes please\n", f"{NAME}:3:9: 'strict' of a task must be true or false"),
        ("id: a\npoints: 1\ndue: 30/11/2026\n", f"{NAME}:3:6: 'due' of a task must be a date (YYYY-MM-DD)"),
        ("id: a\npoints:\n", f"{NAME}:2:8: 'points' of a task must be a number, not empty"),
    ],
)
def test_a_value_of_the_wrong_kind_is_named_with_what_was_written(text: str, said: str) -> None:
    _, problems = check(text)
    assert len(problems) == 1
    assert problems[0].startswith(said)


def test_every_missing_required_key_is_reported_at_the_mapping() -> None:
    _, problems = check("title: Thư\n")
    assert problems == [f"{NAME}:1:1: a task needs the key 'id'", f"{NAME}:1:1: a task needs the key 'points'"]


def test_all_problems_come_together() -> None:
    _, problems = check("id: 3\npoints: x\ntitel: y\n")
    assert len(problems) == 3


def test_a_list_where_a_mapping_belongs_is_one_problem() -> None:
    _, problems = check("- id: a\n")
    assert problems == [f"{NAME}:1:1: a task must be a mapping of keys to values, not a list"]


@pytest.mark.parametrize(("written", "points"), [("3", Decimal(3)), ("2.5", Decimal("2.5")), ("0.1", Decimal("0.1"))])
def test_points_are_exact(written: str, points: Decimal) -> None:
    problems = Problems()
    assert points_of(node_of(f"p: {written}\n").value["p"], problems, what="points") == points
    assert not problems


@pytest.mark.parametrize("written", ["-1", ".nan", ".inf", "một"])
def test_points_that_cannot_be_points_are_refused(written: str) -> None:
    problems = Problems()
    assert points_of(node_of(f"p: {written}\n").value["p"], problems, what="points") is None
    assert len(problems.found) == 1
