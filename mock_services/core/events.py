"""Event types: every verb the action log accepts is a registered, documented class.

A service declares its events in its own ``events.py``::

    @event_type
    class LoginSucceeded(EventData):
        \"\"\"Thí sinh đăng nhập thành công (số báo danh và mật khẩu đúng).\"\"\"

        verb = "portal.login_succeeded"
        object_kind = "session"

        client: str = Field(description="Client address the login came from.")

The class is the schema of the event's ``data``; its docstring and field descriptions are
the catalogue in ``docs/events.md``. Appending an instance of an unregistered class, or a
record whose verb is unknown, is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from mock_services.core.clock import format_at
from mock_services.core.errors import SathachError

VERB_PATTERN = re.compile(r"^[a-z][a-z0-9]*\.[a-z][a-z0-9_]*$")


class EventError(SathachError):
    """An event type is badly declared, or a verb is not registered."""


class Actor(StrEnum):
    """Who acted: the candidate, the system (setup, simulated colleagues), or a proctor."""

    candidate = "candidate"
    system = "system"
    proctor = "proctor"


class EventData(BaseModel):
    """Base of every event type. Subclasses set ``verb`` and ``object_kind`` and declare fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    verb: ClassVar[str]
    object_kind: ClassVar[str]


class StateEvent(EventData):
    """Base of every event that creates or changes an object of a candidate's tenant.

    ``after`` is the object's full resulting state. graderd rebuilds the final state of every
    object generically, as the last ``after`` of each (candidate, object kind, object id).
    """

    after: dict[str, Any] = Field(description="The object's full state after the action.")


class EventContext(BaseModel):
    """Where an action happened: the task being worked on, the login session, the client address,
    and for a proctor's action, which operator (giám thị) acted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    task_id: str | None = None
    session_id: str | None = None
    client: str | None = None
    operator: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


_REGISTRY: dict[str, type[EventData]] = {}

E = TypeVar("E", bound=type[EventData])


def event_type(cls: E) -> E:
    """Class decorator: register an event type under its verb."""
    verb = getattr(cls, "verb", None)
    if not isinstance(verb, str) or not VERB_PATTERN.match(verb):
        raise EventError(f"{cls.__name__}.verb must be a dotted name like 'mail.message_sent', not {verb!r}")
    if not isinstance(getattr(cls, "object_kind", None), str):
        raise EventError(f"{cls.__name__} must set object_kind")
    if not (cls.__doc__ or "").strip():
        raise EventError(f"{cls.__name__} ({verb}) needs a docstring: it is the event's documentation")
    model: type[EventData] = cls
    for name, field in model.model_fields.items():
        if not field.description:
            raise EventError(f"{cls.__name__}.{name} ({verb}) needs a description")
    existing = _REGISTRY.get(verb)
    if existing is not None and existing is not cls:
        raise EventError(f"verb {verb!r} is registered twice: {existing.__qualname__} and {cls.__qualname__}")
    _REGISTRY[verb] = cls
    return cls


def lookup(verb: str) -> type[EventData]:
    try:
        return _REGISTRY[verb]
    except KeyError:
        raise EventError(f"unknown event verb {verb!r}: it is not a registered event type") from None


def is_registered(cls: type[EventData]) -> bool:
    return _REGISTRY.get(getattr(cls, "verb", "")) is cls


def registered_types() -> list[type[EventData]]:
    """Every registered type, sorted by verb. Import ``mock_services.catalog`` first to load them all."""
    return [_REGISTRY[verb] for verb in sorted(_REGISTRY)]


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One record of the action log, as stored (DESIGN.md §2)."""

    seq: int
    at: datetime
    exam_id: int
    candidate_id: int
    actor: str
    verb: str
    object_kind: str
    object_id: str
    data: dict[str, Any]
    context: dict[str, Any]
    prev_hash: str
    hash: str

    def typed(self) -> EventData:
        """The ``data`` parsed back into its event class."""
        return lookup(self.verb).model_validate(self.data)

    def as_json(self) -> dict[str, Any]:
        """The record in its export form (one line of a JSONL trace)."""
        return {
            "seq": self.seq,
            "at": format_at(self.at),
            "exam_id": self.exam_id,
            "candidate_id": self.candidate_id,
            "actor": self.actor,
            "verb": self.verb,
            "object": {"kind": self.object_kind, "id": self.object_id},
            "data": self.data,
            "context": self.context,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }
