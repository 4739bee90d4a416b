"""Building rooms for tests through the product's own functions (never by writing rows by hand)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from mock_services.core.accounts import Candidate, NewCandidate, candidates_of_exam
from mock_services.core.db import Database
from mock_services.core.exams import Assignment, Exam, create_exam
from sandbox import roster
from sandbox.paper import assign

SECRET = b"test-secret-key-of-at-least-32-characters"

PEOPLE = [
    NewCandidate("CT001", "Nguyễn Văn An", "Chủ tịch UBND phường", "UBND phường Ninh Kiều", "an.nv@ninhkieu.egov.test"),
    NewCandidate(
        "CT002", "Trần Thị Bích Hòa", "Phó Chủ tịch UBND phường", "UBND phường Cái Khế", "hoa@caikhe.egov.test"
    ),
    NewCandidate("CT003", "Lê Quốc Việt", "Trưởng phòng Kinh tế", "UBND phường Tân An", "viet.lq@tanan.egov.test"),
]


class FakeClock:
    """Server time under the test's control."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


# 08:00 on 24/11/2026 in Cần Thơ.
EXAM_START = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


@dataclass
class SeededExam:
    exam: Exam
    candidates: list[Candidate]
    passwords: dict[str, str]  # số báo danh -> password


def seed_exam(
    db: Database,
    *,
    now: datetime,
    starts_at: datetime = EXAM_START,
    duration: int = 60,
    people: list[NewCandidate] = PEOPLE,
    tasks: int = 2,
    name: str = "Hội thi ứng dụng CNTT năm 2026",
) -> SeededExam:
    with db.write() as conn:
        exam = create_exam(conn, name=name, starts_at=starts_at, duration_minutes=duration, seed=42, now=now)
    roster.import_candidates(db, exam.id, people, secret=SECRET, now=now)
    passwords = {c.candidate.so_bao_danh: c.password for c in roster.credentials(db, exam.id, secret=SECRET)}
    with db.write() as conn:
        candidates = candidates_of_exam(conn, exam.id)
        for candidate in candidates:
            for position in range(1, tasks + 1):
                assign(
                    conn,
                    candidate,
                    Assignment(
                        position,
                        f"test.task-{position}",
                        f"Câu thử số {position}",
                        "mail",
                        Decimal("2.5") * position,
                        f"Hướng dẫn câu {position} cho {candidate.ho_ten}.",
                        {"n": position},
                    ),
                    now=now,
                )
    return SeededExam(exam, candidates, passwords)


CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)
