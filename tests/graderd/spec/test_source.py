"""Task files are read strictly, and every problem names its file, line and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graderd.spec.problems import Mark, Problems, SpecError
from graderd.spec.source import load_file, load_text

NAME = "tasks/mail/x.yaml"


def load(text: str) -> tuple[object, list[str]]:
    problems = Problems()
    node = load_text(text, NAME, problems)
    return (None if node is None else node.plain()), [str(p) for p in problems.found]


def test_values_keep_their_types_and_places() -> None:
    problems = Problems()
    node = load_text("id: mail.reply\npoints: 2.5\ndue: 2026-11-30\nlist:\n  - một\n  - 2\n", NAME, problems)
    assert not problems
    assert node is not None
    assert node.plain() == {"id": "mail.reply", "points": 2.5, "due": dt.date(2026, 11, 30), "list": ["một", 2]}
    assert node.keys == {
        "id": Mark(NAME, 1, 1),
        "points": Mark(NAME, 2, 1),
        "due": Mark(NAME, 3, 1),
        "list": Mark(NAME, 4, 1),
    }
    assert node.value["points"].mark == Mark(NAME, 2, 9)
    assert node.value["list"].value[1].mark == Mark(NAME, 6, 5)


def test_a_duplicate_key_is_an_error_at_the_second_one_naming_the_first() -> None:
    _, problems = load("id: a\ntitle: Thư\nrubric:\n  - id: x\n    id: y\ntitle: Thư hai\n")
    assert problems == [
        f"{NAME}:5:5: duplicate key 'id' (first written at line 4, column 5)",
        f"{NAME}:6:1: duplicate key 'title' (first written at line 2, column 1)",
    ]


def test_a_syntax_error_names_its_place() -> None:
    _, problems = load("id: a\ntitle: [Thư\npoints: 3\n")
    assert len(problems) == 1
    assert problems[0].startswith(f"{NAME}:3:")
    assert "not valid YAML" in problems[0]


def test_tabs_for_indentation_are_a_syntax_error_with_a_place() -> None:
    _, problems = load("rubric:\n\t- id: x\n")
    assert problems[0].startswith(f"{NAME}:2:1: not valid YAML")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("base: &b {a: 1}\nother:\n  <<: *b\n", "merge keys (<<) are not allowed"),
        ("x: !!python/object:os.system ls\n", "is not allowed in a task file"),
        ("? [a, b]\n: 1\n", "a key must be a plain word"),
        ("x: !!int abc\n", "cannot read this value"),
    ],
)
def test_yaml_features_a_task_never_needs_are_refused(text: str, said: str) -> None:
    _, problems = load(text)
    assert len(problems) == 1
    assert said in problems[0]
    assert problems[0].startswith(f"{NAME}:")


def test_every_problem_of_a_file_is_reported_at_once_in_file_order() -> None:
    problems = Problems()
    load_text("a: 1\na: 2\nb: !!str\nb: 3\n", NAME, problems)
    with pytest.raises(SpecError) as raised:
        problems.raise_if_any()
    lines = str(raised.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{NAME}:2:1", f"{NAME}:4:1"]


def test_an_empty_file_and_a_file_that_is_not_utf8_are_told_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# chỉ có chú thích\n", encoding="utf-8")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: Thư điện tử".encode("cp1258", errors="replace"))
    problems = Problems()
    assert load_file(empty, problems, shown_as="tasks/empty.yaml") is None
    assert load_file(latin, problems, shown_as="tasks/latin.yaml") is None
    assert [str(p) for p in problems.found] == [
        "tasks/empty.yaml:1:1: the file is empty",
        problems.found[1].__str__(),
    ]
    assert str(problems.found[1]).startswith("tasks/latin.yaml:1:1: not UTF-8 text")


def test_a_date_that_does_not_exist_is_named() -> None:
    _, problems = load("due: 2026-02-30\n")
    assert len(problems) == 1
    assert problems[0].startswith(f"{NAME}:1:6: cannot read this value")
