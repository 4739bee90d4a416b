"""The one-stop desk's pages (HT Một cửa điện tử): the citizens waiting (gọi số), tiếp nhận trực tiếp,
the lists with their filters, a dossier's page and its actions, the dossiers' files, the notices
sent to citizens. Every action goes through ``intake``/``processing``/``apology`` in one write
transaction with its events; a refused one shows the page again with the reason and all that was
typed; every page is the candidate's own (``pages.owned_*``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Connection

from mock_services.core.acting import Acting, emit
from mock_services.core.errors import WebError
from mock_services.core.web import add_template_dir, render, runtime, stored_file
from mock_services.core.workdays import due_date
from mock_services.mail.domain import parse_day
from mock_services.onestop import apology, intake, pages, processing, store
from mock_services.onestop.desk import Desk
from mock_services.onestop.domain import OnestopError, ReturnMethod, Status, check_applicant
from mock_services.onestop.events import FileOpened, Searched
from mock_services.onestop.intake import Intake
from mock_services.onestop.procedures import Procedure, procedures
from mock_services.onestop.store import Dossier, Visit
from mock_services.portal.deps import CandidateContext, current_candidate

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(prefix="/mot-cua")


def candidate_in_exam(ctx: CandidateContext = Depends(current_candidate)) -> CandidateContext:
    """Every desk page: the logged-in candidate, during the exam only (server time)."""
    ctx.require_in_progress()
    return ctx


@router.get("", include_in_schema=False)
def home(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> RedirectResponse:
    pages.prepare(request, ctx)
    return RedirectResponse("/mot-cua/cho-goi-so", status_code=303)


# --- Citizens waiting, and the intake form


@router.get("/cho-goi-so", response_class=HTMLResponse)
def waiting(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    desk = pages.prepare(request, ctx)
    with runtime(request).db.read() as conn:
        context = pages.frame(conn, request, ctx, desk, active="cho-goi-so")
    return render(request, "onestop/waiting.html", context)


@router.post("/goi-so/{visit_id:int}")
def call(request: Request, visit_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> RedirectResponse:
    """Gọi số: the citizen comes to the desk; the intake form opens with what they bring."""
    pages.prepare(request, ctx)
    with runtime(request).db.write() as conn:
        ctx.require_open_session(conn)
        visit = pages.owned_visit(conn, ctx, visit_id)
        intake.call_visit(conn, ctx.candidate, visit, pages.acting(request, ctx))
    return RedirectResponse(f"/mot-cua/tiep-nhan?luot={visit_id}", status_code=303)


def _visit_form(visit: Visit | None) -> dict[str, Any]:
    """The applicant's fields as the chip reader fills them from the citizen's căn cước."""
    if visit is None:
        return {}
    a = visit.applicant
    return {
        "luot": str(visit.id),
        "ho_ten": a.get("name", ""),
        "so_cccd": a.get("id_number", ""),
        "dien_thoai": a.get("phone", ""),
        "dia_chi": a.get("address", ""),
        "email": a.get("email", ""),
    }


@router.get("/tiep-nhan", response_class=HTMLResponse)
def intake_form(
    request: Request, luot: int | None = None, ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    desk = pages.prepare(request, ctx)
    visit = None
    if luot is not None:
        with runtime(request).db.read() as conn:
            visit = pages.owned_visit(conn, ctx, luot)
    return _intake_page(request, ctx, desk, _visit_form(visit))


def _intake_page(
    request: Request, ctx: CandidateContext, desk: Desk, form: dict[str, Any], *, error: str = ""
) -> Response:
    with runtime(request).db.read() as conn:
        context = pages.frame(conn, request, ctx, desk, active="tiep-nhan")
        luot = pages.number(form.get("luot", ""))
        visit = pages.owned_visit(conn, ctx, luot) if luot is not None else None
    chosen = _chosen(form.get("thu_tuc", ""))
    at = (visit.arrived_at if visit else ctx.now).astimezone(runtime(request).tz)
    context.update(
        form=form,
        error=error,
        visit=visit,
        procedures=list(procedures().values()),
        chosen=chosen,
        received_at=at,
        due=due_date(at, chosen.deadline.working_days) if chosen else None,
    )
    return render(request, "onestop/intake.html", context, status_code=400 if error else 200)


def _chosen(code: str) -> Procedure | None:
    return procedures().get(code)


@router.post("/tiep-nhan", response_class=HTMLResponse)
async def intake_submit(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    """One form, four buttons: choose the procedure (the form again, nothing saved), tiếp nhận,
    yêu cầu bổ sung, từ chối tiếp nhận."""
    raw = await request.form()
    form = {key: str(value) for key, value in raw.items() if isinstance(value, str)}
    if form.get("thu_tuc_truoc", form.get("thu_tuc", "")) != form.get("thu_tuc", ""):
        # Another procedure, other papers: the rows' quantities and ticks were the old procedure's.
        form = {key: value for key, value in form.items() if not key.startswith(("sl_", "thieu_"))}
    return await run_in_threadpool(_intake_action, request, ctx, form)


def _intake_action(request: Request, ctx: CandidateContext, form: dict[str, Any]) -> Response:
    desk = pages.prepare(request, ctx)
    action = form.get("hanh_dong", "")
    if action not in ("tiep_nhan", "bo_sung", "tu_choi"):
        return _intake_page(request, ctx, desk, form)
    chosen = _chosen(form.get("thu_tuc", ""))

    def attempt(conn: Connection, acting: Acting) -> Dossier:
        luot = pages.number(form.get("luot", ""))
        visit = pages.owned_visit(conn, ctx, luot) if luot is not None else None
        papers = _handed(chosen, form)
        if chosen is None:
            raise OnestopError("Vui lòng chọn thủ tục hành chính.")
        applicant = check_applicant(
            form.get("ho_ten", ""),
            form.get("so_cccd", ""),
            form.get("dien_thoai", ""),
            form.get("dia_chi", ""),
            form.get("email", ""),
        )
        sets = pages.number(form.get("so_bo", "1")) or 0
        papers_in = Intake(chosen.code, applicant, papers, sets=sets, visit=visit)
        if action == "tiep_nhan":
            return intake.receive(conn, ctx.candidate, papers_in, desk, acting)
        if action == "bo_sung":
            missing = [c.name for i, c in enumerate(chosen.components) if form.get(f"thieu_{i}")]
            return intake.request_supplement(
                conn, ctx.candidate, papers_in, missing, form.get("ly_do", ""), desk, acting
            )
        return intake.refuse(conn, ctx.candidate, papers_in, form.get("ly_do", ""), desk, acting)

    done = {
        "tiep_nhan": "Đã tiếp nhận hồ sơ. In Giấy tiếp nhận hồ sơ và hẹn trả kết quả để giao công dân.",
        "bo_sung": "Đã lập Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ. In phiếu để giao công dân.",
        "tu_choi": "Đã lập Phiếu từ chối tiếp nhận giải quyết hồ sơ. In phiếu để giao công dân.",
    }[action]
    return pages.act(
        request,
        ctx,
        attempt,
        done_url=lambda dossier: f"/mot-cua/ho-so/{dossier.id}",
        done=done,
        refused=lambda error: _intake_page(request, ctx, desk, form, error=error),
    )


def _handed(chosen: Procedure | None, form: dict[str, Any]) -> dict[str, int]:
    """The quantities typed per component (sl_0, sl_1 …); blank or 0 means not handed in."""
    if chosen is None:
        return {}
    handed = {}
    for index, component in enumerate(chosen.components):
        text = form.get(f"sl_{index}", "").strip()
        if not text:
            continue
        quantity = pages.number(text)
        if quantity is None:
            raise OnestopError(f"Số lượng “{component.name}” phải là một số.")
        if quantity > 0:
            handed[component.name] = quantity
    return handed


# --- Lists and search


@router.get("/ds/{slug}", response_class=HTMLResponse)
def dossier_list(request: Request, slug: str, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    chosen = pages.find_list(slug)
    filters = pages.Filters.of(request)
    desk = pages.prepare(request, ctx)
    room = runtime(request)
    with room.db.read() as conn:
        context = pages.frame(conn, request, ctx, desk, active=slug)
    on = context["today"]
    found = [d for d in context["all_dossiers"] if chosen.keep(d, on, room.tz) and filters.keep(d, room.tz)]
    if filters.text:
        with room.db.write() as conn:
            ctx.require_open_session(conn)
            event = Searched(query=filters.text, results=len(found))
            emit(conn, ctx.candidate, pages.acting(request, ctx), event, str(ctx.candidate.id))
    rows = [(d, pages.flag_of(d, on, room.tz)) for d in reversed(found)]
    context.update(title=chosen.title, slug=slug, rows=rows, filters=filters, procedures=list(procedures().values()))
    context["error"] = filters.error
    return render(request, "onestop/list.html", context)


@router.get("/tra-cuu", include_in_schema=False)
def search(request: Request, q: str = "", ctx: CandidateContext = Depends(candidate_in_exam)) -> RedirectResponse:
    """Tra cứu hồ sơ: every dossier matching the code, name, CCCD or phone."""
    return RedirectResponse(f"/mot-cua/ds/tat-ca?q={quote(q[:200])}", status_code=303)


@router.get("/tin-nhan", response_class=HTMLResponse)
def notices(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    desk = pages.prepare(request, ctx)
    with runtime(request).db.read() as conn:
        context = pages.frame(conn, request, ctx, desk, active="tin-nhan")
        sent = store.notices_of(conn, ctx.candidate.id)
    codes = {d.id: d.code for d in context["all_dossiers"]}
    context.update(sent=sent, codes=codes)
    return render(request, "onestop/notices.html", context)


# --- A dossier and its actions


@router.get("/ho-so/{dossier_id:int}", response_class=HTMLResponse)
def dossier_page(request: Request, dossier_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    desk = pages.prepare(request, ctx)
    return _dossier_page(request, ctx, desk, dossier_id)


def _dossier_page(
    request: Request,
    ctx: CandidateContext,
    desk: Desk,
    dossier_id: int,
    *,
    error: str = "",
    form: dict[str, Any] | None = None,
    failed: str = "",
) -> Response:
    with runtime(request).db.read() as conn:
        dossier = pages.owned_dossier(conn, ctx, dossier_id)
        context = pages.frame(conn, request, ctx, desk)
        sent = [n for n in store.notices_of(conn, ctx.candidate.id) if n.dossier_id == dossier.id]
    chosen = _chosen(dossier.procedure_code)
    context.update(
        d=dossier,
        error=error,
        failed=failed,
        form=form or {},
        procedure=chosen,
        flag=pages.flag_of(dossier, context["today"], runtime(request).tz),
        steps=[(datetime.fromisoformat(s["at"]), s) for s in dossier.steps],
        handler=desk.colleague(dossier.handler),
        suggested=desk.handler_for(chosen.field).key if chosen else "",
        sent=sent,
        methods=list(ReturnMethod),
        open_statuses=[Status.da_tiep_nhan, Status.dang_xu_ly, Status.da_xu_ly_xong],
    )
    return render(request, "onestop/dossier.html", context, status_code=400 if error else 200)


def _act_on(
    request: Request,
    ctx: CandidateContext,
    dossier_id: int,
    name: str,
    step: Any,
    done: str,
    form: dict[str, Any],
) -> Response:
    desk = pages.prepare(request, ctx)

    def attempt(conn: Connection, acting: Acting) -> Dossier:
        return step(conn, pages.owned_dossier(conn, ctx, dossier_id), desk, acting)  # type: ignore[no-any-return]

    return pages.act(
        request,
        ctx,
        attempt,
        done_url=lambda dossier: f"/mot-cua/ho-so/{dossier.id}",
        done=done,
        refused=lambda error: _dossier_page(request, ctx, desk, dossier_id, error=error, form=form, failed=name),
    )


@router.post("/ho-so/{dossier_id:int}/tiep-nhan", response_class=HTMLResponse)
def accept(request: Request, dossier_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    return _act_on(
        request,
        ctx,
        dossier_id,
        "tiep-nhan",
        lambda conn, d, desk, acting: intake.accept_online(conn, ctx.candidate, d, desk, acting),
        "Đã tiếp nhận hồ sơ trực tuyến; công dân được báo qua tin nhắn và thư điện tử.",
        {},
    )


@router.post("/ho-so/{dossier_id:int}/bo-sung", response_class=HTMLResponse)
def ask_supplement(
    request: Request,
    dossier_id: int,
    thieu: list[str] = Form([]),
    ly_do: str = Form(""),
    ctx: CandidateContext = Depends(candidate_in_exam),
) -> Response:
    return _act_on(
        request,
        ctx,
        dossier_id,
        "bo-sung",
        lambda conn, d, desk, acting: intake.request_supplement(conn, ctx.candidate, d, thieu, ly_do, desk, acting),
        "Đã gửi yêu cầu bổ sung, hoàn thiện hồ sơ tới công dân.",
        {"thieu": thieu, "ly_do": ly_do},
    )


@router.post("/ho-so/{dossier_id:int}/tu-choi", response_class=HTMLResponse)
def refuse(
    request: Request, dossier_id: int, ly_do: str = Form(""), ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    return _act_on(
        request,
        ctx,
        dossier_id,
        "tu-choi",
        lambda conn, d, desk, acting: intake.refuse(conn, ctx.candidate, d, ly_do, desk, acting),
        "Đã từ chối tiếp nhận hồ sơ; công dân được báo lý do.",
        {"ly_do": ly_do},
    )


def _processing_time(request: Request) -> timedelta:
    return timedelta(seconds=runtime(request).settings.onestop_processing_seconds)


@router.post("/ho-so/{dossier_id:int}/chuyen-xu-ly", response_class=HTMLResponse)
def transfer(
    request: Request,
    dossier_id: int,
    can_bo: str = Form(""),
    y_kien: str = Form(""),
    ctx: CandidateContext = Depends(candidate_in_exam),
) -> Response:
    return _act_on(
        request,
        ctx,
        dossier_id,
        "chuyen-xu-ly",
        lambda conn, d, desk, acting: processing.transfer(
            conn, ctx.candidate, d, can_bo, y_kien, desk, acting, takes=_processing_time(request)
        ),
        "Đã chuyển hồ sơ đến công chức xử lý kèm Phiếu kiểm soát quá trình giải quyết hồ sơ.",
        {"can_bo": can_bo, "y_kien": y_kien},
    )


@router.post("/ho-so/{dossier_id:int}/tra-ket-qua", response_class=HTMLResponse)
def return_result(
    request: Request,
    dossier_id: int,
    nguoi_nhan: str = Form(""),
    so_cccd: str = Form(""),
    hinh_thuc: str = Form(""),
    thu_ban_goc: str = Form(""),
    ctx: CandidateContext = Depends(candidate_in_exam),
) -> Response:
    form = {"nguoi_nhan": nguoi_nhan, "so_cccd": so_cccd, "hinh_thuc": hinh_thuc, "thu_ban_goc": thu_ban_goc}

    def step(conn: Connection, d: Dossier, desk: Desk, acting: Acting) -> Dossier:
        try:
            method = ReturnMethod(hinh_thuc)
        except ValueError:
            raise OnestopError("Vui lòng chọn hình thức trả kết quả.") from None
        return processing.return_result(
            conn,
            ctx.candidate,
            d,
            to=nguoi_nhan,
            id_number=so_cccd,
            method=method,
            originals_taken=bool(thu_ban_goc),
            desk=desk,
            acting=acting,
        )

    return _act_on(request, ctx, dossier_id, "tra-ket-qua", step, "Đã trả kết quả cho công dân.", form)


@router.post("/ho-so/{dossier_id:int}/xin-loi", response_class=HTMLResponse)
def apologise(
    request: Request,
    dossier_id: int,
    ly_do_cham: str = Form(""),
    ngay_hen_moi: str = Form(""),
    lanh_dao: str = Form(""),
    ctx: CandidateContext = Depends(candidate_in_exam),
) -> Response:
    form = {"ly_do_cham": ly_do_cham, "ngay_hen_moi": ngay_hen_moi, "lanh_dao": lanh_dao}

    def step(conn: Connection, d: Dossier, desk: Desk, acting: Acting) -> Dossier:
        try:
            new_due = parse_day(ngay_hen_moi)
        except ValueError:
            raise OnestopError("“Ngày hẹn trả mới” không phải là ngày hợp lệ (ví dụ 25/11/2026).") from None
        return apology.apologise(
            conn, ctx.candidate, d, reason=ly_do_cham, new_due=new_due, leader_key=lanh_dao, desk=desk, acting=acting
        )

    done = "Lãnh đạo đã duyệt Phiếu xin lỗi và hẹn lại ngày trả kết quả; công dân được báo ngày hẹn mới."
    return _act_on(request, ctx, dossier_id, "xin-loi", step, done, form)


# --- Files


@router.get("/tep/{dossier_id:int}/{sha256}")
def dossier_file(
    request: Request, dossier_id: int, sha256: str, ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    """A dossier's file (receipt, form, attachment, result), shown in the browser; logged as opened."""
    room = runtime(request)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        dossier = pages.owned_dossier(conn, ctx, dossier_id)
        wanted = next((f for f in dossier.files if f["sha256"] == sha256), None)
        if wanted is None:
            raise WebError(404, "Không tìm thấy tệp này của hồ sơ.", code="file_not_found")
        data = room.blobs.get(conn, sha256)
        event = FileOpened(kind=wanted.get("kind", ""), name=wanted["name"], sha256=sha256)
        emit(conn, ctx.candidate, pages.acting(request, ctx), event, str(dossier.id))
    return stored_file(data, wanted["name"])
