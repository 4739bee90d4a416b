"""`python -m sandbox run`: boot the whole room and stop it cleanly.

Three processes: the room server (portal and services), the SMTP listener and graderd. The
supervisor checks everything it can before starting any of them (database, schema, ports),
prefixes their output with their name, and on Ctrl-C (or when one of them dies) stops all
three and waits for them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from mock_services.core.errors import SathachError

READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


class BootError(SathachError):
    """A server of the room did not come up."""


@dataclass
class Child:
    name: str
    argv: list[str]
    port_file: Path
    process: subprocess.Popen[bytes] | None = None
    lines: list[str] = field(default_factory=list)

    def start(self, env: dict[str, str], out: IO[str]) -> None:
        self.port_file.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [*self.argv, "--port-file", str(self.port_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # Ctrl-C reaches the supervisor only; it stops the children in order
        )
        threading.Thread(target=self._pump, args=(out,), daemon=True).start()

    def _pump(self, out: IO[str]) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            self.lines.append(line)
            print(f"[{self.name}] {line}", file=out, flush=True)

    def port(self) -> int | None:
        try:
            return int(self.port_file.read_text(encoding="ascii"))
        except (FileNotFoundError, ValueError):
            return None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_room(
    run_dir: Path,
    on_ready: Callable[[dict[str, int]], None],
    *,
    env: dict[str, str] | None = None,
    out: IO[str] = sys.stdout,
) -> int:
    """Start the three servers, call ``on_ready`` with their ports, and run until Ctrl-C or SIGTERM
    (exit 0) or until a server dies (exit 1). However it ends, even during start-up, every server
    is stopped and waited for before this returns."""
    stopping = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    children = _children(run_dir)
    try:
        environment = dict(os.environ if env is None else env)
        for child in children:
            child.start(environment, out)
        if not _wait_until_listening(children, stopping):
            return 0
        on_ready({child.name: child.port() or 0 for child in children})
        while not stopping.wait(0.2):
            dead = [child for child in children if not child.alive()]
            if dead:
                print(f"The {dead[0].name} server stopped unexpectedly; stopping the room.", file=sys.stderr)
                return 1
        return 0
    finally:
        if any(child.process is not None for child in children):
            print("Stopping the room…", file=out, flush=True)
            shutdown(children)
            print("Room stopped.", file=out, flush=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _children(run_dir: Path) -> list[Child]:
    run_dir.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    return [
        Child("room", [python, "-m", "sandbox", "serve-room"], run_dir / "room.port"),
        Child("smtp", [python, "-m", "sandbox", "serve-smtp"], run_dir / "smtp.port"),
        Child("graderd", [python, "-m", "graderd", "serve"], run_dir / "graderd.port"),
    ]


def _wait_until_listening(children: list[Child], stopping: threading.Event) -> bool:
    """True once every server listens; False if asked to stop first; BootError if one fails."""
    deadline = time.monotonic() + READY_TIMEOUT
    while any(child.port() is None for child in children):
        if stopping.is_set():
            return False
        dead = [child for child in children if not child.alive()]
        if dead or time.monotonic() > deadline:
            culprit = dead[0] if dead else next(c for c in children if c.port() is None)
            last = culprit.lines[-1] if culprit.lines else "(no output)"
            state = "stopped" if dead else f"did not start listening within {READY_TIMEOUT:.0f} s"
            raise BootError(f"The {culprit.name} server {state}: {last}")
        time.sleep(0.05)
    return True


def shutdown(children: list[Child]) -> None:
    for child in children:
        child.stop()
    for child in children:
        child.wait(STOP_TIMEOUT)
