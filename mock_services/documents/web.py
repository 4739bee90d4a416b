"""The document-management pages (quản lý văn bản và điều hành): the lists of each role, the role
switcher, search, the registers and the documents' files.

An incoming document's page and actions live in ``web_incoming``, an outgoing one's in
``web_outgoing``. Every action goes through ``incoming``/``outgoing`` in one write transaction
with its event; every page is the candidate's own (``pages.owned_*``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Connection

from mock_services.core.errors import WebError
from mock_services.core.web import add_template_dir, render, runtime, stored_file
from mock_services.documents import agency as agency_ops
from mock_services.documents import pages, store
from mock_services.documents.acting import emit
from mock_services.documents.domain import DocumentError
from mock_services.documents.events import FileOpened, RegisterViewed, Searched
from mock_services.documents.store import Agency, Incoming, Outgoing
from mock_services.portal.deps import CandidateContext, current_candidate
from mock_services.signing import authority, checking
from mock_services.signing.verify import verify_pdf

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(prefix="/van-ban")


def candidate_in_exam(ctx: CandidateContext = Depends(current_candidate)) -> CandidateContext:
    """Every document page: the logged-in candidate, during the exam only (server time)."""
    ctx.require_in_progress()
    return ctx


def ensure_agency(request: Request, ctx: CandidateContext) -> Agency:
    """The candidate's agency; the first visit makes it (one write, logged by ``system``)."""
    room = runtime(request)
    with room.db.read() as conn:
        found = store.get_agency(conn, ctx.candidate.id)
    if found is not None:
        return found
    with room.db.write() as conn:
        return pages.agency_for(conn, request, ctx)


@router.get("", include_in_schema=False)
def documents_home(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> RedirectResponse:
    return RedirectResponse(pages.home_url(ensure_agency(request, ctx)), status_code=303)


@router.post("/vai-tro")
def switch_role(
    request: Request, vai_tro: str = Form(""), ctx: CandidateContext = Depends(candidate_in_exam)
) -> RedirectResponse:
    """Chuyển vai trò: act as văn thư, lãnh đạo or chuyên viên."""
    ensure_agency(request, ctx)
    with runtime(request).db.write() as conn:
        ctx.require_open_session(conn)
        try:
            agency = agency_ops.switch_role(conn, ctx.candidate, vai_tro, pages.acting(request, ctx))
        except DocumentError as exc:
            raise WebError(400, str(exc), code="role_refused") from None
    title = agency.position_title(agency.me)
    return RedirectResponse(pages.with_notice(pages.home_url(agency), f"Đã chuyển sang vai trò: {title}."), 303)


@router.get("/den/{slug}", response_class=HTMLResponse)
def incoming_list(request: Request, slug: str, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    return _list(request, ctx, "den", slug)


@router.get("/di/{slug}", response_class=HTMLResponse)
def outgoing_list(request: Request, slug: str, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    return _list(request, ctx, "di", slug)


def _list(request: Request, ctx: CandidateContext, book: str, slug: str) -> Response:
    """One of the role's lists of incoming (``den``) or outgoing (``di``) documents."""
    agency = ensure_agency(request, ctx)
    chosen = pages.find_list(pages.INCOMING_LISTS if book == "den" else pages.OUTGOING_LISTS, slug)
    if agency.me.role not in chosen.roles:
        raise WebError(403, "Danh sách này không dành cho vai trò hiện tại của bạn.", code="list_not_for_role")
    with runtime(request).db.read() as conn:
        documents = store.incoming_of(conn, ctx.candidate.id), store.outgoing_of(conn, ctx.candidate.id)
        context = pages.frame(conn, request, ctx, agency, active=f"{book}/{slug}", documents=documents)
    on = context["today"]
    docs = [d for d in documents[0 if book == "den" else 1] if chosen.keep(d, agency.me, on)]
    template = "documents/incoming_list.html" if book == "den" else "documents/outgoing_list.html"
    return render(request, template, {**context, "title": chosen.title, "docs": docs})


@router.get("/tim-kiem", response_class=HTMLResponse)
def search(request: Request, q: str = "", ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    """Tìm nhanh: số ký hiệu or trích yếu, in incoming and outgoing documents."""
    agency = ensure_agency(request, ctx)
    text = " ".join(q.split())[:200]
    found_in: list[store.Incoming] = []
    found_out: list[store.Outgoing] = []
    room = runtime(request)
    if text:
        with room.db.write() as conn:
            ctx.require_open_session(conn)
            found_in, found_out = store.search(conn, ctx.candidate.id, text)
            event = Searched(query=text, scope="tat_ca", results=len(found_in) + len(found_out))
            emit(conn, ctx.candidate, pages.acting(request, ctx), event, str(ctx.candidate.id))
    with room.db.read() as conn:
        context = pages.frame(conn, request, ctx, agency, active="tim-kiem")
    return render(
        request, "documents/search.html", {**context, "q": text, "found_in": found_in, "found_out": found_out}
    )


@router.get("/so-den", response_class=HTMLResponse)
def incoming_register(
    request: Request, nam: int | None = None, ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    return _register(request, ctx, "den", nam, printed=request.query_params.get("in") == "1")


@router.get("/so-di", response_class=HTMLResponse)
def outgoing_register(
    request: Request, nam: int | None = None, ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    return _register(request, ctx, "di", nam, printed=request.query_params.get("in") == "1")


def _register(request: Request, ctx: CandidateContext, book: str, year: int | None, *, printed: bool) -> Response:
    """Sổ đăng ký văn bản đến / đi (Phụ lục IV), on screen or as the printable page."""
    agency = ensure_agency(request, ctx)
    room = runtime(request)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        year = year or pages.today(request, ctx).year
        event = RegisterViewed(book=book, year=year, printed=printed)
        emit(conn, ctx.candidate, pages.acting(request, ctx), event, str(ctx.candidate.id))
    with room.db.read() as conn:
        context = pages.frame(conn, request, ctx, agency, active=f"so-{book}")
        rows = _register_rows(conn, ctx.candidate.id, book, year)
    template = "documents/register_print.html" if printed else "documents/register.html"
    return render(request, template, {**context, "book": book, "year": year, "rows": rows})


def _register_rows(conn: Connection, candidate_id: int, book: str, year: int) -> list[Any]:
    if book == "den":
        registered = [d for d in store.incoming_of(conn, candidate_id) if d.arrival_year == year]
        return sorted(registered, key=lambda d: d.arrival_number or 0)
    issued = [d for d in store.outgoing_of(conn, candidate_id) if d.year == year and d.code_number]
    return sorted(issued, key=lambda d: (d.secrecy != "thuong", d.code_number or 0))


def _document_file(
    conn: Connection, ctx: CandidateContext, kind: str, doc_id: int, sha256: str
) -> tuple[Incoming | Outgoing, dict[str, Any]]:
    """One of the files of one of the candidate's documents (``den`` incoming, ``di`` outgoing)."""
    doc: Incoming | Outgoing
    if kind == "den":
        doc = pages.owned_incoming(conn, ctx, doc_id)
    elif kind == "di":
        doc = pages.owned_outgoing(conn, ctx, doc_id)
    else:
        raise WebError(404, pages.NOT_FOUND, code="document_not_found")
    wanted = next((f for f in doc.files if f["sha256"] == sha256), None)
    if wanted is None:
        raise WebError(404, "Không tìm thấy tệp này của văn bản.", code="file_not_found")
    return doc, wanted


@router.get("/tep/{kind}/{doc_id}/{sha256}")
def document_file(
    request: Request, kind: str, doc_id: int, sha256: str, ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    """A document's file (its PDF, any version), shown in the browser; logged as opened."""
    room = runtime(request)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        _, wanted = _document_file(conn, ctx, kind, doc_id, sha256)
        data = room.blobs.get(conn, sha256)
        event = FileOpened(
            document="incoming" if kind == "den" else "outgoing",
            document_id=str(doc_id),
            name=wanted["name"],
            sha256=sha256,
        )
        emit(conn, ctx.candidate, pages.acting(request, ctx), event, sha256)
    return stored_file(data, wanted["name"])


@router.post("/tep/{kind}/{doc_id}/{sha256}/kiem-tra-chu-ky", response_class=HTMLResponse)
def check_signatures(
    request: Request, kind: str, doc_id: int, sha256: str, ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    """Kiểm tra chữ ký of a document's file, as the văn thư does before accepting it; logged.
    (A sync route: FastAPI runs it in a worker thread, where pyHanko may start its event loop.)"""
    room = runtime(request)
    agency = ensure_agency(request, ctx)
    acting = pages.acting(request, ctx)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        doc, wanted = _document_file(conn, ctx, kind, doc_id, sha256)
        data = room.blobs.get(conn, sha256)
        trust = authority.trust(conn, acting.now)
    report = verify_pdf(data, trust)  # ~25 ms a signature: not while holding the database
    document = {"kind": "incoming" if kind == "den" else "outgoing", "id": str(doc_id)}
    with room.db.write() as conn:
        checking.record(conn, ctx.candidate, acting, data, wanted["name"], report, document=document)
        context = pages.frame(conn, request, ctx, agency)
    context.update(doc=doc, kind=kind, report=report, checked_name=wanted["name"])
    return render(request, "documents/signature_check.html", context)
