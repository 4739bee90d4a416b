"""Every task of the bank has a browser flow (no browser needed to check that): a task nobody has
done in the pages is a task whose labels, steps or instructions may not fit, and the whole-paper
test can sit any paper only if every task the blueprints draw has one."""

from __future__ import annotations

from graderd.settings import BANK
from graderd.spec.load import load_bank
from tests.e2e.flows import registered


def test_every_task_of_the_bank_has_a_browser_flow_and_every_flow_a_task() -> None:
    tasks = {task.id for task in load_bank(BANK, traces=False)}
    flows = set(registered())
    assert sorted(tasks - flows) == [], "no browser flow in tests/e2e/flows/ for these tasks"
    assert sorted(flows - tasks) == [], "browser flows for tasks the bank no longer has"
