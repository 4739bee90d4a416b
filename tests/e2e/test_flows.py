"""Every browser flow of tests/e2e/flows/, on the practice exam (every task of the bank on one
paper, ONTAP01), earns its task full marks from graderd, every item with its evidence. One demo
room serves the module; each flow logs in afresh in its own browser context.

`pytest tests/e2e/test_flows.py -k check-register` tries one flow while writing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import Page

from tests.e2e.flows import flow_for, log_in, registered, sitting
from tests.e2e.grading import assert_evidenced, grader_of, paper_of, wait_for_full_marks, with_output
from tests.sandbox.test_run import Run, demo_logins, port_of, start_run
from tests.support.live import room_env

pytestmark = [pytest.mark.browser, pytest.mark.live]

CANDIDATE = "ONTAP01"


@dataclass
class PracticeRoom:
    run: Run
    room: str
    password: str
    grader: httpx.Client
    exam_id: int


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PracticeRoom]:
    var = tmp_path_factory.mktemp("practice") / "var"
    run = start_run(room_env(var, SATHACH_ONESTOP_PROCESSING_SECONDS="2"), "--demo")
    try:
        password = demo_logins(run)[CANDIDATE]
        room = f"http://127.0.0.1:{port_of(run, 'Phòng thi')}"
        grader_port, token = grader_of(run)
        exam_id = int(run.wait_for(r"Practice exam #(\d+)").group(1))
        with httpx.Client(
            base_url=f"http://127.0.0.1:{grader_port}", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ) as grader:
            yield PracticeRoom(run, room, password, grader, exam_id)
    except Exception as failure:
        raise with_output(failure, run) from failure
    finally:
        status = run.interrupt()
    assert status == 0, run.output


def signatures_checked_in_the_file(task: dict[str, Any]) -> None:
    """graderd judged the seal by the PAdES signatures in the issued PDF, not by the log alone."""
    sealed = next(item for item in task["result"]["items"] if item["id"] == "sealed")
    assert "chữ ký số trong tệp" in sealed["explanation"], sealed


# What some tasks' full marks must show besides every item passed with its evidence.
ALSO: dict[str, Callable[[dict[str, Any]], None]] = {"signing.clerk-issue": signatures_checked_in_the_file}


@pytest.mark.parametrize("task_id", sorted(registered()))
def test_the_flow_earns_full_marks_on_the_practice_exam(task_id: str, practice: PracticeRoom, page: Page) -> None:
    try:
        position = next(
            t["position"] for t in paper_of(practice.grader, practice.exam_id, CANDIDATE) if t["task_id"] == task_id
        )
        log_in(page, practice.room, CANDIDATE, practice.password)
        flow_for(task_id)(sitting(page, practice.room, CANDIDATE, position))
        graded = wait_for_full_marks(practice.grader, practice.exam_id, CANDIDATE, {task_id})
        assert_evidenced(graded[task_id])
        ALSO.get(task_id, lambda task: None)(graded[task_id])
    except Exception as failure:
        raise with_output(failure, practice.run) from failure
