"""What a task author is told: every problem at once, each as ``path:line:col: message``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from mock_services.core.errors import SathachError


@dataclass(frozen=True, slots=True, order=True)
class Mark:
    """A place in a task file: 1-based line and column, as editors count them."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    mark: Mark
    message: str

    def __str__(self) -> str:
        return f"{self.mark}: {self.message}"


class SpecError(SathachError):
    """One or more problems in the task bank; ``str()`` lists every one, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Problems:
    """Collects problems so that an author sees all of them in one run, not one per run."""

    found: list[Problem] = field(default_factory=list)

    def add(self, mark: Mark, message: str) -> None:
        self.found.append(Problem(mark, message))

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_if_any(self) -> None:
        if self.found:
            raise SpecError(self.found)


class HasId(Protocol):
    @property
    def id(self) -> str: ...


Loaded = TypeVar("Loaded", bound=HasId)


def unique_ids(loaded: Iterable[tuple[Loaded | None, Mark | None]], what: str, problems: Problems) -> list[Loaded]:
    """The files that loaded (``(thing, mark of its id)``, in file order), each id kept once: a
    later file with an id already used is a problem at its id."""
    kept: list[Loaded] = []
    seen: dict[str, Mark] = {}
    for thing, id_mark in loaded:
        if thing is None or id_mark is None:
            continue
        if thing.id in seen:
            problems.add(id_mark, f"{what} id {thing.id!r} is already used by {seen[thing.id]}")
            continue
        seen[thing.id] = id_mark
        kept.append(thing)
    return kept


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'points'?)`` for a near miss, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""
