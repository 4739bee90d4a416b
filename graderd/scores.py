"""The score table of an exam: a row per candidate, a column per task of the paper, the total.

Built from the stored results; a task not graded yet, or not gradable, shows no points and
says why, so that a missing score is never read as a zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection

from graderd.results import tidy
from graderd.store import StoredResult, results_of_exam
from mock_services.core.accounts import Candidate, candidates_of_exam
from mock_services.core.exams import Exam, assignments_for, get_exam


@dataclass(frozen=True, slots=True)
class Cell:
    task_id: str
    title: str
    max_points: Decimal
    result: StoredResult | None
    position: int  # Câu N of the candidate's paper

    @property
    def points(self) -> Decimal | None:
        return self.result.points if self.result is not None and self.result.gradable else None

    @property
    def note(self) -> str:
        if self.result is None:
            return "chưa chấm"
        if not self.result.gradable:
            return f"không chấm được: {self.result.result.get('reason', '')}"
        return ""


@dataclass(frozen=True, slots=True)
class Row:
    candidate: Candidate
    cells: tuple[Cell, ...]

    @property
    def total(self) -> Decimal | None:
        """The practical points, or None while any task lacks a trustworthy score, or the
        candidate has no paper yet (never a 0 they did not earn)."""
        if not self.cells or any(cell.points is None for cell in self.cells):
            return None
        return sum((cell.points for cell in self.cells if cell.points is not None), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        return sum((cell.max_points for cell in self.cells), Decimal(0))

    @property
    def note(self) -> str:
        if not self.cells:
            return "chưa có đề (giám thị chạy draw-papers)"
        return "; ".join(f"{cell.task_id}: {cell.note}" for cell in self.cells if cell.note)

    def as_json(self, *, items: bool = False) -> dict[str, Any]:
        """The row; with ``items``, each graded task also lists its rubric items with their evidence."""
        c = self.candidate
        return {
            "candidate_id": c.id,
            "so_bao_danh": c.so_bao_danh,
            "ho_ten": c.ho_ten,
            "chuc_vu": c.chuc_vu,
            "don_vi": c.don_vi,
            "tasks": [
                {
                    "task_id": cell.task_id,
                    "title": cell.title,
                    "points": None if cell.points is None else str(cell.points),
                    "max_points": str(cell.max_points),
                    "note": cell.note,
                    **({"items": cell.result.result["items"] if cell.result else []} if items else {}),
                }
                for cell in self.cells
            ],
            "total": None if self.total is None else str(self.total),
            "max_points": str(self.max_points),
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class ScoreTable:
    exam: Exam
    rows: tuple[Row, ...]

    @property
    def task_columns(self) -> list[tuple[str, str]]:
        """(task id, title) of every task on any paper, in paper order."""
        seen: dict[str, str] = {}
        for row in self.rows:
            for cell in row.cells:
                seen.setdefault(cell.task_id, cell.title)
        return list(seen.items())

    @property
    def one_paper(self) -> bool:
        """Whether every candidate has the same tasks in the same order (the practice exam), so
        that a column is the same Câu for all; papers drawn from a blueprint differ."""
        return len({tuple(cell.task_id for cell in row.cells) for row in self.rows}) <= 1

    def column_titles(self) -> list[str]:
        """A column's heading: "Câu N: title (task id)" on one paper, "title (task id)" across drawn papers."""
        if self.one_paper:
            return [f"Câu {index}: {title} ({task_id})" for index, (task_id, title) in enumerate(self.task_columns, 1)]
        return [f"{title} ({task_id})" for task_id, title in self.task_columns]

    def as_json(self, *, items: bool = False) -> dict[str, Any]:
        return {
            "exam": {"id": self.exam.id, "name": self.exam.name, "starts_at": self.exam.starts_at.isoformat()},
            "candidates": [row.as_json(items=items) for row in self.rows],
        }


def score_table(conn: Connection, exam_id: int) -> ScoreTable:
    exam = get_exam(conn, exam_id)
    stored = {(r.candidate_id, r.task_id): r for r in results_of_exam(conn, exam_id)}
    rows = []
    for candidate in candidates_of_exam(conn, exam_id):
        cells = tuple(
            Cell(a.task_id, a.title, tidy(a.points), stored.get((candidate.id, a.task_id)), a.position)
            for a in assignments_for(conn, candidate.id)
        )
        rows.append(Row(candidate, cells))
    return ScoreTable(exam, tuple(rows))
