"""Ký số pages of the document flow: the leader's signing page at trình ký, the văn thư's at
phát hành (Thêm số, Thêm ngày, Đóng dấu), an appendix's signature, and the page previews the
signer drags the box on. A wrong PIN is recorded (its transaction commits) and the page comes
back with the count left; anything else refused changes nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from mock_services.core.acting import Acting
from mock_services.core.errors import WebError
from mock_services.core.web import render, runtime
from mock_services.documents import pages, signatures
from mock_services.documents.domain import DocumentError
from mock_services.documents.store import Outgoing
from mock_services.documents.web import candidate_in_exam, ensure_agency
from mock_services.portal.deps import CandidateContext
from mock_services.signing import preview
from mock_services.signing.certificates import Refused
from mock_services.signing.domain import SIGNATURE_KIND_NAMES, Method, SignatureKind
from mock_services.signing.pades import Box

router = APIRouter(prefix="/van-ban/di")

LEADER_KINDS = (SignatureKind.ca_nhan,)
CLERK_KINDS = (SignatureKind.so, SignatureKind.ngay, SignatureKind.dau)
HINTS = {
    SignatureKind.ca_nhan: "Kéo khung chữ ký vào khoảng trống giữa chức vụ và họ tên người ký.",
    SignatureKind.so: "Đặt khung lên dòng “Số: …” để đóng số văn bản.",
    SignatureKind.ngay: "Đặt khung lên dòng địa danh, ngày tháng năm ban hành.",
    SignatureKind.dau: "Đặt con dấu trùm lên khoảng 1/3 chữ ký của lãnh đạo, về phía bên trái.",
}


def _kind(value: str, doc: Outgoing) -> SignatureKind:
    default = SignatureKind.ca_nhan if doc.status == "cho_ky" else SignatureKind.so
    if not value:
        return default
    try:
        return SignatureKind(value)
    except ValueError:
        raise DocumentError("Loại chữ ký không hợp lệ.") from None


def _float(form: dict[str, str], name: str) -> float:
    try:
        return float(form.get(name, "").replace(",", "."))
    except ValueError:
        raise DocumentError("Vị trí khung chữ ký không hợp lệ. Hãy kéo lại khung trên trang văn bản.") from None


def _box(form: dict[str, str]) -> Box:
    try:
        page = int(form.get("trang", "1")) - 1
    except ValueError:
        raise DocumentError("Trang đặt chữ ký không hợp lệ.") from None
    return Box(page, _float(form, "x0"), _float(form, "y0"), _float(form, "x1"), _float(form, "y1"))


def _sign_page(
    request: Request, ctx: CandidateContext, doc_id: int, kind_value: str, *, error: str = "", form: dict[str, str]
) -> Response:
    agency = ensure_agency(request, ctx)
    with runtime(request).db.write() as conn:
        doc = pages.owned_outgoing(conn, ctx, doc_id)
        kind = _kind(kind_value, doc)
        context = pages.frame(conn, request, ctx, agency)
        acting = pages.acting(request, ctx)
        certs = signatures.certificates_for(conn, ctx.candidate, acting, agency)
        current = signatures.main_file(doc)
        pdf = acting.blobs.get(conn, current["sha256"])
    cert = certs[0] if kind is SignatureKind.ca_nhan else certs[1]
    box = signatures.default_boxes(doc, agency)[kind]
    if form.get("x0"):
        with contextlib.suppress(DocumentError):
            box = _box(form)
    sizes = preview.page_sizes(pdf)
    done = {f.get("signature") for f in doc.files if f.get("kind") == signatures.SIGNED}
    context.update(
        doc=doc,
        kind=kind,
        kinds=LEADER_KINDS if doc.status == "cho_ky" else CLERK_KINDS,
        kind_names=SIGNATURE_KIND_NAMES,
        hint=HINTS[kind],
        cert=cert,
        current=current,
        sizes=sizes,
        box=box,
        done=done,
        error=error,
        form=form,
        method=form.get("xac_thuc", "pin"),
        # An appendix is marked signed only once it is: the page asks each file, signed or not.
        appendices=[
            {**f, "signed": bool(f.get("signed"))} for f in doc.files if f.get("kind") == signatures.ATTACHMENT
        ],
    )
    return render(request, "documents/sign.html", context, status_code=400 if error else 200)


def _page_or_back(
    request: Request, ctx: CandidateContext, doc_id: int, kind: str, *, error: str = "", form: dict[str, str]
) -> Response:
    """The signing page; when it cannot be shown (no such kind of signature, nothing to sign), the
    document's page with the reason."""
    try:
        return _sign_page(request, ctx, doc_id, kind, error=error, form=form)
    except DocumentError as refused:
        return RedirectResponse(pages.with_notice(f"/van-ban/di/{doc_id}", str(refused)), status_code=303)


@router.get("/{doc_id:int}/ky-so", response_class=HTMLResponse)
def sign_page(
    request: Request, doc_id: int, loai: str = "", ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    return _page_or_back(request, ctx, doc_id, loai, form={})


@router.get("/{doc_id:int}/trang/{sha256}/{page:int}.png")
def page_image(
    request: Request, doc_id: int, sha256: str, page: int, ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    """A page of one of this document's PDFs, rendered on the server (no PDF viewer needed)."""
    with runtime(request).db.read() as conn:
        doc = pages.owned_outgoing(conn, ctx, doc_id)
        if sha256 not in {f["sha256"] for f in doc.files}:
            raise WebError(404, "Không tìm thấy tệp.", code="file_not_found")
        pdf = runtime(request).blobs.get(conn, sha256)
    try:
        image = preview.render_page(pdf, page - 1, width_px=900)
    except preview.PreviewError:
        raise WebError(404, "Không có trang này.", code="page_not_found") from None
    return Response(image, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def _confirmation(form: dict[str, str]) -> signatures.Confirmation:
    method = Method.otp if form.get("xac_thuc") == "otp" else Method.pin
    code = form.get("ma_otp" if method is Method.otp else "ma_pin", "")
    return signatures.Confirmation(method, code)


def _run(
    request: Request,
    ctx: CandidateContext,
    doc_id: int,
    form: dict[str, str],
    action: Callable[[Connection, Outgoing, Acting], Outgoing | Refused],
    done: str,
) -> Response:
    """The signature in one write transaction; a wrong PIN commits its count and shows the page again.
    Run in a worker thread: pyHanko's synchronous API starts an event loop of its own."""
    ensure_agency(request, ctx)
    kind = form.get("loai", "")
    try:
        with runtime(request).db.write() as conn:
            ctx.require_open_session(conn)
            result = action(conn, pages.owned_outgoing(conn, ctx, doc_id), pages.acting(request, ctx))
    except DocumentError as error:
        return _page_or_back(request, ctx, doc_id, kind, error=str(error), form=form)
    if isinstance(result, Refused):
        return _page_or_back(request, ctx, doc_id, kind, error=result.message, form=form)
    after = f"/van-ban/di/{doc_id}/ky-so" if result.status == "cho_phat_hanh" else f"/van-ban/di/{doc_id}"
    return RedirectResponse(pages.with_notice(after, done), status_code=303)


@router.post("/{doc_id:int}/ky-so")
async def sign(request: Request, doc_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    submitted = await request.form()
    form = {k: v for k, v in submitted.items() if isinstance(v, str)}
    candidate = ctx.candidate

    def action(conn: Connection, doc: Outgoing, acting: Acting) -> Outgoing | Refused:
        kind = _kind(form.get("loai", ""), doc)
        box, confirm = _box(form), _confirmation(form)
        if kind is SignatureKind.ca_nhan:
            return signatures.sign_as_leader(conn, candidate, doc, box, confirm, acting)
        return signatures.stamp(conn, candidate, doc, kind, box, confirm, acting)

    kind = form.get("loai", "")
    kind_name = SIGNATURE_KIND_NAMES[SignatureKind(kind)] if kind in SignatureKind.__members__ else "chữ ký"
    return await run_in_threadpool(_run, request, ctx, doc_id, form, action, f"Đã ký số: {kind_name}.")


@router.post("/{doc_id:int}/ky-phu-luc")
async def sign_appendix(request: Request, doc_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    submitted = await request.form()
    form: dict[str, Any] = {k: v for k, v in submitted.items() if isinstance(v, str)}
    candidate = ctx.candidate

    def action(conn: Connection, doc: Outgoing, acting: Acting) -> Outgoing | Refused:
        return signatures.sign_appendix(conn, candidate, doc, form.get("tep", ""), _confirmation(form), acting)

    done = "Đã ký số phụ lục bằng chứng thư số của cơ quan."
    return await run_in_threadpool(_run, request, ctx, doc_id, form, action, done)
