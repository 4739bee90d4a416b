"""Documents signed elsewhere, as they reach the candidate: another agency's leader signs with a
personal certificate and its văn thư adds the agency's seal, both from the room's CA (their
certificates are issued in the candidate's tenant, so that the log names what graderd trusts).
What an exam wants to show besides a good one: a file changed after it was signed (an editor's
incremental update writing over the page), and one signed by a look-alike CA with the same names
that nobody trusts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum

from cryptography import x509
from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.acting import Acting
from mock_services.signing import appearance, authority, certificates, pades, pki, tampering
from mock_services.signing.certificates import Holding
from mock_services.signing.pades import Box, Look
from mock_services.signing.pki import Holder, Issued, Subject

PERSONAL_FIELD = "ChuKyCaNhan_NoiGui"
SEAL_FIELD = "DongDau_NoiGui"
# What the "altered" file has written over it after signing: a changed amount, in red.
ALTERATION = b"(DIEU CHINH: KINH PHI 950.000.000 DONG) Tj"


class Arrival(StrEnum):
    """The state a signed document arrives in."""

    hop_le = "hop_le"  # signed, intact, trusted
    bi_sua_doi = "bi_sua_doi"  # changed after signing
    khong_tin_cay = "khong_tin_cay"  # signed by certificates of a CA the room does not trust


@dataclass(frozen=True)
class Sender:
    """Who signs: the agency (its seal) and, if named, its leader (their signature)."""

    organization: str
    signer: str = ""
    parent: str | None = None  # the seal's lower arc, e.g. "THÀNH PHỐ CẦN THƠ"
    signature_box: Box | None = None  # None: invisible signatures
    seal_box: Box | None = None


def sender_owner(*names: str) -> str:
    """A short stable key for another agency's certificate holder (the store's owner is 40 characters)."""
    return "noi-gui:" + hashlib.sha256("|".join(names).encode()).hexdigest()[:24]


def _holdings(sender: Sender) -> list[Holding]:
    name = sender.organization
    found = [Holding(owner=sender_owner(name), holder=Holder.to_chuc, name=name, organization=name)]
    if sender.signer:
        personal = Holding(
            owner=sender_owner(name, sender.signer),
            holder=Holder.ca_nhan,
            name=sender.signer,
            organization=name,
        )
        found.insert(0, personal)
    return found


def _look_alike(now: dt.datetime, holdings: list[Holding]) -> tuple[list[Issued], list[x509.Certificate]]:
    """Certificates with the same names from a CA with the same names as the room's, other keys."""
    root = pki.make_root(now - dt.timedelta(days=400))
    ca = pki.make_issuing_ca(root, now - dt.timedelta(days=400))
    issued = [
        pki.issue(
            ca,
            Subject(holding.holder, holding.name, organization=holding.organization),
            not_before=now - dt.timedelta(days=1),
            not_after=now + certificates.VALIDITY,
        )
        for holding in holdings
    ]
    return issued, [ca.cert, root.cert]


def sign_as_sender(
    conn: Connection, candidate: Candidate, acting: Acting, pdf: bytes, sender: Sender, arrival: Arrival
) -> bytes:
    """``pdf`` as it arrives from ``sender``: signed by its leader (if named) then sealed."""
    ca = authority.authority(conn, acting.now)
    holdings = _holdings(sender)
    if arrival is Arrival.khong_tin_cay:
        signers, chain = _look_alike(acting.now, holdings)
    else:
        issued = [certificates.ensure(conn, candidate, acting, holding) for holding in holdings]
        signers, chain = [cert.issued() for cert in issued], [ca.ca.cert, ca.root.cert]
    stamper = pades.timestamper(ca.tsa, [ca.ca.cert, ca.root.cert], at=acting.now)
    if sender.signer:
        personal = Look(image=appearance.signature_image(sender.signer)) if sender.signature_box else None
        pdf = pades.sign_pdf(
            pdf, signers[0], chain, field=PERSONAL_FIELD, box=sender.signature_box, look=personal, tsa=stamper
        )
    seal = Look(image=appearance.seal_image(sender.organization, sender.parent)) if sender.seal_box else None
    pdf = pades.sign_pdf(pdf, signers[-1], chain, field=SEAL_FIELD, box=sender.seal_box, look=seal, tsa=stamper)
    if arrival is Arrival.bi_sua_doi:
        pdf = tampering.overlay_text(pdf, ALTERATION)
    return pdf
