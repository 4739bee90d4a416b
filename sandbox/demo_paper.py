"""The demo paper: the mail, document, ký số and một cửa tasks of the bank (``tasks/mail/``,
``tasks/documents/``, ``tasks/signing/``, ``tasks/onestop/``), in file order.

The demo shows the whole path: a candidate works in the webmail, the document system and the
one-stop desk, graderd grades them as they go.
"""

from __future__ import annotations

from pathlib import Path

from graderd.spec.load import load_bank
from graderd.spec.model import TaskSpec

BANK = Path(__file__).resolve().parent.parent / "tasks"
DEMO_FOLDERS = ("mail", "documents", "signing", "onestop")


def demo_paper(bank: Path = BANK) -> list[TaskSpec]:
    """The demo's tasks; a ``SpecError`` (every problem, path:line:col) if the bank is broken."""
    tasks = load_bank(bank, shown_from=bank.parent)
    return [task for task in tasks if task.path.parent.name in DEMO_FOLDERS]
