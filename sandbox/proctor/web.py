"""Proctor pages (giám thị): login, the room's candidates and who is logged in, ending a session,
one candidate's page with their paper and certificates (chứng thư số) and unlocking one locked by wrong PINs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate, candidates_of_exam, get_candidate
from mock_services.core.acting import Acting
from mock_services.core.clock import format_at
from mock_services.core.errors import WebError
from mock_services.core.events import Actor, EventContext
from mock_services.core.exams import Exam, ExamPhase, assignments_for, find_exam, list_exams
from mock_services.core.sessions import (
    EndReason,
    LoginSession,
    SessionPolicy,
    end_session,
    latest_candidate_sessions,
)
from mock_services.core.web import (
    OPERATOR_COOKIE,
    OPERATOR_PREFIX,
    add_template_dir,
    client_address,
    render,
    runtime,
)
from mock_services.portal.auth import end_all_sessions
from mock_services.signing import certificates, store
from mock_services.signing.domain import CertificateStatus, SigningError
from mock_services.signing.store import Certificate
from sandbox.proctor.auth import (
    LOGIN_REASONS,
    OperatorContext,
    OperatorLogin,
    current_operator,
    login_operator,
)

add_template_dir(FilePath(__file__).parent / "templates")

router = APIRouter(prefix=OPERATOR_PREFIX)

# Ids as the database can hold them: a 20-digit id is a clear 422, not an overflow deep in the driver.
ExamParam = Annotated[int | None, Query(ge=1, le=2**62)]
CandidatePath = Annotated[int, Path(ge=1, le=2**62)]
CertificatePath = Annotated[int, Path(ge=1, le=2**62)]

PHASE_LABELS = {
    ExamPhase.not_started: "Chưa đến giờ thi",
    ExamPhase.in_progress: "Đang thi",
    ExamPhase.ended: "Đã hết giờ làm bài",
    ExamPhase.closed: "Kỳ thi đã đóng",
}

EXAM_CLOSED = "Kỳ thi đã đóng: không mở khóa chứng thư số được nữa."

STATUS_LABELS = {
    "online": "Đang đăng nhập",
    "never": "Chưa đăng nhập",
    "ended": "Đã đăng xuất",
    "expired": "Hết phiên",
}


@dataclass(frozen=True, slots=True)
class SeatStatus:
    """One candidate as the proctor sees them."""

    candidate: Candidate
    status: str
    session: LoginSession | None
    certificate_locked: bool = False  # a certificate they hold is locked by wrong PINs

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def room_status(
    candidates: list[Candidate],
    latest: dict[int, LoginSession],
    now: datetime,
    policy: SessionPolicy,
    locked: frozenset[int] = frozenset(),
) -> list[SeatStatus]:
    """Each candidate's login status; ``locked``: the ids of those with a certificate locked by wrong PINs."""
    seats = []
    for candidate in candidates:
        session = latest.get(candidate.id)
        if session is None:
            status = "never"
        elif session.ended_at is not None:
            status = "expired" if session.end_reason in (EndReason.idle, EndReason.max_age) else "ended"
        elif session.expiry(now, policy) is not None:
            status = "expired"
        else:
            status = "online"
        seats.append(SeatStatus(candidate, status, session, candidate.id in locked))
    return seats


@router.get("/dang-nhap", response_class=HTMLResponse)
def login_page(request: Request, ly_do: str = "") -> Response:
    return _login_form(request, notice=LOGIN_REASONS.get(ly_do, ""))


@router.post("/dang-nhap", response_class=HTMLResponse)
def login(request: Request, ten_dang_nhap: str = Form(""), mat_khau: str = Form("")) -> Response:
    if not ten_dang_nhap.strip() or not mat_khau or len(ten_dang_nhap) > 64 or len(mat_khau) > 128:
        return _login_form(request, error="Tên đăng nhập hoặc mật khẩu không đúng.", username=ten_dang_nhap, status=401)
    room = runtime(request)
    outcome = login_operator(
        room.db,
        username=ten_dang_nhap,
        password=mat_khau,
        client=client_address(request),
        user_agent=request.headers.get("user-agent", ""),
        now=room.clock(),
        throttle=room.throttle,
        policy=room.session_policy,
    )
    if isinstance(outcome, OperatorLogin):
        response = RedirectResponse(OPERATOR_PREFIX + "/", status_code=303)
        response.set_cookie(
            OPERATOR_COOKIE,
            outcome.token,
            httponly=True,
            samesite="strict",
            secure=room.settings.cookie_secure,
            path=OPERATOR_PREFIX,
        )
        return response
    if outcome.locked_until is not None:
        minutes = max(1, math.ceil((outcome.locked_until - room.clock()).total_seconds() / 60))
        return _login_form(
            request,
            error=f"Đăng nhập sai quá nhiều lần. Thử lại sau {minutes} phút.",
            username=ten_dang_nhap,
            status=429,
        )
    return _login_form(request, error="Tên đăng nhập hoặc mật khẩu không đúng.", username=ten_dang_nhap, status=401)


@router.post("/dang-xuat")
def logout(request: Request, ctx: OperatorContext = Depends(current_operator)) -> Response:
    with runtime(request).db.write() as conn:
        end_session(conn, ctx.session.id, EndReason.logout, ctx.now)
    response = RedirectResponse(OPERATOR_PREFIX + "/dang-nhap?ly_do=da_dang_xuat", status_code=303)
    response.delete_cookie(OPERATOR_COOKIE, path=OPERATOR_PREFIX)
    return response


@router.get("/", response_class=HTMLResponse)
def room_page(request: Request, ky_thi: ExamParam = None, ctx: OperatorContext = Depends(current_operator)) -> Response:
    view = _room_view(request, ky_thi, ctx)
    return render(request, "proctor/room.html", {"ctx": ctx, **view})


@router.get("/api/phong-thi")
def room_api(
    request: Request, ky_thi: ExamParam = None, ctx: OperatorContext = Depends(current_operator)
) -> JSONResponse:
    view = _room_view(request, ky_thi, ctx)
    exam: Exam | None = view["exam"]
    return JSONResponse(
        {
            "ok": True,
            "now": format_at(ctx.now),
            "exam": None if exam is None else {"id": exam.id, "name": exam.name, "phase": str(exam.phase(ctx.now))},
            "counts": view["counts"],
            "candidates": [
                {
                    "id": seat.candidate.id,
                    "so_bao_danh": seat.candidate.so_bao_danh,
                    "ho_ten": seat.candidate.ho_ten,
                    "status": seat.status,
                    "client": seat.session.client if seat.session else None,
                    "last_seen_at": format_at(seat.session.last_seen_at) if seat.session else None,
                }
                for seat in view["seats"]
            ],
        }
    )


@router.post("/thi-sinh/{candidate_id}/ket-thuc-phien")
def end_candidate_sessions(
    request: Request, candidate_id: CandidatePath, ctx: OperatorContext = Depends(current_operator)
) -> Response:
    """End every open session of a candidate (a candidate who left their seat, a suspected helper)."""
    room = runtime(request)
    with room.db.write() as conn:
        candidate = get_candidate(conn, candidate_id)
        if candidate is None:
            raise WebError(404, "Không có thí sinh này.")
        end_all_sessions(
            conn, candidate, EndReason.proctor, now=ctx.now, actor=Actor.proctor, operator=ctx.operator.username
        )
    return RedirectResponse(f"{OPERATOR_PREFIX}/?ky_thi={candidate.exam_id}", status_code=303)


@router.get("/thi-sinh/{candidate_id}", response_class=HTMLResponse)
def candidate_page(
    request: Request,
    candidate_id: CandidatePath,
    da_mo_khoa: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    ctx: OperatorContext = Depends(current_operator),
) -> Response:
    """One candidate: who they are and the certificates they hold, a locked one with "Mở khóa"."""
    return _candidate_page(request, candidate_id, ctx, unlocked_id=da_mo_khoa)


@router.post("/thi-sinh/{candidate_id}/chung-thu-so/{cert_id}/mo-khoa", response_class=HTMLResponse)
def unlock_certificate(
    request: Request,
    candidate_id: CandidatePath,
    cert_id: CertificatePath,
    ctx: OperatorContext = Depends(current_operator),
) -> Response:
    """Unlock a certificate the candidate locked with three wrong PINs (logged, actor proctor)."""
    room = runtime(request)
    acting = Acting(
        now=ctx.now,
        blobs=room.blobs,
        tz=room.tz,
        actor=Actor.proctor,
        context=EventContext(operator=ctx.operator.username),
    )
    try:
        with room.db.write() as conn:
            candidate = _candidate(conn, candidate_id)
            cert = store.certificate(conn, candidate.id, cert_id)
            if cert is None or not cert.candidate_holds:
                raise WebError(404, "Thí sinh này không có chứng thư số này.")
            if _closed(find_exam(conn, candidate.exam_id), ctx.now):
                raise SigningError(EXAM_CLOSED)
            certificates.unlock(conn, candidate, acting, cert)
    except SigningError as error:
        return _candidate_page(request, candidate_id, ctx, error=str(error), status=409)
    return RedirectResponse(f"{OPERATOR_PREFIX}/thi-sinh/{candidate_id}?da_mo_khoa={cert_id}", status_code=303)


def _candidate(conn: Connection, candidate_id: int) -> Candidate:
    candidate = get_candidate(conn, candidate_id)
    if candidate is None:
        raise WebError(404, "Không có thí sinh này.")
    return candidate


def _closed(exam: Exam | None, now: datetime) -> bool:
    return exam is not None and exam.phase(now) is ExamPhase.closed


def held_certificates(conn: Connection, candidate_id: int) -> list[Certificate]:
    """The certificates the candidate signs with (not the simulated colleagues'), oldest first."""
    return [cert for cert in store.certificates_of(conn, candidate_id) if cert.candidate_holds]


def _candidate_page(
    request: Request,
    candidate_id: int,
    ctx: OperatorContext,
    *,
    unlocked_id: int | None = None,
    error: str = "",
    status: int = 200,
) -> Response:
    with runtime(request).db.read() as conn:
        candidate = _candidate(conn, candidate_id)
        exam = find_exam(conn, candidate.exam_id)
        certs = held_certificates(conn, candidate.id)
        paper = assignments_for(conn, candidate.id)
    closed = _closed(exam, ctx.now)
    notice = ""
    unlocked = next((cert for cert in certs if cert.id == unlocked_id), None)
    if unlocked is not None and unlocked.status is CertificateStatus.hoat_dong and not error:
        notice = (
            f"Đã mở khóa chứng thư số “{unlocked.name}” (số hiệu {unlocked.serial}). "
            "Thí sinh có thể ký số lại bằng mã PIN của mình."
        )
    return render(
        request,
        "proctor/candidate.html",
        {
            "ctx": ctx,
            "candidate": candidate,
            "exam": exam,
            "certs": certs,
            "paper": paper,
            "locked": CertificateStatus.bi_khoa,
            "closed": closed,
            "notice": notice,
            "error": error,
        },
        status_code=status,
    )


def _room_view(request: Request, exam_id: int | None, ctx: OperatorContext) -> dict[str, Any]:
    room = runtime(request)
    with room.db.read() as conn:
        exams = list_exams(conn)
        if exam_id is not None:
            exam = find_exam(conn, exam_id)
            if exam is None:
                raise WebError(404, "Không có kỳ thi này.")
        else:
            exam = exams[0] if exams else None
        seats: list[SeatStatus] = []
        if exam is not None:
            candidates = candidates_of_exam(conn, exam.id)
            locked = store.candidates_locked_out(conn, [c.id for c in candidates])
            seats = room_status(
                candidates, latest_candidate_sessions(conn, exam.id), ctx.now, room.session_policy, locked
            )
    counts = {status: sum(1 for seat in seats if seat.status == status) for status in STATUS_LABELS}
    phase_label = PHASE_LABELS[exam.phase(ctx.now)] if exam else ""
    return {
        "exams": exams,
        "exam": exam,
        "seats": seats,
        "counts": counts,
        "labels": STATUS_LABELS,
        "phase_label": phase_label,
    }


def _login_form(
    request: Request, *, error: str = "", notice: str = "", username: str = "", status: int = 200
) -> Response:
    return render(
        request,
        "proctor/login.html",
        {"error": error, "notice": notice, "username": username[:64]},
        status_code=status,
    )
