"""Events of the signing service (ký số).

Two kinds of object carry state in ``after``:

- ``certificate``: ``id``, ``serial`` (hex, as certificate viewers show it), ``holder`` (ca_nhan or
  to_chuc), ``owner`` (the person's key in the agency, or "agency"), ``name``, ``organization``,
  ``not_before``, ``not_after``, ``status`` (hoat_dong, bi_khoa, thu_hoi), ``failed_pins``,
  ``candidate_holds``, ``cert_sha256`` (the DER certificate in the blob store) and ``chain``
  (the issuing CA's and the root's DER, by sha256): what graderd trusts when it checks a file;
- ``file``: a PDF uploaded to "Ký số tệp": ``id``, ``name``, ``sha256`` (current), ``versions``.

A signature made is ``signing.pdf_signed`` on object ``pdf`` (its id the signed file's sha256),
whether the PDF was an uploaded file or a document of the document service (``document``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mock_services.core.events import EventData, StateEvent, event_type

CERTIFICATE_AFTER = "The certificate's full state after the action (see docs/signing.md); never its key or PIN."


class CertificateEvent(StateEvent):
    """Base of the events that change a certificate."""

    object_kind = "certificate"

    after: dict[str, Any] = Field(description=CERTIFICATE_AFTER)


@event_type
class CertificateIssued(CertificateEvent):
    """The mock CA issued a certificate in the candidate's tenant: their own personal certificate, the
    agency's organisation certificate, or a simulated colleague's. Actor: system."""

    verb = "signing.certificate_issued"

    crl_sha256: str = Field(description="sha256 of the room's current CRL (DER) in the blob store.")


@event_type
class PinRejected(CertificateEvent):
    """A wrong PIN was entered for the certificate; the third in a row locks it."""

    verb = "signing.pin_rejected"

    locked: bool = Field(description="Whether this wrong PIN locked the certificate.")


@event_type
class PinAccepted(CertificateEvent):
    """The right PIN after wrong ones: the count of wrong PINs in a row starts again from zero."""

    verb = "signing.pin_accepted"


@event_type
class CertificateUnlocked(CertificateEvent):
    """The proctor unlocked a certificate locked by wrong PINs. Actor: proctor."""

    verb = "signing.certificate_unlocked"


@event_type
class CertificateRevoked(CertificateEvent):
    """The certificate was revoked (thu hồi): signatures made after this time are invalid."""

    verb = "signing.certificate_revoked"

    reason: str = Field(description="Why, as entered.")
    crl_sha256: str = Field(description="sha256 of the new CRL (DER) listing it, in the blob store.")


@event_type
class OtpSent(CertificateEvent):
    """A one-time code was sent to the signer's (simulated) phone to confirm a signature."""

    verb = "signing.otp_sent"


@event_type
class FileUploaded(StateEvent):
    """The candidate uploaded a PDF to sign on the "Ký số tệp" page."""

    verb = "signing.file_uploaded"
    object_kind = "file"

    after: dict[str, Any] = Field(description="The file: id, name, sha256, versions.")


@event_type
class PdfSigned(EventData):
    """A PDF was signed: a PAdES signature with an RFC 3161 time stamp, added as an incremental update."""

    verb = "signing.pdf_signed"
    object_kind = "pdf"

    by: str = Field(description="Name of the person who signed (for an organisation signature, the văn thư).")
    role: str = Field(description="The role they acted in (lanh_dao, van_thu …), or '' outside the documents.")
    kind: str = Field(description="ca_nhan (personal), so (Thêm số), ngay (Thêm ngày), dau (Đóng dấu), phu_luc.")
    method: str = Field(description="How it was confirmed: pin or otp.")
    serial: str = Field(description="Serial of the certificate that signed (hex).")
    holder: str = Field(description="ca_nhan or to_chuc: the certificate's holder kind.")
    signer: str = Field(description="The certificate's subject name.")
    field: str = Field(description="The signature field's name in the PDF.")
    box: dict[str, Any] | None = Field(description="Visible box: page (1-based), x0, y0, x1, y1 in PDF points.")
    text: str = Field(description="Text shown in the box (the number, the date …), '' if none.")
    name: str = Field(description="The file's name.")
    source_sha256: str = Field(description="sha256 of the PDF before this signature.")
    sha256: str = Field(description="sha256 of the signed PDF (blob store).")
    document: dict[str, Any] | None = Field(
        description="The document it belongs to, {kind: outgoing, id, file} or {kind: file, id}."
    )


@event_type
class PdfVerified(EventData):
    """The candidate checked the signatures of a PDF (Kiểm tra chữ ký)."""

    verb = "signing.pdf_verified"
    object_kind = "pdf"

    name: str = Field(description="The file's name.")
    sha256: str = Field(description="sha256 of the file checked.")
    verdict: str = Field(description="hop_le, khong_hop_le, chua_ky or khong_doc_duoc: the whole file.")
    signatures: list[dict[str, Any]] = Field(description="Each signature: index, signer, serial, verdict.")
    document: dict[str, Any] | None = Field(description="The document the file belongs to, if any.")
