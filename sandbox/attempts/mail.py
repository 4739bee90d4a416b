"""Attempts at the mail tasks (tasks/mail/): what a candidate does in the webmail, step by step."""

from __future__ import annotations

from mock_services.mail import mailbox
from mock_services.mail.mailbox import Outgoing
from sandbox.recording import RECORDER, Attempt

ORGANISERS = "bantochuc@sonoivu.cantho.egov.test"


@RECORDER.attempt("mail.send-report", "full.jsonl")
def send_report_in_full(attempt: Attempt) -> None:
    """Opens the office's mail, forwards its attachment to the organisers with the leader in Cc."""
    original = attempt.message("báo cáo kết quả chuyển đổi số")
    mailbox.open_message(attempt.conn, attempt.candidate, original, attempt.acting())
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=[ORGANISERS],
            cc=[attempt.params["leader"]["email"]],
            bcc=[],
            subject=f"Báo cáo kết quả chuyển đổi số năm 2026 – {attempt.candidate.ho_ten}",
            body="Kính gửi Ban Tổ chức,\nĐơn vị xin gửi báo cáo kết quả chuyển đổi số năm 2026.\nTrân trọng.",
            kind="forward",
            original=original,
            kept=list(original.attachments),
        ),
        attempt.acting(),
    )


@RECORDER.attempt("mail.send-report", "no-cc-no-attachment.jsonl")
def send_report_without_cc_or_file(attempt: Attempt) -> None:
    """A new message to the organisers only, subject typed without diacritics' care, no file."""
    mailbox.send(
        attempt.conn,
        attempt.candidate,
        Outgoing(
            to=[ORGANISERS],
            cc=[],
            bcc=[],
            subject=f"báo cáo kết quả chuyển đổi số năm 2026 –  {attempt.candidate.ho_ten.upper()}",
            body="Gửi Ban Tổ chức báo cáo của đơn vị.",
        ),
        attempt.acting(),
    )


@RECORDER.attempt("mail.send-report", "nothing.jsonl")
def send_report_not_at_all(attempt: Attempt) -> None:
    """Reads the office's mail and stops there."""
    mailbox.open_message(attempt.conn, attempt.candidate, attempt.message("chuyển đổi số"), attempt.acting())
