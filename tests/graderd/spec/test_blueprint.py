"""Exam blueprints loaded strictly: pools that every paper is drawn from, each with its combinations,
checked against the bank; every problem of every file at once, each at its ``path:line:col``."""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pytest

from graderd.spec import blueprint as blueprint_module
from graderd.spec.blueprint import Blueprint, load_blueprint, load_blueprints
from graderd.spec.load import load_bank
from graderd.spec.model import DIFFICULTIES, TaskSpec
from graderd.spec.problems import SpecError
from tests.graderd.builders import place, task_text, write_task

NAME = "blueprints/paper.yaml"
TAIL = "difficulty: de\nminutes: 3\n"  # what task_text ends with

# The bank the blueprints below draw from: task id → (points, difficulty, minutes).
BANK: dict[str, tuple[int, str, int]] = {
    "mail.one": (3, "de", 3),
    "mail.two": (4, "de", 4),
    "mail.three": (5, "trung_binh", 5),
    "mail.four": (4, "trung_binh", 6),
    "documents.one": (3, "de", 3),
    "documents.two": (5, "kho", 9),
    "documents.three": (5, "kho", 7),
}

# Mail: 2 of 4 worth 8 with one easy and one medium: one+three (3+5) or two+four (4+4).
# Documents: 2 of 3 worth 8 with one easy and one hard: one+two or one+three.
GOOD = """\
id: thi-thu
title: Đề thi thử
points: 16
minutes: 30
pools:
  - id: thu
    service: mail
    draw: 2
    points: 8
    difficulty: {de: 1, trung_binh: 1}
  - id: van-ban
    title: Văn bản
    tasks: [documents.one, documents.two, documents.three]
    draw: 2
    points: 8
    difficulty: {de: 1, kho: 1}
"""


def task_file(task_id: str, *, points: int, difficulty: str, minutes: int) -> str:
    """A task of ``points`` (one rubric item), its service the first part of its id."""
    rubric = f"  - id: sent\n    points: {points}\n    event: mail.message_sent\n"
    text = task_text(rubric, points=str(points), task_id=task_id, service=task_id.split(".")[0])
    assert text.endswith(TAIL)
    return text.removesuffix(TAIL) + f"difficulty: {difficulty}\nminutes: {minutes}\n"


def make_bank(root: Path, tasks: Mapping[str, tuple[int, str, int]] = BANK) -> list[TaskSpec]:
    for task_id, (points, difficulty, minutes) in tasks.items():
        text = task_file(task_id, points=points, difficulty=difficulty, minutes=minutes)
        write_task(root / task_id.replace(".", "/"), text)
    return load_bank(root, traces=False)


def write_blueprint(root: Path, text: str, name: str = "paper.yaml") -> Path:
    path = root / "blueprints" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def loaded(tmp_path: Path, text: str, tasks: Mapping[str, tuple[int, str, int]] = BANK) -> Blueprint:
    bank = make_bank(tmp_path, tasks)
    write_blueprint(tmp_path, text)
    [blueprint] = load_blueprints(tmp_path, bank, shown_from=tmp_path)
    return blueprint


def problems_of(tmp_path: Path, *texts: str, tasks: Mapping[str, tuple[int, str, int]] = BANK) -> list[str]:
    """Every problem loading the blueprints reports (``texts`` as paper.yaml, or a.yaml, b.yaml …)."""
    bank = make_bank(tmp_path, tasks)
    if len(texts) == 1:
        write_blueprint(tmp_path, texts[0])
    else:
        for letter, text in zip("abcdefgh", texts, strict=False):
            write_blueprint(tmp_path, text, f"{letter}.yaml")
    with pytest.raises(SpecError) as raised:
        load_blueprints(tmp_path, bank, shown_from=tmp_path)
    return [str(problem) for problem in raised.value.problems]


def only_problem(tmp_path: Path, text: str, tasks: Mapping[str, tuple[int, str, int]] = BANK) -> str:
    problems = problems_of(tmp_path, text, tasks=tasks)
    assert len(problems) == 1, problems
    return problems[0]


def after(text: str, needle: str, *, nth: int = 1) -> str:
    """``line:col`` just after ``needle``: where the value of ``key: `` starts."""
    line, col = place(text, needle, nth=nth).split(":")
    return f"{line}:{int(col) + len(needle)}"


def changed(old: str, new: str, text: str = GOOD) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# --- A good blueprint


def test_a_good_blueprint_loads_with_its_pools_and_combinations(tmp_path: Path) -> None:
    blueprint = loaded(tmp_path, GOOD)
    assert (blueprint.id, blueprint.title, blueprint.points, blueprint.minutes) == (
        "thi-thu",
        "Đề thi thử",
        Decimal(16),
        30,
    )
    assert blueprint.path == tmp_path / NAME
    assert blueprint.sha256 == hashlib.sha256(GOOD.encode()).hexdigest()
    thu, van_ban = blueprint.pools
    assert (thu.id, thu.title, thu.draw, thu.points) == ("thu", "Thư điện tử công vụ", 2, Decimal(8))
    assert thu.task_ids == ("mail.four", "mail.one", "mail.three", "mail.two")  # the service's, sorted
    assert dict(thu.difficulty) == {"de": 1, "trung_binh": 1}
    assert thu.combinations == (("mail.four", "mail.two"), ("mail.one", "mail.three"))
    assert thu.weights == {("mail.four", "mail.two"): (Decimal(8), 10), ("mail.one", "mail.three"): (Decimal(8), 8)}
    assert (van_ban.id, van_ban.title) == ("van-ban", "Văn bản")
    assert van_ban.task_ids == ("documents.one", "documents.three", "documents.two")
    assert van_ban.combinations == (("documents.one", "documents.three"), ("documents.one", "documents.two"))
    assert van_ban.weights == {
        ("documents.one", "documents.three"): (Decimal(8), 10),
        ("documents.one", "documents.two"): (Decimal(8), 12),
    }
    assert (blueprint.tasks_per_paper, blueprint.papers, blueprint.longest_paper) == (4, 4, 22)
    assert blueprint.reachable == (frozenset({Decimal(16)}), frozenset({Decimal(8)}), frozenset({Decimal(0)}))
    assert blueprint.drawable == frozenset(BANK)


def test_every_combination_has_the_pool_draw_points_and_mix(tmp_path: Path) -> None:
    bank = {task.id: task for task in make_bank(tmp_path)}
    write_blueprint(tmp_path, GOOD)
    [blueprint] = load_blueprints(tmp_path, list(bank.values()))
    for pool in blueprint.pools:
        for chosen in pool.combinations:
            assert len(chosen) == pool.draw
            assert sum(bank[t].points for t in chosen) == pool.points
            assert Counter(bank[t].difficulty for t in chosen) == Counter(pool.difficulty)


def test_the_summary_is_what_an_exam_stores(tmp_path: Path) -> None:
    blueprint = loaded(tmp_path, GOOD)
    assert blueprint.summary() == {
        "id": "thi-thu",
        "title": "Đề thi thử",
        "sha256": hashlib.sha256(GOOD.encode()).hexdigest(),
        "points": "16",
        "minutes": 30,
        "pools": [
            {
                "id": "thu",
                "title": "Thư điện tử công vụ",
                "draw": 2,
                "points": "8",
                "difficulty": {"de": 1, "trung_binh": 1},
                "tasks": ["mail.four", "mail.one", "mail.three", "mail.two"],
            },
            {
                "id": "van-ban",
                "title": "Văn bản",
                "draw": 2,
                "points": "8",
                "difficulty": {"de": 1, "kho": 1},
                "tasks": ["documents.one", "documents.three", "documents.two"],
            },
        ],
    }


def test_a_pool_of_listed_tasks_without_a_title_is_titled_by_its_id(tmp_path: Path) -> None:
    blueprint = loaded(tmp_path, changed("    title: Văn bản\n", ""))
    assert [pool.title for pool in blueprint.pools] == ["Thư điện tử công vụ", "van-ban"]


def test_exclude_takes_tasks_out_of_a_service_pool(tmp_path: Path) -> None:
    text = changed("    service: mail\n", "    service: mail\n    exclude: [mail.two]\n")
    thu = loaded(tmp_path, text).pools[0]
    assert thu.task_ids == ("mail.four", "mail.one", "mail.three")
    assert thu.combinations == (("mail.one", "mail.three"),)
    assert thu.weights == {("mail.one", "mail.three"): (Decimal(8), 8)}


def test_exclude_takes_tasks_out_of_a_list_too(tmp_path: Path) -> None:
    listed = "    tasks: [documents.one, documents.two, documents.three]\n"
    text = changed(listed, listed + "    exclude: [documents.two]\n")
    van_ban = loaded(tmp_path, text).pools[1]
    assert van_ban.task_ids == ("documents.one", "documents.three")
    assert van_ban.combinations == (("documents.one", "documents.three"),)


def test_the_paper_points_default_to_40(tmp_path: Path) -> None:
    tasks = {"mail.big": (20, "de", 10), "mail.bigger": (20, "trung_binh", 10)}
    text = """\
id: bon-muoi
title: Bốn mươi điểm
minutes: 20
pools:
  - id: thu
    service: mail
    draw: 2
    points: 40
    difficulty: {de: 1, trung_binh: 1}
"""
    blueprint = loaded(tmp_path, text, tasks)
    assert blueprint.points == Decimal(40)
    assert blueprint.summary()["points"] == "40"


def test_a_paper_as_long_as_the_time_limit_is_accepted(tmp_path: Path) -> None:
    assert loaded(tmp_path, changed("minutes: 30", "minutes: 22")).minutes == 22


def test_the_time_limit_may_be_up_to_240_minutes(tmp_path: Path) -> None:
    assert loaded(tmp_path, changed("minutes: 30", "minutes: 240")).minutes == 240


def test_no_blueprints_folder_means_no_blueprints(tmp_path: Path) -> None:
    assert load_blueprints(tmp_path, make_bank(tmp_path)) == []


def test_load_blueprint_reads_one_file(tmp_path: Path) -> None:
    bank = make_bank(tmp_path)
    path = write_blueprint(tmp_path, GOOD)
    assert load_blueprint(path, bank).id == "thi-thu"
    write_blueprint(tmp_path, changed("minutes: 30", "minutes: 20"))
    with pytest.raises(SpecError) as raised:
        load_blueprint(path, bank, shown_from=tmp_path)
    assert str(raised.value).startswith(f"{NAME}:4:10: a paper can take 22 minutes")


def test_without_shown_from_the_whole_path_is_shown(tmp_path: Path) -> None:
    bank = make_bank(tmp_path)
    path = write_blueprint(tmp_path, changed("id: thi-thu", "id: Thi"))
    with pytest.raises(SpecError) as raised:
        load_blueprints(tmp_path, bank)
    assert str(raised.value) == f"{path}:1:5: blueprint id 'Thi' must be lowercase words joined by '-'"


# --- The real bank


def test_the_real_blueprints_load_against_the_real_bank() -> None:
    tasks = load_bank(Path("tasks"), traces=False)
    by_id = {task.id: task for task in tasks}
    blueprints = load_blueprints(Path("tasks"), tasks)
    assert "thuc-hanh-2026" in [blueprint.id for blueprint in blueprints]
    for blueprint in blueprints:
        assert blueprint.papers >= 1
        assert blueprint.longest_paper <= blueprint.minutes
        members = [task_id for pool in blueprint.pools for task_id in pool.task_ids]
        assert len(members) == len(set(members))  # no task in two pools
        assert blueprint.drawable <= set(members)
        for pool in blueprint.pools:
            assert set(pool.difficulty) <= set(DIFFICULTIES)
            assert sum(pool.difficulty.values()) == pool.draw
            assert set(pool.weights) == set(pool.combinations)
            for chosen in pool.combinations:
                assert set(chosen) <= set(pool.task_ids)
                assert Counter(by_id[t].difficulty for t in chosen) == Counter(pool.difficulty)
                worth = sum((by_id[t].points for t in chosen), Decimal(0))
                assert pool.weights[chosen] == (worth, sum(by_id[t].minutes for t in chosen))
                assert pool.points is None or worth == pool.points
        assert every_paper(blueprint) == (blueprint.papers, blueprint.longest_paper, blueprint.drawable)


def every_paper(blueprint: Blueprint) -> tuple[int, int, frozenset[str]]:
    """By brute force: how many papers add up to the blueprint's points, the longest, their tasks."""
    count, longest = 0, 0
    drawable: set[str] = set()
    for paper in itertools.product(*(pool.combinations for pool in blueprint.pools)):
        weights = [pool.weights[chosen] for pool, chosen in zip(blueprint.pools, paper, strict=True)]
        if sum((points for points, _ in weights), Decimal(0)) != blueprint.points:
            continue
        count += 1
        longest = max(longest, sum(minutes for _, minutes in weights))
        drawable.update(task_id for chosen in paper for task_id in chosen)
    return count, longest, frozenset(drawable)


# --- Pools without points: the paper's points decide which combinations go together

# Mail (1 easy, 1 medium): four+one 7 points in 9 minutes, four+two 8 in 10, one+three 8 in 8,
# three+two 9 in 9. Documents (1 easy, 1 hard): one+three 8 in 10, one+two 8 in 12.
FREE = GOOD.replace("    points: 8\n", "")


def test_a_pool_without_points_offers_every_combination_of_its_mix(tmp_path: Path) -> None:
    blueprint = loaded(tmp_path, changed("points: 16", "points: 17", FREE))
    thu, van_ban = blueprint.pools
    assert (thu.points, van_ban.points) == (None, None)
    assert thu.weights == {
        ("mail.four", "mail.one"): (Decimal(7), 9),
        ("mail.four", "mail.two"): (Decimal(8), 10),
        ("mail.one", "mail.three"): (Decimal(8), 8),
        ("mail.three", "mail.two"): (Decimal(9), 9),
    }
    assert thu.combinations == tuple(thu.weights)
    stored = blueprint.summary()["pools"]
    assert isinstance(stored, list)
    assert [pool["points"] for pool in stored] == [None, None]


def test_only_combinations_that_add_up_to_the_paper_make_papers(tmp_path: Path) -> None:
    blueprint = loaded(tmp_path, changed("points: 16", "points: 17", FREE))  # mail must give 9
    assert blueprint.reachable == (
        frozenset({Decimal(15), Decimal(16), Decimal(17)}),
        frozenset({Decimal(8)}),
        frozenset({Decimal(0)}),
    )
    assert blueprint.papers == 2
    assert blueprint.longest_paper == 21  # three+two and one+two: the longest combinations (22) never meet
    assert blueprint.drawable == frozenset(BANK) - {"mail.one", "mail.four"}
    assert every_paper(blueprint) == (2, 21, blueprint.drawable)


def test_completable_says_whether_the_pools_after_can_still_reach_the_points(tmp_path: Path) -> None:
    blueprint = loaded(tmp_path, changed("points: 16", "points: 17", FREE))
    assert blueprint.completable(0, Decimal(0), ("mail.three", "mail.two"))
    assert not blueprint.completable(0, Decimal(0), ("mail.one", "mail.three"))
    assert not blueprint.completable(0, Decimal(0), ("mail.four", "mail.one"))
    assert blueprint.completable(1, Decimal(9), ("documents.one", "documents.two"))
    assert not blueprint.completable(1, Decimal(8), ("documents.one", "documents.two"))


def test_a_paper_of_free_pools_counts_every_pair_that_adds_up(tmp_path: Path) -> None:
    blueprint = loaded(tmp_path, FREE)  # 16: mail gives 8, in two ways
    assert (blueprint.papers, blueprint.longest_paper) == (4, 22)
    assert every_paper(blueprint) == (4, 22, frozenset(BANK))


def test_the_time_limit_counts_only_papers_that_add_up(tmp_path: Path) -> None:
    text = changed("points: 16", "points: 17", FREE)
    assert loaded(tmp_path, changed("minutes: 30", "minutes: 21", text)).minutes == 21


def test_a_paper_of_free_pools_longer_than_the_time_limit_is_placed_on_the_minutes(tmp_path: Path) -> None:
    text = changed("minutes: 30", "minutes: 20", changed("points: 16", "points: 17", FREE))
    assert only_problem(tmp_path, text) == (
        f"{NAME}:4:10: a paper can take 21 minutes of tasks, more than the time limit of 20: "
        "raise it, or draw shorter tasks"
    )


def test_no_paper_adding_up_is_placed_on_the_points_with_the_sums_there_are(tmp_path: Path) -> None:
    text = changed("points: 16", "points: 20", FREE)
    assert only_problem(tmp_path, text) == (
        f"{NAME}:3:9: no paper the pools can draw adds up to 20 points; they add up to: 15, 16, 17"
    )


def test_no_paper_adding_up_to_the_default_40_is_placed_at_the_top(tmp_path: Path) -> None:
    text = changed("points: 16\n", "", FREE)
    assert only_problem(tmp_path, text) == (
        f"{NAME}:1:1: no paper the pools can draw adds up to 40 points; they add up to: 15, 16, 17"
    )


def test_a_fixed_pool_and_a_free_one_must_still_add_up(tmp_path: Path) -> None:
    text = changed("    service: mail\n    draw: 2\n", "    service: mail\n    draw: 2\n    points: 8\n", FREE)
    assert loaded(tmp_path, text).papers == 4
    assert only_problem(tmp_path, changed("points: 16", "points: 20", text)) == (
        f"{NAME}:3:9: no paper the pools can draw adds up to 20 points; they add up to: 16"
    )


def test_a_free_pool_no_combination_fills_names_its_mix_only(tmp_path: Path) -> None:
    text = changed("{de: 1, trung_binh: 1}", "{de: 1, kho: 1}", FREE)
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'id: thu')}: no 2 tasks of pool 'thu' with 1 de, 1 kho; "
        "its tasks: mail.four (4, trung_binh), mail.one (3, de), mail.three (5, trung_binh), mail.two (4, de)"
    )


# --- Problems with the blueprint's own keys


def test_an_unknown_key_is_placed_on_it_with_a_suggestion(tmp_path: Path) -> None:
    text = changed("points: 16", "point: 16")
    assert only_problem(tmp_path, text) == (
        f"{NAME}:3:1: unknown key 'point' in a blueprint (did you mean 'points'?); "
        "known: id, minutes, points, pools, title"
    )


def test_an_unknown_key_of_a_pool_is_placed_on_it_with_a_suggestion(tmp_path: Path) -> None:
    text = changed("    title: Văn bản", "    titel: Văn bản")
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'titel')}: unknown key 'titel' in a pool (did you mean 'title'?); "
        "known: difficulty, draw, exclude, id, points, service, tasks, title"
    )


def test_missing_keys_are_reported_at_the_top_of_the_file(tmp_path: Path) -> None:
    text = changed("title: Đề thi thử\n", "").replace("minutes: 30\n", "")
    assert problems_of(tmp_path, text) == [
        f"{NAME}:1:1: a blueprint needs the key 'minutes'",
        f"{NAME}:1:1: a blueprint needs the key 'title'",
    ]


def test_a_missing_key_of_a_pool_is_reported_at_the_pool(tmp_path: Path) -> None:
    text = changed("    draw: 2\n    points: 8\n    difficulty: {de: 1, kho: 1}\n", "    points: 8\n")
    assert problems_of(tmp_path, text) == [
        f"{NAME}:{place(text, 'id: van-ban')}: a pool needs the key 'difficulty'",
        f"{NAME}:{place(text, 'id: van-ban')}: a pool needs the key 'draw'",
    ]


def test_a_blueprint_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    assert only_problem(tmp_path, "- id: thi-thu\n") == (
        f"{NAME}:1:1: a blueprint must be a mapping of keys to values, not a list"
    )


@pytest.mark.parametrize("bad", ["Thi-Thu", "thi_thu", "thi--thu", "-thi"])
def test_a_bad_blueprint_id_is_placed_on_the_id(tmp_path: Path, bad: str) -> None:
    text = changed("id: thi-thu", f"id: {bad}")
    assert only_problem(tmp_path, text) == f"{NAME}:1:5: blueprint id {bad!r} must be lowercase words joined by '-'"


def test_a_bad_pool_id_is_placed_on_the_id(tmp_path: Path) -> None:
    text = changed("id: van-ban", "id: Van_Ban")
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'Van_Ban')}: pool id 'Van_Ban' must be lowercase words joined by '-'"
    )


def test_a_blueprint_without_pools_is_refused(tmp_path: Path) -> None:
    text = GOOD[: GOOD.index("pools:")] + "pools: []\n"
    assert only_problem(tmp_path, text) == f"{NAME}:5:8: a blueprint needs at least one pool"


@pytest.mark.parametrize("minutes", [0, -5, 241])
def test_minutes_out_of_range_is_placed_on_the_value(tmp_path: Path, minutes: int) -> None:
    text = changed("minutes: 30", f"minutes: {minutes}")
    assert only_problem(tmp_path, text) == f"{NAME}:4:10: minutes is the paper's time limit, 1 to 240, not {minutes}"


# --- Where a pool's tasks come from


def test_an_unknown_service_is_placed_on_it_with_a_suggestion_and_the_list(tmp_path: Path) -> None:
    text = changed("service: mail", "service: mial")
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{after(text, 'service: ')}: unknown service 'mial' (did you mean 'mail'?); "
        "services: mail, documents, signing, onestop, cross"
    )


def test_an_unknown_task_in_tasks_is_placed_on_it_with_a_suggestion(tmp_path: Path) -> None:
    text = changed("documents.three]", "documents.thre]")
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'documents.thre]')}: no task 'documents.thre' in the bank "
        "(did you mean 'documents.three'?)"
    )


def test_an_unknown_task_in_exclude_is_placed_on_it(tmp_path: Path) -> None:
    text = changed("    service: mail\n", "    service: mail\n    exclude: [mail.zero, mail.tow]\n")
    assert problems_of(tmp_path, text) == [
        f"{NAME}:{place(text, 'mail.zero')}: no task 'mail.zero' in the bank",
        f"{NAME}:{place(text, 'mail.tow')}: no task 'mail.tow' in the bank (did you mean 'mail.two'?)",
    ]


def test_a_task_id_that_is_not_a_text_is_placed_on_it(tmp_path: Path) -> None:
    text = changed("documents.three]", "7]")
    assert only_problem(tmp_path, text) == f"{NAME}:{place(text, '7]')}: a task id must be a text, not 7"


@pytest.mark.parametrize(
    "source",
    [
        "    service: documents\n    tasks: [documents.one, documents.two, documents.three]\n",
        "",
    ],
    ids=["both", "neither"],
)
def test_a_pool_takes_its_tasks_from_a_service_or_a_list(tmp_path: Path, source: str) -> None:
    text = changed("    tasks: [documents.one, documents.two, documents.three]\n", source)
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'id: van-ban')}: a pool takes its tasks from a service or from a list of tasks: "
        "give one of them"
    )


# --- How many, how many points, which difficulties


@pytest.mark.parametrize("draw", [0, -1])
def test_a_draw_below_1_is_placed_on_it(tmp_path: Path, draw: int) -> None:
    listed = "    tasks: [documents.one, documents.two, documents.three]\n"
    text = changed(listed + "    draw: 2", listed + f"    draw: {draw}")
    draw_at = after(text, "draw: ", nth=2)
    assert problems_of(tmp_path, text) == [
        f"{NAME}:{draw_at}: draw is how many tasks the pool gives a paper, at least 1, not {draw}",
        f"{NAME}:{after(text, 'difficulty: ', nth=2)}: the difficulty mix counts 2 tasks, but the pool draws {draw}",
    ]


def test_a_pool_cannot_draw_more_tasks_than_it_has(tmp_path: Path) -> None:
    text = changed(
        "    tasks: [documents.one, documents.two, documents.three]\n    draw: 2\n    points: 8\n"
        "    difficulty: {de: 1, kho: 1}\n",
        "    tasks: [documents.one, documents.two]\n    draw: 3\n    points: 8\n    difficulty: {de: 1, kho: 2}\n",
    )
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{after(text, 'draw: ', nth=2)}: the pool draws 3 tasks but has 2: documents.one, documents.two"
    )


def test_a_pool_with_too_many_combinations_is_to_be_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blueprint_module, "MAX_COMBINATIONS", 5)  # the mail pool: 2 of 4 is 6 combinations
    assert only_problem(tmp_path, GOOD) == (
        f"{NAME}:{after(GOOD, 'draw: ')}: drawing 2 of 4 tasks: split the pool into smaller ones"
    )


def test_as_many_combinations_as_allowed_are_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blueprint_module, "MAX_COMBINATIONS", 6)
    assert loaded(tmp_path, GOOD).papers == 4


def test_an_unknown_difficulty_is_placed_on_it_with_a_suggestion(tmp_path: Path) -> None:
    text = changed("{de: 1, trung_binh: 1}", "{de: 1, trungbinh: 1}")
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'trungbinh')}: unknown difficulty 'trungbinh' (did you mean 'trung_binh'?); "
        "de, trung_binh, kho"
    )


def test_a_mix_not_adding_up_to_the_draw_is_placed_on_the_mix(tmp_path: Path) -> None:
    text = changed("{de: 1, trung_binh: 1}", "{de: 1, trung_binh: 2}")
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{after(text, 'difficulty: ')}: the difficulty mix counts 3 tasks, but the pool draws 2"
    )


@pytest.mark.parametrize("count", ["0", "-1"])
def test_a_count_below_1_is_placed_on_it(tmp_path: Path, count: str) -> None:
    text = changed("{de: 1, trung_binh: 1}", f"{{de: {count}, trung_binh: 2}}")
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{after(text, '{de: ')}: the count of de is at least 1; leave out a difficulty the pool has none of"
    )


def test_a_count_that_is_not_a_whole_number_is_placed_on_it(tmp_path: Path) -> None:
    text = changed("{de: 1, trung_binh: 1}", "{de: một, trung_binh: 1}")
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{after(text, '{de: ')}: the count of de must be a whole number, not the text 'một'"
    )


def test_a_count_of_true_is_one_problem(tmp_path: Path) -> None:
    text = changed("{de: 1, trung_binh: 1}", "{de: true, trung_binh: 1}")
    assert problems_of(tmp_path, text) == [
        f"{NAME}:{after(text, '{de: ')}: the count of de must be a whole number, not true"
    ]


def test_no_combination_filling_the_pool_lists_its_tasks(tmp_path: Path) -> None:
    text = changed(
        "    service: mail\n    draw: 2\n    points: 8\n", "    service: mail\n    draw: 2\n    points: 10\n"
    )
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'id: thu')}: no 2 tasks of pool 'thu' adding up to 10 points with 1 de, 1 trung_binh; "
        "its tasks: mail.four (4, trung_binh), mail.one (3, de), mail.three (5, trung_binh), mail.two (4, de)"
    )


def test_no_combination_with_the_mix_is_reported_even_if_the_points_add_up(tmp_path: Path) -> None:
    # one + two is 7 and four + three 9: 8 points are there (one + three), but never two easy tasks.
    text = changed("{de: 1, trung_binh: 1}", "{de: 2}")
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'id: thu')}: no 2 tasks of pool 'thu' adding up to 8 points with 2 de; "
        "its tasks: mail.four (4, trung_binh), mail.one (3, de), mail.three (5, trung_binh), mail.two (4, de)"
    )


def test_a_task_in_two_pools_is_placed_on_the_second(tmp_path: Path) -> None:
    text = changed("tasks: [documents.one, documents.two, documents.three]", "tasks: [mail.one, documents.two]")
    text = text.replace("    title: Văn bản\n", "")
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'id: van-ban')}: mail.one is in pools 'thu' and 'van-ban': a paper could hold it twice"
    )


def test_a_duplicate_pool_id_is_placed_on_the_second_pool(tmp_path: Path) -> None:
    text = changed("id: van-ban", "id: thu")
    assert only_problem(tmp_path, text) == f"{NAME}:{place(text, 'id: thu', nth=2)}: pool id 'thu' is used twice"


# --- The paper as a whole


def test_pool_points_not_adding_up_are_placed_on_the_paper_points(tmp_path: Path) -> None:
    text = changed("points: 16", "points: 20")
    assert only_problem(tmp_path, text) == f"{NAME}:3:9: the paper is worth 20 points, but its pools add up to 16"


def test_without_points_the_paper_is_worth_40_and_the_problem_is_at_the_top(tmp_path: Path) -> None:
    text = changed("points: 16\n", "")
    assert only_problem(tmp_path, text) == f"{NAME}:1:1: the paper is worth 40 points, but its pools add up to 16"


def test_a_paper_longer_than_the_time_limit_is_placed_on_the_minutes(tmp_path: Path) -> None:
    text = changed("minutes: 30", "minutes: 21")
    assert only_problem(tmp_path, text) == (
        f"{NAME}:4:10: a paper can take 22 minutes of tasks, more than the time limit of 21: "
        "raise it, or draw shorter tasks"
    )


def test_a_duplicate_blueprint_id_is_placed_on_the_second_file(tmp_path: Path) -> None:
    other = changed("title: Đề thi thử", "title: Đề thi thử khác")
    assert problems_of(tmp_path, GOOD, other) == [
        "blueprints/b.yaml:1:5: blueprint id 'thi-thu' is already used by blueprints/a.yaml:1:5"
    ]


def test_blueprints_with_different_ids_load_in_file_order(tmp_path: Path) -> None:
    bank = make_bank(tmp_path)
    write_blueprint(tmp_path, changed("id: thi-thu", "id: thi-that"), "b.yaml")
    write_blueprint(tmp_path, GOOD, "a.yaml")
    write_blueprint(tmp_path, "not: a blueprint\n", "notes.txt")  # only *.yaml are blueprints
    assert [blueprint.id for blueprint in load_blueprints(tmp_path, bank)] == ["thi-thu", "thi-that"]


def test_every_problem_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    first = (
        changed("id: thi-thu", "id: Thi")
        .replace("minutes: 30", "minutes: 300")
        .replace("service: mail", "service: mial")
        .replace("documents.three]", "documents.thre]")
        .replace("{de: 1, kho: 1}", "{de: 1, kho: 1, khos: 1}")
    )
    second = changed("points: 16", "points: 20").replace("id: thi-thu", "id: thi-hai")
    problems = problems_of(tmp_path, first, second)
    a = "blueprints/a.yaml"
    assert problems == [
        f"{a}:1:5: blueprint id 'Thi' must be lowercase words joined by '-'",
        f"{a}:4:10: minutes is the paper's time limit, 1 to 240, not 300",
        f"{a}:{after(first, 'service: ')}: unknown service 'mial' (did you mean 'mail'?); "
        "services: mail, documents, signing, onestop, cross",
        f"{a}:{place(first, 'documents.thre]')}: no task 'documents.thre' in the bank "
        "(did you mean 'documents.three'?)",
        f"{a}:{place(first, 'khos')}: unknown difficulty 'khos' (did you mean 'kho'?); de, trung_binh, kho",
        "blueprints/b.yaml:3:9: the paper is worth 20 points, but its pools add up to 16",
    ]
