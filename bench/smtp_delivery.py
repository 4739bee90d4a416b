"""Benchmark: messages per second through the room's SMTP listener (parse + deliver + log),
against a bare aiosmtpd handler that discards, with the same client in the same run.

Both servers run as their own processes, as in a room: ours is `python -m sandbox serve-smtp`
on a fresh SQLite database (WAL, synchronous=FULL) holding 50 candidates; the baseline is
`python -m bench.bare_smtp`, aiosmtpd's SMTP with a handler whose DATA answers 250 and keeps
nothing. One asyncio client opens 50 connections (50 concurrent senders, one per candidate)
and each sends its share of messages over its connection; the two sides alternate in rounds
so that drift in the machine's speed hits both alike. Latency is one message: MAIL FROM to
the 250 after DATA.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from bench.measure import Result, Side
from mock_services import catalog
from mock_services.core.accounts import NewCandidate
from mock_services.core.db import Database
from mock_services.core.exams import create_exam
from sandbox import roster

ROOT = Path(__file__).resolve().parent.parent
SENDERS = 50


def message(recipient: str, number: int) -> bytes:
    """A realistic official mail: Vietnamese subject and body, one small PDF-sized attachment."""
    msg = EmailMessage()
    msg["From"] = "Văn phòng UBND thành phố <vanphong@cantho.egov.test>"
    msg["To"] = recipient
    msg["Subject"] = f"Giấy mời họp giao ban công tác chuyển đổi số tháng 11/2026 (số {number})"
    msg["Message-ID"] = make_msgid(domain="cantho.egov.test")
    msg.set_content("Kính gửi các đồng chí,\n\nVăn phòng UBND thành phố trân trọng kính mời đồng chí dự họp.\n" * 8)
    msg.add_attachment(b"%PDF-1.4\n" + os.urandom(6000), maintype="application", subtype="pdf", filename="GiayMoi.pdf")
    return msg.as_bytes()


async def _command(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, line: bytes) -> bytes:
    writer.write(line)
    await writer.drain()
    return await _reply(reader)


async def _reply(reader: asyncio.StreamReader) -> bytes:
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("the server closed the connection")
        if line[3:4] != b"-":
            return line


def wire_form(data: bytes) -> bytes:
    """CRLF line endings and dot-stuffing, as DATA carries a message."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n").replace(b"\r\n.", b"\r\n..")


async def _sender(port: int, recipient: str, messages: list[bytes], latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await _reply(reader)
    await _command(reader, writer, b"EHLO bench.egov.test\r\n")
    for data in messages:
        began = time.perf_counter()
        for line in (b"MAIL FROM:<vanphong@cantho.egov.test>\r\n", f"RCPT TO:<{recipient}>\r\n".encode(), b"DATA\r\n"):
            reply = await _command(reader, writer, line)
            if reply[:1] not in (b"2", b"3"):
                raise RuntimeError(f"{line!r} answered {reply!r}")
        reply = await _command(reader, writer, data + b"\r\n.\r\n")
        if not reply.startswith(b"250"):
            raise RuntimeError(f"DATA answered {reply!r}")
        latencies.append(time.perf_counter() - began)
    await _command(reader, writer, b"QUIT\r\n")
    writer.close()


async def _blast(port: int, batches: dict[str, list[bytes]]) -> tuple[list[float], float]:
    latencies: list[float] = []
    began = time.perf_counter()
    await asyncio.gather(*(_sender(port, recipient, messages, latencies) for recipient, messages in batches.items()))
    return latencies, time.perf_counter() - began


def _start(args: list[str], env: dict[str, str], port_file: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    process = subprocess.Popen(
        [sys.executable, "-m", *args, "--port-file", str(port_file)],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while not port_file.exists() or not port_file.read_text().strip():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{args[0]} did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)
    return process, int(port_file.read_text().strip())


def _seed(data_dir: Path) -> list[str]:
    db = Database(f"sqlite:///{data_dir / 'sathach.db'}")
    catalog.prepare_schema(db)
    now = datetime.now(UTC)
    with db.write() as conn:
        exam = create_exam(conn, name="bench", starts_at=now, duration_minutes=120, seed=1, now=now)
    people = [
        NewCandidate(f"B{i:03d}", f"Thí sinh {i}", "Chuyên viên", "UBND phường", f"ts{i}@phuong-ninhkieu.egov.test")
        for i in range(SENDERS)
    ]
    roster.import_candidates(db, exam.id, people, secret=b"x" * 32, now=now)
    db.dispose()
    return [p.email for p in people]


def run(rounds: int = 3, per_sender: int = 20) -> Result:
    with tempfile.TemporaryDirectory(prefix="sathach-bench-smtp-") as tmp:
        data_dir = Path(tmp) / "var"
        data_dir.mkdir()
        recipients = _seed(data_dir)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SATHACH_")}
        env.update(
            SATHACH_DATA_DIR=str(data_dir),
            SATHACH_SMTP_PORT="0",
            SATHACH_SECRET_KEY="bench-secret-key-of-at-least-32-characters",  # noqa: S106 - a throwaway room
            SATHACH_LOG_LEVEL="warning",
        )
        ours_process, ours_port = _start(
            ["sandbox", "serve-smtp"], env, Path(tmp) / "ours.port", Path(tmp) / "ours.log"
        )
        bare_process, bare_port = _start(["bench.bare_smtp"], env, Path(tmp) / "bare.port", Path(tmp) / "bare.log")
        try:
            ours: list[float] = []
            bare: list[float] = []
            ours_time = bare_time = 0.0
            for round_number in range(rounds):
                # Built before the clock starts: the client must not be what is measured.
                batches = {
                    r: [wire_form(message(r, (round_number * SENDERS + i) * per_sender + n)) for n in range(per_sender)]
                    for i, r in enumerate(recipients)
                }
                latencies, seconds = asyncio.run(_blast(ours_port, batches))
                ours += latencies
                ours_time += seconds
                latencies, seconds = asyncio.run(_blast(bare_port, batches))
                bare += latencies
                bare_time += seconds
        finally:
            for process in (ours_process, bare_process):
                process.terminate()
                process.wait(15)
    return Result(
        Side("room SMTP (parse+deliver+log)", ours, ours_time),
        Side("bare aiosmtpd (discard)", bare, bare_time),
        ratio_label="ours / bare aiosmtpd",
        unit="msgs/s",
        digits=1,
    )


def summary(result: Result) -> dict[str, float]:
    return {
        "ours_messages_per_second": round(result.ours.per_second, 1),
        "bare_messages_per_second": round(result.bare.per_second, 1),
        "ratio": round(result.ratio, 3),
        "ours_p50_ms": round(result.ours.percentile(50) * 1e3, 2),
        "ours_p99_ms": round(result.ours.percentile(99) * 1e3, 2),
        "bare_p99_ms": round(result.bare.percentile(99) * 1e3, 2),
        "ours_mean_ms": round(statistics.fmean(result.ours.latencies) * 1e3, 2),
        "senders": SENDERS,
    }
