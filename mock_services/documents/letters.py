"""How a document is laid out on paper: an outgoing draft or issued document, or an incoming one made
from its metadata, as a ``render.Letter``. Pure; the layout rules are in ``numbering``.

A task's setup may depart from the rules on purpose (``layout`` overrides: a number written "5",
"K/T CHỦ TỊCH", no "Lưu" line …) so that a candidate can be asked to find the format errors.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from mock_services.documents.domain import OutgoingStatus
from mock_services.documents.numbering import CONG_VAN, TYPE_NAMES, format_number, place_date, symbol_of
from mock_services.documents.render import Letter
from mock_services.documents.store import Agency, Outgoing

URGENCY_STAMPS = {"khan": "KHẨN", "thuong_khan": "THƯỢNG KHẨN", "hoa_toc": "HỎA TỐC"}
SECRECY_STAMPS = {"mat": "MẬT", "toi_mat": "TỐI MẬT", "tuyet_mat": "TUYỆT MẬT"}


def signer_lines_for(title: str) -> list[str]:
    """The authority and title of a signer of a People's Committee (Phụ lục I, mục II.7): the
    Chủ tịch signs "TM." for the collective body, a Phó Chủ tịch "KT." for the Chủ tịch, anyone
    else "TL." (by order)."""
    plain = title.replace(" UBND", "").strip()
    if plain.casefold() == "chủ tịch":
        return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    if plain.casefold() == "phó chủ tịch":
        return ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    return ["TL. CHỦ TỊCH", plain.upper()]


# Until trình ký the PDF carries the "DỰ THẢO" label; the copy the leader signs does not.
DRAFT_STATUSES = frozenset(
    {OutgoingStatus.du_thao, OutgoingStatus.cho_duyet, OutgoingStatus.bi_tra_lai, OutgoingStatus.da_duyet}
)


def outgoing_letter(doc: Outgoing, agency: Agency, *, on: date | None = None) -> Letter:
    """The document as it prints: numbered and dated once the văn thư has given it a number."""
    layout: dict[str, Any] = doc.layout
    number = format_number(doc.code_number) if doc.code_number else "     "
    symbol = doc.symbol or planned_symbol(doc, agency)
    day = doc.issued_date or on
    return Letter(
        issuer_parent=agency.parent.upper(),
        issuer=str(layout.get("issuer") or agency.issuer),
        number_line=str(layout.get("number_line") or f"Số: {number}/{symbol}"),
        place_date=str(layout.get("place_date") or place_date(agency.place, day, year=doc.created_at.year)),
        type_name="" if doc.type == CONG_VAN else TYPE_NAMES.get(doc.type, doc.type).upper(),
        summary=str(layout.get("summary") or summary_line(doc.type, doc.subject)),
        kinh_gui=tuple(layout.get("kinh_gui") or doc.kinh_gui),
        body=doc.body,
        signer_lines=tuple(layout.get("signer_lines") or doc.signer_lines),
        signer_name=agency.name_of(doc.signer),
        recipients=tuple(layout.get("recipients") or doc.recipients),
        urgency=URGENCY_STAMPS.get(doc.urgency, ""),
        secrecy=SECRECY_STAMPS.get(doc.secrecy, ""),
        draft=doc.code_number is None and doc.status in DRAFT_STATUSES,
    )


def summary_line(kind: str, subject: str) -> str:
    """The trích yếu as printed: a công văn's under its number, as "V/v …"."""
    if kind == CONG_VAN and subject and not subject.startswith("V/v"):
        return f"V/v {subject}"
    return subject


def planned_symbol(doc: Outgoing, agency: Agency) -> str:
    """The ký hiệu the rules give the document: a công văn names its drafting unit, a typed document its type."""
    unit = agency.unit(doc.drafting_unit)
    return symbol_of(doc.type, agency.abbreviation, unit.abbreviation if unit else "VP")


def incoming_letter(
    *,
    organ_name: str,
    parent: str,
    number: str,
    issued: date | None,
    place: str,
    kind: str,
    subject: str,
    kinh_gui: list[str],
    body: str,
    signer: str,
    signer_lines: list[str],
    urgency: str,
    secrecy: str,
) -> Letter:
    """An incoming document made from the metadata a task gives, when the task brings no PDF of its own."""
    return Letter(
        issuer_parent=parent.upper(),
        issuer=organ_name.upper(),
        number_line=f"Số: {number}",
        place_date=place_date(place, issued),
        type_name="" if kind == CONG_VAN else TYPE_NAMES.get(kind, kind).upper(),
        summary=summary_line(kind, subject),
        kinh_gui=tuple(kinh_gui),
        body=body,
        signer_lines=tuple(signer_lines),
        signer_name=signer,
        recipients=("- Như trên;", "- Lưu: VT."),
        urgency=URGENCY_STAMPS.get(urgency, ""),
        secrecy=SECRECY_STAMPS.get(secrecy, ""),
        signature_note="(Đã ký)",
    )
