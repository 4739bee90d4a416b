"""`python -m graderd …`: graderd's commands. For now: serve (the health endpoint)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from graderd.app import create_grader_app
from graderd.settings import GraderSettings
from mock_services.core.db import Database
from mock_services.core.errors import SathachError
from mock_services.core.settings import describe_invalid


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graderd", description="Sát hạch's grader daemon.")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="serve graderd's HTTP API")
    serve.add_argument("--port-file", type=Path, help="write the listening port here once listening")
    args = parser.parse_args(argv)
    try:
        settings = GraderSettings()
    except ValidationError as exc:
        print(f"error: {describe_invalid(exc)}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    try:
        return _serve(settings, args.port_file)
    except SathachError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _serve(settings: GraderSettings, port_file: Path | None) -> int:
    from mock_services.core.serving import bind, serve_asgi

    db = Database(settings.resolved_database_url)
    db.check()
    app = create_grader_app(db)
    sock = bind(settings.graderd_host, settings.graderd_port, setting="SATHACH_GRADERD_PORT")
    serve_asgi(app, sock, log_level=settings.log_level, port_file=port_file)
    return 0
