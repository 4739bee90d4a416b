"""The event catalogue (docs/events.md), written from the registered event classes themselves.

`make docs` rewrites the file; a test fails when the file and the code disagree, so the
catalogue can never fall behind a new verb or field.
"""

from __future__ import annotations

import inspect
import sys
import typing
from pathlib import Path
from typing import Any

from mock_services.contract import event_types
from mock_services.core.events import EventData

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "events.md"

HEADER = """# Event catalogue

Every action in the room is one record of the action log (see [action-log.md](action-log.md)):
`seq`, `at`, `exam_id`, `candidate_id`, `actor`, `verb`, `object {kind, id}`, `data`, `context`,
`prev_hash`, `hash`. This page lists every registered verb with the fields of its `data`.

It is generated from the event classes by `make docs`; a test fails when it is out of date.
"""


def type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{value}`" for value in typing.get_args(annotation))
    if origin is not None:
        args = ", ".join(type_name(arg) for arg in typing.get_args(annotation))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    if annotation is type(None):
        return "null"
    return getattr(annotation, "__name__", str(annotation))


def section(cls: type[EventData]) -> str:
    doc = inspect.cleandoc(cls.__doc__ or "")
    lines = [f"## `{cls.verb}`", "", f"Object kind: `{cls.object_kind}`.", "", doc, ""]
    if cls.model_fields:
        lines += ["| field | type | meaning |", "|---|---|---|"]
        for name, field in cls.model_fields.items():
            lines.append(f"| `{name}` | {type_name(field.annotation)} | {field.description} |")
        lines.append("")
    return "\n".join(lines)


def render() -> str:
    types = event_types()
    index = ["| verb | object |", "|---|---|"] + [
        f"| [`{t.verb}`](#{anchor(t.verb)}) | `{t.object_kind}` |" for t in types
    ]
    return "\n".join([HEADER, *index, "", *(section(t) for t in types)]).rstrip() + "\n"


def anchor(verb: str) -> str:
    return verb.replace(".", "")


def main() -> int:
    DOC_PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
