"""Tables of the signing service and their queries.

The room's certificate authority (root, issuing CA, time-stamp authority) is one row shared by
every candidate: a PDF reader trusts one root. Certificates and their keys belong to one
candidate's tenant and every query here is scoped to it; keys never leave this table (remote
signing: the server signs once the PIN or OTP is right).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, RowMapping

from mock_services.core.db import UTCDateTime, metadata
from mock_services.signing.domain import CERTIFICATE_STATUS_NAMES, CertificateStatus
from mock_services.signing.pki import HOLDER_NAMES, Holder, Issued

authority = Table(
    "sign_authority",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1: one CA per room
    Column("root_cert", LargeBinary, nullable=False),  # DER
    Column("root_key", LargeBinary, nullable=False),  # PEM, PKCS#8
    Column("ca_cert", LargeBinary, nullable=False),
    Column("ca_key", LargeBinary, nullable=False),
    Column("tsa_cert", LargeBinary, nullable=False),
    Column("tsa_key", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

certificates = Table(
    "sign_certificates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=False),
    Column("holder", String(16), nullable=False),  # ca_nhan, to_chuc
    Column("owner", String(40), nullable=False),  # the person's key in the agency ("ct", "pct1"), or "agency"
    Column("name", String(200), nullable=False),
    Column("organization", String(200), nullable=False),
    Column("serial", String(64), nullable=False),
    Column("cert", LargeBinary, nullable=False),  # DER
    Column("key", LargeBinary, nullable=False),  # PEM, PKCS#8, never served
    Column("pin", String(16), nullable=False),  # the mock token's PIN, printed on the candidate's card
    Column("failed_pins", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False),
    Column("otp", String(8), nullable=True),
    Column("otp_expires", UTCDateTime, nullable=True),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("candidate_holds", Boolean, nullable=False),  # the candidate may sign with it
    Index("ix_sign_certificates_candidate", "candidate_id", "owner"),
)

files = Table(
    "sign_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("versions", JSON, nullable=False),  # [{sha256, size, kind, serial, field, at}] oldest first
    Column("note", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_sign_files_candidate", "candidate_id"),
)


@dataclass(frozen=True)
class Authority:
    root: Issued
    ca: Issued
    tsa: Issued


def load_authority(conn: Connection) -> Authority | None:
    row = conn.execute(select(authority).where(authority.c.id == 1)).mappings().first()
    if row is None:
        return None
    return Authority(
        root=Issued.load(row["root_cert"], row["root_key"]),
        ca=Issued.load(row["ca_cert"], row["ca_key"]),
        tsa=Issued.load(row["tsa_cert"], row["tsa_key"]),
    )


def save_authority(conn: Connection, made: Authority, now: datetime) -> None:
    conn.execute(
        insert(authority).values(
            id=1,
            root_cert=made.root.cert_der(),
            root_key=made.root.key_pem(),
            ca_cert=made.ca.cert_der(),
            ca_key=made.ca.key_pem(),
            tsa_cert=made.tsa.cert_der(),
            tsa_key=made.tsa.key_pem(),
            created_at=now,
        )
    )


@dataclass(frozen=True)
class Certificate:
    id: int
    candidate_id: int
    holder: Holder
    owner: str
    name: str
    organization: str
    serial: str
    cert: bytes
    key: bytes
    pin: str
    failed_pins: int
    status: CertificateStatus
    otp: str | None
    otp_expires: datetime | None
    issued_at: datetime
    revoked_at: datetime | None
    candidate_holds: bool

    @classmethod
    def from_row(cls, row: RowMapping) -> Certificate:
        values = dict(row)
        values["holder"] = Holder(values["holder"])
        values["status"] = CertificateStatus(values["status"])
        return cls(**values)

    def issued(self) -> Issued:
        return Issued.load(self.cert, self.key)

    @property
    def holder_name(self) -> str:
        return HOLDER_NAMES[self.holder]

    @property
    def status_name(self) -> str:
        return CERTIFICATE_STATUS_NAMES[self.status]

    def state(self, *, cert_sha256: str, chain: list[str]) -> dict[str, Any]:
        """The certificate as events record it in ``after`` (never the key, never the PIN)."""
        issued = self.issued().cert
        return {
            "id": self.id,
            "serial": self.serial,
            "holder": self.holder.value,
            "owner": self.owner,
            "name": self.name,
            "organization": self.organization,
            "not_before": issued.not_valid_before_utc.isoformat(),
            "not_after": issued.not_valid_after_utc.isoformat(),
            "status": self.status.value,
            "status_name": self.status_name,
            "failed_pins": self.failed_pins,
            "candidate_holds": self.candidate_holds,
            "cert_sha256": cert_sha256,
            "chain": chain,
        }


def add_certificate(conn: Connection, **values: Any) -> Certificate:
    new_id = conn.execute(insert(certificates).values(**values)).inserted_primary_key
    assert new_id is not None
    found = certificate(conn, values["candidate_id"], int(new_id[0]))
    assert found is not None
    return found


def certificate(conn: Connection, candidate_id: int, cert_id: int) -> Certificate | None:
    row = (
        conn.execute(
            select(certificates).where(certificates.c.candidate_id == candidate_id, certificates.c.id == cert_id)
        )
        .mappings()
        .first()
    )
    return Certificate.from_row(row) if row else None


def certificates_of(conn: Connection, candidate_id: int) -> list[Certificate]:
    rows = conn.execute(
        select(certificates).where(certificates.c.candidate_id == candidate_id).order_by(certificates.c.id)
    ).mappings()
    return [Certificate.from_row(row) for row in rows]


def candidates_locked_out(conn: Connection, candidate_ids: list[int]) -> frozenset[int]:
    """Which of these candidates hold a certificate locked by wrong PINs (one query, for the room page)."""
    if not candidate_ids:
        return frozenset()
    rows = conn.execute(
        select(certificates.c.candidate_id)
        .where(
            certificates.c.candidate_id.in_(candidate_ids),
            certificates.c.candidate_holds.is_(True),
            certificates.c.status == CertificateStatus.bi_khoa.value,
        )
        .distinct()
    )
    return frozenset(int(row[0]) for row in rows)


def certificate_of(conn: Connection, candidate_id: int, owner: str) -> Certificate | None:
    """The newest certificate of a person (by key) or of the agency ("agency") in this tenant."""
    row = (
        conn.execute(
            select(certificates)
            .where(certificates.c.candidate_id == candidate_id, certificates.c.owner == owner)
            .order_by(certificates.c.id.desc())
        )
        .mappings()
        .first()
    )
    return Certificate.from_row(row) if row else None


def revoked(conn: Connection) -> list[tuple[str, datetime]]:
    """Every revoked certificate of the room, for the CRL: (serial, when)."""
    rows = conn.execute(
        select(certificates.c.serial, certificates.c.revoked_at).where(certificates.c.revoked_at.is_not(None))
    )
    return [(serial, when) for serial, when in rows]


def update_certificate(conn: Connection, cert: Certificate, **changes: Any) -> Certificate:
    conn.execute(
        update(certificates)
        .where(certificates.c.id == cert.id, certificates.c.candidate_id == cert.candidate_id)
        .values(**changes)
    )
    found = certificate(conn, cert.candidate_id, cert.id)
    assert found is not None
    return found


@dataclass(frozen=True)
class SignFile:
    """A PDF the candidate uploaded to the signing page (Ký số tệp), with every signed version."""

    id: int
    candidate_id: int
    name: str
    versions: list[dict[str, Any]]
    note: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: RowMapping) -> SignFile:
        return cls(**dict(row))

    @property
    def current(self) -> dict[str, Any]:
        return self.versions[-1]

    def state(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "versions": self.versions, "sha256": self.current["sha256"]}


def add_file(conn: Connection, **values: Any) -> SignFile:
    new_id = conn.execute(insert(files).values(**values)).inserted_primary_key
    assert new_id is not None
    found = file(conn, values["candidate_id"], int(new_id[0]))
    assert found is not None
    return found


def file(conn: Connection, candidate_id: int, file_id: int) -> SignFile | None:
    row = (
        conn.execute(select(files).where(files.c.candidate_id == candidate_id, files.c.id == file_id))
        .mappings()
        .first()
    )
    return SignFile.from_row(row) if row else None


def files_of(conn: Connection, candidate_id: int) -> list[SignFile]:
    rows = conn.execute(
        select(files).where(files.c.candidate_id == candidate_id).order_by(files.c.id.desc())
    ).mappings()
    return [SignFile.from_row(row) for row in rows]


def update_file(conn: Connection, doc: SignFile, **changes: Any) -> SignFile:
    conn.execute(update(files).where(files.c.id == doc.id, files.c.candidate_id == doc.candidate_id).values(**changes))
    found = file(conn, doc.candidate_id, doc.id)
    assert found is not None
    return found
