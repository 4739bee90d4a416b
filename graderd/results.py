"""What grading produces: per item an outcome, points, evidence and, for a miss, what was
nearest and why it fell short; per task the total. Frozen, and the same input gives the same
result byte for byte (``as_json``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


def tidy(points: Decimal) -> Decimal:
    """3.0 → 3, 2.50 → 2.5: points as a grader writes them, never 1E+1."""
    return points.quantize(Decimal(1)) if points == points.to_integral_value() else points.normalize()


class Outcome(StrEnum):
    passed = "passed"
    failed = "failed"
    not_gradable = "not_gradable"  # the log or a file it needs is missing or broken: never a silent zero

    @property
    def vietnamese(self) -> str:
        return {"passed": "Đạt", "failed": "Không đạt", "not_gradable": "Không chấm được"}[self.value]


def outcome_said(item: dict[str, Any]) -> str:
    """An item's outcome (as stored JSON) in a grader's words: a penalty's says whether the fault was made."""
    outcome = Outcome(item["outcome"])
    if item["penalty"] and outcome is not Outcome.not_gradable:
        return "Mắc lỗi" if outcome is Outcome.failed else "Không mắc lỗi"
    return outcome.vietnamese


@dataclass(frozen=True, slots=True)
class ItemResult:
    id: str
    title: str
    outcome: Outcome
    points: Decimal  # earned; negative for a penalty that applied
    max_points: Decimal  # for a penalty, 0
    penalty: bool
    evidence: tuple[int, ...]  # seq of the events that justify the outcome
    explanation: str  # in Vietnamese: what was found, or the nearest attempt and what did not match
    parts: tuple[ItemResult, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "outcome": self.outcome.value,
            "points": str(self.points),
            "max_points": str(self.max_points),
            "penalty": self.penalty,
            "evidence": list(self.evidence),
            "explanation": self.explanation,
            "parts": [part.as_json() for part in self.parts],
        }


@dataclass(frozen=True, slots=True)
class TaskResult:
    task_id: str
    points: Decimal  # total, never below 0 nor above max_points
    max_points: Decimal
    items: tuple[ItemResult, ...] = field(default_factory=tuple)
    reason: str = ""  # why the task (or one of its items) could not be graded; empty when it was

    @property
    def gradable(self) -> bool:
        return not self.reason

    def as_json(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "points": str(self.points),
            "max_points": str(self.max_points),
            "gradable": self.gradable,
            "reason": self.reason,
            "items": [item.as_json() for item in self.items],
        }
