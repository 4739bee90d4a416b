"""The proctor's view of the draw (Đề thi đã bốc): the exam's blueprint, each seat's paper with its
tasks, pools and variants, and how neighbouring seats differ."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response

from graderd.spec.model import DIFFICULTIES
from mock_services.core.errors import WebError
from mock_services.core.exams import find_exam
from mock_services.core.web import OPERATOR_PREFIX, render, runtime
from sandbox.exam_draw import draw_view
from sandbox.proctor.auth import OperatorContext, current_operator

router = APIRouter(prefix=OPERATOR_PREFIX)

ExamPath = Annotated[int, Path(ge=1, le=2**62)]


@router.get("/ky-thi/{exam_id}/de-thi", response_class=HTMLResponse)
def draw_page(request: Request, exam_id: ExamPath, ctx: OperatorContext = Depends(current_operator)) -> Response:
    with runtime(request).db.read() as conn:
        exam = find_exam(conn, exam_id)
        if exam is None:
            raise WebError(404, "Không có kỳ thi này.")
        view = draw_view(conn, exam)
    return render(request, "proctor/draw.html", {"ctx": ctx, "view": view, "difficulties": DIFFICULTIES})
