"""Setup operations: what a task's ``setup`` may do in a candidate's tenant (deliver a mail,
file an incoming document …).

An operation is declared and implemented in two places, because two readers need it:

- its declaration (a name such as ``mail.deliver``, an argument model with unknown keys refused,
  its documentation) is in the service's pure ``operations.py``, loaded by ``mock_services.contract``:
  graderd validates a spec's setup against it at validate time, so a bad argument is an author's
  error, never an exam-time surprise, and graderd never loads a service's store;
- its implementation, attached with ``implements``, is in the service's ``setup.py``, loaded only
  where setups run (the sandbox).
"""

from __future__ import annotations

import inspect
import re
import typing
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
    onestop_unit_id: str = "000.00.13.H13"  # the room's setting: the first part of one-stop dossier codes
    onestop_processing_seconds: int = 180  # the room's setting: how long a simulated handler takes

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
R = TypeVar("R")
Implementation = Callable[[SetupContext, A], R]

_NAME = re.compile(r"^[a-z][a-z0-9]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class SetupOperation:
    """A declared operation: what a task spec may call and with which arguments, not how it runs."""

    name: str
    args: type[SetupArgs]
    doc: str

    @property
    def implemented(self) -> bool:
        return self.name in _IMPLEMENTATIONS


_DECLARED: dict[str, SetupOperation] = {}
_IMPLEMENTATIONS: dict[str, Callable[[SetupContext, Any], Any]] = {}


def declare_operation(name: str, args: type[SetupArgs], doc: str) -> SetupOperation:
    """Declare the operation ``name``: its argument model and its documentation (what authors read).

    Declarations live in a service's pure ``operations.py``, so graderd can check a spec's setup
    without loading the service's store; the service's ``setup.py`` implements them."""
    if not _NAME.match(name):
        raise SetupError(f"setup operation {name!r}: a name is '<service>.<operation>', such as 'mail.deliver'")
    if name in _DECLARED:
        first = _DECLARED[name].args
        raise SetupError(
            f"setup operation {name!r} is declared twice (first with {first.__module__}.{first.__qualname__})"
        )
    if not doc.strip():
        raise SetupError(f"setup operation {name!r} needs documentation: authors read it to write specs")
    undescribed = [field for field, info in args.model_fields.items() if not info.description]
    if undescribed:
        raise SetupError(f"setup operation {name!r}: give these arguments a description: {', '.join(undescribed)}")
    _DECLARED[name] = SetupOperation(name, args, inspect.cleandoc(doc))
    return _DECLARED[name]


def implements(name: str) -> Callable[[Implementation[A, R]], Implementation[A, R]]:
    """Attach ``fn(ctx, args)`` as what runs the declared operation ``name``; ``args`` must be
    annotated with the declared model, the one the arguments are validated against."""

    def attach(fn: Implementation[A, R]) -> Implementation[A, R]:
        if name not in _DECLARED:
            raise SetupError(
                f"{fn.__qualname__} implements setup operation {name!r}, which is not declared:"
                " declare it first, in the service's operations.py"
            )
        if name in _IMPLEMENTATIONS:
            raise SetupError(f"setup operation {name!r} is implemented twice")
        declared = _DECLARED[name].args
        taken = _args_annotation(fn)
        if taken is not declared:
            raise SetupError(
                f"{fn.__qualname__} implements setup operation {name!r}: annotate its arguments with the declared"
                f" model {declared.__qualname__}, imported at run time (found {_label(taken)})"
            )
        _IMPLEMENTATIONS[name] = fn
        return fn

    return attach


def operations() -> list[SetupOperation]:
    """Every declared operation, sorted by name (import ``mock_services.contract`` to load them all)."""
    return [_DECLARED[name] for name in sorted(_DECLARED)]


def lookup_operation(name: str) -> SetupOperation:
    try:
        return _DECLARED[name]
    except KeyError:
        known = ", ".join(sorted(_DECLARED)) or "none"
        raise SetupError(f"unknown setup operation {name!r} (known: {known})") from None


def run_operation(ctx: SetupContext, name: str, arguments: dict[str, Any]) -> Any:
    operation = lookup_operation(name)
    run = _IMPLEMENTATIONS.get(name)
    if run is None:
        package = operation.args.__module__.rpartition(".")[0]
        raise SetupError(
            f"setup operation {name!r} is declared but not implemented in this process:"
            f" import {package}.setup, which implements it, before running it"
        )
    return run(ctx, operation.args.model_validate(arguments))


def _args_annotation(fn: Callable[..., Any]) -> object:
    """What ``fn(ctx, args)`` annotates ``args`` with, resolved; None if that cannot be known."""
    parameters = list(inspect.signature(fn).parameters)
    if len(parameters) != 2:
        return None
    try:
        return typing.get_type_hints(fn).get(parameters[1])
    except NameError:
        return None


def _label(annotation: object) -> str:
    if annotation is None:
        return "no annotation that resolves"
    return str(getattr(annotation, "__qualname__", annotation))
