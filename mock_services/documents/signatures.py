"""Ký số in the document flow (Nghị định 30/2020 Điều 13 khoản 7, Phụ lục I): the leader signs
the document at trình ký with their personal certificate, between title and name; at phát hành the
văn thư signs with the agency's certificate three times: Thêm số (the number over the "Số:" line),
Thêm ngày (the date over the date line) and Đóng dấu (the red seal over the left third of the
leader's signature); and signs each separate appendix file (top right of page 1, no image, the
số ký hiệu and the time as text).

Every signature is an incremental update of the same PDF, so the file grows by versions of kind
``ban_ky``; nothing is re-rendered once the leader has signed, or their signature would break.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.acting import Acting
from mock_services.documents import store
from mock_services.documents.agency import at_outgoing_desk, log_action
from mock_services.documents.domain import DocumentError, OutgoingStatus
from mock_services.documents.events import DraftSigned, OutgoingStamped
from mock_services.documents.letters import outgoing_letter
from mock_services.documents.numbering import place_date
from mock_services.documents.render import Letter, letter_boxes
from mock_services.documents.store import Agency, Outgoing, Person
from mock_services.signing import certificates, signer
from mock_services.signing.certificates import AGENCY, CANDIDATE, Holding, Refused
from mock_services.signing.domain import Method, SignatureKind, SigningError
from mock_services.signing.pades import Box
from mock_services.signing.pki import Holder
from mock_services.signing.store import Certificate

SIGNED = "ban_ky"
ATTACHMENT = "dinh_kem"
SEAL_POINTS = 113.0  # a ward's seal is about 40 mm across (real size, Phụ lục I)
APPENDIX_BOX = (170.0, 42.0)  # width, height of the appendix signature's text box, top right


def holding_of(agency: Agency, person: Person) -> Holding:
    unit = agency.unit(person.unit)
    return Holding(
        owner=CANDIDATE if person.candidate else person.key,
        holder=Holder.ca_nhan,
        name=person.name,
        organization=agency.name,
        unit=unit.name if unit else None,
        candidate_holds=person.candidate,
    )


def agency_holding(agency: Agency) -> Holding:
    return Holding(
        owner=AGENCY, holder=Holder.to_chuc, name=agency.name, organization=agency.name, candidate_holds=True
    )


def certificates_for(conn: Connection, candidate: Candidate, acting: Acting, agency: Agency) -> list[Certificate]:
    """The certificates the candidate holds: their own personal one and, as văn thư, the agency's."""
    mine = next(p for p in agency.people if p.candidate)
    return [
        certificates.ensure(conn, candidate, acting, holding_of(agency, mine)),
        certificates.ensure(conn, candidate, acting, agency_holding(agency)),
    ]


def main_file(doc: Outgoing) -> dict[str, Any]:
    """The document's own PDF, newest version (not an attachment)."""
    for entry in reversed(doc.files):
        if entry.get("kind") != ATTACHMENT:
            return dict(entry)
    raise DocumentError("Văn bản chưa có tệp PDF để ký.")


def is_signed(doc: Outgoing) -> bool:
    return any(entry.get("kind") == SIGNED for entry in doc.files)


def _points(place: tuple[int, float, float, float, float]) -> Box:
    return Box(place[0], *place[1:])


def default_boxes(doc: Outgoing, agency: Agency) -> dict[SignatureKind, Box]:
    """Where each signature goes unless the signer drags it elsewhere."""
    # The layout of the version the leader signed: not numbered, not dated.
    boxes = letter_boxes(outgoing_letter(replace(doc, code_number=None, issued_date=None), agency))
    signature = _points(boxes.signature)
    return {
        SignatureKind.ca_nhan: signature,
        SignatureKind.so: _points(boxes.number),
        SignatureKind.ngay: _points(boxes.date),
        SignatureKind.dau: seal_over(signature),
    }


def seal_over(signature: Box) -> Box:
    """The seal's place: its right edge a third into the leader's signature, centred on its height."""
    middle = (signature.y0 + signature.y1) / 2
    x0 = signature.x0 + signature.width / 3 - SEAL_POINTS
    return Box(signature.page, x0, middle - SEAL_POINTS / 2, x0 + SEAL_POINTS, middle + SEAL_POINTS / 2)


def letter_signature_boxes(letter: Letter) -> tuple[Box, Box]:
    """The signature's and the seal's places on a rendered letter."""
    signature = _points(letter_boxes(letter).signature)
    return signature, seal_over(signature)


def appendix_box(width: float, height: float) -> Box:
    """Top right of page 1, inside the 15 mm right and 20 mm top margins."""
    w, h = APPENDIX_BOX
    right, top = width - 42.5, height - 56.7
    return Box(0, right - w, top - h, right, top)


def stamp_text(kind: SignatureKind, doc: Outgoing, agency: Agency, acting: Acting) -> str:
    if kind is SignatureKind.so:
        return f"Số: {doc.number}"
    if kind is SignatureKind.ngay:
        return place_date(agency.place, doc.issued_date)
    if kind is SignatureKind.phu_luc:
        moment = acting.now.astimezone(acting.tz).replace(microsecond=0)
        return f"{doc.number}\n{moment.isoformat()}"
    return ""


@dataclass(frozen=True)
class Confirmation:
    method: Method
    code: str


def _sign(
    conn: Connection,
    candidate: Candidate,
    acting: Acting,
    cert: Certificate,
    request: signer.Request,
    person: Person,
    document: dict[str, Any],
) -> signer.Signed | Refused:
    try:
        return signer.sign(
            conn, candidate, acting, cert, request, by=person.name, role=str(person.role), document=document
        )
    except SigningError as error:
        raise DocumentError(str(error)) from error


def _with_version(doc: Outgoing, signed: signer.Signed, kind: SignatureKind) -> list[dict[str, Any]]:
    version = 1 + sum(1 for f in doc.files if f.get("kind") != ATTACHMENT)
    name = f"van-ban-ky-so-v{version}.pdf"
    entry = {
        "name": name,
        "sha256": signed.sha256,
        "size": signed.size,
        "version": version,
        "kind": SIGNED,
        "signature": kind.value,
    }
    return [*doc.files, entry]


def sign_as_leader(
    conn: Connection, candidate: Candidate, doc: Outgoing, box: Box, confirm: Confirmation, acting: Acting
) -> Outgoing | Refused:
    """Ký số at trình ký: the personal signature; the document is then signed (đã ký)."""
    agency, person = at_outgoing_desk(conn, candidate, doc, "sign", acting, holding=True)
    cert = certificates.ensure(conn, candidate, acting, holding_of(agency, person))
    current = main_file(doc)
    space = default_boxes(doc, agency)[SignatureKind.ca_nhan]
    request = signer.Request(
        pdf=acting.blobs.get(conn, current["sha256"]),
        name=current["name"],
        kind=SignatureKind.ca_nhan,
        box=box,
        method=confirm.method,
        code=confirm.code,
    )
    signed = _sign(conn, candidate, acting, cert, request, person, {"kind": "outgoing", "id": str(doc.id)})
    if isinstance(signed, Refused):
        return signed
    files = _with_version(doc, signed, SignatureKind.ca_nhan)
    doc = store.update_outgoing(
        conn, doc, status=OutgoingStatus.da_ky, signed_by=person.key, signed_at=acting.now, files=files
    )
    log_action(
        conn,
        candidate,
        acting,
        agency,
        person,
        doc,
        DraftSigned,
        method="ky_so",
        serial=cert.serial,
        sha256=signed.sha256,
        in_signature_space=share_inside(box, space),
    )
    return doc


def share_inside(box: Box, space: Box) -> float:
    """How much of ``box`` lies inside ``space`` (same page), 0–1, to two decimals."""
    if box.page != space.page or box.width <= 0 or box.height <= 0:
        return 0.0
    width = max(0.0, min(box.x1, space.x1) - max(box.x0, space.x0))
    height = max(0.0, min(box.y1, space.y1) - max(box.y0, space.y0))
    return round(width * height / (box.width * box.height), 2)


def stamp(
    conn: Connection,
    candidate: Candidate,
    doc: Outgoing,
    kind: SignatureKind,
    box: Box,
    confirm: Confirmation,
    acting: Acting,
) -> Outgoing | Refused:
    """The văn thư's organisation signatures at phát hành: Thêm số, Thêm ngày, Đóng dấu."""
    agency, person = at_outgoing_desk(conn, candidate, doc, "issue", acting)
    if kind not in (SignatureKind.so, SignatureKind.ngay, SignatureKind.dau):
        raise DocumentError("Loại chữ ký không hợp lệ ở bước phát hành.")
    if not is_signed(doc):
        raise DocumentError("Văn bản chưa được lãnh đạo ký số: chưa thể ký số phát hành.")
    if kind in (SignatureKind.so, SignatureKind.ngay) and doc.code_number is None:
        raise DocumentError("Văn bản chưa được cấp số: hãy cấp số trước khi thêm số, thêm ngày.")
    cert = certificates.ensure(conn, candidate, acting, agency_holding(agency))
    current = main_file(doc)
    request = signer.Request(
        pdf=acting.blobs.get(conn, current["sha256"]),
        name=current["name"],
        kind=kind,
        box=box,
        method=confirm.method,
        code=confirm.code,
        text=stamp_text(kind, doc, agency, acting),
        seal_parent=agency.parent.upper() or None,
    )
    signed = _sign(conn, candidate, acting, cert, request, person, {"kind": "outgoing", "id": str(doc.id)})
    if isinstance(signed, Refused):
        return signed
    files = _with_version(doc, signed, kind)
    doc = store.update_outgoing(conn, doc, files=files)
    log_action(
        conn,
        candidate,
        acting,
        agency,
        person,
        doc,
        OutgoingStamped,
        kind=kind.value,
        serial=cert.serial,
        sha256=signed.sha256,
    )
    return doc


def sign_appendix(
    conn: Connection, candidate: Candidate, doc: Outgoing, sha256: str, confirm: Confirmation, acting: Acting
) -> Outgoing | Refused:
    """The agency's signature on a separate appendix file: top right of page 1, text only."""
    agency, person = at_outgoing_desk(conn, candidate, doc, "issue", acting)
    if doc.code_number is None:
        raise DocumentError("Văn bản chưa được cấp số: hãy cấp số trước khi ký phụ lục.")
    position = next((i for i, f in enumerate(doc.files) if f["sha256"] == sha256 and f.get("kind") == ATTACHMENT), None)
    if position is None:
        raise DocumentError("Không tìm thấy phụ lục này trong văn bản.")
    entry = doc.files[position]
    if not str(entry["name"]).lower().endswith(".pdf"):
        raise DocumentError("Chỉ ký số được phụ lục dạng PDF.")
    cert = certificates.ensure(conn, candidate, acting, agency_holding(agency))
    pdf = acting.blobs.get(conn, sha256)
    sizes = signer.page_areas(pdf)
    request = signer.Request(
        pdf=pdf,
        name=str(entry["name"]),
        kind=SignatureKind.phu_luc,
        box=appendix_box(sizes[0].width, sizes[0].height),
        method=confirm.method,
        code=confirm.code,
        text=stamp_text(SignatureKind.phu_luc, doc, agency, acting),
    )
    document = {"kind": "outgoing", "id": str(doc.id), "file": str(entry["name"])}
    signed = _sign(conn, candidate, acting, cert, request, person, document)
    if isinstance(signed, Refused):
        return signed
    files = list(doc.files)
    files[position] = {**entry, "sha256": signed.sha256, "size": signed.size, "signed": True, "original": sha256}
    doc = store.update_outgoing(conn, doc, files=files)
    log_action(
        conn,
        candidate,
        acting,
        agency,
        person,
        doc,
        OutgoingStamped,
        kind=SignatureKind.phu_luc.value,
        serial=cert.serial,
        sha256=signed.sha256,
    )
    return doc
