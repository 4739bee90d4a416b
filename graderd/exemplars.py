"""Running a task's exemplars: each trace graded, its points (and named items) as the task promises.

An exemplar is the proof that a rubric means what its author thinks: full marks for a
complete attempt, the right partial score for a partial one, nothing for nothing. The files
an exemplar's events name by sha256 are looked up among the files of the task's folder.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graderd.engine import grade
from graderd.results import Outcome, TaskResult
from graderd.spec.model import Exemplar, TaskSpec
from graderd.spec.problems import Problems
from graderd.trace import read_trace


@dataclass(frozen=True, slots=True)
class ExemplarRun:
    task: TaskSpec
    exemplar: Exemplar
    result: TaskResult | None
    failures: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.failures

    def __str__(self) -> str:
        status = "ok" if self.ok else "FAILED"
        got = f"{self.result.points}/{self.result.max_points}" if self.result else "-"
        lines = [f"{self.exemplar.mark}: {self.task.id} {self.exemplar.trace.name}: {got} {status}"]
        lines += [f"    {failure}" for failure in self.failures]
        return "\n".join(lines)


class FolderBlobs:
    """The files under a folder, by sha256: what exemplar events' attachments point at."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, sha256: str, /) -> bytes | None:
        path = _index(self.folder.resolve()).get(sha256)
        return path.read_bytes() if path is not None else None


@cache
def _index(folder: Path) -> dict[str, Path]:
    return {hashlib.sha256(path.read_bytes()).hexdigest(): path for path in folder.rglob("*") if path.is_file()}


def run_exemplar(task: TaskSpec, exemplar: Exemplar) -> ExemplarRun:
    problems = Problems()
    events = read_trace(exemplar.trace, problems)
    if problems:
        return ExemplarRun(task, exemplar, None, tuple(str(problem) for problem in problems.found))
    params = task.example_params(exemplar.params)
    try:
        result = grade(task, params, events, FolderBlobs(task.folder), candidate=exemplar.candidate)
    except (ValueError, TypeError) as exc:  # a param value of the wrong kind in the exemplar
        return ExemplarRun(task, exemplar, None, (f"cannot grade with the exemplar's params {params}: {exc}",))
    failures = []
    if result.points != exemplar.expect_points:
        failures.append(f"earned {result.points} points, the exemplar expects {exemplar.expect_points}")
    outcomes = {item.id: item.outcome for item in result.items}
    outcomes |= {part.id: part.outcome for item in result.items for part in item.parts}
    for item_id, expected in exemplar.expect_items.items():
        if outcomes.get(item_id) is not Outcome(expected):
            failures.append(f"item {item_id} is {outcomes.get(item_id)}, the exemplar expects {expected}")
    if failures:
        failures += [
            f"{item.id}: {item.outcome.value} {item.points}/{item.max_points}: {item.explanation}"
            for item in result.items
        ]
    return ExemplarRun(task, exemplar, result, tuple(failures))


def run_all(tasks: list[TaskSpec]) -> list[ExemplarRun]:
    return [run_exemplar(task, exemplar) for task in tasks for exemplar in task.exemplars]
