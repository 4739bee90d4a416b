"""Thư mục (the candidate's own folders) and Tùy chọn (Chữ ký, Ra khỏi văn phòng)."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mock_services.core.web import render, runtime
from mock_services.mail import domain, mailbox, pages, store
from mock_services.mail.folders import USER, Location
from mock_services.mail.mailbox import MailError
from mock_services.mail.web import candidate_in_exam
from mock_services.portal.deps import CandidateContext

router = APIRouter(prefix="/thu")

MAX_SIGNATURE = 2000
MAX_OOO_MESSAGE = 4000


@router.get("/thu-muc", response_class=HTMLResponse)
def folders_page(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    return _folders(request, ctx)


@router.post("/thu-muc", response_class=HTMLResponse)
def create_folder(
    request: Request, ten: str = Form(""), ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    room = runtime(request)
    try:
        with room.db.write() as conn:
            ctx.require_open_session(conn)
            folder = mailbox.create_folder(conn, ctx.candidate, ten, pages.acting(request, ctx))
    except MailError as exc:
        return _folders(request, ctx, error=str(exc), name=ten, status=422)
    return RedirectResponse(pages.with_notice("/thu/thu-muc", f"Đã tạo thư mục “{folder.name}”."), status_code=303)


@router.post("/thu-muc/{folder_id}/doi-ten", response_class=HTMLResponse)
def rename_folder(
    request: Request, folder_id: int, ten: str = Form(""), ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    room = runtime(request)
    try:
        with room.db.write() as conn:
            ctx.require_open_session(conn)
            folder = pages.owned_folder(conn, ctx, folder_id)
            renamed = mailbox.rename_folder(conn, ctx.candidate, folder, ten, pages.acting(request, ctx))
    except MailError as exc:
        return _folders(request, ctx, error=str(exc), status=422)
    return RedirectResponse(
        pages.with_notice("/thu/thu-muc", f"Đã đổi tên thư mục thành “{renamed.name}”."), status_code=303
    )


@router.post("/thu-muc/{folder_id}/xoa")
def delete_folder(request: Request, folder_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    room = runtime(request)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        folder = pages.owned_folder(conn, ctx, folder_id)
        mailbox.delete_folder(conn, ctx.candidate, folder, pages.acting(request, ctx))
    notice = f"Đã xóa thư mục “{folder.name}”; thư trong thư mục đã được chuyển vào Thùng rác."
    return RedirectResponse(pages.with_notice("/thu/thu-muc", notice), status_code=303)


@router.get("/tuy-chon", response_class=HTMLResponse)
def options_page(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    return _options(request, ctx)


@router.post("/tuy-chon/chu-ky", response_class=HTMLResponse)
def save_signature(
    request: Request, chu_ky: str = Form(""), ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    if len(chu_ky) > MAX_SIGNATURE:
        return _options(request, ctx, error=f"Chữ ký dài tối đa {MAX_SIGNATURE} ký tự.", status=422)
    room = runtime(request)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        mailbox.save_signature(conn, ctx.candidate, chu_ky.replace("\r\n", "\n"), pages.acting(request, ctx))
    return RedirectResponse(pages.with_notice("/thu/tuy-chon", "Đã lưu chữ ký."), status_code=303)


@router.post("/tuy-chon/ra-khoi-van-phong", response_class=HTMLResponse)
def save_out_of_office(
    request: Request,
    bat: bool = Form(False),
    tu_ngay: str = Form(""),
    den_ngay: str = Form(""),
    chu_de: str = Form(""),
    noi_dung: str = Form(""),
    ctx: CandidateContext = Depends(candidate_in_exam),
) -> Response:
    typed = domain.OutOfOffice(
        enabled=bat,
        start=tu_ngay.strip()[:20],
        end=den_ngay.strip()[:20],
        subject=chu_de.strip()[:250],
        message=noi_dung.replace("\r\n", "\n")[:MAX_OOO_MESSAGE],
    )
    try:
        start, end = domain.parse_day(typed.start), domain.parse_day(typed.end)
    except ValueError:
        error = "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 25/11/2026."
        return _options(request, ctx, error=error, draft=typed, status=422)
    value = replace(typed, start=start.isoformat() if start else "", end=end.isoformat() if end else "")
    room = runtime(request)
    try:
        with room.db.write() as conn:
            ctx.require_open_session(conn)
            mailbox.save_out_of_office(conn, ctx.candidate, value, pages.acting(request, ctx))
    except MailError as exc:
        return _options(request, ctx, error=str(exc), draft=typed, status=422)
    notice = "Đã bật trả lời tự động khi vắng mặt." if bat else "Đã tắt trả lời tự động."
    return RedirectResponse(pages.with_notice("/thu/tuy-chon", notice), status_code=303)


def _folders(
    request: Request, ctx: CandidateContext, *, error: str = "", name: str = "", status: int = 200
) -> Response:
    with runtime(request).db.read() as conn:
        context = pages.frame(conn, ctx, request, active="folders")
        user_folders = store.user_folders(conn, ctx.candidate.id)
        counts = {f.id: store.count_messages(conn, ctx.candidate.id, Location(USER, f.id)) for f in user_folders}
    context.update(user_folders=user_folders, counts=counts, error=error, name=name)
    return render(request, "mail/folders.html", context, status_code=status)


def _options(
    request: Request,
    ctx: CandidateContext,
    *,
    error: str = "",
    draft: domain.OutOfOffice | None = None,
    status: int = 200,
) -> Response:
    with runtime(request).db.read() as conn:
        context = pages.frame(conn, ctx, request, active="options")
        settings = store.get_settings(conn, ctx.candidate.id)
    ooo = draft or domain.OutOfOffice(
        enabled=settings.ooo_enabled,
        start=domain.format_day(settings.ooo_start),
        end=domain.format_day(settings.ooo_end),
        subject=settings.ooo_subject,
        message=settings.ooo_message,
    )
    context.update(settings=settings, ooo=ooo, error=error)
    return render(request, "mail/options.html", context, status_code=status)
