"""Browser flows: how a careful candidate does each task of the bank in Chromium, one function per
task id. A flow starts on the candidate's exam page (/bai-thi), logged in, with the task's own
instructions in hand, and finishes the task the way a full-marks attempt does; it reads every
name, number and date from the instructions or the screen, never from the grader.

The whole-paper test (tests/e2e/test_whole_paper.py) sits a drawn paper by running the flow of
each task on it; a task without a flow fails that test by name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page, expect


@dataclass(frozen=True)
class Sitting:
    """One task of a candidate's paper, in the candidate's browser."""

    page: Page
    room: str  # the room's base URL, e.g. http://127.0.0.1:8123
    candidate: str  # số báo danh
    position: int  # Câu N on the exam page
    text: str  # the task's instructions as shown

    @property
    def instructions(self) -> str:
        """The instructions with their whitespace collapsed, for patterns that span lines."""
        return " ".join(self.text.split())

    def find(self, pattern: str) -> re.Match[str]:
        """A pattern the instructions must match (the failure shows them)."""
        match = re.search(pattern, self.instructions)
        assert match, f"Câu {self.position}: no {pattern!r} in the instructions: {self.instructions}"
        return match

    def open_service(self, name: str) -> None:
        """Open one of the room's services from the exam page's navigation."""
        self.page.goto(f"{self.room}/bai-thi")
        link = self.page.get_by_role("navigation", name="Phần mềm trong phòng thi").get_by_role("link", name=name)
        with self.page.expect_navigation():
            link.click()


Flow = Callable[[Sitting], None]
FLOWS: dict[str, Flow] = {}


def flow(task_id: str) -> Callable[[Flow], Flow]:
    """Register the browser flow of ``task_id``."""

    def register(function: Flow) -> Flow:
        assert task_id not in FLOWS, f"two browser flows for {task_id}"
        FLOWS[task_id] = function
        return function

    return register


def registered() -> dict[str, Flow]:
    """Every flow, by task id."""
    from tests.e2e.flows import cross, documents, mail, onestop, signing  # noqa: F401  (importing registers)

    return FLOWS


def flow_for(task_id: str) -> Flow:
    found = registered().get(task_id)
    assert found is not None, f"no browser flow for {task_id}: write one in tests/e2e/flows/"
    return found


def log_in(page: Page, room: str, candidate: str, password: str) -> None:
    page.goto(f"{room}/dang-nhap")
    page.get_by_label("Số báo danh").fill(candidate)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/bai-thi$"))


def sitting(page: Page, room: str, candidate: str, position: int) -> Sitting:
    """Câu ``position`` of the paper on the exam page."""
    if not page.url.endswith("/bai-thi"):
        page.goto(f"{room}/bai-thi")
    article = page.locator(f"article.task#cau-{position}")
    expect(article).to_have_count(1)
    # The DOM's text, not inner_text: that one depends on the stylesheet (white-space: pre-line)
    # having loaded, and loses the lines when it has not.
    text = article.locator(".instructions").text_content()
    assert text, f"Câu {position} has no instructions"
    return Sitting(page, room, candidate, position, text)


def sitting_titled(page: Page, room: str, candidate: str, title: str) -> Sitting:
    """The task whose heading has ``title`` (for tests that sit one task of the practice exam)."""
    if not page.url.endswith("/bai-thi"):
        page.goto(f"{room}/bai-thi")
    heading = page.get_by_role("heading", name=re.compile(re.escape(title)))
    article = page.locator("article.task", has=heading)
    expect(article).to_have_count(1)
    position = int((article.get_attribute("id") or "").removeprefix("cau-"))
    return sitting(page, room, candidate, position)
