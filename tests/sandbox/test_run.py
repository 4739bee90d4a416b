"""`python -m sandbox run --demo` (what `make run` calls): the whole room boots, serves, and stops cleanly."""

from __future__ import annotations

import re
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import pytest

from sandbox import exam_draw
from tests.support.live import ROOT, room_env, sandbox_cli
from tests.support.room import csrf_from

pytestmark = pytest.mark.live


@dataclass
class Run:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := re.search(pattern, line):
                    return match
            if self.process.poll() is not None and not any(re.search(pattern, line) for line in self.lines):
                time.sleep(0.2)  # let the reader drain what the process printed last
                break
            time.sleep(0.05)
        raise AssertionError(f"never printed {pattern!r}:\n{self.output}")

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(30)
        if self.reader is not None:
            self.reader.join(5)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return status


def start_run(env: dict[str, str], *args: str) -> Run:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "run", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    run = Run(process)

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            run.lines.append(line.rstrip())

    run.reader = threading.Thread(target=pump, daemon=True)
    run.reader.start()
    return run


def demo_logins(run: Run) -> dict[str, str]:
    # The first boot builds two demo exams (≈ 90 task setups): slow on a busy machine.
    run.wait_for(r"Giám thị\s+giamthi", timeout=180)
    return dict(re.findall(r"SBD (\S+)\s+mật khẩu (\S+)", run.output))


def port_of(run: Run, label: str) -> int:
    return int(run.wait_for(label + r".*?:(\d+)").group(1))


def is_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_the_demo_room_boots_serves_and_stops_cleanly(tmp_path: Path) -> None:
    env = room_env(tmp_path / "var")
    run = start_run(env, "--demo")
    try:
        logins = demo_logins(run)
        room, smtp, grader = port_of(run, "Phòng thi"), port_of(run, "SMTP listener"), port_of(run, "graderd")
        assert set(logins) == {"DEMO01", "DEMO02", "DEMO03", "ONTAP01", "ONTAP02"}
        assert "Demo exam #1 (created)" in run.output
        assert "Practice exam #2 (created)" in run.output
        assert "thu.ntm@phuong-ninhkieu.egov.test" in run.output  # each candidate's mail address

        with httpx.Client(base_url=f"http://127.0.0.1:{room}", follow_redirects=False) as client:
            token = csrf_from(client.get("/dang-nhap").text)
            response = client.post(
                "/dang-nhap", data={"so_bao_danh": "DEMO01", "mat_khau": logins["DEMO01"], "csrf_token": token}
            )
            assert response.status_code == 303, response.text
            page = client.get("/bai-thi").text
            assert "Nguyễn Thị Minh Thư" in page
            assert "Thời gian còn lại" in page  # the demo exam starts when the room boots
            blueprint = exam_draw.load(ROOT / "tasks").blueprint(exam_draw.DEFAULT_BLUEPRINT)
            assert page.count('<article class="card task"') == blueprint.tasks_per_paper  # the paper drawn for DEMO01

        health = httpx.get(f"http://127.0.0.1:{grader}/health").json()
        assert health["ok"] is True
        assert health["log_head_seq"] >= 10  # 9 assignments and one login

        with smtplib.SMTP("127.0.0.1", smtp, timeout=10) as client:
            code, _ = client.ehlo("test.egov.test")
            assert code == 250
            client.mail("someone@egov.test")
            code, message = client.rcpt("thu.ntm@phuong-ninhkieu.egov.test")
            assert code == 250, message  # a demo candidate's mailbox
            code, message = client.rcpt("nobody@phuong-ninhkieu.egov.test")
            assert code == 550, message
    finally:
        status = run.interrupt()
    assert status == 0, run.output
    assert "Room stopped." in run.output
    assert is_closed(room)
    assert is_closed(grader)
    assert is_closed(smtp)


def test_a_second_run_reuses_the_room_and_reset_starts_afresh(tmp_path: Path) -> None:
    env = room_env(tmp_path / "var")
    first = start_run(env, "--demo")
    try:
        logins = demo_logins(first)
    finally:
        assert first.interrupt() == 0, first.output

    second = start_run(env, "--demo")
    try:
        assert demo_logins(second) == logins
        assert "Demo exam #1 (reused)" in second.output
        assert "Practice exam #2 (reused)" in second.output
        assert "schema current" in second.output
    finally:
        assert second.interrupt() == 0, second.output

    third = start_run(env, "--demo", "--reset")
    try:
        fresh = demo_logins(third)
        assert "Demo exam #1 (created)" in third.output
        assert fresh != logins
    finally:
        assert third.interrupt() == 0, third.output


def test_a_port_in_use_stops_the_boot_with_one_sentence(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = sandbox_cli("run", "--demo", env=room_env(tmp_path / "var", SATHACH_GRADERD_PORT=str(port)))
    assert result.returncode == 2
    assert f"error: Port {port} on 127.0.0.1 is already in use by another program" in result.stderr
    assert "SATHACH_GRADERD_PORT" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "is running" not in result.stdout


def test_ctrl_c_while_the_room_is_starting_stops_every_server(tmp_path: Path) -> None:
    env = room_env(tmp_path / "var")
    run = start_run(env, "--demo")
    run.wait_for(r"schema created")
    time.sleep(0.3)  # the servers are starting, not yet all listening
    status = run.interrupt()
    assert status == 0, run.output
    assert "Traceback" not in run.output
    assert "Room stopped." in run.output
    assert not processes_mentioning(str(tmp_path)), "servers still running"


def processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended while we looked
        if text in args:
            found.append(args)
    return found
