"""The web shell every service page shares: run-time state, templates, CSRF, client address.

Templates live in each package's ``templates/<package>/`` folder and extend
``core/shell.html``; a service adds its folder with ``add_template_dir``. Every form carries
``{{ csrf_field() }}``; every unsafe request is checked by ``csrf_protect``, installed once
for the whole app, so no route can forget it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from mock_services.core.blobs import BlobStore
from mock_services.core.clock import Clock
from mock_services.core.db import Database
from mock_services.core.errors import WebError
from mock_services.core.formatting import day, points
from mock_services.core.ratelimit import LoginThrottle
from mock_services.core.services import ServiceEntry
from mock_services.core.sessions import SessionPolicy
from mock_services.core.settings import RoomSettings

CANDIDATE_COOKIE = "sh_session"
OPERATOR_COOKIE = "sh_giamthi"
OPERATOR_PREFIX = "/giam-thi"
ANON_COOKIE = "sh_anon"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class RoomRuntime:
    """What a request needs from the running room; one per app, in ``app.state.room``."""

    settings: RoomSettings
    db: Database
    clock: Clock
    blobs: BlobStore
    throttle: LoginThrottle
    session_policy: SessionPolicy
    secret: bytes
    tz: ZoneInfo
    services: tuple[ServiceEntry, ...] = ()

    @classmethod
    def build(
        cls, settings: RoomSettings, db: Database, clock: Clock, services: tuple[ServiceEntry, ...] = ()
    ) -> RoomRuntime:
        return cls(
            services=services,
            settings=settings,
            db=db,
            clock=clock,
            blobs=BlobStore(settings.blob_max_bytes),
            throttle=LoginThrottle.of_room(settings),
            session_policy=SessionPolicy(
                idle=timedelta(minutes=settings.session_idle_minutes),
                max_age=timedelta(hours=settings.session_max_hours),
            ),
            secret=settings.secret(),
            tz=ZoneInfo(settings.timezone),
        )


def runtime(request: Request) -> RoomRuntime:
    room: RoomRuntime = request.app.state.room
    return room


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# --- CSRF: a token bound to the browser's session cookie (or, before login, its anonymous cookie)


def csrf_binding(request: Request) -> str | None:
    cookies = request.cookies
    if request.url.path.startswith(OPERATOR_PREFIX) and OPERATOR_COOKIE in cookies:
        return "operator:" + cookies[OPERATOR_COOKIE]
    if CANDIDATE_COOKIE in cookies:
        return "candidate:" + cookies[CANDIDATE_COOKIE]
    if ANON_COOKIE in cookies:
        return "anon:" + cookies[ANON_COOKIE]
    return None


def csrf_token_for(secret: bytes, binding: str) -> str:
    digest = hmac.new(secret, b"csrf:" + binding.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def csrf_token(request: Request) -> str:
    binding = csrf_binding(request)
    return "" if binding is None else csrf_token_for(runtime(request).secret, binding)


def csrf_failed() -> WebError:
    return WebError(
        403,
        "Biểu mẫu đã hết hiệu lực (có thể bạn vừa đăng nhập hoặc đăng xuất ở thẻ khác). "
        "Vui lòng tải lại trang rồi thao tác lại.",
        code="csrf_failed",
    )


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: every unsafe request must carry the token of its browser's cookie."""
    if request.method in _SAFE_METHODS:
        return
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)
            presented = value if isinstance(value, str) else None
    expected = csrf_token(request)
    if not presented or not expected or not hmac.compare_digest(presented, expected):
        raise csrf_failed()


# --- Templates


_template_dirs: list[Path] = [Path(__file__).parent / "templates"]
_loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(_template_dirs[0]))]
_loader = jinja2.ChoiceLoader(_loaders)  # keeps this very list, so appending adds a loader
templates = Jinja2Templates(env=jinja2.Environment(loader=_loader, autoescape=True, undefined=jinja2.StrictUndefined))


def add_template_dir(path: Path) -> None:
    """Let a package's ``templates/`` folder serve templates (named ``<package>/<page>.html``)."""
    if path not in _template_dirs:
        _template_dirs.append(path)
        _loaders.append(jinja2.FileSystemLoader(str(path)))


@jinja2.pass_context
def _csrf_field(context: dict[str, Any]) -> Markup:
    token = csrf_token(context["request"])
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


@jinja2.pass_context
def _local(context: dict[str, Any], value: datetime, fmt: str = "%H:%M ngày %d/%m/%Y") -> str:
    """A UTC time shown in the room's time zone."""
    return value.astimezone(runtime(context["request"]).tz).strftime(fmt)


templates.env.globals["csrf_field"] = _csrf_field
templates.env.filters["local"] = _local
templates.env.filters["points"] = points
templates.env.filters["day"] = day


def stored_file(data: bytes, name: str) -> Response:
    """A stored file as the browser gets it: a PDF shown in place, anything else downloaded, under its name."""
    is_pdf = data.startswith(b"%PDF-")
    disposition = "inline" if is_pdf else "attachment"
    return Response(
        data,
        media_type="application/pdf" if is_pdf else "application/octet-stream",
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name, safe='')}"},
    )


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)
