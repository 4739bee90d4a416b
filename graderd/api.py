"""graderd's HTTP API for graders, under ``/api``: exams, the score table, one candidate's results
with evidence, exports (CSV, XLSX, JSON) and regrades with a dry run.

Every route needs the grader token (``Authorization: Bearer …``, or the cookie the grader
pages set): a candidate's session on the room server opens nothing here. Errors take the
room's one JSON shape (``WebError.body``).
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select

from graderd.daemon import Grader
from graderd.exports import FORMATS, MEDIA_TYPES, export, filename
from graderd.scores import score_table
from graderd.store import results_of_candidate
from mock_services.core.accounts import candidates, normalize_number
from mock_services.core.db import Database
from mock_services.core.errors import WebError
from mock_services.core.exams import assignments_for, find_exam, list_exams

TOKEN_COOKIE = "sathach_grader"  # noqa: S105 - the cookie's name, not a secret


def presented_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(TOKEN_COOKIE, "")


def candidate_id_of(db: Database, exam_id: int, so_bao_danh: str) -> int | None:
    with db.read() as conn:
        found: int | None = conn.execute(
            select(candidates.c.id).where(
                candidates.c.exam_id == exam_id, candidates.c.so_bao_danh == normalize_number(so_bao_danh)
            )
        ).scalar()
    return found


def require_grader(request: Request) -> None:
    expected: str = request.app.state.token
    if not secrets.compare_digest(presented_token(request).encode(), expected.encode()):
        raise WebError(401, "Cần mã truy cập của người chấm thi.", headers={"WWW-Authenticate": "Bearer"})


def grader_of(request: Request) -> Grader:
    grader: Grader = request.app.state.grader
    return grader


router = APIRouter(prefix="/api", dependencies=[Depends(require_grader)])
GraderDep = Annotated[Grader, Depends(grader_of)]


@router.get("/exams")
def exams(grader: GraderDep) -> dict[str, Any]:
    with grader.db.read() as conn:
        counts: dict[int, int] = dict(
            conn.execute(select(candidates.c.exam_id, func.count()).group_by(candidates.c.exam_id)).all()
        )
        return {
            "ok": True,
            "exams": [
                {
                    "id": exam.id,
                    "name": exam.name,
                    "starts_at": exam.starts_at.isoformat(),
                    "duration_minutes": exam.duration_minutes,
                    "candidates": counts.get(exam.id, 0),
                    "closed": exam.closed_at is not None,
                }
                for exam in list_exams(conn)
            ],
        }


def exam_or_404(grader: Grader, exam_id: int) -> None:
    with grader.db.read() as conn:
        if find_exam(conn, exam_id) is None:
            raise WebError(404, f"Không có kỳ thi số {exam_id}.")


@router.get("/exams/{exam_id}/scores")
def scores(exam_id: int, grader: GraderDep) -> dict[str, Any]:
    exam_or_404(grader, exam_id)
    with grader.db.read() as conn:
        return {"ok": True, **score_table(conn, exam_id).as_json()}


@router.get("/exams/{exam_id}/candidates/{so_bao_danh}")
def candidate_results(exam_id: int, so_bao_danh: str, grader: GraderDep) -> dict[str, Any]:
    with grader.db.read() as conn:
        row = (
            conn.execute(
                select(candidates).where(
                    candidates.c.exam_id == exam_id, candidates.c.so_bao_danh == normalize_number(so_bao_danh)
                )
            )
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise WebError(404, f"Kỳ thi số {exam_id} không có thí sinh {so_bao_danh}.")
        stored = {r.task_id: r for r in results_of_candidate(conn, row["id"])}
        paper = assignments_for(conn, row["id"])
    tasks = []
    for assignment in paper:
        result = stored.get(assignment.task_id)
        tasks.append(
            {
                "position": assignment.position,
                "task_id": assignment.task_id,
                "title": assignment.title,
                "params": assignment.params,
                "graded": result is not None,
                "result": result.result if result else None,
                "pinned_to": None
                if result is None
                else {
                    "spec_sha256": result.spec_sha256,
                    "grader_version": result.grader_version,
                    "log_head_seq": result.log_head_seq,
                    "log_head_hash": result.log_head_hash,
                    "graded_at": result.graded_at.isoformat(),
                },
            }
        )
    who = {key: row[key] for key in ("so_bao_danh", "ho_ten", "chuc_vu", "don_vi", "email")}
    return {"ok": True, "candidate": {"id": row["id"], **who}, "tasks": tasks}


@router.get("/exams/{exam_id}/export.{fmt}")
def export_scores(exam_id: int, fmt: str, grader: GraderDep) -> Response:
    if fmt not in FORMATS:
        raise WebError(404, f"Không có định dạng xuất {fmt}; có: {', '.join(FORMATS)}.")
    exam_or_404(grader, exam_id)
    with grader.db.read() as conn:
        table = score_table(conn, exam_id)
    return Response(
        export(table, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename(exam_id, fmt)}"'},
    )


@router.post("/exams/{exam_id}/regrade")
def regrade(
    exam_id: int,
    grader: GraderDep,
    dry_run: Annotated[bool, Query(description="only say what would change")] = True,
    candidate: Annotated[str | None, Query(description="số báo danh: regrade only this candidate")] = None,
) -> JSONResponse:
    exam_or_404(grader, exam_id)
    candidate_id = None
    if candidate is not None:
        candidate_id = candidate_id_of(grader.db, exam_id, candidate)
        if candidate_id is None:
            raise WebError(404, f"Kỳ thi số {exam_id} không có thí sinh {candidate}.")
    outcome = grader.regrade(exam_id=exam_id, candidate_id=candidate_id, dry_run=dry_run)
    return JSONResponse({"ok": True, "dry_run": dry_run, **outcome.as_json()})
