"""Task files and events built for graderd's tests: a task's YAML written to a temp folder with its
exemplar traces and fixtures, the place of a piece of that YAML, and mail events as the log has them."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from graderd.spec.load import load_task
from graderd.spec.model import EXAMPLE_CANDIDATE, TaskSpec
from graderd.trace import Event

TRACES = ("exemplars/full.jsonl", "exemplars/partial.jsonl", "exemplars/wrong.jsonl", "exemplars/empty.jsonl")
KINDS = ("full", "partial", "wrong", "empty")
INSTRUCTIONS = "instructions: |\n  Gửi báo cáo tới bantochuc@egov.test.\n"
RUBRIC = """\
  - id: sent
    points: 2
    event: mail.message_sent
    where:
      data.after.to: {contains: bantochuc@egov.test}
  - id: subject
    points: 1
    event: mail.message_sent
    where:
      data.after.subject: {contains: Báo cáo}
"""


def exemplars_for(points: str) -> str:
    """Four exemplars that cover a task of ``points``: full marks, half, a wrong attempt and nothing."""
    full = Decimal(points)
    lines = [
        f"  - {{trace: {trace}, kind: {kind}, expect_points: {value}}}\n"
        for trace, kind, value in zip(TRACES, KINDS, (full, full / 2, 0, 0), strict=True)
    ]
    return "exemplars:\n" + "".join(lines)


def task_text(
    rubric: str = RUBRIC,
    *,
    points: str = "3",
    task_id: str = "mail.sample-task",
    service: str = "mail",
    extra: str = "",
    params: str = "",
    setup: str = "",
    instructions: str = INSTRUCTIONS,
    exemplars: str | None = None,
) -> str:
    """A whole task file; each block (``params``, ``setup`` …) is given as its YAML, key included."""
    head = f"id: {task_id}\ntitle: Gửi thư báo cáo\nservice: {service}\npoints: {points}\n"
    tail = exemplars if exemplars is not None else exemplars_for(points)
    return head + extra + params + setup + instructions + "rubric:\n" + rubric + tail + "difficulty: de\nminutes: 3\n"


def write_task(
    folder: Path,
    text: str,
    *,
    name: str = "task.yaml",
    files: Mapping[str, str | bytes] | None = None,
    traces: Sequence[str] = TRACES,
) -> Path:
    """Write ``text`` as ``folder/name``, an empty trace for each of ``traces`` and ``files`` beside it."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    for trace in traces:
        target = path.parent / trace
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_text("", encoding="utf-8")
    for relative, content in (files or {}).items():
        target = path.parent / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return path


def spec_of(folder: Path, rubric: str, *, points: str, params: str = "", instructions: str = INSTRUCTIONS) -> TaskSpec:
    """A loaded task with this rubric (dedented), written to ``folder``."""
    text = task_text(
        textwrap.indent(textwrap.dedent(rubric), "  "), points=points, params=params, instructions=instructions
    )
    return load_task(write_task(folder, text), shown_from=folder)


def place(text: str, needle: str, *, nth: int = 1) -> str:
    """``line:col`` (1-based) of the ``nth`` occurrence of ``needle`` in ``text``."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{col}"


# --- Events


START = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)  # 08:00 in the room (Asia/Ho_Chi_Minh)
CANDIDATE_EMAIL = EXAMPLE_CANDIDATE["email"]
OFFICE = "bantochuc@egov.test"


def at(minutes: float) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


def message(
    object_id: str,
    *,
    folder: str = "sent",
    to: Sequence[str] = (OFFICE,),
    cc: Sequence[str] = (),
    bcc: Sequence[str] = (),
    subject: str = "Báo cáo tháng 11",
    text: str = "Kính gửi Ban Tổ chức, xin gửi báo cáo.",
    attachments: Sequence[Mapping[str, Any]] = (),
    sender: str = CANDIDATE_EMAIL,
    message_id: str | None = None,
    in_reply_to: str = "",
    flagged: bool = False,
    seen: bool = True,
) -> dict[str, Any]:
    """A message's state as the mail service logs it in ``after``."""
    return {
        "id": object_id,
        "folder": folder,
        "message_id": message_id or f"<m{object_id}@egov.test>",
        "in_reply_to": in_reply_to,
        "from": sender,
        "to": list(to),
        "cc": list(cc),
        "bcc": list(bcc),
        "subject": subject,
        "text": text,
        "attachments": [dict(attachment) for attachment in attachments],
        "seen": seen,
        "flagged": flagged,
    }


def event(
    seq: int,
    verb: str,
    *,
    minute: float = 0,
    actor: str = "candidate",
    object_kind: str = "message",
    object_id: str = "1",
    data: dict[str, Any] | None = None,
) -> Event:
    return Event.make(
        seq=seq,
        at=at(minute),
        actor=actor,
        verb=verb,
        object_kind=object_kind,
        object_id=object_id,
        data=data or {},
        context={"session_id": "s1"},
    )


def sent(
    seq: int, *, minute: float = 0, actor: str = "candidate", object_id: str | None = None, **fields: Any
) -> Event:
    """The candidate sent a message (``fields`` go to ``message``)."""
    oid = object_id or f"s{seq}"
    after = message(oid, **fields)
    data = {
        "kind": "new",
        "original": None,
        "channel": "webmail",
        "delivered": [*after["to"], *after["cc"], *after["bcc"]],
        "bounced": [],
        "after": after,
    }
    return event(seq, "mail.message_sent", minute=minute, actor=actor, object_id=oid, data=data)


def received(seq: int, object_id: str, *, minute: float = 0, **fields: Any) -> Event:
    """A message arrived in the candidate's inbox (the system's doing)."""
    fields.setdefault("to", (CANDIDATE_EMAIL,))
    fields.setdefault("sender", "vanphong@egov.test")
    fields.setdefault("seen", False)
    after = message(object_id, folder="inbox", **fields)
    data = {"channel": "setup", "envelope_from": after["from"], "after": after}
    return event(seq, "mail.message_received", minute=minute, actor="system", object_id=object_id, data=data)


def opened(seq: int, object_id: str, *, minute: float = 0, **fields: Any) -> Event:
    fields.setdefault("folder", "inbox")
    return event(
        seq, "mail.message_opened", minute=minute, object_id=object_id, data={"after": message(object_id, **fields)}
    )


def flagged(seq: int, object_id: str, value: bool, *, minute: float = 0, **fields: Any) -> Event:
    fields.setdefault("folder", "inbox")
    after = message(object_id, flagged=value, **fields)
    data = {"flag": "flagged", "value": value, "after": after}
    return event(seq, "mail.flags_changed", minute=minute, object_id=object_id, data=data)


def searched(seq: int, *, minute: float = 0, query: str = "báo cáo") -> Event:
    data = {"query": {"text": query}, "results": 1}
    return event(seq, "mail.searched", minute=minute, object_kind="mailbox", object_id="mailbox", data=data)
