"""Pages for graders (Vietnamese): the token form, the exams, an exam's score table, and one
candidate's results item by item with their evidence (the seqs of the log events)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from graderd import api
from graderd.results import outcome_said
from graderd.scores import score_table
from mock_services.core.errors import WebError
from mock_services.core.formatting import points

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_env.filters["points"] = points

_env.globals["outcome_said"] = outcome_said

router = APIRouter(include_in_schema=False)


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status)


def error_page(request: Request, error: WebError) -> Response:
    return page("error.html", error.status, error=error)


@router.get("/")
def home(request: Request) -> Response:
    if not secrets.compare_digest(api.presented_token(request).encode(), request.app.state.token.encode()):
        return page("login.html", wrong=False)
    return RedirectResponse("/ky-thi", status_code=303)


@router.post("/")
def login(request: Request, token: Annotated[str, Form()] = "") -> Response:
    if not secrets.compare_digest(token.strip().encode(), request.app.state.token.encode()):
        return page("login.html", status=401, wrong=True)
    response = RedirectResponse("/ky-thi", status_code=303)
    response.set_cookie(api.TOKEN_COOKIE, token.strip(), httponly=True, samesite="strict")
    return response


@router.get("/ky-thi", dependencies=[Depends(api.require_grader)])
def exams(request: Request) -> Response:
    grader = api.grader_of(request)
    return page("exams.html", exams=api.exams(grader)["exams"])


@router.get("/ky-thi/{exam_id}", dependencies=[Depends(api.require_grader)])
def scores(request: Request, exam_id: int) -> Response:
    grader = api.grader_of(request)
    api.exam_or_404(grader, exam_id)
    with grader.db.read() as conn:
        table = score_table(conn, exam_id)
    return page("scores.html", table=table)


@router.get("/ky-thi/{exam_id}/thi-sinh/{so_bao_danh}", dependencies=[Depends(api.require_grader)])
def candidate(request: Request, exam_id: int, so_bao_danh: str) -> Response:
    grader = api.grader_of(request)
    data = api.candidate_results(exam_id, so_bao_danh, grader)
    return page("candidate.html", exam_id=exam_id, who=data["candidate"], tasks=data["tasks"])
