"""Exam blueprints: how a practical paper is drawn from the bank (``tasks/blueprints/*.yaml``).

A blueprint names the paper's points and time limit and its pools: each pool takes its tasks from
the bank (a service, or a list of ids), and says how many to draw and their mix of difficulty, and
may fix the points they add up to. A paper is one *combination* of each pool whose points add up to
the paper's: every paper drawn from a blueprint therefore has the same total and the same mix (the
same number of tasks of each difficulty from each pool); which tasks fill it is the draw's choice.

Loading is strict like a task's: every problem at once, as ``path:line:col: message``; a pool no
combination of tasks can fill, or a paper that could take longer than the time limit, is the
author's error now, not on exam day.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import comb
from pathlib import Path

from graderd.spec.model import DIFFICULTIES, TaskSpec
from graderd.spec.problems import Mark, Problems, did_you_mean, unique_ids
from graderd.spec.shape import check_kind, keys_of, points_of
from graderd.spec.source import Node, load_file, shown_path
from mock_services.core.services import SERVICE_TITLES

BLUEPRINTS = "blueprints"  # the bank's folder of blueprints: tasks/blueprints/
DEFAULT_POINTS = Decimal(40)  # the practical part of the Cần Thơ exam
MAX_COMBINATIONS = 100_000  # a pool beyond this is a mistake (draw 5 of 60), not a paper
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Pool:
    """One part of the paper: ``draw`` tasks of ``task_ids`` in the ``difficulty`` mix (worth ``points``
    if the blueprint fixes them)."""

    id: str
    title: str
    task_ids: tuple[str, ...]
    draw: int
    points: Decimal | None
    difficulty: Mapping[str, int]
    combinations: tuple[tuple[str, ...], ...]  # every choice of tasks that fills the pool, sorted
    weights: Mapping[tuple[str, ...], tuple[Decimal, int]]  # a combination's points and minutes


@dataclass(frozen=True, slots=True)
class Blueprint:
    id: str
    title: str
    points: Decimal
    minutes: int  # the time limit of the practical paper
    pools: tuple[Pool, ...]
    path: Path
    sha256: str
    # reachable[i]: the points pools i.. can add up to; the draw keeps every choice completable.
    reachable: tuple[frozenset[Decimal], ...]
    papers: int  # how many different papers (sets of tasks) the blueprint can draw
    longest_paper: int  # the minutes the longest of them takes
    drawable: frozenset[str]  # the tasks some paper holds

    @property
    def tasks_per_paper(self) -> int:
        return sum(pool.draw for pool in self.pools)

    def completable(self, pool_index: int, so_far: Decimal, chosen: tuple[str, ...]) -> bool:
        """Whether a paper with ``chosen`` in pool ``pool_index`` (after ``so_far`` points) can still
        add up to the paper's points."""
        points = self.pools[pool_index].weights[chosen][0]
        return self.points - so_far - points in self.reachable[pool_index + 1]

    def summary(self) -> dict[str, object]:
        """The blueprint as an exam stores it: what the draw was asked for, with the spec's sha256."""
        return {
            "id": self.id,
            "title": self.title,
            "sha256": self.sha256,
            "points": str(self.points),
            "minutes": self.minutes,
            "pools": [
                {
                    "id": pool.id,
                    "title": pool.title,
                    "draw": pool.draw,
                    "points": None if pool.points is None else str(pool.points),
                    "difficulty": dict(pool.difficulty),
                    "tasks": list(pool.task_ids),
                }
                for pool in self.pools
            ],
        }


def load_blueprints(root: Path, bank: Sequence[TaskSpec], *, shown_from: Path | None = None) -> list[Blueprint]:
    """Every blueprint in ``root/blueprints/``, checked against the bank; all problems at once."""
    problems = Problems()
    paths = sorted((root / BLUEPRINTS).glob("*.yaml"))
    loaded = (_load(path, bank, problems, shown_as=shown_path(path, shown_from)) for path in paths)
    found = unique_ids(loaded, "blueprint", problems)
    problems.raise_if_any()
    return found


def load_blueprint(path: Path, bank: Sequence[TaskSpec], *, shown_from: Path | None = None) -> Blueprint:
    problems = Problems()
    blueprint, _ = _load(path, bank, problems, shown_as=shown_path(path, shown_from))
    problems.raise_if_any()
    assert blueprint is not None
    return blueprint


def _load(
    path: Path, bank: Sequence[TaskSpec], problems: Problems, *, shown_as: str
) -> tuple[Blueprint | None, Mark | None]:
    before = len(problems.found)
    root = load_file(path, problems, shown_as=shown_as)
    if root is None:
        return None, None
    keys = keys_of(
        root,
        problems,
        what="a blueprint",
        required={"id": "text", "title": "text", "minutes": "integer", "pools": "list"},
        optional={"points": "number"},
    )
    if "id" in keys and not _ID.match(keys["id"].value):
        problems.add(keys["id"].mark, f"blueprint id {keys['id'].value!r} must be lowercase words joined by '-'")
    points = points_of(keys["points"], problems, what="points") if "points" in keys else DEFAULT_POINTS
    minutes = keys["minutes"].value if "minutes" in keys else None
    if minutes is not None and not 1 <= minutes <= 240:
        problems.add(keys["minutes"].mark, f"minutes is the paper's time limit, 1 to 240, not {minutes}")
    by_id = {task.id: task for task in bank}
    pools = _pools(keys["pools"], by_id, problems) if "pools" in keys else []
    if len(problems.found) > before or points is None or minutes is None:
        return None, None
    fixed = [pool.points for pool in pools if pool.points is not None]
    if len(fixed) == len(pools) and sum(fixed, Decimal(0)) != points:
        where = keys["points"].mark if "points" in keys else root.mark
        problems.add(where, f"the paper is worth {points} points, but its pools add up to {sum(fixed, Decimal(0))}")
        return None, None
    reachable, papers, longest, drawable = _papers(pools, points)
    if not papers:
        where = keys["points"].mark if "points" in keys else root.mark
        sums = ", ".join(str(total) for total in sorted(reachable[0])[:12])
        problems.add(where, f"no paper the pools can draw adds up to {points} points; they add up to: {sums}")
        return None, None
    blueprint = Blueprint(
        id=keys["id"].value,
        title=keys["title"].value,
        points=points,
        minutes=minutes,
        pools=tuple(pools),
        path=path,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        reachable=reachable,
        papers=papers,
        longest_paper=longest,
        drawable=drawable,
    )
    if blueprint.longest_paper > minutes:
        problems.add(
            keys["minutes"].mark,
            f"a paper can take {blueprint.longest_paper} minutes of tasks, more than the time limit of {minutes}: "
            "raise it, or draw shorter tasks",
        )
    if len(problems.found) > before:
        return None, None
    return blueprint, keys["id"].mark


def _pools(node: Node, by_id: Mapping[str, TaskSpec], problems: Problems) -> list[Pool]:
    if not node.value:
        problems.add(node.mark, "a blueprint needs at least one pool")
    pools: list[Pool] = []
    owner: dict[str, str] = {}  # task id → the pool that draws it
    for child in node.value:
        pool = _pool(child, by_id, problems)
        if pool is None:
            continue
        if any(p.id == pool.id for p in pools):
            problems.add(child.mark, f"pool id {pool.id!r} is used twice")
            continue
        for task_id in pool.task_ids:
            if task_id in owner:
                problems.add(
                    child.mark, f"{task_id} is in pools {owner[task_id]!r} and {pool.id!r}: a paper could hold it twice"
                )
            owner[task_id] = pool.id
        pools.append(pool)
    return pools


def _pool(node: Node, by_id: Mapping[str, TaskSpec], problems: Problems) -> Pool | None:
    before = len(problems.found)
    keys = keys_of(
        node,
        problems,
        what="a pool",
        required={"id": "text", "draw": "integer", "difficulty": "mapping"},
        optional={"title": "text", "service": "text", "tasks": "list", "exclude": "list", "points": "number"},
    )
    if not keys:
        return None
    if "id" in keys and not _ID.match(keys["id"].value):
        problems.add(keys["id"].mark, f"pool id {keys['id'].value!r} must be lowercase words joined by '-'")
    task_ids = _members(node, keys, by_id, problems)
    draw = keys["draw"].value if "draw" in keys else 0
    if "draw" in keys and draw < 1:
        problems.add(keys["draw"].mark, f"draw is how many tasks the pool gives a paper, at least 1, not {draw}")
    points = points_of(keys["points"], problems, what="points") if "points" in keys else None
    mix = _mix(keys["difficulty"], draw, problems) if "difficulty" in keys else None
    if len(problems.found) > before or ("points" in keys and points is None) or mix is None or task_ids is None:
        return None
    if len(task_ids) < draw:
        problems.add(keys["draw"].mark, f"the pool draws {draw} tasks but has {len(task_ids)}: {', '.join(task_ids)}")
        return None
    if comb(len(task_ids), draw) > MAX_COMBINATIONS:
        problems.add(keys["draw"].mark, f"drawing {draw} of {len(task_ids)} tasks: split the pool into smaller ones")
        return None
    fills = tuple(
        chosen
        for chosen in itertools.combinations(task_ids, draw)
        if (points is None or sum((by_id[t].points for t in chosen), Decimal(0)) == points)
        and Counter(by_id[t].difficulty for t in chosen) == Counter(mix)
    )
    if not fills:
        offered = ", ".join(f"{t} ({by_id[t].points}, {by_id[t].difficulty})" for t in task_ids)
        wanted = ", ".join(f"{count} {level}" for level, count in mix.items())
        worth = "" if points is None else f" adding up to {points} points"
        problems.add(
            node.mark,
            f"no {draw} tasks of pool {keys['id'].value!r}{worth} with {wanted}; its tasks: {offered}",
        )
        return None
    service = keys["service"].value if "service" in keys else None
    title = keys["title"].value if "title" in keys else SERVICE_TITLES.get(service or "", keys["id"].value)
    return Pool(
        id=keys["id"].value,
        title=title,
        task_ids=task_ids,
        draw=draw,
        points=points,
        difficulty=mix,
        combinations=fills,
        weights={
            chosen: (sum((by_id[t].points for t in chosen), Decimal(0)), sum(by_id[t].minutes for t in chosen))
            for chosen in fills
        },
    )


def _papers(pools: Sequence[Pool], points: Decimal) -> tuple[tuple[frozenset[Decimal], ...], int, int, frozenset[str]]:
    """Over every paper the pools can make that adds up to ``points``: the sums each suffix of pools
    can reach, how many papers there are, the longest one's minutes, and the tasks some paper holds."""
    reachable: list[frozenset[Decimal]] = [frozenset({Decimal(0)})]
    for pool in reversed(pools):
        reachable.insert(0, frozenset(s + pool.weights[c][0] for s in reachable[0] for c in pool.combinations))
    # Forward: for each sum so far, how many prefixes reach it and the most minutes they take.
    prefixes: dict[Decimal, tuple[int, int]] = {Decimal(0): (1, 0)}
    drawable: set[str] = set()
    for index, pool in enumerate(pools):
        step: dict[Decimal, tuple[int, int]] = {}
        for so_far, (count, minutes) in prefixes.items():
            for chosen in pool.combinations:
                worth, takes = pool.weights[chosen]
                total = so_far + worth
                if points - total not in reachable[index + 1]:
                    continue
                drawable.update(chosen)
                before = step.get(total, (0, 0))
                step[total] = (before[0] + count, max(before[1], minutes + takes))
        prefixes = step
    count, longest = prefixes.get(points, (0, 0))
    return tuple(reachable), count, longest, frozenset(drawable)


def _members(
    node: Node, keys: Mapping[str, Node], by_id: Mapping[str, TaskSpec], problems: Problems
) -> tuple[str, ...] | None:
    """The pool's tasks: those of its ``service``, or its ``tasks`` list, less ``exclude``; sorted."""
    if ("service" in keys) == ("tasks" in keys):
        problems.add(node.mark, "a pool takes its tasks from a service or from a list of tasks: give one of them")
        return None
    if "service" in keys:
        service = keys["service"].value
        if service not in SERVICE_TITLES:
            problems.add(
                keys["service"].mark,
                f"unknown service {service!r}{did_you_mean(service, SERVICE_TITLES)}; "
                f"services: {', '.join(SERVICE_TITLES)}",
            )
            return None
        members = {task.id for task in by_id.values() if task.service == service}
    else:
        members = _known_ids(keys["tasks"], by_id, problems)
    if "exclude" in keys:
        members -= _known_ids(keys["exclude"], by_id, problems)
    return tuple(sorted(members))


def _known_ids(node: Node, by_id: Mapping[str, TaskSpec], problems: Problems) -> set[str]:
    ids = set()
    for item in node.value:
        if not check_kind(item, "text", problems, what="a task id"):
            continue
        if item.value not in by_id:
            problems.add(item.mark, f"no task {item.value!r} in the bank{did_you_mean(item.value, by_id)}")
            continue
        ids.add(item.value)
    return ids


def _mix(node: Node, draw: int, problems: Problems) -> dict[str, int] | None:
    """``{de: 1, trung_binh: 1}``: how many tasks of each difficulty, adding up to ``draw``."""
    assert node.keys is not None
    mix: dict[str, int] = {}
    for level, count in node.value.items():
        if level not in DIFFICULTIES:
            known = ", ".join(DIFFICULTIES)
            problems.add(node.keys[level], f"unknown difficulty {level!r}{did_you_mean(level, DIFFICULTIES)}; {known}")
            continue
        if check_kind(count, "integer", problems, what=f"the count of {level}") and count.value > 0:
            mix[level] = count.value
        elif isinstance(count.value, int) and not isinstance(count.value, bool):
            problems.add(count.mark, f"the count of {level} is at least 1; leave out a difficulty the pool has none of")
    if len(mix) == len(node.value) and sum(mix.values()) != draw:
        problems.add(node.mark, f"the difficulty mix counts {sum(mix.values())} tasks, but the pool draws {draw}")
        return None
    return mix if len(mix) == len(node.value) else None
