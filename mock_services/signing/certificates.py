"""Certificates in a candidate's tenant: issued on first need, confirmed with a PIN (three wrong
in a row lock the token until the proctor unlocks it) or an OTP, revoked into the room's CRL.

A refused PIN is a change too (the count, perhaps the lock), so ``check_pin`` records it and
returns the refusal instead of raising: the caller's transaction must commit it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.acting import Acting, emit
from mock_services.signing import authority, pki, store
from mock_services.signing.domain import (
    OTP_SECONDS,
    CertificateStatus,
    SigningError,
    after_wrong_pin,
    require_usable,
)
from mock_services.signing.events import (
    CertificateEvent,
    CertificateIssued,
    CertificateRevoked,
    CertificateUnlocked,
    OtpSent,
    PinAccepted,
    PinRejected,
)
from mock_services.signing.store import Certificate

VALIDITY = dt.timedelta(days=365 * 2)
CANDIDATE = "candidate"  # owner of the candidate's own personal certificate
AGENCY = "agency"  # owner of the agency's organisation certificate


@dataclass(frozen=True)
class Holding:
    """Who a certificate is for."""

    owner: str
    holder: pki.Holder
    name: str
    organization: str
    unit: str | None = None
    candidate_holds: bool = False


def _uid(candidate: Candidate, owner: str) -> str | None:
    """A synthetic CCCD for a person (092 is Cần Thơ's code): never a real one."""
    if owner == AGENCY:
        return None
    digits = (candidate.id * 7919 + sum(map(ord, owner)) * 104729) % 10**9
    return f"CCCD:092{digits:09d}"


def _pin(conn: Connection, candidate: Candidate) -> str:
    """The candidate's token PIN: one for every certificate they hold, chosen at the first."""
    held = [cert for cert in store.certificates_of(conn, candidate.id) if cert.candidate_holds]
    return held[0].pin if held else f"{secrets.randbelow(10**6):06d}"


def log_certificate(
    conn: Connection,
    candidate: Candidate,
    acting: Acting,
    cert: Certificate,
    make: type[CertificateEvent],
    **data: object,
) -> None:
    ca = authority.authority(conn, acting.now)
    cert_sha = acting.blobs.put(conn, cert.cert, now=acting.now).sha256
    chain = authority.chain_blobs(conn, acting.blobs, ca, acting.now)
    emit(conn, candidate, acting, make(**data, after=cert.state(cert_sha256=cert_sha, chain=chain)), str(cert.id))


def issue(conn: Connection, candidate: Candidate, acting: Acting, holding: Holding) -> Certificate:
    ca = authority.authority(conn, acting.now)
    subject = pki.Subject(
        holding.holder,
        holding.name,
        organization=holding.organization,
        unit=holding.unit,
        uid=_uid(candidate, holding.owner) if holding.holder is pki.Holder.ca_nhan else None,
    )
    made = pki.issue(ca.ca, subject, not_before=acting.now - dt.timedelta(days=1), not_after=acting.now + VALIDITY)
    cert = store.add_certificate(
        conn,
        candidate_id=candidate.id,
        holder=holding.holder.value,
        owner=holding.owner,
        name=holding.name,
        organization=holding.organization,
        serial=made.serial,
        cert=made.cert_der(),
        key=made.key_pem(),
        pin=_pin(conn, candidate) if holding.candidate_holds else f"{secrets.randbelow(10**6):06d}",
        failed_pins=0,
        status=CertificateStatus.hoat_dong.value,
        issued_at=acting.now,
        candidate_holds=holding.candidate_holds,
    )
    crl_sha = acting.blobs.put(conn, authority.crl(conn, ca, acting.now), now=acting.now).sha256
    log_certificate(conn, candidate, acting.as_system(), cert, CertificateIssued, crl_sha256=crl_sha)
    return cert


def ensure(conn: Connection, candidate: Candidate, acting: Acting, holding: Holding) -> Certificate:
    """The holder's certificate in this tenant, issued now if there is none (or only a revoked one)."""
    found = store.certificate_of(conn, candidate.id, holding.owner)
    if found is not None and found.status is not CertificateStatus.thu_hoi:
        return found
    return issue(conn, candidate, acting, holding)


@dataclass(frozen=True)
class Refused:
    """A confirmation that failed; the message is for the candidate, the change is recorded."""

    message: str


def check_pin(
    conn: Connection, candidate: Candidate, acting: Acting, cert: Certificate, pin: str
) -> Certificate | Refused:
    require_usable(cert.status)
    if not pin.strip():
        raise SigningError("Vui lòng nhập mã PIN của chứng thư số.")
    if hmac.compare_digest(pin.strip().encode(), cert.pin.encode()):
        if cert.failed_pins:
            cert = store.update_certificate(conn, cert, failed_pins=0)
            log_certificate(conn, candidate, acting, cert, PinAccepted)
        return cert
    failed, locked, message = after_wrong_pin(cert.failed_pins)
    status = CertificateStatus.bi_khoa if locked else cert.status
    cert = store.update_certificate(conn, cert, failed_pins=failed, status=status.value)
    log_certificate(conn, candidate, acting, cert, PinRejected, locked=locked)
    return Refused(message)


def send_otp(conn: Connection, candidate: Candidate, acting: Acting, cert: Certificate) -> str:
    """A six-digit code for the simulated phone, valid for two minutes."""
    require_usable(cert.status)
    code = f"{secrets.randbelow(10**6):06d}"
    cert = store.update_certificate(conn, cert, otp=code, otp_expires=acting.now + dt.timedelta(seconds=OTP_SECONDS))
    log_certificate(conn, candidate, acting, cert, OtpSent)
    return code


def check_otp(conn: Connection, acting: Acting, cert: Certificate, code: str) -> Certificate:
    require_usable(cert.status)
    if not code.strip():
        raise SigningError("Vui lòng nhập mã xác thực (OTP) hiển thị trên điện thoại.")
    if cert.otp is None or cert.otp_expires is None or acting.now > cert.otp_expires:
        raise SigningError("Mã xác thực đã hết hạn hoặc chưa được gửi. Hãy bấm “Gửi mã xác thực” để nhận mã mới.")
    if not hmac.compare_digest(code.strip().encode(), cert.otp.encode()):
        raise SigningError("Mã xác thực không đúng. Hãy nhập đúng mã hiển thị trên điện thoại.")
    return store.update_certificate(conn, cert, otp=None, otp_expires=None)


def unlock(conn: Connection, candidate: Candidate, acting: Acting, cert: Certificate) -> Certificate:
    """The proctor unlocks a token locked by wrong PINs."""
    if cert.status is not CertificateStatus.bi_khoa:
        raise SigningError(f"Chứng thư số của {cert.name} không bị khóa.")
    cert = store.update_certificate(conn, cert, failed_pins=0, status=CertificateStatus.hoat_dong.value)
    log_certificate(conn, candidate, acting, cert, CertificateUnlocked)
    return cert


def revoke(conn: Connection, candidate: Candidate, acting: Acting, cert: Certificate, reason: str) -> Certificate:
    if cert.status is CertificateStatus.thu_hoi:
        raise SigningError("Chứng thư số đã bị thu hồi trước đó.")
    cert = store.update_certificate(conn, cert, status=CertificateStatus.thu_hoi.value, revoked_at=acting.now)
    ca = authority.authority(conn, acting.now)
    crl_sha = acting.blobs.put(conn, authority.crl(conn, ca, acting.now), now=acting.now).sha256
    log_certificate(conn, candidate, acting, cert, CertificateRevoked, reason=reason.strip(), crl_sha256=crl_sha)
    return cert
