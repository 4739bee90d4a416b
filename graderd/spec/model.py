"""A loaded task: frozen, every template compiled, every check parsed; what the engine grades."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from graderd.spec.params import Param, draw_params
from graderd.spec.problems import Mark
from graderd.spec.rubric import Item
from graderd.spec.templates import CANDIDATE_FIELDS, Template

# The candidate templates and exemplars see when none is named: the first demo candidate.
EXAMPLE_CANDIDATE: dict[str, str] = {
    "ho_ten": "Nguyễn Thị Minh Thư",
    "so_bao_danh": "DEMO01",
    "chuc_vu": "Phó Chủ tịch UBND phường",
    "don_vi": "UBND phường Ninh Kiều",
    "email": "thu.ntm@phuong-ninhkieu.egov.test",
}
# The exam day and seed params are drawn with when validating and for exemplars.
EXAMPLE_DAY = dt.date(2026, 11, 23)
EXAMPLE_SEED = 0

# How hard a task is, as a blueprint balances papers by it: the key authors write, the name shown.
DIFFICULTIES: dict[str, str] = {"de": "Dễ", "trung_binh": "Trung bình", "kho": "Khó"}
# What an exemplar shows: every task proves its rubric with one of each.
EXEMPLAR_KINDS: dict[str, str] = {
    "full": "full marks",
    "partial": "part of the task done right",
    "wrong": "a wrong but plausible attempt",
    "empty": "nothing done",
}


@dataclass(frozen=True, slots=True)
class SetupStep:
    """One setup operation with its arguments; text values may be templates of params."""

    operation: str
    arguments: Any  # dicts, lists and scalars, with ``Template`` where the author wrote {{ … }}
    mark: Mark

    def render(self, context: Mapping[str, Any]) -> Any:
        return render_tree(self.arguments, context)


def render_tree(value: Any, context: Mapping[str, Any]) -> Any:
    if isinstance(value, Template):
        return value.render(context)
    if isinstance(value, dict):
        return {key: render_tree(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [render_tree(item, context) for item in value]
    return value


@dataclass(frozen=True, slots=True)
class Exemplar:
    """A trace that proves the rubric: the events of one attempt and the points it must earn."""

    trace: Path
    kind: str  # one of EXEMPLAR_KINDS
    expect_points: Decimal
    params: Mapping[str, Any]  # values that override the example draw (as stored JSON)
    candidate: Mapping[str, str]
    expect_items: Mapping[str, str]  # item id → passed / failed / not_gradable
    mark: Mark


@dataclass(frozen=True, slots=True)
class TaskSpec:
    id: str
    title: str
    service: str
    points: Decimal
    difficulty: str  # one of DIFFICULTIES
    minutes: int  # the time a prepared candidate needs, as the author estimates it
    params: Mapping[str, Param]
    setup: tuple[SetupStep, ...]
    instructions: Template
    rubric: tuple[Item, ...]
    exemplars: tuple[Exemplar, ...]
    path: Path  # the YAML file; fixtures and traces are relative to its folder
    sha256: str  # of the file's bytes: a stored result names the spec it was graded by

    @property
    def folder(self) -> Path:
        return self.path.parent

    def draw(self, *, exam_seed: int, candidate: str, exam_day: dt.date, variant: int = 0) -> dict[str, Any]:
        """One candidate's params, as stored JSON. A ``variant`` above 0 draws them afresh: the draw
        asks for one when a neighbour got the same values."""
        who = candidate if variant == 0 else f"{candidate}\x1e{variant}"
        return draw_params(self.params, exam_seed=exam_seed, candidate=who, task_id=self.id, exam_day=exam_day)

    def context(self, params: Mapping[str, Any], candidate: Mapping[str, Any]) -> dict[str, Any]:
        """What templates see: each param as its kind shows it, and the candidate."""
        values = {name: param.context_value(params[name]) for name, param in self.params.items() if name in params}
        shown = {name: candidate.get(name, "") for name in CANDIDATE_FIELDS}
        return {**values, "candidate": shown}

    def example_params(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        drawn = self.draw(exam_seed=EXAMPLE_SEED, candidate=EXAMPLE_CANDIDATE["so_bao_danh"], exam_day=EXAMPLE_DAY)
        return {**drawn, **(overrides or {})}

    def instructions_for(self, params: Mapping[str, Any], candidate: Mapping[str, Any]) -> str:
        return str(self.instructions.render(self.context(params, candidate))).strip()
