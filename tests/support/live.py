"""Real servers of the room as subprocesses on free loopback ports, with their output at hand.

A server binds port 0 and writes the port it got to a file; the test waits for that file. If
the server dies or never listens, the failure message carries everything it printed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    argv: list[str]
    env: dict[str, str]
    workdir: Path
    name: str = "server"
    process: subprocess.Popen[bytes] | None = None
    port: int = 0
    _log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._log = self.workdir / f"{self.name}.out"

    @property
    def port_file(self) -> Path:
        return self.workdir / f"{self.name}.port"

    def start(self, timeout: float = 30.0) -> LiveServer:
        self.port_file.unlink(missing_ok=True)
        with self._log.open("ab") as out:
            self.process = subprocess.Popen(
                [*self.argv, "--port-file", str(self.port_file)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=ROOT,
            )
        deadline = time.monotonic() + timeout
        while not self.port_file.exists():
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.process.returncode}:\n{self.output()}")
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"{self.name} did not listen within {timeout} s:\n{self.output()}")
            time.sleep(0.02)
        self.port = int(self.port_file.read_text())
        return self

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def output(self) -> str:
        return self._log.read_text(errors="replace") if self._log.exists() else "(no output)"

    def stop(self) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def room_env(data_dir: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    """Environment of a room whose servers all pick free ports."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SATHACH_")}
    env.update(
        {
            "SATHACH_DATA_DIR": str(data_dir),
            "SATHACH_DATABASE_URL": database_url,
            "SATHACH_PORT": "0",
            "SATHACH_SMTP_PORT": "0",
            "SATHACH_GRADERD_PORT": "0",
            "SATHACH_SECRET_KEY": "test-secret-key-of-at-least-32-characters",
            "SATHACH_LOG_LEVEL": "warning",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def room_server(workdir: Path, env: dict[str, str]) -> LiveServer:
    return LiveServer([sys.executable, "-m", "sandbox", "serve-room"], env, workdir, name="room")


def smtp_server(workdir: Path, env: dict[str, str]) -> LiveServer:
    return LiveServer([sys.executable, "-m", "sandbox", "serve-smtp"], env, workdir, name="smtp")


def graderd_server(workdir: Path, env: dict[str, str]) -> LiveServer:
    return LiveServer([sys.executable, "-m", "graderd", "serve"], env, workdir, name="graderd")


def sandbox_cli(*args: str, env: dict[str, str], input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=input_text,
        timeout=120,
        check=False,
    )
