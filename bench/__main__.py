"""`make bench`: run every benchmark and print its figures (also written to bench/results/)."""

from __future__ import annotations

import json
import platform
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import grading, log_append, signing, smtp_delivery

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    print("Action log: one append per transaction vs bare sqlite3 INSERT per transaction (WAL, synchronous=FULL)")
    result = log_append.run()
    print(result.report())
    print()
    print("SMTP listener: parse + deliver + log vs a bare aiosmtpd handler that discards (50 concurrent senders)")
    smtp = smtp_delivery.run()
    print(smtp.report(f"   ({smtp_delivery.SENDERS} concurrent senders)"))
    print()
    print(
        f"graderd: grade a sitting ({grading.CANDIDATES} candidates x {grading.TASKS} tasks) vs read+parse its events"
    )
    graded = grading.run()
    print(graded.report(f"   (grading takes {1 / graded.ratio:.2f}x the floor's time; aim <= 3)"))
    print()
    print("Signing: PAdES sign / verify of a letter vs ECDSA P-256 over the same bytes")
    signed = signing.run()
    print(signed.report())
    RESULTS.mkdir(exist_ok=True)
    record = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "log_append": log_append.summary(result),
        "smtp_delivery": smtp_delivery.summary(smtp),
        "grading": grading.summary(graded),
        "signing": signing.summary(signed),
    }
    (RESULTS / "latest.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
