"""The draw of each candidate's paper from a blueprint, pure (no database): reproducible from the
exam's seed, balanced (every paper the blueprint's points and mix, within its time limit), and
neighbours as different as the pools allow, a shared task drawn in another variant."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graderd.spec.blueprint import Blueprint, load_blueprint
from graderd.spec.load import load_bank
from graderd.spec.model import TaskSpec
from sandbox.draw import MAX_VARIANTS, Drawn, DrawnTask, DrawReport, Paper, draw_paper, draw_papers, report
from sandbox.exam_draw import DEFAULT_BLUEPRINT, Bank, load
from tests.graderd.builders import task_text, write_task

DAY = dt.date(2026, 11, 23)
SEED = 20261123
TAIL = "difficulty: de\nminutes: 3\n"  # what task_text ends with
RUNS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def seats(count: int, *, start: int = 1) -> list[str]:
    return [f"TS{number:03d}" for number in range(start, start + count)]


@functools.cache
def real() -> tuple[Bank, Blueprint]:
    """The real bank and its default blueprint, loaded once."""
    bank = load(Path("tasks"))
    return bank, bank.blueprint(DEFAULT_BLUEPRINT)


def shape(papers: Sequence[Paper]) -> list[tuple[str, list[tuple[str, str, dict[str, Any], int]]]]:
    """Papers as plain values: each seat's tasks with their pool, params and variant."""
    return [
        (paper.seat, [(drawn.task.id, drawn.pool, drawn.params, drawn.variant) for drawn in paper.tasks])
        for paper in papers
    ]


def assert_balanced(paper: Paper, blueprint: Blueprint) -> None:
    assert paper.points == blueprint.points
    assert paper.minutes <= blueprint.minutes
    assert len(paper.tasks) == blueprint.tasks_per_paper
    assert [drawn.pool for drawn in paper.tasks] == [pool.id for pool in blueprint.pools for _ in range(pool.draw)]
    for pool in blueprint.pools:
        mine = paper.in_pool(pool.id)
        assert tuple(sorted(mine)) in pool.combinations
        assert set(mine) <= set(pool.task_ids)
        assert set(mine) <= blueprint.drawable
        assert len(mine) == pool.draw
        assert Counter(drawn.task.difficulty for drawn in mine.values()) == Counter(pool.difficulty)
        if pool.points is not None:
            assert sum((drawn.task.points for drawn in mine.values()), Decimal(0)) == pool.points


def assert_own_params(paper: Paper, *, seed: int) -> None:
    """Every task's params are the seat's own draw of its variant."""
    for drawn in paper.tasks:
        assert drawn.params == drawn.task.draw(
            exam_seed=seed, candidate=paper.seat, exam_day=DAY, variant=drawn.variant
        )


# --- A small bank made by hand


CHOICE_OF_TWO = "params:\n  unit: {choice: [Phòng Kinh tế, Phòng Nội vụ]}\n"
CHOICE_OF_ONE = "params:\n  unit: {choice: [Văn phòng]}\n"
CHOICE_OF_MANY = "params:\n  count: {integer: [1, 1000000]}\n"


def make_bank(root: Path, tasks: Mapping[str, tuple[int, str, str]]) -> list[TaskSpec]:
    """Tasks of ``id → (points, difficulty, params)``, each of 3 minutes."""
    for task_id, (points, difficulty, params) in tasks.items():
        rubric = f"  - id: sent\n    points: {points}\n    event: mail.message_sent\n"
        text = task_text(rubric, points=str(points), task_id=task_id, service=task_id.split(".")[0], params=params)
        assert text.endswith(TAIL)
        text = text.removesuffix(TAIL) + f"difficulty: {difficulty}\nminutes: 3\n"
        write_task(root / task_id.replace(".", "/"), text)
    return load_bank(root, traces=False)


def make_blueprint(root: Path, bank: Sequence[TaskSpec], points: int, pools: str) -> Blueprint:
    path = root / "blueprints" / "thu.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"id: thu\ntitle: Thử\npoints: {points}\nminutes: 240\npools:\n{pools}", encoding="utf-8")
    return load_blueprint(path, bank)


def pool(pool_id: str, tasks: Sequence[str], *, draw: int, points: int, difficulty: str) -> str:
    return (
        f"  - id: {pool_id}\n    tasks: [{', '.join(tasks)}]\n    draw: {draw}\n    points: {points}\n"
        f"    difficulty: {difficulty}\n"
    )


# Every paper holds both tasks of "both": neighbours always share them.
FORCED = {"mail.a": (3, "de", CHOICE_OF_TWO), "mail.b": (3, "trung_binh", "")}
FORCED_POOL = pool("both", ["mail.a", "mail.b"], draw=2, points=6, difficulty="{de: 1, trung_binh: 1}")
# One task of three: a seat can always avoid its neighbour's.
ONE_OF_THREE = {"documents.x": (3, "de", ""), "documents.y": (3, "de", ""), "documents.z": (3, "de", "")}
ONE_OF_THREE_POOL = pool("one", list(ONE_OF_THREE), draw=1, points=3, difficulty="{de: 1}")


# Two pools without points, one task each; a paper of 8 points is b + y or c + x.
FREE = {
    "mail.a": (3, "de", ""),
    "mail.b": (4, "de", ""),
    "mail.c": (5, "de", ""),
    "documents.x": (3, "de", ""),
    "documents.y": (4, "de", ""),
}
FREE_POOLS = (
    "  - id: p1\n    tasks: [mail.a, mail.b, mail.c]\n    draw: 1\n    difficulty: {de: 1}\n"
    "  - id: p2\n    tasks: [documents.x, documents.y]\n    draw: 1\n    difficulty: {de: 1}\n"
)


def forced(tmp_path: Path) -> tuple[Blueprint, list[TaskSpec]]:
    bank = make_bank(tmp_path, FORCED)
    return make_blueprint(tmp_path, bank, 6, FORCED_POOL), bank


def one_of_three(tmp_path: Path) -> tuple[Blueprint, list[TaskSpec]]:
    bank = make_bank(tmp_path, ONE_OF_THREE)
    return make_blueprint(tmp_path, bank, 3, ONE_OF_THREE_POOL), bank


# --- Reproducible


def test_the_same_seed_and_seats_draw_the_same_papers_with_the_same_params() -> None:
    bank, blueprint = real()
    first = draw_papers(blueprint, bank.tasks, seed=SEED, seats=seats(30), exam_day=DAY)
    again = draw_papers(blueprint, load(Path("tasks")).tasks, seed=SEED, seats=seats(30), exam_day=DAY)
    assert shape(first) == shape(again)
    assert [paper.seat for paper in first] == seats(30)


def test_another_seed_draws_other_papers() -> None:
    bank, blueprint = real()
    first = draw_papers(blueprint, bank.tasks, seed=SEED, seats=seats(30), exam_day=DAY)
    other = draw_papers(blueprint, bank.tasks, seed=SEED + 1, seats=seats(30), exam_day=DAY)
    assert [paper.task_ids for paper in first] != [paper.task_ids for paper in other]
    assert [paper.compared() for paper in first] != [paper.compared() for paper in other]


def test_the_papers_of_a_draw_differ_from_one_another() -> None:
    bank, blueprint = real()
    papers = draw_papers(blueprint, bank.tasks, seed=SEED, seats=seats(30), exam_day=DAY)
    assert len({paper.task_ids for paper in papers}) > 1


def test_params_are_each_seat_s_own_draw_of_the_task() -> None:
    bank, blueprint = real()
    for paper in draw_papers(blueprint, bank.tasks, seed=SEED, seats=seats(30), exam_day=DAY):
        assert_own_params(paper, seed=SEED)


# --- Balanced


def test_every_paper_has_the_blueprint_s_points_mix_and_time() -> None:
    bank, blueprint = real()
    papers = draw_papers(blueprint, bank.tasks, seed=SEED, seats=seats(40), exam_day=DAY)
    assert len(papers) == 40
    for paper in papers:
        assert_balanced(paper, blueprint)


@RUNS
@given(seed=st.integers(min_value=0, max_value=2**63 - 1), count=st.integers(min_value=1, max_value=8))
def test_for_any_seed_every_paper_is_balanced(seed: int, count: int) -> None:
    bank, blueprint = real()
    papers = draw_papers(blueprint, bank.tasks, seed=seed, seats=seats(count), exam_day=DAY)
    assert [paper.seat for paper in papers] == seats(count)
    for paper in papers:
        assert_balanced(paper, blueprint)
        assert_own_params(paper, seed=seed)
    assert report([paper.compared() for paper in papers]).neighbours_sharing_a_variant == 0


# --- Neighbours


def test_forty_neighbours_never_share_a_task_in_the_same_variant() -> None:
    bank, blueprint = real()
    papers = draw_papers(blueprint, bank.tasks, seed=SEED, seats=seats(40), exam_day=DAY)
    drawn = report([paper.compared() for paper in papers])
    assert (drawn.papers, drawn.neighbours, drawn.neighbours_sharing_a_variant) == (40, 39, 0)
    for first, second in itertools.pairwise(papers):
        mine = dict(first.compared())
        for task_id, params in second.compared():
            if task_id in mine:
                assert params != mine[task_id]


def test_each_pool_shares_as_few_tasks_with_the_neighbour_as_any_combination_that_completes() -> None:
    bank, blueprint = real()
    papers = draw_papers(blueprint, bank.tasks, seed=SEED, seats=seats(40), exam_day=DAY)
    for first, second in itertools.pairwise(papers):
        so_far = Decimal(0)
        for index, blueprint_pool in enumerate(blueprint.pools):
            theirs = set(first.in_pool(blueprint_pool.id))
            mine = tuple(sorted(second.in_pool(blueprint_pool.id)))
            open_ = [c for c in blueprint_pool.combinations if blueprint.completable(index, so_far, c)]
            assert mine in open_
            assert len(set(mine) & theirs) == min(len(set(chosen) & theirs) for chosen in open_)
            so_far += blueprint_pool.weights[mine][0]


def test_a_seat_avoids_the_neighbour_s_task_when_the_pool_allows(tmp_path: Path) -> None:
    blueprint, bank = one_of_three(tmp_path)
    papers = draw_papers(blueprint, bank, seed=SEED, seats=seats(30), exam_day=DAY)
    drawn = report([paper.compared() for paper in papers])
    assert (drawn.neighbours, drawn.neighbours_sharing_a_task) == (29, 0)
    assert {paper.task_ids for paper in papers} == {("documents.x",), ("documents.y",), ("documents.z",)}


def test_a_forced_shared_task_is_drawn_in_another_variant(tmp_path: Path) -> None:
    blueprint, bank = forced(tmp_path)
    a = next(task for task in bank if task.id == "mail.a")
    b = next(task for task in bank if task.id == "mail.b")
    same = a.draw(exam_seed=SEED, candidate="TS001", exam_day=DAY)  # what TS001 draws of its own
    before = Paper("TS000", (DrawnTask(a, "both", same, 0), DrawnTask(b, "both", {}, 0)))
    [paper] = draw_papers(blueprint, bank, seed=SEED, seats=["TS001"], exam_day=DAY, before=before)
    drawn_a, drawn_b = paper.in_pool("both")["mail.a"], paper.in_pool("both")["mail.b"]
    assert 0 < drawn_a.variant <= MAX_VARIANTS
    assert drawn_a.params != same
    assert drawn_a.params == a.draw(exam_seed=SEED, candidate="TS001", exam_day=DAY, variant=drawn_a.variant)
    for earlier in range(1, drawn_a.variant):  # the first variant that differs is taken
        assert a.draw(exam_seed=SEED, candidate="TS001", exam_day=DAY, variant=earlier) == same
    assert (drawn_b.variant, drawn_b.params) == (0, {})  # no params: the same task is all there is


def test_a_variant_is_drawn_only_when_the_seat_s_own_params_are_the_neighbour_s(tmp_path: Path) -> None:
    blueprint, bank = forced(tmp_path)
    papers = draw_papers(blueprint, bank, seed=SEED, seats=seats(40), exam_day=DAY)
    variants = 0
    for first, second in itertools.pairwise(papers):
        theirs, mine = first.in_pool("both")["mail.a"], second.in_pool("both")["mail.a"]
        own = mine.task.draw(exam_seed=SEED, candidate=second.seat, exam_day=DAY)
        assert mine.params != theirs.params
        assert (mine.variant > 0) == (own == theirs.params)
        variants += mine.variant > 0
    assert variants > 0  # with two values, about half of the seats need one


def test_neighbours_sharing_a_task_without_params_share_its_only_variant(tmp_path: Path) -> None:
    blueprint, bank = forced(tmp_path)
    papers = draw_papers(blueprint, bank, seed=SEED, seats=seats(10), exam_day=DAY)
    assert all(paper.in_pool("both")["mail.b"].variant == 0 for paper in papers)
    assert report([paper.compared() for paper in papers]) == DrawReport(
        papers=10, different_papers=1, neighbours=9, neighbours_sharing_a_task=9, neighbours_sharing_a_variant=9
    )


def test_a_task_with_one_possible_value_keeps_the_neighbour_s_params(tmp_path: Path) -> None:
    bank = make_bank(tmp_path, {"mail.only": (3, "de", CHOICE_OF_ONE)})
    blueprint = make_blueprint(tmp_path, bank, 3, pool("only", ["mail.only"], draw=1, points=3, difficulty="{de: 1}"))
    papers = draw_papers(blueprint, bank, seed=SEED, seats=seats(3), exam_day=DAY)
    assert [(drawn.params, drawn.variant) for paper in papers for drawn in paper.tasks] == [
        ({"unit": "Văn phòng"}, 0)
    ] * 3


def test_a_task_with_many_values_differs_from_the_neighbour_without_a_variant(tmp_path: Path) -> None:
    bank = make_bank(tmp_path, {"mail.many": (3, "de", CHOICE_OF_MANY)})
    blueprint = make_blueprint(tmp_path, bank, 3, pool("many", ["mail.many"], draw=1, points=3, difficulty="{de: 1}"))
    papers = draw_papers(blueprint, bank, seed=SEED, seats=seats(10), exam_day=DAY)
    assert [drawn.variant for paper in papers for drawn in paper.tasks] == [0] * 10
    assert len({drawn.params["count"] for paper in papers for drawn in paper.tasks}) == 10


def test_a_choice_is_taken_only_if_the_pools_after_can_complete_the_points(tmp_path: Path) -> None:
    # 8 points: mail.b (4) with documents.y (4), or mail.c (5) with documents.x (3); mail.a (3) never.
    bank = make_bank(tmp_path, FREE)
    blueprint = make_blueprint(tmp_path, bank, 8, FREE_POOLS)
    assert blueprint.papers == 2
    papers = draw_papers(blueprint, bank, seed=SEED, seats=seats(20), exam_day=DAY)
    for paper in papers:
        assert_balanced(paper, blueprint)
    assert {paper.task_ids for paper in papers} == {("mail.b", "documents.y"), ("mail.c", "documents.x")}
    # and among the choices that complete, each seat still avoids its neighbour's: the two alternate
    for first, second in itertools.pairwise(papers):
        assert not set(first.task_ids) & set(second.task_ids)


# --- The seat before, and seat order


def test_the_paper_before_is_the_first_seat_s_neighbour(tmp_path: Path) -> None:
    blueprint, bank = one_of_three(tmp_path)
    x = next(task for task in bank if task.id == "documents.x")
    before = Paper("TS000", (DrawnTask(x, "one", {}, 0),))
    with_before = [
        draw_papers(blueprint, bank, seed=seed, seats=["TS001"], exam_day=DAY, before=before)[0].task_ids
        for seed in range(20)
    ]
    without = [draw_papers(blueprint, bank, seed=seed, seats=["TS001"], exam_day=DAY)[0].task_ids for seed in range(20)]
    assert ("documents.x",) not in with_before
    assert ("documents.x",) in without  # so it is the paper before that keeps it out


def test_the_paper_before_only_concerns_the_first_seat_s_draw(tmp_path: Path) -> None:
    blueprint, bank = one_of_three(tmp_path)
    x = next(task for task in bank if task.id == "documents.x")
    before = Paper("TS000", (DrawnTask(x, "one", {}, 0),))
    papers = draw_papers(blueprint, bank, seed=SEED, seats=seats(5), exam_day=DAY, before=before)
    by_id = {task.id: task for task in bank}
    expected = draw_paper(blueprint, by_id, seed=SEED, seat="TS001", exam_day=DAY, neighbour=before)
    assert shape(papers[:1]) == shape([expected])
    rest = draw_papers(blueprint, bank, seed=SEED, seats=seats(4, start=2), exam_day=DAY, before=papers[0])
    assert shape(papers[1:]) == shape(rest)


def test_seats_are_drawn_in_sorted_order_whatever_order_they_come_in() -> None:
    bank, blueprint = real()
    given_order = ["TS007", "TS002", "TS010", "TS001", "TS005"]
    shuffled = draw_papers(blueprint, bank.tasks, seed=SEED, seats=given_order, exam_day=DAY)
    in_order = draw_papers(blueprint, bank.tasks, seed=SEED, seats=sorted(given_order), exam_day=DAY)
    assert [paper.seat for paper in shuffled] == ["TS001", "TS002", "TS005", "TS007", "TS010"]
    assert shape(shuffled) == shape(in_order)


def test_seats_are_in_the_order_a_room_numbers_them_numbers_as_numbers(tmp_path: Path) -> None:
    blueprint, bank = one_of_three(tmp_path)
    papers = draw_papers(blueprint, bank, seed=SEED, seats=["B2", "A10", "A9", "10", "9"], exam_day=DAY)
    assert [paper.seat for paper in papers] == ["9", "10", "A9", "A10", "B2"]


@RUNS
@given(
    seed=st.integers(min_value=0, max_value=2**63 - 1),
    numbers=st.lists(st.integers(min_value=1, max_value=999), min_size=2, max_size=8, unique=True),
    data=st.data(),
)
def test_a_seat_s_paper_depends_only_on_the_seed_the_seat_and_its_neighbour(
    seed: int, numbers: list[int], data: st.DataObject
) -> None:
    bank, blueprint = real()
    names = [f"TS{number:03d}" for number in numbers]
    papers = draw_papers(blueprint, bank.tasks, seed=seed, seats=names, exam_day=DAY)
    index = data.draw(st.integers(min_value=1, max_value=len(papers) - 1))
    alone = draw_paper(
        blueprint, bank.by_id, seed=seed, seat=papers[index].seat, exam_day=DAY, neighbour=papers[index - 1]
    )
    assert shape([alone]) == shape(papers[index : index + 1])
    later = draw_papers(
        blueprint, bank.tasks, seed=seed, seats=[p.seat for p in papers[index:]], exam_day=DAY, before=papers[index - 1]
    )
    assert shape(later) == shape(papers[index:])
    first = draw_papers(blueprint, bank.tasks, seed=seed, seats=[papers[0].seat], exam_day=DAY)
    assert shape(first) == shape(papers[:1])  # the first seat does not depend on the seats after it


# --- The paper


def test_a_paper_adds_up_its_tasks(tmp_path: Path) -> None:
    bank = make_bank(tmp_path, {**FORCED, **ONE_OF_THREE})
    blueprint = make_blueprint(tmp_path, bank, 9, FORCED_POOL + ONE_OF_THREE_POOL)
    [paper] = draw_papers(blueprint, bank, seed=SEED, seats=["TS001"], exam_day=DAY)
    assert paper.points == Decimal(9)
    assert paper.minutes == 9
    assert paper.task_ids[:2] == ("mail.a", "mail.b")
    assert paper.task_ids[2] in ONE_OF_THREE
    assert list(paper.in_pool("both")) == ["mail.a", "mail.b"]
    assert list(paper.in_pool("one")) == [paper.task_ids[2]]
    assert paper.in_pool("none") == {}
    assert paper.compared() == [(drawn.task.id, drawn.params) for drawn in paper.tasks]
    assert paper.compared()[1] == ("mail.b", {})


# --- The report


def test_the_report_counts_papers_sets_and_neighbours_sharing() -> None:
    papers: list[Drawn] = [
        [("a", {"x": 1}), ("b", {})],
        [("a", {"x": 2}), ("c", {})],  # shares a with the seat before, in another variant
        [("c", {}), ("d", {})],  # shares c in the same variant
        [("e", {}), ("f", {})],  # shares nothing
        [("f", {}), ("e", {})],  # the same set again, both tasks in the same variant
    ]
    drawn = report(papers)
    assert drawn == DrawReport(
        papers=5, different_papers=4, neighbours=4, neighbours_sharing_a_task=3, neighbours_sharing_a_variant=2
    )
    assert drawn.lines() == [
        "5 papers, 4 different sets of tasks.",
        "Neighbouring seats: 4 pairs; 3 share a task, 2 share a task in the same variant.",
    ]


def test_the_report_counts_pairs_not_shared_tasks() -> None:
    papers: list[Drawn] = [[("a", {}), ("b", {})], [("a", {}), ("b", {})]]
    assert report(papers) == DrawReport(
        papers=2, different_papers=1, neighbours=1, neighbours_sharing_a_task=1, neighbours_sharing_a_variant=1
    )


def test_the_report_compares_only_adjacent_seats() -> None:
    papers: list[Drawn] = [[("a", {})], [("b", {})], [("a", {})]]
    assert report(papers) == DrawReport(
        papers=3, different_papers=2, neighbours=2, neighbours_sharing_a_task=0, neighbours_sharing_a_variant=0
    )


def test_a_seat_without_a_paper_is_counted_apart_and_is_nobodys_neighbour() -> None:
    papers: list[Drawn] = [[("a", {})], [], [("a", {})], [("a", {})]]
    found = report(papers)
    assert found == DrawReport(
        papers=3,
        different_papers=1,
        neighbours=1,
        neighbours_sharing_a_task=1,
        neighbours_sharing_a_variant=1,
        waiting=1,
    )
    assert found.lines()[-1] == "1 candidates have no paper yet: `python -m sandbox draw-papers EXAM` draws them."


@pytest.mark.parametrize("count", [0, 1])
def test_the_report_of_fewer_than_two_papers_has_no_neighbours(count: int) -> None:
    papers: list[Drawn] = [[("a", {"x": 1})]] * count
    assert report(papers) == DrawReport(
        papers=count,
        different_papers=count,
        neighbours=0,
        neighbours_sharing_a_task=0,
        neighbours_sharing_a_variant=0,
    )


def test_the_report_of_real_papers_takes_them_as_compared() -> None:
    bank, blueprint = real()
    papers = draw_papers(blueprint, bank.tasks, seed=SEED, seats=seats(12), exam_day=DAY)
    drawn = report([paper.compared() for paper in papers])
    assert drawn.papers == 12
    assert drawn.neighbours == 11
    assert drawn.different_papers == len({frozenset(paper.task_ids) for paper in papers})
    shared = sum(bool(set(a.task_ids) & set(b.task_ids)) for a, b in itertools.pairwise(papers))
    assert drawn.neighbours_sharing_a_task == shared
