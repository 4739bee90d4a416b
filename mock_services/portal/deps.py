"""``current_candidate``: the dependency every candidate-facing route of every service uses.

It resolves the room's one session cookie to the candidate, their exam and their session,
ends the session if it has run out (logging why), and otherwise sends the browser to the
login page with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate, get_candidate
from mock_services.core.acting import Acting
from mock_services.core.errors import WebError
from mock_services.core.events import Actor, EventContext
from mock_services.core.exams import Exam, ExamPhase, get_exam
from mock_services.core.http_errors import LoginRequired
from mock_services.core.sessions import (
    EndReason,
    LoginSession,
    SessionKind,
    find_session,
    get_session,
    needs_touch,
    touch,
)
from mock_services.core.web import CANDIDATE_COOKIE, runtime
from mock_services.mail.domain import room_domains
from mock_services.portal.auth import end_candidate_session

# Why a browser was sent back to the login page, by the code in ?ly_do=.
LOGIN_REASONS: dict[str, str] = {
    "chua_dang_nhap": "Vui lòng đăng nhập để vào bài thi.",
    "da_dang_xuat": "Bạn đã đăng xuất.",
    "het_han": "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.",
    "may_khac": "Tài khoản của bạn vừa được đăng nhập trên máy khác, nên phiên trên máy này đã kết thúc. "
    "Nếu không phải bạn, hãy báo ngay giám thị.",
    "giam_thi": "Giám thị đã kết thúc phiên làm việc của bạn. Vui lòng liên hệ giám thị.",
    "da_dong": "Kỳ thi đã kết thúc. Cảm ơn bạn đã tham gia.",
}

_REASON_CODES: dict[str, str] = {
    EndReason.logout: "da_dang_xuat",
    EndReason.replaced: "may_khac",
    EndReason.proctor: "giam_thi",
    EndReason.idle: "het_han",
    EndReason.max_age: "het_han",
    EndReason.exam_closed: "da_dong",
}

TIME_IS_UP = "Đã hết giờ làm bài: thao tác này không được ghi nhận."
NOT_STARTED = "Chưa đến giờ làm bài: vui lòng đợi hiệu lệnh bắt đầu."


@dataclass(frozen=True, slots=True)
class CandidateContext:
    """The logged-in candidate, as every candidate-facing route sees them."""

    candidate: Candidate
    exam: Exam
    session: LoginSession
    now: datetime

    def event_context(self, task_id: str | None = None) -> EventContext:
        return EventContext(task_id=task_id, session_id=self.session.id, client=self.session.client)

    def require_in_progress(self) -> None:
        """Refuse, in Vietnamese, a candidate's action outside the exam's time (server time only)."""
        phase = self.exam.phase(self.now)
        if phase is ExamPhase.not_started:
            raise WebError(403, NOT_STARTED, code="exam_not_started")
        if phase is not ExamPhase.in_progress:
            raise WebError(403, TIME_IS_UP, code="exam_over")

    def require_open_session(self, conn: Connection) -> None:
        """Inside the action's own write transaction: refuse if the session ended meanwhile
        (a proctor ended it, the candidate logged in elsewhere), so no action slips in after."""
        now_session = get_session(conn, self.session.id)
        if now_session.ended_at is not None:
            raise login_required(_REASON_CODES.get(now_session.end_reason or "", "het_han"))


def service_acting(request: Request, ctx: CandidateContext) -> Acting:
    """Who acts in a service's page, and when: the candidate, at the server's time, in this session."""
    room = runtime(request)
    return Acting(
        now=ctx.now,
        blobs=room.blobs,
        tz=room.tz,
        mail_domains=room_domains(room.settings.mail_domains),
        context=ctx.event_context(),
    )


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
