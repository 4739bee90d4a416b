"""The candidate's portal: đăng nhập, "Bài thi của tôi" with its countdown, đăng xuất.

Every page of every service sits inside this portal's shell and session: one login, one
cookie for the whole room.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from mock_services.core.clock import format_at
from mock_services.core.events import Actor
from mock_services.core.exams import ExamPhase, assignments_for
from mock_services.core.http_errors import LoginRequired
from mock_services.core.services import SERVICE_TITLES
from mock_services.core.sessions import EndReason
from mock_services.core.web import CANDIDATE_COOKIE, add_template_dir, client_address, render, runtime
from mock_services.portal.auth import LoginOk, end_candidate_session, login_candidate
from mock_services.portal.deps import LOGIN_REASONS, CandidateContext, current_candidate

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter()

MAX_NUMBER_LENGTH = 32
MAX_PASSWORD_LENGTH = 128


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/bai-thi", status_code=303)


@router.get("/dang-nhap", response_class=HTMLResponse)
def login_page(request: Request, ly_do: str = "", tiep: str = "") -> Response:
    try:
        current_candidate(request)
    except LoginRequired:
        pass
    else:
        return RedirectResponse(_safe_next(tiep), status_code=303)
    return _login_form(request, notice=LOGIN_REASONS.get(ly_do, ""), next_path=tiep)


@router.post("/dang-nhap", response_class=HTMLResponse)
def login(
    request: Request,
    so_bao_danh: str = Form(""),
    mat_khau: str = Form(""),
    tiep: str = Form(""),
) -> Response:
    if not so_bao_danh.strip() or not mat_khau:
        return _login_form(
            request,
            error="Vui lòng nhập cả số báo danh và mật khẩu.",
            number=so_bao_danh,
            next_path=tiep,
            status=422,
        )
    if len(so_bao_danh) > MAX_NUMBER_LENGTH or len(mat_khau) > MAX_PASSWORD_LENGTH:
        return _login_form(request, error="Số báo danh hoặc mật khẩu không đúng.", next_path=tiep, status=401)
    room = runtime(request)
    outcome = login_candidate(
        room.db,
        so_bao_danh=so_bao_danh,
        password=mat_khau,
        client=client_address(request),
        user_agent=request.headers.get("user-agent", ""),
        now=room.clock(),
        throttle=room.throttle,
        policy=room.session_policy,
    )
    if isinstance(outcome, LoginOk):
        response = RedirectResponse(_safe_next(tiep), status_code=303)
        response.set_cookie(
            CANDIDATE_COOKIE,
            outcome.token,
            httponly=True,
            samesite="lax",
            secure=room.settings.cookie_secure,
            path="/",
        )
        return response
    if outcome.locked_until is not None:
        minutes = max(1, math.ceil((outcome.locked_until - room.clock()).total_seconds() / 60))
        return _login_form(
            request,
            error=f"Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút, hoặc báo giám thị.",
            number=so_bao_danh,
            next_path=tiep,
            status=429,
        )
    return _login_form(
        request, error="Số báo danh hoặc mật khẩu không đúng.", number=so_bao_danh, next_path=tiep, status=401
    )


@router.post("/dang-xuat")
def logout(request: Request, ctx: CandidateContext = Depends(current_candidate)) -> Response:
    room = runtime(request)
    with room.db.write() as conn:
        end_candidate_session(conn, ctx.candidate, ctx.session, EndReason.logout, now=ctx.now, actor=Actor.candidate)
    response = RedirectResponse("/dang-nhap?ly_do=da_dang_xuat", status_code=303)
    response.delete_cookie(CANDIDATE_COOKIE, path="/")
    return response


@router.get("/bai-thi", response_class=HTMLResponse)
def exam_page(request: Request, ctx: CandidateContext = Depends(current_candidate)) -> Response:
    room = runtime(request)
    paper = _paper(request, ctx)
    return render(
        request,
        "portal/exam.html",
        {
            "ctx": ctx,
            "paper": paper,
            "phase": ctx.exam.phase(ctx.now),
            "services": room.services,
        },
    )


@router.get("/api/thoi-gian")
def exam_clock(ctx: CandidateContext = Depends(current_candidate)) -> JSONResponse:
    """Server time and the exam's countdown; the page's clock resynchronises against this."""
    return JSONResponse(_clock(ctx))


@router.get("/api/bai-thi")
def exam_paper(request: Request, ctx: CandidateContext = Depends(current_candidate)) -> JSONResponse:
    paper = _paper(request, ctx)
    return JSONResponse(
        {
            "ok": True,
            "candidate": {"so_bao_danh": ctx.candidate.so_bao_danh, "ho_ten": ctx.candidate.ho_ten},
            "exam": {"name": ctx.exam.name, **_clock(ctx)},
            "total_points": str(paper["total"]),
            "task_count": paper["count"],
            "tasks": [
                {
                    "position": task.position,
                    "task_id": task.task_id,
                    "title": task.title,
                    "service": task.service,
                    "points": str(task.points),
                    "instructions": task.instructions,
                }
                for task in paper["tasks"]
            ],
        }
    )


def _paper(request: Request, ctx: CandidateContext) -> dict[str, Any]:
    """The candidate's tasks; their content stays hidden until the exam starts."""
    with runtime(request).db.read() as conn:
        tasks = assignments_for(conn, ctx.candidate.id)
    visible = ctx.exam.phase(ctx.now) is not ExamPhase.not_started
    return {
        "count": len(tasks),
        "total": sum((task.points for task in tasks), Decimal(0)),
        "tasks": tasks if visible else [],
        "service_titles": SERVICE_TITLES,
    }


def _clock(ctx: CandidateContext) -> dict[str, Any]:
    return {
        "ok": True,
        "now": format_at(ctx.now),
        "phase": str(ctx.exam.phase(ctx.now)),
        "starts_at": format_at(ctx.exam.starts_at),
        "ends_at": format_at(ctx.exam.ends_at),
        "seconds_to_start": round(ctx.exam.seconds_to_start(ctx.now), 3),
        "seconds_left": round(ctx.exam.seconds_left(ctx.now), 3),
    }


def _login_form(
    request: Request,
    *,
    error: str = "",
    notice: str = "",
    number: str = "",
    next_path: str = "",
    status: int = 200,
) -> Response:
    return render(
        request,
        "portal/login.html",
        {
            "error": error,
            "notice": notice,
            "number": number[:MAX_NUMBER_LENGTH],
            "next_path": _safe_next(next_path),
        },
        status_code=status,
    )


def _safe_next(path: str) -> str:
    """Only paths inside the room, never another host (no open redirect)."""
    if path.startswith("/") and not path.startswith(("//", "/\\")) and not path.startswith("/dang-"):
        return path
    return "/bai-thi"
