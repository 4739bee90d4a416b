"""An incoming document's page (văn bản đến) and what each role does to it: vào sổ, trả lại, trình,
bút phê / chuyển xử lý, hoàn thành. A refused action shows the page again with the reason and
everything the candidate typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Connection

from mock_services.core.web import render, runtime
from mock_services.documents import incoming, pages, store
from mock_services.documents.acting import Acting
from mock_services.documents.domain import DocumentError, Routing, Secrecy, Urgency, parse_keys
from mock_services.documents.history import incoming_history
from mock_services.documents.store import Incoming
from mock_services.documents.web import candidate_in_exam, ensure_agency
from mock_services.portal.deps import CandidateContext

router = APIRouter(prefix="/van-ban/den")

Action = Callable[[Connection, Incoming, Acting], Incoming]


@router.get("/{doc_id:int}", response_class=HTMLResponse)
def incoming_page(request: Request, doc_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    ensure_agency(request, ctx)
    room = runtime(request)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        doc = pages.owned_incoming(conn, ctx, doc_id)
        incoming.opened(conn, ctx.candidate, doc, pages.acting(request, ctx))
    return _page(request, ctx, doc_id)


def _page(
    request: Request, ctx: CandidateContext, doc_id: int, *, error: str = "", form: dict[str, Any] | None = None
) -> Response:
    agency = ensure_agency(request, ctx)
    with runtime(request).db.read() as conn:
        doc = pages.owned_incoming(conn, ctx, doc_id)
        context = pages.frame(conn, request, ctx, agency)
        history = incoming_history(conn, ctx.candidate.id, doc_id)
        drafts = [d for d in store.outgoing_of(conn, ctx.candidate.id) if d.related_incoming in (None, doc.id)]
        reply = store.get_outgoing(conn, ctx.candidate.id, doc.reply_id) if doc.reply_id else None
    context.update(
        doc=doc,
        error=error,
        form=form or {},
        history=history,
        leaders=agency.leaders(),
        targets=incoming.route_targets(agency),
        drafts=drafts,
        reply=reply,
        handles=incoming.handles(agency.me, doc),
        overdue=pages.incoming_overdue(doc, context["today"]),
    )
    return render(request, "documents/incoming.html", context, status_code=400 if error else 200)


def _act(
    request: Request, ctx: CandidateContext, doc_id: int, action: Action, done: str, form: dict[str, Any]
) -> Response:
    ensure_agency(request, ctx)

    def attempt(conn: Connection, acting: Acting) -> None:
        action(conn, pages.owned_incoming(conn, ctx, doc_id), acting)

    return pages.act(
        request,
        ctx,
        attempt,
        done_url=f"/van-ban/den/{doc_id}",
        done=done,
        refused=lambda error: _page(request, ctx, doc_id, error=error, form=form),
    )


@router.post("/{doc_id:int}/vao-so")
def register(
    request: Request,
    doc_id: int,
    so_ky_hieu: str = Form(""),
    ngay_van_ban: str = Form(""),
    co_quan: str = Form(""),
    loai: str = Form(""),
    trich_yeu: str = Form(""),
    nguoi_ky: str = Form(""),
    do_khan: str = Form("thuong"),
    do_mat: str = Form("thuong"),
    han_xu_ly: str = Form(""),
    ctx: CandidateContext = Depends(candidate_in_exam),
) -> Response:
    form = {"so_ky_hieu": so_ky_hieu, "ngay_van_ban": ngay_van_ban, "co_quan": co_quan, "loai": loai}
    form |= {"trich_yeu": trich_yeu, "nguoi_ky": nguoi_ky, "do_khan": do_khan, "do_mat": do_mat, "han_xu_ly": han_xu_ly}

    def action(conn: Connection, doc: Incoming, acting: Acting) -> Incoming:
        entry = incoming.Registration(
            number=so_ky_hieu,
            issued_date=pages.parse_day(ngay_van_ban, "Ngày văn bản"),
            organ_name=co_quan,
            type=loai,
            subject=trich_yeu,
            signer=nguoi_ky,
            urgency=pages.choice(Urgency, do_khan, "Độ khẩn"),
            secrecy=pages.choice(Secrecy, do_mat, "Độ mật"),
            due_date=pages.parse_day(han_xu_ly, "Hạn xử lý"),
        )
        return incoming.register(conn, ctx.candidate, doc, entry, acting)

    return _act(request, ctx, doc_id, action, "Đã vào sổ văn bản đến.", form)


@router.post("/{doc_id:int}/tra-lai")
def return_to_sender(
    request: Request, doc_id: int, ly_do: str = Form(""), ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    def action(conn: Connection, doc: Incoming, acting: Acting) -> Incoming:
        return incoming.return_to_sender(conn, ctx.candidate, doc, ly_do, acting)

    return _act(request, ctx, doc_id, action, "Đã trả lại văn bản cho nơi gửi.", {"ly_do": ly_do})


@router.post("/{doc_id:int}/trinh")
def present(
    request: Request, doc_id: int, lanh_dao: str = Form(""), ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    def action(conn: Connection, doc: Incoming, acting: Acting) -> Incoming:
        return incoming.present(conn, ctx.candidate, doc, lanh_dao, acting)

    return _act(request, ctx, doc_id, action, "Đã trình văn bản.", {"lanh_dao": lanh_dao})


@router.post("/{doc_id:int}/but-phe")
async def route(request: Request, doc_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    """Bút phê / chuyển xử lý: one radio per unit or person (Xử lý chính, Phối hợp, Nhận để biết)."""
    submitted = await request.form()
    roles = {str(k)[len("vai_tro_") :]: str(v) for k, v in submitted.multi_items() if str(k).startswith("vai_tro_")}
    lead = [k for k, v in roles.items() if v == "chinh"]
    han = str(submitted.get("han_xu_ly", ""))
    y_kien = str(submitted.get("y_kien", ""))
    form = {"roles": roles, "han_xu_ly": han, "y_kien": y_kien}

    def action(conn: Connection, doc: Incoming, acting: Acting) -> Incoming:
        if len(lead) > 1:
            raise DocumentError("Chỉ chọn một đơn vị, cá nhân xử lý chính (chủ trì).")
        routing = Routing(
            lead=lead[0] if lead else "",
            cooperate=parse_keys([k for k, v in roles.items() if v == "phoi_hop"]),
            for_info=parse_keys([k for k, v in roles.items() if v == "de_biet"]),
            due=pages.parse_day(han, "Hạn xử lý"),
            direction=y_kien,
        )
        return incoming.route(conn, ctx.candidate, doc, routing, acting)

    return _act(request, ctx, doc_id, action, "Đã chuyển xử lý văn bản.", form)


@router.post("/{doc_id:int}/hoan-thanh")
def complete(
    request: Request,
    doc_id: int,
    ket_qua: str = Form(""),
    van_ban_tra_loi: str = Form(""),
    ctx: CandidateContext = Depends(candidate_in_exam),
) -> Response:
    def action(conn: Connection, doc: Incoming, acting: Acting) -> Incoming:
        reply_id = int(van_ban_tra_loi) if van_ban_tra_loi.strip().isdigit() else None
        return incoming.complete(conn, ctx.candidate, doc, ket_qua, reply_id, acting)

    form = {"ket_qua": ket_qua, "van_ban_tra_loi": van_ban_tra_loi}
    return _act(request, ctx, doc_id, action, "Đã hoàn thành xử lý văn bản.", form)
