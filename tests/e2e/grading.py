"""What the e2e tests ask graderd: a candidate's paper and results, polled until they settle."""

from __future__ import annotations

import time
from collections.abc import Collection
from decimal import Decimal
from typing import Any

import httpx2 as httpx


def paper_of(grader: httpx.Client, exam_id: int, candidate: str) -> list[dict[str, Any]]:
    """The candidate's tasks as graderd's API lists them (position, task id, params, result)."""
    response = grader.get(f"/api/exams/{exam_id}/candidates/{candidate}")
    assert response.status_code == 200, response.text
    tasks: list[dict[str, Any]] = response.json()["tasks"]
    return tasks


def has_full_marks(task: dict[str, Any]) -> bool:
    result = task["result"]
    return result is not None and Decimal(result["points"]) == Decimal(result["max_points"])


def wait_for_full_marks(
    grader: httpx.Client, exam_id: int, candidate: str, task_ids: Collection[str], timeout: float = 30.0
) -> dict[str, dict[str, Any]]:
    """Poll graderd (it follows the log every 0.25 s) until every task of ``task_ids`` has full
    marks; fails naming the tasks short of them, with their items."""
    deadline = time.monotonic() + timeout
    while True:
        found = {task["task_id"]: task for task in paper_of(grader, exam_id, candidate) if task["task_id"] in task_ids}
        assert set(found) == set(task_ids), (sorted(task_ids), sorted(found))
        short = {task_id: task for task_id, task in found.items() if not has_full_marks(task)}
        if not short:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"graderd never gave full marks within {timeout} s to: {describe(short)}")
        time.sleep(0.25)


def describe(tasks: dict[str, dict[str, Any]]) -> str:
    """Each task's score and the items it lost, for a failure message."""
    lines = []
    for task_id, task in tasks.items():
        result = task["result"]
        if result is None:
            lines.append(f"{task_id}: not graded")
            continue
        lines.append(f"{task_id}: {result['points']} / {result['max_points']}")
        for item in result["items"]:
            if item["outcome"] != "passed":
                lines.append(f"  {item['id']} {item['outcome']}: {item.get('explanation', '')}")
    return "\n".join(lines)


def assert_evidenced(task: dict[str, Any]) -> None:
    """Every item that carries points passed with evidence: the seqs of the log events it rests on."""
    for item in task["result"]["items"]:
        if Decimal(item["max_points"]) > 0:
            assert item["outcome"] == "passed", (task["task_id"], item)
            assert item["evidence"], (task["task_id"], item)
            assert all(isinstance(seq, int) and seq > 0 for seq in item["evidence"]), (task["task_id"], item)
