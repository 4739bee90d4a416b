"""The SMTP listener's STARTTLS certificate: self-signed, made once per data directory.

A mail client in the room must accept it once (as with any exam-room server); it is never
a certificate of a real domain.
"""

from __future__ import annotations

import contextlib
import os
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SMTP_HOSTNAME = "mail.egov.test"


def tls_context(data_dir: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(ensure_certificate(data_dir))
    return context


def ensure_certificate(data_dir: Path) -> Path:
    """``<data_dir>/smtp-tls/smtp.pem``: the key and its certificate in one file, made once.

    One file, linked into place only if none is there yet: two processes starting together on a
    fresh data directory agree on one pair, never one's key beside the other's certificate."""
    folder = data_dir / "smtp-tls"
    path = folder / "smtp.pem"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, SMTP_HOSTNAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sát hạch – máy chủ thư mô phỏng"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(SMTP_HOSTNAME), x509.DNSName("localhost")]), False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    draft = folder / f".smtp.pem.{os.getpid()}"
    draft.write_bytes(key_pem + cert.public_bytes(serialization.Encoding.PEM))
    draft.chmod(0o600)
    with contextlib.suppress(FileExistsError):
        os.link(draft, path)
    draft.unlink()
    return path
