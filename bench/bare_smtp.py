"""The baseline of the SMTP benchmark: aiosmtpd's SMTP with a handler that keeps nothing.

Served exactly as the room's listener is (same socket binding, same event loop), so the
difference measured is our policy, parsing, delivery and logging.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from mock_services.core.serving import bind, serve_smtp


class DiscardHandler:
    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return "250 OK"


def factory() -> Any:
    handler = DiscardHandler()
    return lambda: SMTP(handler, hostname="bench.egov.test", data_size_limit=25 * 1024 * 1024)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", type=Path)
    args = parser.parse_args()
    serve_smtp(factory(), bind("127.0.0.1", 0, setting="bench"), port_file=args.port_file)


if __name__ == "__main__":
    main()
