"""Attempts at the ký số tasks (tasks/signing/): the leader signing at trình ký, the văn thư's
organisation signatures at phát hành, an appendix's signature, and checking the signatures of
documents received, through the same domain functions as the pages.

Where the page pre-places the signature box, the scripts take the same default; a box placed
wrongly is that default moved, as a candidate dragging it would.
"""

from __future__ import annotations

from dataclasses import replace

from mock_services.documents import outgoing, signatures, store
from mock_services.documents.domain import DocumentError
from mock_services.documents.store import Agency, Outgoing
from mock_services.signing import certificates, checking
from mock_services.signing.certificates import Refused
from mock_services.signing.domain import PIN_ATTEMPTS, Method, SignatureKind
from mock_services.signing.pades import Box
from mock_services.signing.preview import page_sizes
from mock_services.signing.store import Certificate
from sandbox.attempts.documents import (
    as_arrived,
    open_file,
    open_incoming,
    outgoing_about,
    present,
    register,
    return_document,
    switch_role,
)
from sandbox.recording import RECORDER, Attempt

# --- Helpers


def agency_of(attempt: Attempt) -> Agency:
    found = store.get_agency(attempt.conn, attempt.candidate.id)
    assert found is not None, "the task's setup makes the agency"
    return found


def my_certificates(attempt: Attempt) -> tuple[Certificate, Certificate]:
    """The candidate's personal certificate and the agency's, as the Ký số page lists them (with the PIN)."""
    personal, organisation = signatures.certificates_for(
        attempt.conn, attempt.candidate, attempt.documents_acting(), agency_of(attempt)
    )
    return personal, organisation


def by_pin(cert: Certificate) -> signatures.Confirmation:
    return signatures.Confirmation(Method.pin, cert.pin)


def default_box(attempt: Attempt, doc: Outgoing, kind: SignatureKind) -> Box:
    """Where the signing page puts the box for ``kind`` before the signer drags it."""
    return signatures.default_boxes(doc, agency_of(attempt))[kind]


def signed_ok(result: Outgoing | Refused) -> Outgoing:
    assert not isinstance(result, Refused), result.message
    return result


def leader_signs(
    attempt: Attempt, doc: Outgoing, *, box: Box | None = None, confirm: signatures.Confirmation | None = None
) -> Outgoing:
    """Ký số at trình ký: the box where the page puts it (or ``box``), confirmed with the PIN."""
    personal, _ = my_certificates(attempt)
    placed = box or default_box(attempt, doc, SignatureKind.ca_nhan)
    return signed_ok(
        signatures.sign_as_leader(
            attempt.conn, attempt.candidate, doc, placed, confirm or by_pin(personal), attempt.documents_acting()
        )
    )


def to_clerk(attempt: Attempt, doc: Outgoing) -> Outgoing:
    return outgoing.to_clerk(attempt.conn, attempt.candidate, doc, attempt.documents_acting())


def clerk_stamps(attempt: Attempt, doc: Outgoing, kind: SignatureKind, box: Box | None = None) -> Outgoing:
    """Thêm số, Thêm ngày or Đóng dấu with the agency's certificate."""
    _, organisation = my_certificates(attempt)
    placed = box or default_box(attempt, doc, kind)
    return signed_ok(
        signatures.stamp(
            attempt.conn, attempt.candidate, doc, kind, placed, by_pin(organisation), attempt.documents_acting()
        )
    )


def number(attempt: Attempt, doc: Outgoing) -> Outgoing:
    return outgoing.number(attempt.conn, attempt.candidate, doc, attempt.documents_acting())


def issue_to(attempt: Attempt, doc: Outgoing, agency_name: str) -> Outgoing:
    to = outgoing.Distribution(agencies=(agency_name,))
    return outgoing.issue(attempt.conn, attempt.candidate, doc, to, attempt.documents_acting())


def draft(attempt: Attempt) -> Outgoing:
    return outgoing_about(attempt, attempt.params["trich_yeu"])


# --- signing.leader-sign


@RECORDER.attempt("signing.leader-sign", "full.jsonl")
def leader_sign_in_full(attempt: Attempt) -> None:
    """Reads the copy sent to sign, signs where the page puts the box, sends it to the văn thư."""
    doc = draft(attempt)
    open_file(attempt, doc)
    to_clerk(attempt, leader_signs(attempt, doc))


@RECORDER.attempt("signing.leader-sign", "signed-on-paper.jsonl")
def leader_sign_on_paper(attempt: Attempt) -> None:
    """Presses Ký duyệt (approval on paper) instead of Ký số, then sends it on."""
    doc = draft(attempt)
    doc = outgoing.sign(attempt.conn, attempt.candidate, doc, attempt.documents_acting())
    to_clerk(attempt, doc)


@RECORDER.attempt("signing.leader-sign", "signature-on-the-left.jsonl")
def leader_sign_on_the_left(attempt: Attempt) -> None:
    """Drags the signature to the left margin, under the Nơi nhận, and signs there."""
    doc = draft(attempt)
    box = default_box(attempt, doc, SignatureKind.ca_nhan)
    to_clerk(attempt, leader_signs(attempt, doc, box=replace(box, x0=90.0, x1=90.0 + box.width)))


@RECORDER.attempt("signing.leader-sign", "nothing.jsonl")
def leader_sign_not_at_all(attempt: Attempt) -> None:
    """Opens the copy sent to sign, reads it and leaves it waiting."""
    open_file(attempt, draft(attempt))


@RECORDER.attempt("signing.leader-sign", "signed-not-sent.jsonl")
def leader_sign_not_sent(attempt: Attempt) -> None:
    """Signs, and forgets Chuyển văn thư."""
    leader_signs(attempt, draft(attempt))


@RECORDER.attempt("signing.leader-sign", "pin-locked.jsonl")
def leader_sign_locked(attempt: Attempt) -> None:
    """Types a wrong PIN three times: the token locks and nothing is signed."""
    doc = draft(attempt)
    personal, _ = my_certificates(attempt)
    wrong = signatures.Confirmation(Method.pin, f"{(int(personal.pin) + 1) % 10**6:06d}")
    box = default_box(attempt, doc, SignatureKind.ca_nhan)
    for _ in range(PIN_ATTEMPTS):
        acting = attempt.documents_acting()
        assert isinstance(signatures.sign_as_leader(attempt.conn, attempt.candidate, doc, box, wrong, acting), Refused)


# --- signing.approve-sign-otp


def approve(attempt: Attempt) -> Outgoing:
    doc = draft(attempt)
    open_file(attempt, doc)
    return outgoing.approve(attempt.conn, attempt.candidate, doc, "", attempt.documents_acting())


def by_otp(attempt: Attempt) -> signatures.Confirmation:
    """Gửi mã xác thực, then the code the simulated phone shows."""
    personal, _ = my_certificates(attempt)
    code = certificates.send_otp(attempt.conn, attempt.candidate, attempt.documents_acting(), personal)
    return signatures.Confirmation(Method.otp, code)


@RECORDER.attempt("signing.approve-sign-otp", "full.jsonl")
def approve_sign_otp_in_full(attempt: Attempt) -> None:
    doc = approve(attempt)
    to_clerk(attempt, leader_signs(attempt, doc, confirm=by_otp(attempt)))


@RECORDER.attempt("signing.approve-sign-otp", "by-pin.jsonl")
def approve_sign_by_pin(attempt: Attempt) -> None:
    """Confirms with the token's PIN instead of the phone's code."""
    to_clerk(attempt, leader_signs(attempt, approve(attempt)))


@RECORDER.attempt("signing.approve-sign-otp", "approved-only.jsonl")
def approve_only(attempt: Attempt) -> None:
    approve(attempt)


@RECORDER.attempt("signing.approve-sign-otp", "nothing.jsonl")
def approve_sign_otp_not_at_all(attempt: Attempt) -> None:
    open_file(attempt, draft(attempt))


# --- signing.clerk-issue


def seal_on_the_right(attempt: Attempt, doc: Outgoing) -> Box:
    """The seal dragged over the right end of the leader's signature, kept on the page."""
    signature = default_box(attempt, doc, SignatureKind.ca_nhan)
    seal = default_box(attempt, doc, SignatureKind.dau)
    width = page_sizes(current_pdf(attempt, doc))[signature.page].width
    x1 = min(width - 10.0, signature.x1 + seal.width * 0.3)
    return replace(seal, x0=x1 - seal.width, x1=x1)


def current_pdf(attempt: Attempt, doc: Outgoing) -> bytes:
    current = signatures.main_file(doc)
    return attempt.documents_acting().blobs.get(attempt.conn, current["sha256"])


def clerk_issue(attempt: Attempt, *, stamps: bool = True, seal_on_right: bool = False) -> None:
    switch_role(attempt, "vt")
    doc = draft(attempt)
    open_file(attempt, doc)
    doc = number(attempt, doc)
    if stamps:
        doc = clerk_stamps(attempt, doc, SignatureKind.so)
        doc = clerk_stamps(attempt, doc, SignatureKind.ngay)
        doc = clerk_stamps(attempt, doc, SignatureKind.dau, seal_on_the_right(attempt, doc) if seal_on_right else None)
    issue_to(attempt, doc, attempt.params["noi_nhan"])


@RECORDER.attempt("signing.clerk-issue", "full.jsonl")
def clerk_issue_in_full(attempt: Attempt) -> None:
    clerk_issue(attempt)


@RECORDER.attempt("signing.clerk-issue", "seal-on-the-right.jsonl")
def clerk_issue_seal_on_the_right(attempt: Attempt) -> None:
    """Puts the seal over the right end of the signature instead of its left third."""
    clerk_issue(attempt, seal_on_right=True)


@RECORDER.attempt("signing.clerk-issue", "issued-without-stamps.jsonl")
def clerk_issue_without_stamps(attempt: Attempt) -> None:
    """Numbers and issues the signed công văn as if it were on paper: no Thêm số, Thêm ngày, Đóng dấu."""
    clerk_issue(attempt, stamps=False)


@RECORDER.attempt("signing.clerk-issue", "nothing.jsonl")
def clerk_issue_not_at_all(attempt: Attempt) -> None:
    switch_role(attempt, "vt")
    open_file(attempt, draft(attempt))


# --- signing.sign-appendix


def appendix_of(doc: Outgoing) -> str:
    return str(next(f["sha256"] for f in doc.files if f.get("kind") == signatures.ATTACHMENT))


def sign_appendix_and_issue(attempt: Attempt, *, appendix: bool) -> None:
    switch_role(attempt, "vt")
    doc = number(attempt, draft(attempt))
    if appendix:
        _, organisation = my_certificates(attempt)
        doc = signed_ok(
            signatures.sign_appendix(
                attempt.conn,
                attempt.candidate,
                doc,
                appendix_of(doc),
                by_pin(organisation),
                attempt.documents_acting(),
            )
        )
    doc = clerk_stamps(attempt, doc, SignatureKind.dau)
    issue_to(attempt, doc, attempt.params["noi_nhan"])


@RECORDER.attempt("signing.sign-appendix", "full.jsonl")
def sign_appendix_in_full(attempt: Attempt) -> None:
    sign_appendix_and_issue(attempt, appendix=True)


@RECORDER.attempt("signing.sign-appendix", "appendix-unsigned.jsonl")
def sign_appendix_forgotten(attempt: Attempt) -> None:
    """Seals the công văn and issues it, its appendix unsigned."""
    sign_appendix_and_issue(attempt, appendix=False)


@RECORDER.attempt("signing.sign-appendix", "issued-before-signing.jsonl")
def sign_appendix_after_issuing(attempt: Attempt) -> None:
    """Numbers the công văn and presses Phát hành at once, meaning to sign the appendix and seal
    afterwards: once issued, Ký phụ lục and Đóng dấu are refused, and the appendix went out unsigned."""
    switch_role(attempt, "vt")
    doc = issue_to(attempt, number(attempt, draft(attempt)), attempt.params["noi_nhan"])
    _, organisation = my_certificates(attempt)
    acting = attempt.documents_acting()
    try:
        signatures.sign_appendix(attempt.conn, attempt.candidate, doc, appendix_of(doc), by_pin(organisation), acting)
    except DocumentError:
        pass  # "Văn bản đang ở trạng thái “Đã phát hành”, không thể thực hiện “Phát hành”."
    else:
        raise AssertionError("an issued document's appendix can no longer be signed")
    try:
        clerk_stamps(attempt, doc, SignatureKind.dau)
    except DocumentError:
        pass
    else:
        raise AssertionError("an issued document can no longer be sealed")


@RECORDER.attempt("signing.sign-appendix", "nothing.jsonl")
def sign_appendix_not_at_all(attempt: Attempt) -> None:
    switch_role(attempt, "vt")
    open_file(attempt, draft(attempt))


# --- signing.sort-incoming


def check_signatures(attempt: Attempt, number: str) -> str:
    """Kiểm tra chữ ký beside the document's file: the verdict the page shows."""
    doc = open_incoming(attempt, number)
    [file] = doc.files
    acting = attempt.documents_acting()
    data = acting.blobs.get(attempt.conn, file["sha256"])
    document = {"kind": "incoming", "id": str(doc.id)}
    report = checking.check(attempt.conn, attempt.candidate, acting, data, file["name"], document=document)
    return str(report.verdict.value)


def sort_incoming(attempt: Attempt, *, altered_reason: str, untrusted_reason: str) -> None:
    switch_role(attempt, "vt")
    params = attempt.params
    assert check_signatures(attempt, params["so_hop_le"]) == "hop_le"
    assert check_signatures(attempt, params["so_sua_doi"]) == "khong_hop_le"
    assert check_signatures(attempt, params["so_khong_tin_cay"]) == "khong_hop_le"
    doc = open_incoming(attempt, params["so_hop_le"])
    register(attempt, doc, as_arrived(doc))
    return_document(attempt, params["so_sua_doi"], altered_reason)
    return_document(attempt, params["so_khong_tin_cay"], untrusted_reason)


@RECORDER.attempt("signing.sort-incoming", "full.jsonl")
def sort_incoming_in_full(attempt: Attempt) -> None:
    sort_incoming(
        attempt,
        altered_reason="Văn bản đã bị sửa đổi sau khi ký số, chữ ký số không còn hợp lệ. Đề nghị gửi lại bản đúng.",
        untrusted_reason="Chứng thư số của chữ ký không được tin cậy (không do tổ chức cung cấp dịch vụ hợp lệ cấp).",
    )


@RECORDER.attempt("signing.sort-incoming", "vague-reasons.jsonl")
def sort_incoming_vaguely(attempt: Attempt) -> None:
    """Sorts them right, but gives the same vague reason for both returns."""
    sort_incoming(attempt, altered_reason="Văn bản không hợp lệ.", untrusted_reason="Văn bản không hợp lệ.")


@RECORDER.attempt("signing.sort-incoming", "registered-all-unchecked.jsonl")
def sort_incoming_registers_everything(attempt: Attempt) -> None:
    """Registers all three without checking a signature."""
    switch_role(attempt, "vt")
    for key in ("so_hop_le", "so_sua_doi", "so_khong_tin_cay"):
        doc = open_incoming(attempt, attempt.params[key])
        register(attempt, doc, as_arrived(doc))


@RECORDER.attempt("signing.sort-incoming", "nothing.jsonl")
def sort_incoming_not_at_all(attempt: Attempt) -> None:
    switch_role(attempt, "vt")
    open_incoming(attempt, attempt.params["so_hop_le"])


@RECORDER.attempt("signing.sort-incoming", "returned-all.jsonl")
def sort_incoming_returns_everything(attempt: Attempt) -> None:
    """Checks nothing and returns all three with one catch-all reason that names both faults."""
    switch_role(attempt, "vt")
    reason = "Văn bản có thể bị sửa đổi sau khi ký hoặc chứng thư số không tin cậy, đề nghị gửi lại."
    for key in ("so_hop_le", "so_sua_doi", "so_khong_tin_cay"):
        return_document(attempt, attempt.params[key], reason)


# --- signing.check-register


def incoming_number(attempt: Attempt) -> str:
    return f"{attempt.params['so']}/{attempt.params['gui']['symbol']}"


def check_and_register(attempt: Attempt, *, check: str = "before", leader: str | None = None) -> None:
    """As văn thư: Kiểm tra chữ ký beside the công văn's file (``before`` or ``after`` Vào sổ, or
    ``never``), Vào sổ with the form as it opens, then Trình to ``leader`` (none: not presented)."""
    switch_role(attempt, "vt")
    number = incoming_number(attempt)
    if check == "before":
        assert check_signatures(attempt, number) == "hop_le"
    doc = open_incoming(attempt, number)
    doc = register(attempt, doc, as_arrived(doc))
    if check == "after":
        assert check_signatures(attempt, number) == "hop_le"
    if leader is not None:
        present(attempt, doc, leader)


@RECORDER.attempt("signing.check-register", "full.jsonl")
def check_register_in_full(attempt: Attempt) -> None:
    check_and_register(attempt, leader=attempt.params["lanh_dao"]["key"])


@RECORDER.attempt("signing.check-register", "checked-on-signing-page.jsonl")
def check_register_on_the_signing_page(attempt: Attempt) -> None:
    """Downloads the công văn's PDF and checks it on Ký số › Kiểm tra chữ ký (an upload, not the
    button beside the file): the same file, the same verdict; then registers and presents it."""
    switch_role(attempt, "vt")
    doc = open_incoming(attempt, incoming_number(attempt))
    [file] = doc.files
    acting = attempt.documents_acting()
    data = acting.blobs.get(attempt.conn, file["sha256"])
    assert checking.check(attempt.conn, attempt.candidate, acting, data, file["name"]).verdict.value == "hop_le"
    doc = register(attempt, doc, as_arrived(doc))
    present(attempt, doc, attempt.params["lanh_dao"]["key"])


@RECORDER.attempt("signing.check-register", "registered-unchecked.jsonl")
def check_register_unchecked(attempt: Attempt) -> None:
    """Trusts the liên thông and registers without checking the signature; presents it rightly."""
    check_and_register(attempt, check="never", leader=attempt.params["lanh_dao"]["key"])


@RECORDER.attempt("signing.check-register", "checked-after-registering.jsonl")
def check_register_checked_late(attempt: Attempt) -> None:
    """Registers first and only then remembers Kiểm tra chữ ký; presents it rightly."""
    check_and_register(attempt, check="after", leader=attempt.params["lanh_dao"]["key"])


@RECORDER.attempt("signing.check-register", "not-presented.jsonl")
def check_register_not_presented(attempt: Attempt) -> None:
    """Checks and registers, and leaves it waiting to be presented."""
    check_and_register(attempt)


@RECORDER.attempt("signing.check-register", "nothing.jsonl")
def check_register_not_at_all(attempt: Attempt) -> None:
    """Switches to văn thư, opens the công văn and stops there."""
    switch_role(attempt, "vt")
    open_incoming(attempt, incoming_number(attempt))
