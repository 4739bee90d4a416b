"""Kiểm tra chữ ký: the candidate checks a PDF's signatures; the verdict is shown and logged, so a
rubric can ask whether they checked before they accepted or returned a document."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.acting import Acting, emit
from mock_services.signing import authority
from mock_services.signing.events import PdfVerified
from mock_services.signing.verify import Report, verify_pdf


def check(
    conn: Connection,
    candidate: Candidate,
    acting: Acting,
    data: bytes,
    name: str,
    *,
    document: dict[str, Any] | None = None,
) -> Report:
    """Verify and log in one transaction (scripts, tests); pages verify outside it (``record``)."""
    report = verify_pdf(data, authority.trust(conn, acting.now))
    record(conn, candidate, acting, data, name, report, document=document)
    return report


def record(
    conn: Connection,
    candidate: Candidate,
    acting: Acting,
    data: bytes,
    name: str,
    report: Report,
    *,
    document: dict[str, Any] | None = None,
) -> None:
    """Log a check already made: the file kept, the verdicts as the candidate saw them."""
    ref = acting.blobs.put(conn, data, now=acting.now)
    signatures = [
        {
            "index": check.index,
            "signer": check.signer.name if check.signer else "",
            "serial": check.signer.serial if check.signer else "",
            "verdict": check.verdict.value,
        }
        for check in report.signatures
    ]
    event = PdfVerified(
        name=name, sha256=ref.sha256, verdict=report.verdict.value, signatures=signatures, document=document
    )
    emit(conn, candidate, acting, event, ref.sha256)
