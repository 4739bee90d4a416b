"""Soạn thư: new mail, Trả lời, Trả lời tất cả, Chuyển tiếp, drafts, attachments, and the
agency directory's autocomplete. A form that cannot be sent is shown again with every field
and every file the candidate gave: nothing typed or attached is lost."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.engine import Connection

from mock_services.core.blobs import BlobTooLarge
from mock_services.core.errors import WebError
from mock_services.core.web import render, runtime
from mock_services.mail import domain, mailbox, pages, store
from mock_services.mail.directory import Directory
from mock_services.mail.folders import SystemFolder
from mock_services.mail.mailbox import MailError, Outgoing
from mock_services.mail.mime import Attachment, safe_filename
from mock_services.mail.store import Message
from mock_services.mail.web import candidate_in_exam
from mock_services.portal.deps import CandidateContext

router = APIRouter(prefix="/thu")

# The form's kinds (kieu) and the log's.
KINDS = {"moi": "new", "tra-loi": "reply", "tra-loi-tat-ca": "reply_all", "chuyen-tiep": "forward"}
KIND_SLUGS = {kind: slug for slug, kind in KINDS.items()}
KIND_TITLES = {"new": "Thư mới", "reply": "Trả lời", "reply_all": "Trả lời tất cả", "forward": "Chuyển tiếp"}
MAX_BODY = 200_000


@dataclass
class ComposeForm:
    to: str = ""
    cc: str = ""
    bcc: str = ""
    subject: str = ""
    body: str = ""
    kind: str = "new"
    original: int | None = None
    draft: int | None = None
    kept: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@router.get("/soan", response_class=HTMLResponse)
def compose_page(
    request: Request,
    den: str = "",
    kieu: str = "moi",
    goc: int | None = None,
    nhap: int | None = None,
    ctx: CandidateContext = Depends(candidate_in_exam),
) -> Response:
    room = runtime(request)
    kind = KINDS.get(kieu)
    if kind is None:
        raise WebError(400, "Kiểu soạn thư không hợp lệ.", code="bad_kind")
    with room.db.read() as conn:
        if nhap is not None:
            form = _from_draft(conn, ctx, nhap)
        elif kind != "new" and goc is not None:
            form = _answering(request, conn, ctx, kind, pages.owned_message(conn, ctx, goc))
        else:
            signature = store.get_settings(conn, ctx.candidate.id).signature
            form = ComposeForm(to=den.strip()[:500], body=_signature_block(signature))
    return _render_form(request, ctx, form)


@router.post("/soan", response_class=HTMLResponse)
async def compose_submit(
    request: Request,
    den: str = Form(""),
    cc: str = Form(""),
    bcc: str = Form(""),
    chu_de: str = Form(""),
    noi_dung: str = Form(""),
    kieu: str = Form("moi"),
    goc: str = Form(""),
    nhap: str = Form(""),
    giu: list[str] = Form(default_factory=list),
    tep: list[UploadFile] = File(default_factory=list),
    nut: str = Form("gui"),
    ctx: CandidateContext = Depends(candidate_in_exam),
) -> Response:
    room = runtime(request)
    secret = room.secret
    form = ComposeForm(
        to=den,
        cc=cc,
        bcc=bcc,
        subject=domain.nfc(chu_de.replace("\r", " ").replace("\n", " ")).strip()[: domain.MAX_SUBJECT],
        body=domain.nfc(noi_dung.replace("\r\n", "\n"))[:MAX_BODY],
        kind=KINDS.get(kieu, "new"),
        original=_form_id(goc),
        draft=_form_id(nhap),
    )
    for token in giu:
        kept = pages.read_attachment_token(secret, ctx.candidate.id, token)
        if kept is not None:
            form.kept.append(kept)
    read = [await _read_upload(f, room.settings.blob_max_bytes, form) for f in tep if f.filename]
    uploads = [u for u in read if u is not None]
    recipients = _recipients(form)
    total = sum(a["size"] for a in form.kept) + sum(len(u.data) for u in uploads)
    if total > room.settings.smtp_max_message_bytes:
        limit = room.settings.smtp_max_message_bytes // (1024 * 1024)
        form.errors.append(f"Tổng dung lượng tập tin đính kèm vượt quá {limit} MB cho phép.")
    if nut == "gui" and recipients is not None and not any(recipients):
        form.errors.append("Vui lòng nhập ít nhất một người nhận (Tới, Cc hoặc Bcc).")
    if form.errors or recipients is None:
        return _show_again(request, ctx, form, uploads)
    acting = pages.acting(request, ctx)
    try:
        with room.db.write() as conn:
            ctx.require_open_session(conn)
            outgoing = Outgoing(
                to=recipients[0],
                cc=recipients[1],
                bcc=recipients[2],
                subject=form.subject,
                body=form.body,
                kind=form.kind,
                original=_original(conn, ctx, form.original) if form.kind != "new" else None,
                draft=_draft(conn, ctx, form.draft),
                kept=form.kept,
                uploads=uploads,
            )
            if nut == "luu":
                draft = mailbox.save_draft(conn, ctx.candidate, outgoing, acting)
            else:
                mailbox.send(conn, ctx.candidate, outgoing, acting)
    except MailError as exc:
        form.errors.append(str(exc))
        return _show_again(request, ctx, form, uploads)
    except WebError as gone:  # the original or the draft is no longer there: keep what was typed
        if gone.code == "draft_not_found":
            form.draft = None
            form.errors.append("Bản nháp này đã bị hủy. Nội dung bạn soạn vẫn còn dưới đây; bấm Gửi để gửi thư.")
        elif gone.code == "message_not_found":
            form.original, form.kind = None, "new"
            form.errors.append(
                "Thư gốc đã bị xóa hẳn nên thư này không còn là thư trả lời hay chuyển tiếp. "
                "Nội dung bạn soạn vẫn còn dưới đây; bấm Gửi để gửi như thư mới."
            )
        else:
            raise
        return _show_again(request, ctx, form, uploads)
    if nut == "luu":
        return RedirectResponse(pages.with_notice(f"/thu/soan?nhap={draft.id}", "Đã lưu bản nháp."), status_code=303)
    return RedirectResponse(pages.with_notice("/thu/hop-thu-den", "Thư của bạn đã được gửi."), status_code=303)


@router.post("/soan/huy-nhap/{draft_id}")
def discard_draft(request: Request, draft_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    """Hủy bản nháp: the draft goes to Thùng rác, as Zimbra does."""
    room = runtime(request)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        draft = _draft(conn, ctx, draft_id)
        assert draft is not None
        mailbox.delete(conn, ctx.candidate, draft, pages.acting(request, ctx))
    return RedirectResponse(pages.with_notice("/thu/thu-nhap", "Đã hủy bản nháp."), status_code=303)


@router.get("/danh-ba/goi-y")
def suggest(request: Request, q: str = "", ctx: CandidateContext = Depends(candidate_in_exam)) -> JSONResponse:
    """Autocomplete for Tới / Cc / Bcc from the agency directory (Danh sách địa chỉ chung)."""
    with runtime(request).db.read() as conn:
        directory = Directory.of(conn, ctx.candidate)
    found = directory.search(q, limit=10)
    return JSONResponse(
        {"ok": True, "contacts": [{"name": c.name, "email": c.email, "title": c.title, "unit": c.unit} for c in found]}
    )


@router.get("/danh-ba", response_class=HTMLResponse)
def directory_page(request: Request, q: str = "", ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    with runtime(request).db.read() as conn:
        directory = Directory.of(conn, ctx.candidate)
        context = pages.frame(conn, ctx, request, active="directory")
    context.update(contacts=directory.search(q, limit=500) if q.strip() else directory.contacts, q=q)
    return render(request, "mail/directory.html", context)


# --- Helpers


def _answering(request: Request, conn: Connection, ctx: CandidateContext, kind: str, original: Message) -> ComposeForm:
    room = runtime(request)
    signature = store.get_settings(conn, ctx.candidate.id).signature
    when = original.date.astimezone(room.tz).strftime("%H:%M ngày %d/%m/%Y")
    sig = _signature_block(signature)
    if kind == "forward":
        return ComposeForm(
            subject=domain.forward_subject(original.subject),
            body=sig + domain.forwarded_body(original, when),
            kind=kind,
            original=original.id,
            kept=list(original.attachments),
        )
    to, cc = domain.reply_recipients(original, ctx.candidate.email, everyone=kind == "reply_all")
    return ComposeForm(
        to=", ".join(to),
        cc=", ".join(cc),
        subject=domain.reply_subject(original.subject),
        body=sig + domain.quoted_reply(original, when),
        kind=kind,
        original=original.id,
    )


def _form_id(text: str) -> int | None:
    """An id from a hidden field: ASCII digits in the database's range, or nothing."""
    text = text.strip()
    if text.isascii() and text.isdigit() and 0 < int(text) <= store.MAX_ID:
        return int(text)
    return None


def _signature_block(signature: str) -> str:
    """The signature as Zimbra puts it into a new message: below two empty lines and "-- "."""
    return f"\n\n-- \n{signature}" if signature.strip() else ""


def _from_draft(conn: Connection, ctx: CandidateContext, draft_id: int) -> ComposeForm:
    draft = _draft(conn, ctx, draft_id)
    assert draft is not None
    return ComposeForm(
        to=", ".join(draft.to_addrs),
        cc=", ".join(draft.cc_addrs),
        bcc=", ".join(draft.bcc_addrs),
        subject=draft.subject,
        body=draft.text_body,
        kind=draft.draft_kind or "new",
        original=draft.draft_original,
        draft=draft.id,
        kept=list(draft.attachments),
    )


def _draft(conn: Connection, ctx: CandidateContext, draft_id: int | None) -> Message | None:
    if draft_id is None:
        return None
    draft = pages.owned_message(conn, ctx, draft_id)
    if draft.folder != SystemFolder.drafts:
        raise WebError(404, "Không tìm thấy bản nháp này.", code="draft_not_found")
    return draft


def _original(conn: Connection, ctx: CandidateContext, original_id: int | None) -> Message | None:
    return None if original_id is None else pages.owned_message(conn, ctx, original_id)


def _recipients(form: ComposeForm) -> tuple[list[str], list[str], list[str]] | None:
    try:
        return (
            domain.parse_recipients(form.to, "Tới"),
            domain.parse_recipients(form.cc, "Cc"),
            domain.parse_recipients(form.bcc, "Bcc"),
        )
    except domain.AddressError as exc:
        form.errors.append(str(exc))
        return None


async def _read_upload(upload: UploadFile, limit: int, form: ComposeForm) -> Attachment | None:
    name = safe_filename(upload.filename or "")
    data = await upload.read(limit + 1)
    if len(data) > limit:
        form.errors.append(f"Tập tin “{name}” vượt quá dung lượng cho phép ({limit // (1024 * 1024)} MB).")
        return None
    content_type = upload.content_type or ""
    if not content_type or content_type == "application/octet-stream" or "/" not in content_type:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Attachment(name=name, content_type=content_type, data=data)


def _show_again(
    request: Request, ctx: CandidateContext, form: ComposeForm, uploads: list[Attachment], status: int = 422
) -> Response:
    """The form again, with the files just uploaded kept (stored, and carried as signed tokens)."""
    if uploads:
        room = runtime(request)
        try:
            with room.db.write() as conn:
                for upload in uploads:
                    ref = room.blobs.put(conn, upload.data, now=ctx.now)
                    form.kept.append(
                        {
                            "name": upload.name,
                            "sha256": ref.sha256,
                            "size": ref.size,
                            "content_type": upload.content_type,
                        }
                    )
        except BlobTooLarge:
            form.errors.append("Tập tin đính kèm vượt quá dung lượng cho phép.")
    return _render_form(request, ctx, form, status=status)


def _render_form(request: Request, ctx: CandidateContext, form: ComposeForm, status: int = 200) -> Response:
    room = runtime(request)
    with room.db.read() as conn:
        context = pages.frame(conn, ctx, request, active="compose")
    kept = [(pages.attachment_token(room.secret, ctx.candidate.id, a), a) for a in form.kept]
    context.update(
        form=form,
        kept=kept,
        kind_slug=KIND_SLUGS.get(form.kind, "moi"),
        title=KIND_TITLES.get(form.kind, "Thư mới"),
        max_mb=room.settings.smtp_max_message_bytes // (1024 * 1024),
    )
    return render(request, "mail/compose.html", context, status_code=status)
