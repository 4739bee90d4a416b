"""An outgoing document's pages (văn bản đi): the draft form, the document's page, and what each role
does to it: trình duyệt, lấy ý kiến, cho ý kiến, duyệt, trả lại, trình ký, ký duyệt, chuyển văn
thư, cấp số, phát hành, thu hồi. A refused action shows the page again with the reason and
everything typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Connection
from starlette.datastructures import FormData, UploadFile

from mock_services.core.blobs import BlobTooLarge
from mock_services.core.web import render, runtime
from mock_services.documents import outgoing, pages, store
from mock_services.documents.acting import Acting
from mock_services.documents.domain import DocumentError, Opinion, Role, Secrecy, Urgency
from mock_services.documents.history import outgoing_history
from mock_services.documents.mailing import parse_addresses
from mock_services.documents.numbering import nfc
from mock_services.documents.store import Agency, Outgoing
from mock_services.documents.web import candidate_in_exam, ensure_agency
from mock_services.portal.deps import CandidateContext

router = APIRouter(prefix="/van-ban/di")

Action = Callable[[Connection, Outgoing, Acting], Outgoing]
MAX_FILES = 10


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in nfc(text).splitlines() if line.strip())


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


# --- The draft form


def _form_page(
    request: Request, ctx: CandidateContext, *, doc: Outgoing | None, form: dict[str, Any], error: str = ""
) -> Response:
    agency = ensure_agency(request, ctx)
    with runtime(request).db.read() as conn:
        context = pages.frame(conn, request, ctx, agency, active="di/moi" if doc is None else "")
        registered = [d for d in store.incoming_of(conn, ctx.candidate.id) if d.arrival_number is not None]
    context.update(doc=doc, form=form, error=error, leaders=agency.leaders(), incoming_docs=registered)
    return render(request, "documents/draft_form.html", context, status_code=400 if error else 200)


def _default_form(agency: Agency, related: str = "") -> dict[str, Any]:
    unit = agency.unit(agency.me.unit)
    return {
        "loai": "CV",
        "trich_yeu": "",
        "noi_dung": "",
        "kinh_gui": "",
        "noi_nhan": f"- Như trên;\n- Lưu: VT, {unit.abbreviation if unit else 'VP'}.",
        "nguoi_ky": "",
        "do_khan": "thuong",
        "do_mat": "thuong",
        "van_ban_den": related,
    }


def _doc_form(doc: Outgoing) -> dict[str, Any]:
    return {
        "loai": doc.type,
        "trich_yeu": doc.subject,
        "noi_dung": doc.body,
        "kinh_gui": "\n".join(doc.kinh_gui),
        "noi_nhan": "\n".join(doc.recipients),
        "nguoi_ky": doc.signer,
        "do_khan": doc.urgency,
        "do_mat": doc.secrecy,
        "van_ban_den": str(doc.related_incoming or ""),
    }


@router.get("/moi", response_class=HTMLResponse)
def new_draft(request: Request, lien_quan: str = "", ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    agency = ensure_agency(request, ctx)
    error = "" if agency.me.role is Role.chuyen_vien else "Dự thảo văn bản đi dành cho vai trò Chuyên viên."
    return _form_page(request, ctx, doc=None, form=_default_form(agency, lien_quan), error=error)


async def _draft_from(
    request: Request, acting: Acting
) -> tuple[dict[str, Any], Callable[[Connection], outgoing.Draft]]:
    """The form's fields (to show again on error) and how to make the Draft inside the transaction."""
    submitted = await request.form()
    form = {k: _text(submitted, k) for k in _default_form_keys()}
    uploads = [f for f in submitted.getlist("tep") if isinstance(f, UploadFile) and f.filename]
    contents = [(f.filename or "tep", await f.read()) for f in uploads[:MAX_FILES]]
    await submitted.close()  # the uploads' temporary files, read now

    def build(conn: Connection) -> outgoing.Draft:
        related = form["van_ban_den"].strip()
        attachments = []
        for name, data in contents:
            try:
                ref = acting.blobs.put(conn, data, now=acting.now)
            except BlobTooLarge:
                raise DocumentError(f"Tệp “{name}” lớn quá giới hạn cho phép.") from None
            attachments.append({"name": name[:200], "sha256": ref.sha256, "size": ref.size})
        return outgoing.Draft(
            type=form["loai"],
            subject=form["trich_yeu"],
            body=form["noi_dung"],
            kinh_gui=_lines(form["kinh_gui"]),
            recipients=_lines(form["noi_nhan"]),
            signer=form["nguoi_ky"],
            urgency=pages.choice(Urgency, form["do_khan"], "Độ khẩn"),
            secrecy=pages.choice(Secrecy, form["do_mat"], "Độ mật"),
            related_incoming=int(related) if related.isdigit() else None,
            attachments=tuple(attachments),
        )

    return form, build


def _default_form_keys() -> tuple[str, ...]:
    return ("loai", "trich_yeu", "noi_dung", "kinh_gui", "noi_nhan", "nguoi_ky", "do_khan", "do_mat", "van_ban_den")


@router.post("/moi")
async def create_draft(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    ensure_agency(request, ctx)
    acting = pages.acting(request, ctx)
    form, build = await _draft_from(request, acting)
    try:
        with runtime(request).db.write() as conn:
            ctx.require_open_session(conn)
            doc = outgoing.create_draft(conn, ctx.candidate, build(conn), acting)
    except DocumentError as exc:
        return _form_page(request, ctx, doc=None, form=form, error=str(exc))
    return RedirectResponse(pages.with_notice(f"/van-ban/di/{doc.id}", "Đã lưu dự thảo."), status_code=303)


@router.get("/{doc_id:int}/sua", response_class=HTMLResponse)
def edit_draft(request: Request, doc_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    ensure_agency(request, ctx)
    with runtime(request).db.read() as conn:
        doc = pages.owned_outgoing(conn, ctx, doc_id)
    return _form_page(request, ctx, doc=doc, form=_doc_form(doc))


@router.post("/{doc_id:int}/sua")
async def update_draft(request: Request, doc_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    ensure_agency(request, ctx)
    acting = pages.acting(request, ctx)
    form, build = await _draft_from(request, acting)
    try:
        with runtime(request).db.write() as conn:
            ctx.require_open_session(conn)
            doc = pages.owned_outgoing(conn, ctx, doc_id)
            outgoing.update_draft(conn, ctx.candidate, doc, build(conn), acting)
    except DocumentError as exc:
        with runtime(request).db.read() as conn:
            doc = pages.owned_outgoing(conn, ctx, doc_id)
        return _form_page(request, ctx, doc=doc, form=form, error=str(exc))
    return RedirectResponse(pages.with_notice(f"/van-ban/di/{doc_id}", "Đã lưu dự thảo."), status_code=303)


# --- The document's page and its actions


@router.get("/{doc_id:int}", response_class=HTMLResponse)
def outgoing_page(request: Request, doc_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    return _page(request, ctx, doc_id)


def _page(
    request: Request, ctx: CandidateContext, doc_id: int, *, error: str = "", form: dict[str, Any] | None = None
) -> Response:
    agency = ensure_agency(request, ctx)
    with runtime(request).db.read() as conn:
        doc = pages.owned_outgoing(conn, ctx, doc_id)
        context = pages.frame(conn, request, ctx, agency)
        related = store.get_incoming(conn, ctx.candidate.id, doc.related_incoming) if doc.related_incoming else None
        history = outgoing_history(conn, ctx.candidate.id, doc_id)
        proposal = None
        if doc.status == "cho_phat_hanh" and doc.code_number is None:
            number, symbol = outgoing.proposed_number(conn, agency, doc, context["today"].year)
            proposal = f"{number:02d}/{symbol}"
    me = agency.me
    context.update(
        doc=doc,
        error=error,
        form=form or {},
        related=related,
        history=history,
        holder=doc.holder == me.key,
        approvers=[p for p in agency.approvers() if p.key != me.key],
        colleagues=[p for p in agency.people if p.key != me.key and not p.candidate],
        asked=outgoing.pending_opinion(doc, me) is not None,
        proposal=proposal,
        opinions=[str(o) for o in Opinion],
    )
    return render(request, "documents/outgoing.html", context, status_code=400 if error else 200)


def _act(
    request: Request, ctx: CandidateContext, doc_id: int, action: Action, done: str, form: dict[str, Any]
) -> Response:
    ensure_agency(request, ctx)

    def attempt(conn: Connection, acting: Acting) -> None:
        action(conn, pages.owned_outgoing(conn, ctx, doc_id), acting)

    return pages.act(
        request,
        ctx,
        attempt,
        done_url=f"/van-ban/di/{doc_id}",
        done=done,
        refused=lambda error: _page(request, ctx, doc_id, error=error, form=form),
    )


@router.post("/{doc_id:int}/{step}")
async def act(request: Request, doc_id: int, step: str, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    """Every action on the document's page, by its slug (the form's action)."""
    submitted = await request.form()
    form = {k: _text(submitted, k) for k in submitted}
    candidate = ctx.candidate
    simple: dict[str, tuple[Callable[[Connection, Outgoing, Acting], Outgoing], str]] = {
        "trinh-duyet": (
            lambda c, d, a: outgoing.submit(c, candidate, d, form.get("nguoi_duyet", ""), form.get("ghi_chu", ""), a),
            "Đã trình duyệt dự thảo.",
        ),
        "cho-y-kien": (
            lambda c, d, a: outgoing.give_opinion(
                c, candidate, d, pages.choice(Opinion, form.get("y_kien", ""), "Ý kiến"), form.get("noi_dung", ""), a
            ),
            "Đã gửi ý kiến.",
        ),
        "duyet": (
            lambda c, d, a: outgoing.approve(
                c, candidate, d, form.get("y_kien", ""), a, to_signer=form.get("trinh_ky") == "1"
            ),
            "Đã duyệt dự thảo.",
        ),
        "tra-lai": (lambda c, d, a: outgoing.send_back(c, candidate, d, form.get("y_kien", ""), a), "Đã trả lại."),
        "trinh-ky": (lambda c, d, a: outgoing.request_signature(c, candidate, d, a), "Đã trình ký."),
        "ky": (lambda c, d, a: outgoing.sign(c, candidate, d, a), "Đã ký duyệt văn bản."),
        "chuyen-van-thu": (lambda c, d, a: outgoing.to_clerk(c, candidate, d, a), "Đã chuyển văn thư phát hành."),
        "cap-so": (
            lambda c, d, a: outgoing.number(c, candidate, d, a, written=form.get("so_ky_hieu") or None),
            "Đã cấp số văn bản.",
        ),
        "thu-hoi": (lambda c, d, a: outgoing.recall(c, candidate, d, form.get("ly_do", ""), a), "Đã thu hồi văn bản."),
    }
    if step == "lay-y-kien":
        people = [str(p) for p in submitted.getlist("nguoi")]

        def consult(c: Connection, d: Outgoing, a: Acting) -> Outgoing:
            due = pages.parse_day(form.get("han", ""), "Hạn cho ý kiến")
            return outgoing.consult(c, candidate, d, people, due, form.get("noi_dung", ""), a)

        return _act(request, ctx, doc_id, consult, "Đã gửi xin ý kiến.", form)
    if step == "phat-hanh":
        internal = tuple(str(k) for k in submitted.getlist("noi_bo"))
        agencies = tuple(str(k) for k in submitted.getlist("co_quan"))

        def issue(c: Connection, d: Outgoing, a: Acting) -> Outgoing:
            emails = tuple(parse_addresses(form.get("email", "")))
            to = outgoing.Distribution(internal=internal, agencies=agencies, emails=emails)
            return outgoing.issue(c, candidate, d, to, a)

        return _act(request, ctx, doc_id, issue, "Đã phát hành văn bản.", form)
    if step not in simple:
        return _page(request, ctx, doc_id, error="Thao tác không hợp lệ.")
    action, done = simple[step]
    return _act(request, ctx, doc_id, action, done, form)
