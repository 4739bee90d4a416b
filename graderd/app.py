"""graderd's web application: the health check, the grader API (``graderd.api``) and the grader
pages (``graderd.pages``), with the daemon following the log while it serves."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from graderd import __version__, api, pages
from graderd.daemon import Grader
from graderd.spec.model import TaskSpec
from graderd.store import ensure_tables
from mock_services.contract import head_seq
from mock_services.core.db import Database
from mock_services.core.errors import WebError
from mock_services.core.migrations import check_schema

log = logging.getLogger("graderd")


def create_grader_app(db: Database, *, bank: Iterable[TaskSpec], token: str) -> FastAPI:
    """The app; ``app.state.grader`` is the daemon, which whoever serves the app starts
    (``following``) so that serving and following stop together."""
    check_schema(db)
    ensure_tables(db)
    grader = Grader(db, bank)
    app = FastAPI(title="Sát hạch: graderd", version=__version__, docs_url=None, redoc_url=None)
    app.state.grader = grader
    app.state.token = token
    app.include_router(api.router)
    app.include_router(pages.router)
    _error_handlers(app)

    @app.get("/health")
    def health() -> JSONResponse:
        """Up, and reading the log: its head seq and how far grading has reached. 503 without a database."""
        try:
            with db.read() as conn:
                head = head_seq(conn)
        except SQLAlchemyError:
            return JSONResponse(
                {"ok": False, "service": "graderd", "version": __version__, "database": "unavailable"},
                status_code=503,
            )
        return JSONResponse(
            {
                "ok": True,
                "service": "graderd",
                "version": __version__,
                "database": "ok",
                "log_head_seq": head,
                "graded_to_seq": grader.position,
                "tasks": len(grader.bank),
            }
        )

    return app


@contextmanager
def following(grader: Grader) -> Iterator[threading.Thread]:
    """The daemon follows the log in a thread for as long as the block runs."""
    stop = threading.Event()
    thread = threading.Thread(target=grader.follow, args=(stop,), name="graderd-follow", daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(timeout=5)


def _error_handlers(app: FastAPI) -> None:
    def respond(request: Request, error: WebError) -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/health":
            return JSONResponse(error.body(), status_code=error.status, headers=error.headers)
        if error.status == 401:
            return RedirectResponse("/", status_code=303)
        return pages.error_page(request, error)

    @app.exception_handler(WebError)
    async def on_web_error(request: Request, exc: WebError) -> Response:
        return respond(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return respond(request, WebError(exc.status_code))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        return respond(request, WebError(422))

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("graderd: %s %s failed", request.method, request.url.path)
        return respond(request, WebError(500, "graderd gặp sự cố khi xử lý yêu cầu; xem nhật ký của graderd."))
