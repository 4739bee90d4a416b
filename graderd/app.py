"""graderd's HTTP API. Until the grading issue lands it answers one question: is graderd up,
and how far does the action log it would grade reach?"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from graderd import __version__
from mock_services.contract import head_seq
from mock_services.core.db import Database
from mock_services.core.migrations import check_schema


def create_grader_app(db: Database) -> FastAPI:
    check_schema(db)
    app = FastAPI(title="Sát hạch: graderd", version=__version__, docs_url=None, redoc_url=None)

    @app.get("/health")
    def health() -> JSONResponse:
        """Up, and reading the log: its head seq. 503 when the database does not answer."""
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
                "grading": "not yet available: task specs and the grading engine arrive with the grader issue",
            }
        )

    return app
