"""The webmail (thư điện tử công vụ): folders, reading, and what one does to messages.

Compose lives in ``web_compose``, folders and settings in ``web_options``. Every action goes
through ``mailbox`` in one write transaction with its event; every page is the candidate's
own (``pages.owned_message``), so no id or URL reaches another candidate's mail.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mock_services.core.errors import WebError
from mock_services.core.web import add_template_dir, render, runtime
from mock_services.mail import mailbox, pages, store
from mock_services.mail.domain import parse_day
from mock_services.mail.events import AttachmentOpened, LinkClicked, Searched
from mock_services.mail.folders import FOLDER_NAMES, SLUG_FOLDERS, USER, Location, SystemFolder
from mock_services.mail.mailbox import MailError
from mock_services.mail.sanitize import linkify_text, sanitize_html
from mock_services.mail.store import Message, SearchCriteria
from mock_services.portal.deps import CandidateContext, current_candidate

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(prefix="/thu")

# Attachments a browser may show inline; anything else (HTML, scripts, executables) only downloads.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain"}

ACTIONS: dict[str, str] = {
    "da-doc": "Đã đánh dấu là đã đọc.",
    "chua-doc": "Đã đánh dấu là chưa đọc.",
    "gan-co": "Đã gắn cờ.",
    "bo-co": "Đã bỏ gắn cờ.",
    "xoa": "Đã chuyển vào Thùng rác.",
    "khoi-phuc": "Đã khôi phục.",
    "thu-rac": "Đã chuyển vào Thư rác.",
    "khong-phai-rac": "Đã chuyển về Hộp thư đến.",
    "chuyen": "Đã chuyển thư.",
}


def candidate_in_exam(ctx: CandidateContext = Depends(current_candidate)) -> CandidateContext:
    """Every mail page: the logged-in candidate, during the exam only (server time)."""
    ctx.require_in_progress()
    return ctx


@router.get("", include_in_schema=False)
def mail_home() -> RedirectResponse:
    return RedirectResponse("/thu/hop-thu-den", status_code=303)


@router.get("/thu-muc/{folder_id}", response_class=HTMLResponse)
def user_folder(
    request: Request, folder_id: int, trang: int = 1, ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    with runtime(request).db.read() as conn:
        pages.owned_folder(conn, ctx, folder_id)
    return _folder_page(request, ctx, Location(USER, folder_id), trang)


@router.get("/tim-kiem", response_class=HTMLResponse)
def search(
    request: Request,
    q: str = "",
    nguoi_gui: str = "",
    chu_de: str = "",
    noi_dung: str = "",
    co_dinh_kem: bool = False,
    tu_ngay: str = "",
    den_ngay: str = "",
    thu_muc: str = "",
    ctx: CandidateContext = Depends(candidate_in_exam),
) -> Response:
    room = runtime(request)
    errors: list[str] = []
    since = _local_day(tu_ngay, room.tz, errors, "Từ ngày")
    until = _local_day(den_ngay, room.tz, errors, "Đến ngày")
    location = None
    if thu_muc:
        try:
            location = Location.parse(thu_muc)
        except ValueError:
            errors.append("Thư mục tìm kiếm không hợp lệ.")
    criteria = SearchCriteria(
        text=q.strip()[:200],
        sender=nguoi_gui.strip()[:200],
        subject=chu_de.strip()[:200],
        body=noi_dung.strip()[:200],
        has_attachment=co_dinh_kem,
        since=since,
        until=until + timedelta(days=1) if until else None,
        location=location,
    )
    results: list[Message] = []
    if not errors and not criteria.is_empty():
        with room.db.write() as conn:
            ctx.require_open_session(conn)
            results = store.search_messages(conn, ctx.candidate.id, criteria, limit=200)
            query = {
                "text": criteria.text,
                "sender": criteria.sender,
                "subject": criteria.subject,
                "body": criteria.body,
                "has_attachment": criteria.has_attachment,
                "since": since.date().isoformat() if since else "",
                "until": (criteria.until - timedelta(days=1)).date().isoformat() if criteria.until else "",
                "folder": thu_muc,
            }
            event = Searched(query={k: v for k, v in query.items() if v}, results=len(results))
            mailbox.emit(conn, ctx.candidate, pages.acting(request, ctx), event, str(ctx.candidate.id))
    with room.db.read() as conn:
        context = pages.frame(conn, ctx, request, active="search")
    context.update(
        messages=results,
        searched=not criteria.is_empty() and not errors,
        errors=errors,
        form={
            "q": q,
            "nguoi_gui": nguoi_gui,
            "chu_de": chu_de,
            "noi_dung": noi_dung,
            "co_dinh_kem": co_dinh_kem,
            "tu_ngay": tu_ngay,
            "den_ngay": den_ngay,
            "thu_muc": thu_muc,
        },
    )
    return render(request, "mail/search.html", context)


@router.get("/doc/{message_id}", response_class=HTMLResponse)
def read_message(request: Request, message_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    room = runtime(request)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        message = pages.owned_message(conn, ctx, message_id)
        if message.folder == SystemFolder.drafts:
            return RedirectResponse(f"/thu/soan?nhap={message.id}", status_code=303)
        message = mailbox.open_message(conn, ctx.candidate, message, pages.acting(request, ctx))
    secret = room.secret
    position = 0

    def rewrite(url: str, text: str) -> str:
        nonlocal position
        if url.lower().startswith("mailto:"):
            return "/thu/soan?" + urlencode({"den": url[7:].split("?")[0]})
        position += 1
        return pages.tracked_link(secret, ctx.candidate.id, message.id, position, url, text)

    blocked = 0
    if message.html_body is not None:
        safe = sanitize_html(message.html_body, rewrite)
        body, blocked = safe.html, safe.blocked_images
    else:
        body = linkify_text(message.text_body, rewrite)
    with room.db.read() as conn:
        context = pages.frame(conn, ctx, request, active=message.location.key)
        folder_name = store.location_name(conn, ctx.candidate.id, message.location)
    context.update(
        message=message,
        body=body,
        is_html=message.html_body is not None,
        blocked_images=blocked,
        folder_name=folder_name,
        folder_url=pages.location_url(message.location),
        targets=_move_targets(context["folders"]),
    )
    return render(request, "mail/read.html", context)


@router.get("/doc/{message_id}/thu-goc", response_class=HTMLResponse)
def show_original(request: Request, message_id: int, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    """Hiển thị thư gốc: the message's headers and source, as it arrived."""
    room = runtime(request)
    with room.db.read() as conn:
        message = pages.owned_message(conn, ctx, message_id)
        raw = room.blobs.get(conn, message.raw_sha256) if message.raw_sha256 else None
        context = pages.frame(conn, ctx, request, active=message.location.key)
    source = raw.decode("utf-8", errors="replace") if raw is not None else None
    context.update(message=message, source=source)
    return render(request, "mail/original.html", context)


@router.get("/doc/{message_id}/dinh-kem/{index}")
def attachment(
    request: Request, message_id: int, index: int, tai: int = 0, ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    """Open (inline, for harmless types) or download (Tải về) an attachment; both are logged."""
    room = runtime(request)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        message = pages.owned_message(conn, ctx, message_id)
        found = message.attachment(index)
        if found is None:
            raise WebError(404, "Không tìm thấy tập tin đính kèm này.", code="attachment_not_found")
        inline = not tai and found["content_type"] in INLINE_TYPES
        event = AttachmentOpened(
            name=found["name"], sha256=found["sha256"], disposition="view" if inline else "download"
        )
        mailbox.emit(conn, ctx.candidate, pages.acting(request, ctx), event, str(message.id))
        data = room.blobs.get(conn, found["sha256"])
    disposition = "inline" if inline else "attachment"
    headers = {
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(found['name'])}",
        "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        "Cache-Control": "private, no-store",
    }
    media_type = found["content_type"] if inline else "application/octet-stream"
    return Response(data, media_type=media_type, headers=headers)


@router.get("/doc/{message_id}/lien-ket", response_class=HTMLResponse)
def link_warning(
    request: Request,
    message_id: int,
    n: int = 0,
    u: str = "",
    t: str = "",
    s: str = "",
    ctx: CandidateContext = Depends(candidate_in_exam),
) -> Response:
    """A link in a message: logged, then a warning page. The room never leaves for the address."""
    room = runtime(request)
    if not pages.check_link(room.secret, ctx.candidate.id, message_id, n, u, t, s):
        raise WebError(404, "Liên kết không hợp lệ.", code="link_not_found")
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        message = pages.owned_message(conn, ctx, message_id)
        event = LinkClicked(url=u, text=t, link=n)
        mailbox.emit(conn, ctx.candidate, pages.acting(request, ctx), event, str(message.id))
    with room.db.read() as conn:
        context = pages.frame(conn, ctx, request, active=message.location.key)
    host = urlsplit(u).hostname or u
    context.update(message=message, url=u, text=t, host=host)
    return render(request, "mail/link_warning.html", context)


@router.post("/thao-tac")
def act_on_messages(
    request: Request,
    thao_tac: str = Form(""),
    chon: list[int] = Form(default_factory=list),
    dich: str = Form(""),
    quay_lai: str = Form("/thu/hop-thu-den"),
    ctx: CandidateContext = Depends(candidate_in_exam),
) -> Response:
    """The toolbar's actions on the messages ticked in a list, or on the one being read."""
    back = quay_lai if quay_lai.startswith("/thu/") and not quay_lai.startswith("//") else "/thu/hop-thu-den"
    if thao_tac not in ACTIONS:
        raise WebError(400, "Thao tác không hợp lệ.", code="bad_action")
    if not chon:
        return RedirectResponse(pages.with_notice(back, "Vui lòng chọn ít nhất một thư."), status_code=303)
    room = runtime(request)
    acting = pages.acting(request, ctx)
    try:
        with room.db.write() as conn:
            ctx.require_open_session(conn)
            target = _target(dich) if thao_tac == "chuyen" else None
            for message_id in dict.fromkeys(chon):
                _apply(conn, ctx, pages.owned_message(conn, ctx, message_id), thao_tac, target, acting)
    except MailError as exc:
        return RedirectResponse(pages.with_notice(back, str(exc)), status_code=303)
    if back.startswith("/thu/doc/") and thao_tac in ("xoa", "thu-rac", "chuyen", "khoi-phuc", "khong-phai-rac"):
        back = "/thu/hop-thu-den"
    return RedirectResponse(pages.with_notice(back, ACTIONS[thao_tac]), status_code=303)


@router.post("/doc/{message_id}/bao-cao-gia-mao")
def report_phishing(
    request: Request, message_id: int, ghi_chu: str = Form(""), ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    """Báo cáo thư giả mạo: to Thư rác, and reported to the security unit."""
    room = runtime(request)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        message = pages.owned_message(conn, ctx, message_id)
        mailbox.report_phishing(conn, ctx.candidate, message, ghi_chu.strip()[:2000], pages.acting(request, ctx))
    notice = f"Đã báo cáo thư giả mạo tới {mailbox.SECURITY_UNIT} và chuyển thư vào Thư rác."
    return RedirectResponse(pages.with_notice("/thu/hop-thu-den", notice), status_code=303)


@router.post("/thung-rac/xoa-sach")
def empty_trash(request: Request, ctx: CandidateContext = Depends(candidate_in_exam)) -> Response:
    room = runtime(request)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        count = mailbox.empty_trash(conn, ctx.candidate, pages.acting(request, ctx))
    notice = f"Đã xóa sạch Thùng rác ({count} thư)." if count else "Thùng rác đang trống."
    return RedirectResponse(pages.with_notice("/thu/thung-rac", notice), status_code=303)


# Registered last: a system folder's slug (/thu/hop-thu-den …) must not shadow the routes above.
@router.get("/{slug}", response_class=HTMLResponse)
def system_folder(
    request: Request, slug: str, trang: int = 1, ctx: CandidateContext = Depends(candidate_in_exam)
) -> Response:
    folder = SLUG_FOLDERS.get(slug)
    if folder is None:
        raise WebError(404, "Không có trang này trong hộp thư.", code="not_found")
    return _folder_page(request, ctx, Location(folder), trang)


def _folder_page(request: Request, ctx: CandidateContext, location: Location, page: int) -> Response:
    room = runtime(request)
    with room.db.read() as conn:
        total = store.count_messages(conn, ctx.candidate.id, location)
        pages_count = max(1, math.ceil(total / pages.PAGE_SIZE))
        page = min(max(1, page), pages_count)
        messages = store.list_messages(
            conn, ctx.candidate.id, location, offset=(page - 1) * pages.PAGE_SIZE, limit=pages.PAGE_SIZE
        )
        context = pages.frame(conn, ctx, request, active=location.key)
        name = store.location_name(conn, ctx.candidate.id, location)
    context.update(
        location=location,
        folder_name=name,
        folder_url=pages.location_url(location),
        messages=messages,
        total=total,
        page=page,
        pages_count=pages_count,
        first=(page - 1) * pages.PAGE_SIZE + 1 if total else 0,
        last=min(total, page * pages.PAGE_SIZE),
        targets=_move_targets(context["folders"]),
    )
    return render(request, "mail/list.html", context)


def _move_targets(sidebar: list[pages.SidebarFolder]) -> list[tuple[str, str]]:
    """Where Chuyển can put a message: the inbox and the user's folders (as the sidebar lists them)."""
    targets = [(SystemFolder.inbox.value, FOLDER_NAMES[SystemFolder.inbox])]
    return targets + [(f.key, f.name) for f in sidebar if not f.system]


def _target(value: str) -> Location:
    try:
        return Location.parse(value)
    except ValueError:
        raise MailError("Vui lòng chọn thư mục cần chuyển tới.") from None


def _apply(
    conn: Any, ctx: CandidateContext, message: Message, action: str, target: Location | None, acting: mailbox.Acting
) -> None:
    candidate = ctx.candidate
    if action in ("da-doc", "chua-doc"):
        mailbox.set_flag(conn, candidate, message, "seen", action == "da-doc", acting)
    elif action in ("gan-co", "bo-co"):
        mailbox.set_flag(conn, candidate, message, "flagged", action == "gan-co", acting)
    elif action == "xoa":
        mailbox.delete(conn, candidate, message, acting)
    elif action == "khoi-phuc":
        mailbox.restore(conn, candidate, message, acting)
    elif action in ("thu-rac", "khong-phai-rac"):
        mailbox.mark_junk(conn, candidate, message, action == "thu-rac", acting)
    elif action == "chuyen" and target is not None:
        mailbox.move(conn, candidate, message, target, acting)


def _local_day(value: str, tz: Any, errors: list[str], label: str) -> datetime | None:
    try:
        day = parse_day(value[:20])
    except ValueError:
        errors.append(f"“{label}” không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 25/11/2026.")
        return None
    return None if day is None else datetime.combine(day, time(0), tzinfo=tz)
