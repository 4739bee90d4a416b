"""What every document page shares: the lists each role sees (with their counts), the candidate's
own documents by id (theirs or a 404), the acting context, and the page frame."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from mock_services.core.errors import WebError
from mock_services.core.web import runtime
from mock_services.documents import store
from mock_services.documents.acting import Acting
from mock_services.documents.agency import agency_of
from mock_services.documents.domain import (
    INCOMING_STATUS_NAMES,
    OPINION_NAMES,
    OUTGOING_STATUS_NAMES,
    ROLE_NAMES,
    SECRECY_NAMES,
    URGENCY_NAMES,
    DocumentError,
    IncomingStatus,
    OutgoingStatus,
    Role,
    Secrecy,
    Urgency,
    is_overdue,
)
from mock_services.documents.numbering import TYPE_NAMES
from mock_services.documents.outgoing import pending_opinion
from mock_services.documents.store import Agency, Incoming, Outgoing, Person
from mock_services.mail.domain import parse_day as parse_mail_day
from mock_services.portal.deps import CandidateContext, service_acting

NOT_FOUND = "Không tìm thấy văn bản này."
acting = service_acting  # who acts on this service's pages, and when (pages.acting(request, ctx))
ALL_ROLES = frozenset(Role)
LEADERS = frozenset({Role.lanh_dao, Role.lanh_dao_phong})
HANDLERS = frozenset({Role.chuyen_vien, Role.lanh_dao_phong})


def today(request: Request, ctx: CandidateContext) -> date:
    return ctx.now.astimezone(runtime(request).tz).date()


# --- The lists (menus) of each role


@dataclass(frozen=True, slots=True)
class DocList:
    slug: str
    title: str
    roles: frozenset[Role]
    keep: Callable[[Any, Person, date], bool]


def _mine(doc: Incoming, me: Person) -> bool:
    """An incoming document this position has a part in: presented to, routed by, or given to it."""
    mine = {me.key, me.unit} - {""}
    return (
        doc.presented_to == me.key
        or doc.routed_by == me.key
        or doc.lead in mine
        or bool(mine & set(doc.cooperate))
        or bool(mine & set(doc.for_info))
    )


def _visible_incoming(doc: Incoming, me: Person) -> bool:
    return me.role is Role.van_thu or _mine(doc, me)


def _leads(doc: Incoming, me: Person) -> bool:
    return bool(doc.lead) and doc.lead in (me.key, me.unit)


def incoming_overdue(doc: Incoming, on: date) -> bool:
    return doc.status not in (IncomingStatus.tra_lai,) and is_overdue(
        doc.due_date, on, done=doc.status is IncomingStatus.hoan_thanh
    )


INCOMING_LISTS: tuple[DocList, ...] = (
    DocList("cho-vao-so", "Chờ vào sổ", frozenset({Role.van_thu}), lambda d, m, t: d.status == "cho_vao_so"),
    DocList("cho-trinh", "Đã vào sổ, chờ trình", frozenset({Role.van_thu}), lambda d, m, t: d.status == "cho_trinh"),
    DocList(
        "cho-xu-ly",
        "Chờ xử lý",
        ALL_ROLES - {Role.van_thu},
        lambda d, m, t: (
            (d.status == "cho_but_phe" and d.presented_to == m.key)
            or (d.status == "dang_xu_ly" and m.role in HANDLERS and _leads(d, m))
        ),
    ),
    DocList(
        "dang-xu-ly",
        "Đang xử lý",
        ALL_ROLES,
        lambda d, m, t: (
            d.status == "dang_xu_ly" and _visible_incoming(d, m) and not (m.role in HANDLERS and _leads(d, m))
        ),
    ),
    DocList("da-xu-ly", "Đã xử lý", ALL_ROLES, lambda d, m, t: d.status == "hoan_thanh" and _visible_incoming(d, m)),
    DocList(
        "nhan-de-biet",
        "Nhận để biết",
        HANDLERS,
        lambda d, m, t: bool({m.key, m.unit} & set(d.for_info)) and d.status != "tra_lai",
    ),
    DocList("qua-han", "Quá hạn", ALL_ROLES, lambda d, m, t: incoming_overdue(d, t) and _visible_incoming(d, m)),
    DocList("tra-lai", "Đã trả lại", frozenset({Role.van_thu}), lambda d, m, t: d.status == "tra_lai"),
    DocList("tat-ca", "Tất cả văn bản đến", ALL_ROLES, lambda d, m, t: _visible_incoming(d, m)),
)


def _visible_outgoing(doc: Outgoing, me: Person) -> bool:
    if me.role is Role.van_thu:
        return doc.status in (OutgoingStatus.cho_phat_hanh, OutgoingStatus.da_phat_hanh, OutgoingStatus.thu_hoi)
    asked = any(o["person"] == me.key for o in doc.opinions)
    return me.key in (doc.drafter, doc.approver, doc.signer, doc.holder, doc.approved_by, doc.signed_by) or asked


OUTGOING_LISTS: tuple[DocList, ...] = (
    DocList(
        "du-thao",
        "Dự thảo",
        frozenset({Role.chuyen_vien}),
        lambda d, m, t: d.status == "du_thao" and d.drafter == m.key,
    ),
    DocList(
        "bi-tra-lai",
        "Bị trả lại",
        frozenset({Role.chuyen_vien}),
        lambda d, m, t: d.status == "bi_tra_lai" and d.drafter == m.key,
    ),
    DocList(
        "da-trinh",
        "Đã trình",
        frozenset({Role.chuyen_vien}),
        lambda d, m, t: d.drafter == m.key and d.status in ("cho_duyet", "da_duyet", "cho_ky", "da_ky"),
    ),
    DocList("cho-duyet", "Chờ duyệt", LEADERS, lambda d, m, t: d.status == "cho_duyet" and d.holder == m.key),
    DocList("cho-ky", "Chờ ký", frozenset({Role.lanh_dao}), lambda d, m, t: d.status == "cho_ky" and d.holder == m.key),
    DocList(
        "da-ky",
        "Đã ký, chờ chuyển văn thư",
        frozenset({Role.lanh_dao}),
        lambda d, m, t: d.status == "da_ky" and d.holder == m.key,
    ),
    DocList(
        "cho-y-kien", "Cần cho ý kiến", ALL_ROLES - {Role.van_thu}, lambda d, m, t: pending_opinion(d, m) is not None
    ),
    DocList(
        "cho-phat-hanh",
        "Chờ cấp số - phát hành",
        frozenset({Role.van_thu}),
        lambda d, m, t: d.status == "cho_phat_hanh",
    ),
    DocList(
        "da-phat-hanh",
        "Đã phát hành",
        ALL_ROLES,
        lambda d, m, t: d.status == "da_phat_hanh" and _visible_outgoing(d, m),
    ),
    DocList("thu-hoi", "Thu hồi", ALL_ROLES, lambda d, m, t: d.status == "thu_hoi" and _visible_outgoing(d, m)),
    DocList("tat-ca", "Tất cả văn bản đi", ALL_ROLES, lambda d, m, t: _visible_outgoing(d, m)),
)


def find_list(lists: tuple[DocList, ...], slug: str) -> DocList:
    found = next((item for item in lists if item.slug == slug), None)
    if found is None:
        raise WebError(404, "Không có danh sách này.", code="list_not_found")
    return found


@dataclass(frozen=True, slots=True)
class MenuItem:
    url: str
    title: str
    count: int
    slug: str


def menus(
    agency: Agency, incoming_docs: list[Incoming], outgoing_docs: list[Outgoing], on: date
) -> tuple[list[MenuItem], list[MenuItem]]:
    me = agency.me
    den = [
        MenuItem(f"/van-ban/den/{item.slug}", item.title, sum(item.keep(d, me, on) for d in incoming_docs), item.slug)
        for item in INCOMING_LISTS
        if me.role in item.roles
    ]
    di = [
        MenuItem(f"/van-ban/di/{item.slug}", item.title, sum(item.keep(d, me, on) for d in outgoing_docs), item.slug)
        for item in OUTGOING_LISTS
        if me.role in item.roles
    ]
    return den, di


def home_url(agency: Agency) -> str:
    """The list a role starts from: the văn thư's Chờ vào sổ, everyone else's Chờ xử lý."""
    return {
        Role.van_thu: "/van-ban/den/cho-vao-so",
        Role.chuyen_vien: "/van-ban/den/cho-xu-ly",
    }.get(agency.me.role, "/van-ban/den/cho-xu-ly")


# --- Frames and owned documents


def frame(
    conn: Connection,
    request: Request,
    ctx: CandidateContext,
    agency: Agency,
    active: str = "",
    *,
    documents: tuple[list[Incoming], list[Outgoing]] | None = None,
) -> dict[str, Any]:
    """The template context every document page starts from: the menus with counts, the role
    switcher. A page that has read the candidate's documents already passes them as ``documents``."""
    on = today(request, ctx)
    incoming_docs, outgoing_docs = documents or (
        store.incoming_of(conn, ctx.candidate.id),
        store.outgoing_of(conn, ctx.candidate.id),
    )
    den, di = menus(agency, incoming_docs, outgoing_docs, on)
    return {
        "ctx": ctx,
        "services": runtime(request).services,
        "agency": agency,
        "me": agency.me,
        "positions": agency.my_positions,
        "menu_den": den,
        "menu_di": di,
        "active": active,
        "today": on,
        "notice": request.query_params.get("tb", "")[:300],
        "error": "",
        "names": NAMES,
    }


NAMES: dict[str, Any] = {
    "incoming_status": {str(k): v for k, v in INCOMING_STATUS_NAMES.items()},
    "outgoing_status": {str(k): v for k, v in OUTGOING_STATUS_NAMES.items()},
    "urgency": {str(k): v for k, v in URGENCY_NAMES.items()},
    "secrecy": {str(k): v for k, v in SECRECY_NAMES.items()},
    "role": {str(k): v for k, v in ROLE_NAMES.items()},
    "opinion": {str(k): v for k, v in OPINION_NAMES.items()},
    "types": dict(TYPE_NAMES),
    "urgencies": [str(u) for u in Urgency],
    "secrecies": [str(s) for s in Secrecy],
}


def owned_incoming(conn: Connection, ctx: CandidateContext, doc_id: int) -> Incoming:
    doc = store.get_incoming(conn, ctx.candidate.id, doc_id)
    if doc is None:
        raise WebError(404, NOT_FOUND, code="document_not_found")
    return doc


def owned_outgoing(conn: Connection, ctx: CandidateContext, doc_id: int) -> Outgoing:
    doc = store.get_outgoing(conn, ctx.candidate.id, doc_id)
    if doc is None:
        raise WebError(404, NOT_FOUND, code="document_not_found")
    return doc


def agency_for(conn: Connection, request: Request, ctx: CandidateContext) -> Agency:
    """The candidate's agency, made on the first visit (inside the caller's write transaction)."""
    return agency_of(conn, ctx.candidate, acting(request, ctx))


def with_notice(url: str, notice: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'tb': notice})}"


def parse_day(text: str, label: str) -> date | None:
    """A date typed as 25/11/2026 or picked as 2026-11-25; a Vietnamese error otherwise."""
    try:
        return parse_mail_day(text)
    except ValueError:
        raise DocumentError(f"“{label}” không phải là ngày hợp lệ (ví dụ 25/11/2026).") from None


def choice(kind: Any, value: str, label: str) -> Any:
    """A form's value as one of an enum's members, or a Vietnamese error naming the field."""
    try:
        return kind(value)
    except ValueError:
        raise DocumentError(f"“{label}” không hợp lệ.") from None


def act(
    request: Request,
    ctx: CandidateContext,
    attempt: Callable[[Connection, Acting], object],
    *,
    done_url: str,
    done: str,
    refused: Callable[[str], Response],
) -> Response:
    """One action in its own write transaction: on success back to ``done_url`` with the notice
    ``done``; refused, the page again (``refused``) with the reason and what was typed."""
    try:
        with runtime(request).db.write() as conn:
            ctx.require_open_session(conn)
            attempt(conn, acting(request, ctx))
    except DocumentError as exc:
        return refused(str(exc))
    return RedirectResponse(with_notice(done_url, done), status_code=303)
