"""The event registry: only well-declared, documented event types enter the action log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from pydantic import Field, ValidationError

from mock_services.core import events, log
from mock_services.core.db import Database
from mock_services.core.events import (
    Actor,
    EventContext,
    EventData,
    EventError,
    event_type,
    is_registered,
    lookup,
    registered_types,
)
from mock_services.portal.events import LoggedOut, LoginFailed
from tests.support.room import EXAM_START, seed_exam


@pytest.fixture
def registry() -> Iterator[dict[str, type[EventData]]]:
    """The global registry, restored after the test whatever the test registered."""
    saved = dict(events._REGISTRY)
    yield events._REGISTRY
    events._REGISTRY.clear()
    events._REGISTRY.update(saved)


def declare(verb: object, *, doc: str | None = "A test event.", described: bool = True) -> type[EventData]:
    """A new event class (not yet registered) with one field."""
    namespace: dict[str, object] = {
        "__doc__": doc,
        "__annotations__": {"note": "str"},
        "verb": verb,
        "object_kind": "thing",
        "note": Field(description="A note.") if described else Field(),
    }
    return type("Declared", (EventData,), namespace)


# --- Registration


def test_a_well_declared_type_is_registered_under_its_verb(registry: dict[str, type[EventData]]) -> None:
    declared = declare("test.something_happened")
    assert event_type(declared) is declared
    assert lookup("test.something_happened") is declared
    assert is_registered(declared)
    assert declared in registered_types()


@pytest.mark.parametrize("verb", ["Login", "portal.", "portal.Login", ".login", "portal.login.again", "1portal.x", ""])
def test_a_bad_verb_is_refused(registry: dict[str, type[EventData]], verb: str) -> None:
    before = dict(registry)
    with pytest.raises(EventError, match=re.escape(f"must be a dotted name like 'mail.message_sent', not {verb!r}")):
        event_type(declare(verb))
    assert registry == before


def test_a_type_without_a_verb_is_refused(registry: dict[str, type[EventData]]) -> None:
    with pytest.raises(EventError, match="dotted name"):
        event_type(declare(None))


def test_a_type_without_a_docstring_is_refused(registry: dict[str, type[EventData]]) -> None:
    for doc in (None, "", "   \n  "):
        with pytest.raises(EventError, match=r"Declared \(test\.undocumented\) needs a docstring"):
            event_type(declare("test.undocumented", doc=doc))
    assert "test.undocumented" not in registry


def test_a_field_without_a_description_is_refused(registry: dict[str, type[EventData]]) -> None:
    with pytest.raises(EventError, match=r"Declared\.note \(test\.bare_field\) needs a description"):
        event_type(declare("test.bare_field", described=False))
    assert "test.bare_field" not in registry


def test_a_type_without_an_object_kind_is_refused(registry: dict[str, type[EventData]]) -> None:
    class Kindless(EventData):
        """No object kind."""

        verb = "test.kindless"

    with pytest.raises(EventError, match="Kindless must set object_kind"):
        event_type(Kindless)
    assert "test.kindless" not in registry


def test_a_second_type_with_a_registered_verb_is_refused(registry: dict[str, type[EventData]]) -> None:
    first = event_type(declare("test.twice"))
    with pytest.raises(EventError, match=re.escape("verb 'test.twice' is registered twice")):
        event_type(declare("test.twice"))
    assert lookup("test.twice") is first
    with pytest.raises(EventError, match="registered twice"):
        event_type(declare("portal.logged_out"))  # a real verb cannot be taken over either
    assert lookup("portal.logged_out") is LoggedOut


def test_registering_the_same_type_again_is_harmless(registry: dict[str, type[EventData]]) -> None:
    declared = event_type(declare("test.again"))
    size = len(registry)
    assert event_type(declared) is declared
    assert event_type(LoginFailed) is LoginFailed
    assert len(registry) == size
    assert lookup("test.again") is declared


def test_looking_up_an_unknown_verb_is_an_error() -> None:
    with pytest.raises(EventError, match=re.escape("unknown event verb 'test.nowhere'")):
        lookup("test.nowhere")


def test_the_portal_events_are_registered() -> None:
    assert lookup("portal.login_failed") is LoginFailed
    assert lookup("portal.logged_out") is LoggedOut
    verbs = [cls.verb for cls in registered_types()]
    assert verbs == sorted(verbs)


# --- Records


def test_a_record_exports_exactly_the_design_fields(sqlite_db: Database) -> None:
    room = seed_exam(sqlite_db, now=EXAM_START)
    candidate = room.candidates[1]
    with sqlite_db.write() as conn:
        written = log.append(
            conn,
            candidate,
            actor=Actor.candidate,
            event=LoginFailed(reason="wrong_password", client="10.0.0.7"),
            object_id=str(candidate.id),
            now=EXAM_START + timedelta(minutes=5),
            context=EventContext(client="10.0.0.7"),
        )
    with sqlite_db.read() as conn:
        (stored,) = log.select_events(conn, written.seq - 1, 1)

    exported = stored.as_json()
    assert exported == written.as_json()
    assert list(exported) == [
        "seq",
        "at",
        "exam_id",
        "candidate_id",
        "actor",
        "verb",
        "object",
        "data",
        "context",
        "prev_hash",
        "hash",
    ]
    assert exported["seq"] == written.seq
    assert exported["at"] == "2026-11-24T01:05:00.000000Z"
    assert exported["exam_id"] == room.exam.id
    assert exported["candidate_id"] == candidate.id
    assert exported["actor"] == "candidate"
    assert exported["verb"] == "portal.login_failed"
    assert exported["object"] == {"kind": "candidate", "id": str(candidate.id)}
    assert exported["data"] == {"reason": "wrong_password", "client": "10.0.0.7"}
    assert exported["context"] == {"client": "10.0.0.7"}
    assert re.fullmatch(r"[0-9a-f]{64}", exported["prev_hash"])
    assert re.fullmatch(r"[0-9a-f]{64}", exported["hash"])
    assert exported["hash"] != exported["prev_hash"]
    assert stored.typed() == LoginFailed(reason="wrong_password", client="10.0.0.7")


# --- Event data


class Measured(EventData):
    """A test event with a number (never registered)."""

    verb = "test.measured"
    object_kind = "thing"

    value: float = Field(description="A measurement.")


def test_event_data_is_frozen() -> None:
    event = LoginFailed(reason="wrong_password", client="10.0.0.7")
    with pytest.raises(ValidationError, match="frozen"):
        event.client = "10.0.0.8"  # type: ignore[misc]
    assert event.client == "10.0.0.7"


def test_event_data_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="extra"):
        LoginFailed.model_validate({"reason": "wrong_password", "client": "10.0.0.7", "password": "hunter2"})


def test_event_data_refuses_values_outside_its_schema() -> None:
    with pytest.raises(ValidationError):
        LoginFailed.model_validate({"reason": "bored", "client": "10.0.0.7"})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_event_data_refuses_nan_and_infinite_floats(value: float) -> None:
    assert Measured(value=1.5).value == 1.5
    with pytest.raises(ValidationError):
        Measured(value=value)


def test_the_context_is_frozen_and_drops_what_is_unset() -> None:
    context = EventContext(session_id="s" * 32)
    assert context.as_dict() == {"session_id": "s" * 32}
    with pytest.raises(ValidationError):
        EventContext.model_validate({"seat": 4})
