"""Events as the engine reads them, from the log or from an exemplar trace (JSONL).

A trace line is a record in its export form (``EventRecord.as_json``): ``seq``, ``at``,
``actor``, ``verb``, ``object``, ``data`` and ``context``; the ids and hashes may be left
out of a hand-written exemplar. A bad line is reported as ``path:line:col``, every one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from graderd.spec.problems import Mark, Problems
from mock_services.contract import EventRecord, lookup
from mock_services.core.events import EventError


@dataclass(frozen=True, slots=True)
class Event:
    """One event: its place in the log, when, who, what; ``root`` is what field paths walk."""

    seq: int
    at: dt.datetime
    actor: str
    verb: str
    object_kind: str
    object_id: str
    data: dict[str, Any]
    root: dict[str, Any]

    @classmethod
    def make(
        cls,
        *,
        seq: int,
        at: dt.datetime,
        actor: str,
        verb: str,
        object_kind: str,
        object_id: str,
        data: dict[str, Any],
        context: dict[str, Any],
    ) -> Event:
        root = {
            "seq": seq,
            "at": at,
            "actor": actor,
            "verb": verb,
            "object": {"kind": object_kind, "id": object_id},
            "data": data,
            "context": context,
        }
        return cls(seq, at, actor, verb, object_kind, object_id, data, root)

    @classmethod
    def of(cls, record: EventRecord) -> Event:
        return cls.make(
            seq=record.seq,
            at=record.at,
            actor=record.actor,
            verb=record.verb,
            object_kind=record.object_kind,
            object_id=record.object_id,
            data=record.data,
            context=record.context,
        )

    @property
    def state_key(self) -> tuple[str, str] | None:
        """``("mail.message", "17")`` when the event carries an object's new state."""
        if isinstance(self.data.get("after"), dict):
            return f"{self.verb.split('.', 1)[0]}.{self.object_kind}", self.object_id
        return None


def read_trace(path: Path, problems: Problems, *, shown_as: str | None = None) -> list[Event]:
    """Every event of a JSONL trace, in ``seq`` order; problems for every bad line."""
    name = shown_as or str(path)
    try:
        lines = path.read_bytes().splitlines()
    except OSError as exc:
        problems.add(Mark(name, 1, 1), f"cannot read the trace: {exc.strerror or exc}")
        return []
    return parse_trace(lines, name, problems)


def parse_trace(lines: list[bytes], name: str, problems: Problems) -> list[Event]:
    """The events of a trace's lines (``name`` is what problems cite), as ``read_trace`` reads them."""
    found: list[Event] = []
    last_seq = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        event = _parse_line(line, Mark(name, number, 1), problems)
        if event is None:
            continue
        if event.seq <= last_seq:
            problems.add(
                Mark(name, number, 1), f"seq {event.seq} does not follow seq {last_seq}: a trace is in seq order"
            )
        last_seq = max(last_seq, event.seq)
        found.append(event)
    return found


def _parse_line(line: bytes, mark: Mark, problems: Problems) -> Event | None:
    try:
        raw = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        problems.add(Mark(mark.path, mark.line, exc.colno), f"not JSON: {exc.msg}")
        return None
    if not isinstance(raw, dict):
        problems.add(mark, "a trace line is one JSON object (an event)")
        return None
    missing = [key for key in ("seq", "at", "actor", "verb", "object", "data") if key not in raw]
    if missing:
        problems.add(mark, f"the event lacks {', '.join(missing)}")
        return None
    seq, verb, obj = raw["seq"], raw["verb"], raw["object"]
    if not isinstance(seq, int) or seq < 1:
        problems.add(mark, f"seq must be a whole number above 0, not {seq!r}")
        return None
    try:
        at = dt.datetime.fromisoformat(str(raw["at"]).replace("Z", "+00:00"))
    except ValueError:
        problems.add(mark, f"at {raw['at']!r} is not an ISO 8601 time")
        return None
    if at.tzinfo is None:
        problems.add(mark, f"at {raw['at']!r} needs its offset (server time is UTC: …Z)")
        return None
    try:
        data = lookup(str(verb)).model_validate(raw["data"]).model_dump(mode="json")
    except EventError as exc:
        problems.add(mark, str(exc))
        return None
    except ValueError as exc:
        first = str(exc).splitlines()
        problems.add(mark, f"data does not fit {verb}: {' '.join(first[1:3]) if len(first) > 1 else exc}")
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("kind"), str) or "id" not in obj:
        problems.add(mark, "object must be {kind, id}")
        return None
    context = raw.get("context") or {}
    return Event.make(
        seq=seq,
        at=at,
        actor=str(raw["actor"]),
        verb=str(verb),
        object_kind=obj["kind"],
        object_id=str(obj["id"]),
        data=data,
        context=context if isinstance(context, dict) else {},
    )
