"""``current_candidate``: the dependency every candidate-facing route of every service uses.

It resolves the room's one session cookie to the candidate, their exam and their session,
ends the session if it has run out (logging why), and otherwise sends the browser to the
login page with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from mock_services.core.accounts import Candidate, get_candidate
from mock_services.core.events import Actor, EventContext
from mock_services.core.exams import Exam, get_exam
from mock_services.core.http_errors import LoginRequired
from mock_services.core.sessions import EndReason, LoginSession, SessionKind, find_session, needs_touch, touch
from mock_services.core.web import CANDIDATE_COOKIE, runtime
from mock_services.portal.auth import end_candidate_session

# Why a browser was sent back to the login page, by the code in ?ly_do=.
LOGIN_REASONS: dict[str, str] = {
    "chua_dang_nhap": "Vui lòng đăng nhập để vào bài thi.",
    "da_dang_xuat": "Bạn đã đăng xuất.",
    "het_han": "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.",
    "may_khac": "Tài khoản của bạn vừa được đăng nhập trên máy khác, nên phiên trên máy này đã kết thúc. "
    "Nếu không phải bạn, hãy báo ngay giám thị.",
    "giam_thi": "Giám thị đã kết thúc phiên làm việc của bạn. Vui lòng liên hệ giám thị.",
}

_REASON_CODES: dict[str, str] = {
    EndReason.logout: "da_dang_xuat",
    EndReason.replaced: "may_khac",
    EndReason.proctor: "giam_thi",
    EndReason.idle: "het_han",
    EndReason.max_age: "het_han",
}


@dataclass(frozen=True, slots=True)
class CandidateContext:
    """The logged-in candidate, as every candidate-facing route sees them."""

    candidate: Candidate
    exam: Exam
    session: LoginSession
    now: datetime

    def event_context(self, task_id: str | None = None) -> EventContext:
        return EventContext(task_id=task_id, session_id=self.session.id, client=self.session.client)


def login_required(code: str) -> LoginRequired:
    return LoginRequired(code, LOGIN_REASONS[code])


def current_candidate(request: Request) -> CandidateContext:
    room = runtime(request)
    token = request.cookies.get(CANDIDATE_COOKIE)
    if not token:
        raise login_required("chua_dang_nhap")
    now = room.clock()
    with room.db.read() as conn:
        session = find_session(conn, token, SessionKind.candidate)
        if session is None or session.candidate_id is None:
            raise login_required("chua_dang_nhap")
        if session.ended_at is not None:
            raise login_required(_REASON_CODES.get(session.end_reason or "", "het_han"))
        candidate = get_candidate(conn, session.candidate_id)
        if candidate is None:  # pragma: no cover - candidates are never deleted
            raise login_required("chua_dang_nhap")
        exam = get_exam(conn, candidate.exam_id)
    expiry = session.expiry(now, room.session_policy)
    if expiry is not None:
        with room.db.write() as conn:
            end_candidate_session(conn, candidate, session, expiry, now=now, actor=Actor.system)
        raise login_required("het_han")
    if needs_touch(session, now):
        with room.db.write() as conn:
            touch(conn, session, now)
    return CandidateContext(candidate=candidate, exam=exam, session=session, now=now)
