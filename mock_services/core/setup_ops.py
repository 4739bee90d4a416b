"""Setup operations: what a task's ``setup`` may do in a candidate's tenant (deliver a mail,
file an incoming document …). Each service registers its operations from its ``setup.py``.

An operation is a name (``mail.deliver``), an argument model (pydantic, unknown keys refused)
and a function. graderd validates a spec's setup against the models at validate time, so a
bad argument is an author's error, never an exam-time surprise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.blobs import BlobStore
from mock_services.core.errors import SathachError


class SetupError(SathachError):
    """A setup operation is unknown, or cannot run with the arguments it was given."""


class SetupArgs(BaseModel):
    """Base of every operation's arguments: strict, so a misspelt key is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class SetupContext:
    """Where a setup operation runs: one candidate's tenant, inside the caller's write transaction."""

    conn: Connection
    candidate: Candidate
    now: datetime
    blobs: BlobStore
    tz: ZoneInfo
    mail_domains: tuple[str, ...]
    fixtures: Path | None = None  # the task's folder: attachments are read from here
    task_id: str | None = None

    def fixture(self, name: str) -> bytes:
        if self.fixtures is None:
            raise SetupError(f"fixture {name!r}: this task has no folder to read fixture files from")
        path = (self.fixtures / name).resolve()
        if not path.is_relative_to(self.fixtures.resolve()):
            raise SetupError(f"fixture {name!r}: a fixture must be inside the task's folder")
        if not path.is_file():
            raise SetupError(f"fixture {name!r}: no such file in {self.fixtures}")
        return path.read_bytes()


A = TypeVar("A", bound=SetupArgs)


@dataclass(frozen=True, slots=True)
class SetupOperation:
    name: str
    args: type[SetupArgs]
    run: Callable[[SetupContext, Any], Any]
    doc: str


_OPERATIONS: dict[str, SetupOperation] = {}


def setup_operation(
    name: str, args: type[A]
) -> Callable[[Callable[[SetupContext, A], Any]], Callable[[SetupContext, A], Any]]:
    """Register ``fn(ctx, args)`` as the setup operation ``name``; its docstring documents it."""

    def register(fn: Callable[[SetupContext, A], Any]) -> Callable[[SetupContext, A], Any]:
        if name in _OPERATIONS:
            raise SetupError(f"setup operation {name!r} is registered twice")
        if not (fn.__doc__ or "").strip():
            raise SetupError(f"setup operation {name!r} needs a docstring: it is its documentation")
        _OPERATIONS[name] = SetupOperation(name, args, fn, (fn.__doc__ or "").strip())
        return fn

    return register


def operations() -> list[SetupOperation]:
    return [_OPERATIONS[name] for name in sorted(_OPERATIONS)]


def lookup_operation(name: str) -> SetupOperation:
    try:
        return _OPERATIONS[name]
    except KeyError:
        known = ", ".join(sorted(_OPERATIONS)) or "none"
        raise SetupError(f"unknown setup operation {name!r} (known: {known})") from None


def run_operation(ctx: SetupContext, name: str, arguments: dict[str, Any]) -> Any:
    operation = lookup_operation(name)
    return operation.run(ctx, operation.args.model_validate(arguments))
