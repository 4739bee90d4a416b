"""The mock certificate authority: a root, an issuing CA under it, and the certificates it issues to
people (cá nhân), agencies (tổ chức), the exam board and the time-stamp authority.

Pure cryptography, no storage. Every name says plainly that it is a mock ("MÔ PHỎNG – KHÔNG CÓ GIÁ
TRỊ PHÁP LÝ") and none imitates a real Vietnamese CA. Keys are ECDSA P-256 unless a caller hands in
another (the tamper corpus makes an RSA-1024 key on purpose; SHA-1 it can only use in the CMS
digest, since the cryptography package refuses to sign a certificate with it).

What kind of holder a certificate belongs to is written into it as a certificate policy under a
private arc (2.25.<uuid>, which needs no registration), so a verifier reads it from the certificate
itself rather than guessing from the subject.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey: TypeAlias = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

MOCK_NOTICE = "MÔ PHỎNG – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
MOCK_ORGANISATION = "Hội đồng sát hạch CNTT (mô phỏng)"
# A common name holds at most 64 characters; the notice is repeated in full in the unit (OU).
ROOT_NAME = "Sát hạch Root CA – MÔ PHỎNG"
ISSUING_NAME = "Sát hạch CA cơ quan nhà nước – MÔ PHỎNG"
TSA_NAME = "Sát hạch TSA – MÔ PHỎNG"

# 2.25.<a UUID as an integer>: an OID anyone may mint without registering (ITU-T X.667).
POLICY_ARC = "2.25.190213287513104063394717733297403845519"


class Holder(StrEnum):
    """Who a certificate is for, as the signing pages and the verifier name it."""

    ca_nhan = "ca_nhan"  # a person: a leader or an officer
    to_chuc = "to_chuc"  # an agency: the văn thư signs with it (số, ngày, dấu)
    hoi_dong = "hoi_dong"  # the exam board
    tsa = "tsa"  # the time-stamp authority


HOLDER_NAMES: dict[Holder, str] = {
    Holder.ca_nhan: "Cá nhân",
    Holder.to_chuc: "Tổ chức",
    Holder.hoi_dong: "Hội đồng thi",
    Holder.tsa: "Dịch vụ cấp dấu thời gian",
}
HOLDER_POLICIES: dict[Holder, x509.ObjectIdentifier] = {
    holder: x509.ObjectIdentifier(f"{POLICY_ARC}.{number}") for number, holder in enumerate(Holder, start=1)
}
_HOLDER_OF_POLICY = {oid.dotted_string: holder for holder, oid in HOLDER_POLICIES.items()}


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key."""

    cert: x509.Certificate
    key: PrivateKey

    @property
    def serial(self) -> str:
        return serial_text(self.cert.serial_number)

    def cert_der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    @classmethod
    def load(cls, cert_der: bytes, key_pem: bytes) -> Issued:
        key = serialization.load_pem_private_key(key_pem, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise TypeError(f"unexpected key type {type(key).__name__}")
        return cls(x509.load_der_x509_certificate(cert_der), key)


def serial_text(number: int) -> str:
    """A serial as certificate viewers show it: upper-case hex, even length."""
    text = f"{number:X}"
    return text if len(text) % 2 == 0 else "0" + text


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def new_rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    """The time-stamp authority's key: pyHanko's RFC 3161 responder signs with RSA only."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def holder_of(cert: x509.Certificate) -> Holder | None:
    """The holder kind written in the certificate's policies; None for a certificate not of this CA."""
    try:
        policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    except x509.ExtensionNotFound:
        return None
    for policy in policies:
        holder = _HOLDER_OF_POLICY.get(policy.policy_identifier.dotted_string)
        if holder is not None:
            return holder
    return None


def common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def _fit(text: str, limit: int = 64) -> str:
    """A common name holds at most 64 bytes of UTF-8, and Vietnamese letters take two or three."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


def _name(
    common: str, *, organization: str | None = None, unit: str | None = None, uid: str | None = None
) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    attributes.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Cần Thơ"))
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    if uid:
        attributes.append(x509.NameAttribute(NameOID.USER_ID, uid))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common)))
    return x509.Name(attributes)


def _key_ids(
    builder: x509.CertificateBuilder, subject_key: PrivateKey, issuer: Issued | None
) -> x509.CertificateBuilder:
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False)
    authority = (issuer.key if issuer else subject_key).public_key()
    return builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority), critical=False)


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _signer_usage(*, non_repudiation: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def make_root(now: dt.datetime, *, key: PrivateKey | None = None, years: int = 20) -> Issued:
    key = key or new_key()
    name = _name(ROOT_NAME, organization=MOCK_ORGANISATION, unit=MOCK_NOTICE)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_ca_usage(), critical=True)
    )
    builder = _key_ids(builder, key, None)
    return Issued(builder.sign(key, hashes.SHA256()), key)


def make_issuing_ca(root: Issued, now: dt.datetime, *, key: PrivateKey | None = None, years: int = 10) -> Issued:
    key = key or new_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(ISSUING_NAME, organization=MOCK_ORGANISATION, unit=MOCK_NOTICE))
        .issuer_name(root.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_usage(), critical=True)
    )
    builder = _key_ids(builder, key, root)
    return Issued(builder.sign(root.key, hashes.SHA256()), key)


@dataclass(frozen=True)
class Subject:
    """Who a certificate names: a person (name, their unit and agency, a synthetic CCCD as UID) or an
    agency (its name, nothing else), as Vietnamese signing certificates do."""

    holder: Holder
    name: str
    organization: str | None = None
    unit: str | None = None
    uid: str | None = None


def issue(
    ca: Issued,
    subject: Subject,
    *,
    not_before: dt.datetime,
    not_after: dt.datetime,
    key: PrivateKey | None = None,
    non_repudiation: bool = True,
) -> Issued:
    """An end-entity certificate from ``ca``. Signers get digital signature and non-repudiation;
    the TSA gets the time-stamping extended key usage, critical, as RFC 3161 requires."""
    key = key or new_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject.name, organization=subject.organization, unit=subject.unit, uid=subject.uid))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(HOLDER_POLICIES[subject.holder], None)]), critical=False
        )
    )
    if subject.holder is Holder.tsa:
        builder = builder.add_extension(_signer_usage(non_repudiation=False), critical=True)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    else:
        builder = builder.add_extension(_signer_usage(non_repudiation=non_repudiation), critical=True)
    builder = _key_ids(builder, key, ca)
    return Issued(builder.sign(ca.key, hashes.SHA256()), key)


def make_crl(
    ca: Issued, revoked: Iterable[tuple[int, dt.datetime]], *, now: dt.datetime, next_update: dt.timedelta
) -> bytes:
    """A DER CRL from ``ca`` listing ``(serial number, revocation time)``."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(now)
        .next_update(now + next_update)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
    )
    for number, when in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(number).revocation_date(when).build()
        builder = builder.add_revoked_certificate(entry)
    crl = builder.sign(ca.key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER)


def pem(certs: Sequence[x509.Certificate]) -> bytes:
    """Certificates as one PEM bundle, the form a PDF reader's "trust this certificate" accepts."""
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)
