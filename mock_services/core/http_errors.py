"""Turning errors into responses: one JSON shape for APIs, Vietnamese pages for browsers.

No stack trace, exception name or SQL ever reaches the client: unexpected errors are logged
on the server with their traceback and answered with a generic 500 page.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from mock_services.core.db import BUSY_ERRORS
from mock_services.core.errors import WebError
from mock_services.core.middleware import add_security_headers
from mock_services.core.web import OPERATOR_PREFIX, render

log = logging.getLogger("sathach.errors")


class LoginRequired(WebError):
    """No usable session: browsers go to the login page, which says why (``reason``)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(401, message, code="not_authenticated")
        self.reason = reason


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", OPERATOR_PREFIX + "/api/")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, error: WebError) -> Response:
    if wants_json(request):
        return JSONResponse(error.body(), status_code=error.status, headers=error.headers or None)
    if isinstance(error, LoginRequired):
        login = OPERATOR_PREFIX + "/dang-nhap" if request.url.path.startswith(OPERATOR_PREFIX) else "/dang-nhap"
        query = {"ly_do": error.reason}
        if request.method == "GET":
            query["tiep"] = request.url.path
        return RedirectResponse(f"{login}?{urlencode(query)}", status_code=303)
    response = render(request, "core/error.html", {"error": error}, status_code=error.status)
    response.headers.update(error.headers)
    return response


async def _on_web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    return error_response(request, exc)


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    # Starlette's own details are English and technical; the user gets our sentence for the status.
    return error_response(request, WebError(exc.status_code, headers=dict(exc.headers or {})))


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"field": ".".join(str(part) for part in error.get("loc", ())), "problem": error.get("type", "")}
        for error in exc.errors()
    ]
    return error_response(request, WebError(422, details=details))


async def _on_database_busy(request: Request, exc: Exception) -> Response:
    log.error("database error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        request,
        WebError(503, "Hệ thống đang bận, chưa lưu được thao tác của bạn. Vui lòng thử lại sau giây lát."),
    )


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    response = error_response(request, WebError(500))
    # Starlette answers unexpected errors outside every middleware, the security headers' too.
    add_security_headers(response.headers)
    return response


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(WebError, _on_web_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    for busy in BUSY_ERRORS:
        app.add_exception_handler(busy, _on_database_busy)
    app.add_exception_handler(Exception, _on_unexpected)
