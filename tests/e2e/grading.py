"""What the e2e tests ask graderd: where it listens, a candidate's paper and results polled until
they settle, and failures that carry the room's output."""

from __future__ import annotations

import time
from collections.abc import Collection
from decimal import Decimal
from typing import Any

import httpx2 as httpx

from tests.sandbox.test_run import Run


def grader_of(run: Run) -> tuple[int, str]:
    """graderd's port and the grader token, from the banner line."""
    match = run.wait_for(r"graderd \(người chấm\):\s+http://127\.0\.0\.1:(\d+)/\s+mã truy cập (\S+)")
    return int(match.group(1)), match.group(2)


def with_output(failure: Exception, run: Run) -> AssertionError:
    """The failure, with everything the room printed (its three servers' output included)."""
    kind = type(failure) if isinstance(failure, AssertionError) else AssertionError
    return kind(f"{failure}\n--- the room's output ---\n{run.output}")


def wait_until_caught_up(grader: httpx.Client, timeout: float = 30.0) -> int:
    """Poll graderd's health until it has graded the whole log, and the log stays still for a
    moment (a late event, such as the one-stop handler's, would be graded after it); the head seq."""
    deadline = time.monotonic() + timeout
    still = 0
    last = -1
    while time.monotonic() < deadline:
        health = grader.get("/health").json()
        head = health["log_head_seq"]
        still = still + 1 if head == last and health["graded_to_seq"] == head else 0
        if still >= 4:
            return int(head)
        last = head
        time.sleep(0.25)
    raise AssertionError(f"graderd did not catch up with the log within {timeout} s: {health}")


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
