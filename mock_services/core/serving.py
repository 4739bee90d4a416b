"""Serving one server of the room on a socket we bind ourselves.

Binding before handing the socket to uvicorn or asyncio lets us say, in one sentence, why a
port cannot be used, and learn the real port when port 0 asked for a free one. When the
server is listening, its port is written to ``--port-file`` (tests and the supervisor wait
for that file).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import signal
import socket
from pathlib import Path
from typing import Any

import uvicorn

from mock_services.core.errors import SathachError


class PortUnavailable(SathachError):
    """A host:port pair cannot be listened on."""


def bind(host: str, port: int, *, setting: str) -> socket.socket:
    """A listening TCP socket on ``host:port``, or ``PortUnavailable`` saying why and what to change."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortUnavailable(
                f"Port {port} on {host} is already in use by another program: stop that program, "
                f"or choose another port with {setting}=<port>."
            ) from None
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
            raise PortUnavailable(
                f"{host} is not an address of this machine: set {setting.replace('PORT', 'HOST')} "
                "to 127.0.0.1 or to the address of the room's network card."
            ) from None
        if exc.errno == errno.EACCES:
            raise PortUnavailable(
                f"Port {port} on {host} needs administrator rights: choose a port above 1023 with {setting}=<port>."
            ) from None
        raise PortUnavailable(f"Cannot listen on {host}:{port}: {exc.strerror}.") from None
    sock.listen(2048)
    return sock


def port_check(host: str, port: int, *, setting: str) -> None:
    """Fail now, before anything starts, if ``host:port`` cannot be listened on."""
    if port != 0:
        bind(host, port, setting=setting).close()


def announce(sock: socket.socket, port_file: Path | None) -> int:
    port = int(sock.getsockname()[1])
    if port_file is not None:
        draft = port_file.with_suffix(".tmp")
        draft.write_text(str(port), encoding="ascii")
        os.replace(draft, port_file)  # atomic: a reader never sees half a number
    return port


class _AnnouncingServer(uvicorn.Server):
    """A uvicorn server that writes its port file once it has started (and handles SIGTERM)."""

    def __init__(self, config: uvicorn.Config, sock: socket.socket, port_file: Path | None) -> None:
        super().__init__(config)
        self._sock = sock
        self._port_file = port_file

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            announce(self._sock, self._port_file)


def serve_asgi(app: Any, sock: socket.socket, *, log_level: str, port_file: Path | None) -> None:
    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off", timeout_graceful_shutdown=5)
    server = _AnnouncingServer(config, sock, port_file)
    # uvicorn re-raises SIGINT/SIGTERM once it has shut down gracefully, to die of the signal;
    # with its own handler left in place, the re-raised signal is a no-op and we exit with 0.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, server.handle_exit)
    server.run(sockets=[sock])


def serve_smtp(factory: Any, sock: socket.socket, *, port_file: Path | None) -> None:
    log = logging.getLogger("sathach.smtp")

    async def main() -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        server = await loop.create_server(factory, sock=sock)
        port = announce(sock, port_file)
        log.info("SMTP listener on %s:%d", sock.getsockname()[0], port)
        await stop.wait()
        server.close()
        await server.wait_closed()

    asyncio.run(main())
