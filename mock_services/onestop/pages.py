"""What every page of the one-stop desk shares: the menus of a real "HT Một cửa điện tử" (domain
reference §5.6) with their counts, the filters, the candidate's own dossiers and visits by id (theirs
or a 404), the acting context, the desk (made on the first visit) and the simulated handlers' results
brought in before any page is drawn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from mock_services.core.acting import Acting
from mock_services.core.errors import WebError
from mock_services.core.web import runtime
from mock_services.mail.domain import parse_day
from mock_services.onestop import processing, store
from mock_services.onestop.desk import Desk, desk_of
from mock_services.onestop.domain import (
    RETURN_METHOD_NAMES,
    STATUS_NAMES,
    Channel,
    OnestopError,
    Status,
    Timeliness,
    timeliness,
)
from mock_services.onestop.procedures import procedures
from mock_services.onestop.store import Dossier, Visit
from mock_services.portal.deps import CandidateContext, service_acting

NOT_FOUND = "Không tìm thấy hồ sơ này."
acting = service_acting  # who acts on this service's pages, and when (pages.acting(request, ctx))


def today(request: Request, ctx: CandidateContext) -> date:
    return ctx.now.astimezone(runtime(request).tz).date()


def prepare(request: Request, ctx: CandidateContext) -> Desk:
    """The desk, made on the first visit, with the results the handlers have finished by now brought in.
    Reads first: most pages find nothing to write."""
    room = runtime(request)
    with room.db.read() as conn:
        found = store.get_desk(conn, ctx.candidate.id)
        pending = any(
            d.status is Status.dang_xu_ly and d.ready_at is not None and d.ready_at <= ctx.now
            for d in store.dossiers_of(conn, ctx.candidate.id)
        )
    if found is not None and not pending:
        return Desk.from_state(found)
    with room.db.write() as conn:
        ctx.require_open_session(conn)
        act = acting(request, ctx)
        desk = desk_of(conn, ctx.candidate, act, room.settings.onestop_unit_id)
        processing.settle(conn, ctx.candidate, desk, act)
    return desk


# --- The lists (menus)


@dataclass(frozen=True, slots=True)
class DossierList:
    slug: str
    title: str
    group: str
    keep: Callable[[Dossier, date, tzinfo], bool]


def flag_of(d: Dossier, on: date, tz: tzinfo) -> Timeliness | None:
    """Quá hạn / tới hạn for the lists. A walk-in received "as of" a scenario's past moment (15:20
    last Friday) is judged as of that day: the exam's day is not the scenario's, and its return
    date must not turn red for it."""
    as_of = min(on, d.received_at.astimezone(tz).date()) if d.visit_id is not None else on
    return timeliness(d.status, d.due_date, as_of)


def _status(*wanted: Status) -> Callable[[Dossier, date, tzinfo], bool]:
    return lambda d, on, tz: d.status in wanted


def _late(flag: Timeliness) -> Callable[[Dossier, date, tzinfo], bool]:
    return lambda d, on, tz: flag_of(d, on, tz) is flag


LISTS: tuple[DossierList, ...] = (
    DossierList("cho-tiep-nhan-truc-tuyen", "Chờ tiếp nhận trực tuyến", "Tiếp nhận hồ sơ", _status(Status.moi_dang_ky)),
    DossierList("moi-tiep-nhan", "Mới tiếp nhận", "Tiếp nhận hồ sơ", _status(Status.da_tiep_nhan)),
    DossierList("tu-choi", "Từ chối tiếp nhận", "Tiếp nhận hồ sơ", _status(Status.khong_tiep_nhan)),
    DossierList("yeu-cau-bo-sung", "Yêu cầu bổ sung", "Bổ sung hồ sơ", _status(Status.yeu_cau_bo_sung)),
    DossierList("dang-xu-ly", "Đang xử lý", "Xử lý hồ sơ", _status(Status.dang_xu_ly)),
    DossierList("cho-tra-ket-qua", "Chờ trả kết quả", "Trả kết quả", _status(Status.da_xu_ly_xong)),
    DossierList("da-tra-ket-qua", "Đã trả kết quả", "Trả kết quả", _status(Status.da_tra_ket_qua)),
    DossierList("qua-han", "Hồ sơ quá hạn", "Theo dõi hồ sơ", _late(Timeliness.qua_han)),
    DossierList("toi-han", "Hồ sơ tới hạn", "Theo dõi hồ sơ", _late(Timeliness.toi_han)),
    DossierList("tat-ca", "Theo dõi tất cả hồ sơ", "Theo dõi hồ sơ", lambda d, on, tz: True),
)


def find_list(slug: str) -> DossierList:
    found = next((item for item in LISTS if item.slug == slug), None)
    if found is None:
        raise WebError(404, "Không có danh sách này.", code="list_not_found")
    return found


@dataclass(frozen=True, slots=True)
class MenuItem:
    url: str
    title: str
    count: int
    slug: str


def menus(dossiers: list[Dossier], visits: list[Visit], on: date, tz: tzinfo) -> list[tuple[str, list[MenuItem]]]:
    """The menu groups in the order of the real system, each item with its count."""
    waiting = sum(1 for v in visits if v.dossier_id is None)
    groups: dict[str, list[MenuItem]] = {
        "Tiếp nhận hồ sơ": [
            MenuItem("/mot-cua/cho-goi-so", "Công dân chờ (gọi số)", waiting, "cho-goi-so"),
            MenuItem("/mot-cua/tiep-nhan", "Tiếp nhận trực tiếp", 0, "tiep-nhan"),
        ]
    }
    for item in LISTS:
        count = sum(item.keep(d, on, tz) for d in dossiers)
        groups.setdefault(item.group, []).append(MenuItem(f"/mot-cua/ds/{item.slug}", item.title, count, item.slug))
    groups["Thông báo"] = [MenuItem("/mot-cua/tin-nhan", "Tin nhắn, thư gửi công dân", 0, "tin-nhan")]
    return list(groups.items())


# --- Filters of the lists and search


@dataclass(frozen=True)
class Filters:
    text: str = ""  # mã hồ sơ, họ tên, số căn cước, số điện thoại
    procedure: str = ""
    channel: str = ""
    status: str = ""
    since: date | None = None
    until: date | None = None
    since_text: str = ""  # as typed, shown again
    until_text: str = ""
    error: str = ""  # a date that is not one: said on the list, the other filters kept

    @classmethod
    def of(cls, request: Request) -> Filters:
        q = request.query_params
        since_text, until_text = q.get("tu_ngay", "").strip()[:20], q.get("den_ngay", "").strip()[:20]
        days: list[date | None] = []
        error = ""
        for text in (since_text, until_text):
            try:
                days.append(parse_day(text))
            except ValueError:
                days.append(None)
                error = f"“{text}” không phải là ngày hợp lệ (ví dụ 25/11/2026): bỏ qua điều kiện ngày này."
        return cls(
            text=" ".join(q.get("q", "").split())[:200],
            procedure=q.get("thu_tuc", "")[:16],
            channel=q.get("kenh", "")[:16],
            status=q.get("trang_thai", "")[:24],
            since=days[0],
            until=days[1],
            since_text=since_text,
            until_text=until_text,
            error=error,
        )

    @property
    def any(self) -> bool:
        return bool(self.text or self.procedure or self.channel or self.status or self.since or self.until)

    def keep(self, d: Dossier, tz: Any) -> bool:
        received = d.received_at.astimezone(tz).date()
        return (
            (not self.text or _matches(d, self.text))
            and (not self.procedure or d.procedure_code == self.procedure)
            and (not self.channel or d.channel.value == self.channel)
            and (not self.status or d.status.value == self.status)
            and (self.since is None or received >= self.since)
            and (self.until is None or received <= self.until)
        )


def _matches(d: Dossier, text: str) -> bool:
    folded = text.casefold()
    a = d.applicant
    haystack = [d.code, a.get("name", ""), a.get("id_number", ""), a.get("phone", ""), d.procedure_name]
    return any(folded in str(value).casefold() for value in haystack)


# --- Frames and owned objects


def frame(conn: Connection, request: Request, ctx: CandidateContext, desk: Desk, active: str = "") -> dict[str, Any]:
    """The template context every desk page starts from."""
    on = today(request, ctx)
    dossiers = store.dossiers_of(conn, ctx.candidate.id)
    visits = store.visits_of(conn, ctx.candidate.id)
    return {
        "ctx": ctx,
        "services": runtime(request).services,
        "desk": desk,
        "menus": menus(dossiers, visits, on, runtime(request).tz),
        "active": active,
        "today": on,
        "notice": request.query_params.get("tb", "")[:300],
        "error": "",
        "names": NAMES,
        "all_dossiers": dossiers,
        "all_visits": visits,
    }


NAMES: dict[str, Any] = {
    "status": {str(k): v for k, v in STATUS_NAMES.items()},
    "channel": {str(c): c.label for c in Channel},
    "return_method": {str(k): v for k, v in RETURN_METHOD_NAMES.items()},
    "procedures": {p.code: p.name for p in procedures().values()},
}


MAX_ID = 2**31 - 1  # ids beyond an INTEGER column's range are simply not there


def number(text: str) -> int | None:
    """A whole number typed in a form (``"3"``), or None for anything else (``"²"``, ``"3,5"``, a huge one)."""
    text = text.strip()
    if not text or len(text) > 9 or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def owned_dossier(conn: Connection, ctx: CandidateContext, dossier_id: int) -> Dossier:
    found = store.dossier(conn, ctx.candidate.id, dossier_id) if 0 < dossier_id <= MAX_ID else None
    if found is None:
        raise WebError(404, NOT_FOUND, code="dossier_not_found")
    return found


def owned_visit(conn: Connection, ctx: CandidateContext, visit_id: int) -> Visit:
    found = store.visit(conn, ctx.candidate.id, visit_id) if 0 < visit_id <= MAX_ID else None
    if found is None:
        raise WebError(404, "Không có lượt công dân này.", code="visit_not_found")
    return found


def with_notice(url: str, notice: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'tb': notice})}"


def act(
    request: Request,
    ctx: CandidateContext,
    attempt: Callable[[Connection, Acting], Any],
    *,
    done_url: Callable[[Any], str],
    done: str,
    refused: Callable[[str], Response],
) -> Response:
    """One action in its own write transaction: on success to ``done_url(result)`` with the notice
    ``done``; refused, the page again (``refused``) with the reason and what was typed."""
    try:
        with runtime(request).db.write() as conn:
            ctx.require_open_session(conn)
            result = attempt(conn, acting(request, ctx))
    except OnestopError as exc:
        return refused(str(exc))
    return RedirectResponse(with_notice(done_url(result), done), status_code=303)
