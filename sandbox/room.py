"""The room server's ASGI app: the portal, the mock services and the proctor pages, wired together."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

import mock_services.core
from mock_services import catalog
from mock_services.core.clock import Clock, utcnow
from mock_services.core.db import Database
from mock_services.core.http_errors import install_error_handlers
from mock_services.core.middleware import AnonymousCookieMiddleware, BodyLimitMiddleware, SecurityHeadersMiddleware
from mock_services.core.services import SERVICE_TITLES, ServiceEntry
from mock_services.core.settings import RoomSettings
from mock_services.core.web import RoomRuntime, csrf_protect
from mock_services.documents import web as documents_web
from mock_services.documents import web_incoming as documents_incoming
from mock_services.documents import web_outgoing as documents_outgoing
from mock_services.documents import web_signing as documents_signing
from mock_services.mail import web as mail_web
from mock_services.mail import web_compose as mail_compose
from mock_services.mail import web_options as mail_options
from mock_services.onestop import web as onestop_web
from mock_services.portal import web as portal_web
from mock_services.signing import web as signing_web
from sandbox.proctor import draw as proctor_draw
from sandbox.proctor import web as proctor_web

STATIC_DIR = Path(mock_services.core.__file__).parent / "static"

# A form may carry the largest file the blob store takes, plus its other fields.
FORM_OVERHEAD_BYTES = 1024 * 1024

# The services candidates work in, as the portal's navigation lists them. Each service issue
# adds its entry here together with its router.
SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry(
        key="mail",
        title=SERVICE_TITLES["mail"],
        url="/thu",
        description="Hộp thư công vụ: nhận, đọc, soạn, trả lời, chuyển tiếp thư; thư mục, chữ ký, trả lời tự động.",
    ),
    ServiceEntry(
        key="documents",
        title=SERVICE_TITLES["documents"],
        url="/van-ban",
        description="Văn bản đến: vào sổ, trình, bút phê, chuyển xử lý; "
        "văn bản đi: dự thảo, duyệt, ký, cấp số, phát hành.",
    ),
    ServiceEntry(
        key="signing",
        title=SERVICE_TITLES["signing"],
        url="/ky-so",
        description="Chứng thư số, mã PIN, kiểm tra chữ ký số trên tệp PDF; ký số văn bản đi ngay trong luồng văn bản.",
    ),
    ServiceEntry(
        key="onestop",
        title=SERVICE_TITLES["onestop"],
        url="/mot-cua",
        description="Bộ phận Một cửa: tiếp nhận hồ sơ trực tiếp và trực tuyến, yêu cầu bổ sung, từ chối, "
        "chuyển xử lý, trả kết quả, hồ sơ quá hạn và phiếu xin lỗi, hẹn lại.",
    ),
)


def create_room_app(settings: RoomSettings, *, db: Database | None = None, clock: Clock = utcnow) -> FastAPI:
    """Build the room server. The database must already carry the current schema."""
    db = db or Database(settings.resolved_database_url)
    catalog.check_schema(db)
    app = FastAPI(
        title="Sát hạch: phòng thi",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf_protect)],
    )
    app.state.room = RoomRuntime.build(settings, db, clock, SERVICES)
    app.add_middleware(AnonymousCookieMiddleware, secure=settings.cookie_secure)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.blob_max_bytes + FORM_OVERHEAD_BYTES)
    app.add_middleware(SecurityHeadersMiddleware)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(portal_web.router)
    # Compose and options first: the folder route /thu/{slug} would otherwise shadow them.
    app.include_router(mail_compose.router)
    app.include_router(mail_options.router)
    app.include_router(mail_web.router)
    # A document's own page (/den/{id}) before the lists (/den/{slug}).
    app.include_router(documents_incoming.router)
    # Ký số before the outgoing document's action route (/van-ban/di/{id}/{step}) would take it.
    app.include_router(documents_signing.router)
    app.include_router(documents_outgoing.router)
    app.include_router(documents_web.router)
    app.include_router(signing_web.router)
    app.include_router(onestop_web.router)
    app.include_router(proctor_web.router)
    app.include_router(proctor_draw.router)
    return app
