"""Events of the document-management service (quản lý văn bản và điều hành).

Three kinds of object, each with its whole state in ``after`` (see docs/documents.md):

- ``agency``: the candidate's agency, its units and people, and the role the candidate acts in;
- ``incoming`` (văn bản đến): ``id``, ``status``, ``status_name``, ``channel``, ``arrival_number``
  (số đến), ``arrival_date``, ``number`` (số, ký hiệu as written, "215/UBND-VP"), ``issued_date``,
  ``organ_name`` (cơ quan ban hành), ``type``, ``type_name``, ``subject`` (trích yếu), ``signer``,
  ``addressed_to``, ``urgency``, ``secrecy``, ``due_date``, ``files``, ``presented_to``,
  ``lead``, ``cooperate``, ``for_info`` (names), ``direction``, ``result_note``, ``reply_number``,
  ``return_reason`` …;
- ``outgoing`` (văn bản đi): ``id``, ``status``, ``type``, ``subject``, ``body``, ``kinh_gui``,
  ``recipients`` (nơi nhận), ``drafting_unit``, ``drafter``, ``approver``, ``signer``,
  ``related_incoming``, ``number``, ``issued_date``, ``files`` (every version), ``issued_to`` ….

Every action of a person carries ``by`` (the person's name) and ``role`` (the role they acted
in: lanh_dao, lanh_dao_phong, chuyen_vien, van_thu), so a rubric can ask who did it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from mock_services.core.events import EventData, StateEvent, event_type

INCOMING_AFTER = "The incoming document's full state after the action (see docs/documents.md)."
OUTGOING_AFTER = "The outgoing document's full state after the action (see docs/documents.md)."
BY = "Name of the person who acted (the candidate's own name in any of their roles)."
ROLE = "The role the person acted in: lanh_dao, lanh_dao_phong, chuyen_vien or van_thu."


class PersonAction(StateEvent):
    """Base of the actions people take on a document."""

    by: str = Field(description=BY)
    role: str = Field(description=ROLE)


class IncomingAction(PersonAction):
    """Base of the actions people take on an incoming document."""

    object_kind = "incoming"

    after: dict[str, Any] = Field(description=INCOMING_AFTER)


class OutgoingAction(PersonAction):
    """Base of the actions people take on an outgoing document."""

    object_kind = "outgoing"

    after: dict[str, Any] = Field(description=OUTGOING_AFTER)


# --- The agency


@event_type
class AgencyPrepared(StateEvent):
    """The candidate's agency was set up (or changed) by a task's setup: its name, units and people,
    and the roles the candidate holds in it. Actor: system."""

    verb = "documents.agency_prepared"
    object_kind = "agency"

    after: dict[str, Any] = Field(description="The agency: name, abbreviation, place, units, people, acting_as.")


@event_type
class RoleSwitched(StateEvent):
    """The candidate switched the role they act in (Chuyển vai trò): văn thư, lãnh đạo, chuyên viên …"""

    verb = "documents.role_switched"
    object_kind = "agency"

    role: str = Field(description=ROLE)
    title: str = Field(description="The position's title as shown, e.g. “Văn thư - Văn phòng HĐND và UBND”.")
    after: dict[str, Any] = Field(description="The agency, with acting_as set to the new position.")


@event_type
class Searched(EventData):
    """The candidate searched the documents by số ký hiệu or trích yếu."""

    verb = "documents.searched"
    object_kind = "agency"

    query: str = Field(description="What was searched for.")
    scope: Literal["den", "di", "tat_ca"] = Field(description="den (incoming), di (outgoing) or tat_ca (both).")
    results: int = Field(description="How many documents matched.")


@event_type
class RegisterViewed(EventData):
    """The candidate opened (or printed) a register: Sổ đăng ký văn bản đến or đi."""

    verb = "documents.register_viewed"
    object_kind = "agency"

    book: Literal["den", "di"] = Field(description="den (Sổ đăng ký văn bản đến) or di (văn bản đi).")
    year: int = Field(description="The register's year.")
    printed: bool = Field(description="True for the print view.")


@event_type
class FileOpened(EventData):
    """The candidate opened or downloaded a document's file (the PDF of a văn bản)."""

    verb = "documents.file_opened"
    object_kind = "file"

    document: Literal["incoming", "outgoing"] = Field(description="The kind of document the file belongs to.")
    document_id: str = Field(description="The document's id.")
    name: str = Field(description="The file's name.")
    sha256: str = Field(description="The file's sha256 (its blob).")


# --- Văn bản đến


@event_type
class IncomingReceived(StateEvent):
    """An incoming document arrived: through the inter-agency exchange (liên thông), by email, or
    by a task's setup at a later step of its handling. Actor: system."""

    verb = "documents.incoming_received"
    object_kind = "incoming"

    channel: Literal["lien_thong", "email"] = Field(description="lien_thong (the exchange) or email.")
    after: dict[str, Any] = Field(description=INCOMING_AFTER)


@event_type
class IncomingOpened(IncomingAction):
    """The candidate opened an incoming document (the access history of Phụ lục VI)."""

    verb = "documents.incoming_opened"


@event_type
class IncomingRegistered(IncomingAction):
    """The văn thư registered an incoming document (vào sổ): the next số đến of the year, and the
    metadata as the văn thư entered it."""

    verb = "documents.incoming_registered"

    arrival_number: int = Field(description="The số đến given, the next of the year.")


@event_type
class IncomingReturned(IncomingAction):
    """The văn thư returned an incoming document to its sender (trả lại), with the reason. The
    return is recorded; the mock exchange has no sender to notify."""

    verb = "documents.incoming_returned"

    reason: str = Field(description="The reason written (gửi nhầm, sai nơi nhận, không đủ điều kiện …).")


@event_type
class IncomingPresented(IncomingAction):
    """The văn thư presented a registered document to a leader (trình) for direction."""

    verb = "documents.incoming_presented"

    to: str = Field(description="Name of the leader it was presented to.")
    to_title: str = Field(description="That leader's title.")


@event_type
class IncomingRouted(IncomingAction):
    """A leader directed an incoming document (bút phê, chuyển xử lý): exactly one xử lý chính,
    the units assisting, those informed, the deadline and the direction text."""

    verb = "documents.incoming_routed"

    lead: str = Field(description="Name of the unit or person leading (xử lý chính, chủ trì).")
    cooperate: list[str] = Field(description="Names of the units or people assisting (phối hợp).")
    for_info: list[str] = Field(description="Names of those receiving it for information (nhận để biết).")
    due: str | None = Field(description="The deadline (hạn xử lý), ISO date, or null.")
    direction: str = Field(description="The direction written (ý kiến chỉ đạo, bút phê).")


@event_type
class IncomingCompleted(IncomingAction):
    """The handler finished an incoming document (hoàn thành xử lý), with a result note and,
    if any, the outgoing document that answers it."""

    verb = "documents.incoming_completed"

    note: str = Field(description="The result note.")
    reply_number: str = Field(description="Số ký hiệu (or, not yet issued, the trích yếu) of the linked reply; ''.")


# --- Văn bản đi


@event_type
class DraftCreated(OutgoingAction):
    """A draft outgoing document was created (dự thảo mới), by the candidate or a task's setup."""

    verb = "documents.draft_created"


@event_type
class DraftUpdated(OutgoingAction):
    """The drafter changed a draft: its fields, or a new file version."""

    verb = "documents.draft_updated"

    changed: list[str] = Field(description="Names of the fields changed.")


@event_type
class DraftSubmitted(OutgoingAction):
    """The drafter sent the draft for approval (trình duyệt) to a unit head or leader."""

    verb = "documents.draft_submitted"

    to: str = Field(description="Name of the approver.")
    to_title: str = Field(description="The approver's title.")
    note: str = Field(description="What the drafter wrote with it.")


@event_type
class OpinionRequested(OutgoingAction):
    """Someone asked colleagues for their opinion on a draft (lấy ý kiến)."""

    verb = "documents.opinion_requested"

    asked: list[str] = Field(description="Names of the people asked.")
    due: str | None = Field(description="Hạn cho ý kiến, ISO date, or null.")
    note: str = Field(description="What was asked.")


@event_type
class OpinionGiven(OutgoingAction):
    """Someone answered a request for an opinion: Đồng ý, Không đồng ý or Ý kiến khác, with text."""

    verb = "documents.opinion_given"

    opinion: Literal["dong_y", "khong_dong_y", "y_kien_khac"] = Field(description="dong_y, khong_dong_y, y_kien_khac.")
    note: str = Field(description="Nội dung ý kiến.")


@event_type
class DraftApproved(OutgoingAction):
    """The approver approved the draft (duyệt); with ``to_signer`` it went on for signature at once."""

    verb = "documents.draft_approved"

    comment: str = Field(description="The approver's comment (may be empty).")


@event_type
class DraftSentBack(OutgoingAction):
    """The approver or the signer returned the draft to its drafter (trả lại) with comments."""

    verb = "documents.draft_sent_back"

    comment: str = Field(description="What must change.")


@event_type
class SignatureRequested(OutgoingAction):
    """The draft was presented for signature (trình ký) to the person who signs it."""

    verb = "documents.signature_requested"

    to: str = Field(description="Name of the signer.")


@event_type
class DraftSigned(OutgoingAction):
    """The signer signed the document for issue: ký số (a PAdES signature with their personal
    certificate, see signing.pdf_signed) or ký duyệt on paper (phe_duyet, approval recorded only)."""

    verb = "documents.draft_signed"

    method: Literal["phe_duyet", "ky_so"] = Field(
        description="ky_so: digitally signed; phe_duyet: approved in the system, signed on paper."
    )
    serial: str = Field(default="", description="ky_so: serial of the certificate that signed.")
    sha256: str = Field(default="", description="ky_so: sha256 of the signed PDF.")
    in_signature_space: float | None = Field(
        default=None,
        description="ky_so: the share (0–1) of the signature's box inside the letter's signature space, "
        "between the signer's title and name; 1 where the page puts it.",
    )


@event_type
class OutgoingStamped(OutgoingAction):
    """The văn thư signed the document with the agency's certificate at issue: Thêm số (so), Thêm
    ngày (ngay), Đóng dấu (dau), or a separate appendix file (phu_luc)."""

    verb = "documents.outgoing_stamped"

    kind: Literal["so", "ngay", "dau", "phu_luc"] = Field(description="Which organisation signature.")
    serial: str = Field(description="Serial of the agency's certificate.")
    sha256: str = Field(description="sha256 of the signed PDF.")


@event_type
class SentToClerk(OutgoingAction):
    """The signer sent the signed document to the văn thư for numbering and issue (chuyển văn thư)."""

    verb = "documents.sent_to_clerk"


@event_type
class OutgoingNumbered(OutgoingAction):
    """The văn thư gave the document its number and date (cấp số): the next number of the year,
    the symbol by the rules of Nghị định 30, the issue date."""

    verb = "documents.outgoing_numbered"

    number: str = Field(description="The số, ký hiệu given, e.g. “05/UBND-VP”.")
    issued_date: str = Field(description="The date of the document, ISO.")


@event_type
class OutgoingIssued(OutgoingAction):
    """The văn thư issued the document (phát hành) to its recipients: units of the agency, other
    agencies through the exchange, and addresses by email (through the mail service)."""

    verb = "documents.outgoing_issued"

    internal: list[str] = Field(description="Names of the agency's units and people it went to.")
    agencies: list[str] = Field(description="Names of the other agencies it went to through the exchange.")
    emails: list[str] = Field(description="Addresses it was mailed to.")


@event_type
class OutgoingRecalled(OutgoingAction):
    """An issued document was recalled (thu hồi), with the reason; it is frozen with its metadata."""

    verb = "documents.outgoing_recalled"

    reason: str = Field(description="Why it was recalled.")
