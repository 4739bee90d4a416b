"""The signing service's own pages (/ky-so): the candidate's certificates and token PIN, the mock
root to download and trust in a PDF reader, the CRL, the OTP a simulated phone shows, and
Kiểm tra chữ ký: upload a PDF and see each signature's verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from mock_services.core.blobs import BlobTooLarge
from mock_services.core.web import add_template_dir, render, runtime
from mock_services.documents import pages, signatures
from mock_services.documents.web import candidate_in_exam, ensure_agency
from mock_services.portal.deps import CandidateContext
from mock_services.signing import authority, certificates, checking, store
from mock_services.signing.domain import SigningError
from mock_services.signing.verify import Report, verify_pdf

router = APIRouter(prefix="/ky-so")
add_template_dir(Path(__file__).parent / "templates")


def _home(
    request: Request, ctx: CandidateContext, *, report: Report | None = None, name: str = "", error: str = ""
) -> Response:
    agency = ensure_agency(request, ctx)
    with runtime(request).db.write() as conn:
        context = pages.frame(conn, request, ctx, agency)
        certs = signatures.certificates_for(conn, ctx.candidate, pages.acting(request, ctx), agency)
    context.update(certs=certs, report=report, checked_name=name, error=error)
    return render(request, "signing/home.html", context, status_code=400 if error else 200)


@router.get("", response_class=HTMLResponse)
def signing_home(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    return _home(request, ctx)


@router.post("/kiem-tra", response_class=HTMLResponse)
async def check_file(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    """Kiểm tra chữ ký of an uploaded PDF: every signature's verdict, logged."""
    form = await request.form()
    upload = form.get("tep")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _home(request, ctx, error="Vui lòng chọn tệp PDF cần kiểm tra chữ ký.")
    data, name = await upload.read(), upload.filename
    await upload.close()
    # pyHanko's synchronous API starts an event loop of its own: not on this one.
    return await run_in_threadpool(_check_and_show, request, ctx, data, name)


def _check_and_show(request: Request, ctx: CandidateContext, data: bytes, name: str) -> Response:
    acting = pages.acting(request, ctx)
    with runtime(request).db.write() as conn:
        ctx.require_open_session(conn)
        trust = authority.trust(conn, acting.now)
    report = verify_pdf(data, trust)  # not while holding the database
    try:
        with runtime(request).db.write() as conn:
            checking.record(conn, ctx.candidate, acting, data, name, report)
    except BlobTooLarge:
        return _home(request, ctx, error="Tệp quá lớn để kiểm tra.")
    return _home(request, ctx, report=report, name=name)


@router.get("/goc.crt")
def root_certificate(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    """The mock root, to add to a PDF reader's trusted certificates."""
    with runtime(request).db.write() as conn:
        pem = authority.root_pem(conn, ctx.now)
    headers = {"Content-Disposition": 'attachment; filename="sathach-root-ca-mo-phong.crt"'}
    return Response(pem, media_type="application/x-pem-file", headers=headers)


@router.get("/crl")
def revocation_list(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    with runtime(request).db.write() as conn:
        crl = authority.crl(conn, authority.authority(conn, ctx.now), ctx.now)
    return Response(crl, media_type="application/pkix-crl")


@router.post("/otp/{cert_id:int}")
def send_otp(request: Request, cert_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    """A one-time code for the simulated phone panel of the signing page."""
    body: dict[str, Any]
    try:
        with runtime(request).db.write() as conn:
            ctx.require_open_session(conn)
            cert = store.certificate(conn, ctx.candidate.id, cert_id)
            if cert is None or not cert.candidate_holds:
                return JSONResponse({"message": "Không tìm thấy chứng thư số."}, status_code=404)
            body = {"code": certificates.send_otp(conn, ctx.candidate, pages.acting(request, ctx), cert)}
    except SigningError as error:
        return JSONResponse({"message": str(error)}, status_code=400)
    return JSONResponse(body)
