"""Events of the one-stop service (một cửa điện tử).

Objects: ``dossier`` (hồ sơ), with its whole state in ``after`` (see docs/onestop.md: ``id``,
``code`` (mã hồ sơ), ``procedure_code`` and ``procedure_name``, ``channel`` (truc_tiep,
truc_tuyen, bcci), ``status`` and ``status_name``, ``applicant`` {name, id_number, phone, address,
email}, ``components`` (as checked at intake, with ``quantity``), ``sets``, ``received_at``,
``due_date`` (ngày hẹn trả), ``received_by``, ``handler``, ``files``, ``note``, ``submitted_at``,
``form``, ``visit_id``, ``steps``, ``supplement``, ``refusal``, ``result``, ``returned``,
``apologies``); ``visit`` (a citizen at the desk, from the queue machine); ``desk`` (the candidate's
Bộ phận Một cửa and its people).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from mock_services.core.events import EventData, StateEvent, event_type

DOSSIER_AFTER = "The dossier's full state after the action (see docs/onestop.md)."


@event_type
class DeskPrepared(StateEvent):
    """The candidate's one-stop desk was made, or shaped by a task's setup: the unit, its electronic
    identifier, the official at the desk, the handling officials and the leaders. Actor: system."""

    verb = "onestop.desk_prepared"
    object_kind = "desk"

    after: dict[str, Any] = Field(description="The desk: unit_id, unit, parent, place, official, handlers, leaders.")


class VisitEvent(StateEvent):
    object_kind = "visit"

    after: dict[str, Any] = Field(
        description="The visit: id, ticket, arrived_at, applicant, request, papers [{name, quantity, remark}], "
        "called_at, dossier_id."
    )


@event_type
class VisitArrived(VisitEvent):
    """A citizen took a number at the queue machine (a task's scenario card). Actor: system."""

    verb = "onestop.visit_arrived"


@event_type
class VisitCalled(VisitEvent):
    """The official called the citizen's number (Gọi số) and saw the papers they hand over."""

    verb = "onestop.visit_called"


class DossierEvent(StateEvent):
    """Base of the events that change a dossier."""

    object_kind = "dossier"

    by: str = Field(description="Name of the official who acted (the candidate, or a simulated colleague).")
    after: dict[str, Any] = Field(description=DOSSIER_AFTER)


@event_type
class DossierSubmitted(DossierEvent):
    """A citizen submitted a dossier online (Cổng Dịch vụ công): it waits in Chờ tiếp nhận trực tuyến
    with its e-form and attachments. Actor: system."""

    verb = "onestop.dossier_submitted"


@event_type
class DossierReceived(DossierEvent):
    """The desk received a dossier (tiếp nhận) and gave the Giấy tiếp nhận hồ sơ và hẹn trả kết quả:
    its code, the return date from the working-day calendar (and the 15:00 rule), the receipt PDF."""

    verb = "onestop.dossier_received"

    receipt_sha256: str = Field(description="sha256 of the receipt PDF in the blob store.")


@event_type
class SupplementRequested(DossierEvent):
    """Yêu cầu bổ sung, hoàn thiện hồ sơ: the dossier is not received; the official names what is
    missing, once, on the Phiếu yêu cầu bổ sung (status yeu_cau_bo_sung)."""

    verb = "onestop.supplement_requested"

    missing: list[str] = Field(description="The procedure's components named as missing or to complete.")
    reason: str = Field(description="Lý do, as the official wrote it.")
    form_sha256: str = Field(description="sha256 of the Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (PDF).")


@event_type
class DossierRefused(DossierEvent):
    """Từ chối tiếp nhận: the dossier is refused with a reason on the Phiếu từ chối tiếp nhận giải
    quyết hồ sơ (status khong_tiep_nhan)."""

    verb = "onestop.dossier_refused"

    reason: str = Field(description="Lý do từ chối, as the official wrote it.")
    form_sha256: str = Field(description="sha256 of the Phiếu từ chối tiếp nhận giải quyết hồ sơ (PDF).")


@event_type
class DossierTransferred(DossierEvent):
    """Chuyển xử lý: the desk hands the dossier to the handling official with the phiếu kiểm soát
    quá trình giải quyết hồ sơ (status dang_xu_ly)."""

    verb = "onestop.dossier_transferred"

    handler: str = Field(description="Key of the handling official (see the desk).")
    handler_name: str = Field(description="Their name.")
    slip_sha256: str = Field(description="sha256 of the phiếu kiểm soát (PDF).")


@event_type
class DelayReported(DossierEvent):
    """The handling official reports the dossier will not be done by its return date, and why.
    Actor: system."""

    verb = "onestop.delay_reported"

    reason: str = Field(description="Why it is late, in the handler's words.")


@event_type
class DossierProcessed(DossierEvent):
    """The handling official returned the signed result to the desk (status da_xu_ly_xong). Actor: system."""

    verb = "onestop.dossier_processed"

    result_sha256: str = Field(description="sha256 of the result (PDF).")


@event_type
class ResultReturned(DossierEvent):
    """Trả kết quả: the result handed to the citizen (status da_tra_ket_qua): to whom, how, and whether
    the originals were taken back; ``after.returned`` says the same."""

    verb = "onestop.result_returned"

    to: str = Field(description="Họ tên người nhận kết quả.")
    method: str = Field(description="tai_bo_phan_mot_cua, buu_chinh or truc_tuyen.")


@event_type
class ApologyDrafted(DossierEvent):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả, drafted by the official and sent to a leader."""

    verb = "onestop.apology_drafted"

    reason: str = Field(description="Lý do, as the official wrote it.")
    new_due_date: str = Field(description="Ngày hẹn trả mới (ISO).")
    leader: str = Field(description="Key of the leader asked to approve (Lãnh đạo ký duyệt).")


@event_type
class ApologyApproved(DossierEvent):
    """The leader approved and signed the apology: the dossier's return date is the new one, and the
    citizen is told. Actor: system."""

    verb = "onestop.apology_approved"

    sha256: str = Field(description="sha256 of the signed Phiếu xin lỗi và hẹn lại ngày trả kết quả (PDF).")


@event_type
class CitizenNotified(EventData):
    """The system told the citizen about their dossier, by SMS or by email. Actor: system."""

    verb = "onestop.citizen_notified"
    object_kind = "dossier"

    channel: Literal["sms", "email"] = Field(description="sms or email.")
    to: str = Field(description="The phone number or the address.")
    text: str = Field(description="What it said.")


@event_type
class FileOpened(EventData):
    """The official opened (or printed) one of a dossier's files: the receipt, a form, an attachment."""

    verb = "onestop.file_opened"
    object_kind = "dossier"

    kind: str = Field(
        description="giay_tiep_nhan, phieu_bo_sung, phieu_tu_choi, phieu_kiem_soat, phieu_xin_loi, ket_qua or dinh_kem."
    )
    name: str = Field(description="The file's name.")
    sha256: str = Field(description="Its sha256.")


@event_type
class Searched(EventData):
    """A search of the dossiers (Tra cứu hồ sơ)."""

    verb = "onestop.searched"
    object_kind = "desk"

    query: str = Field(description="What was typed: a code, a name, a CCCD number.")
    results: int = Field(description="How many dossiers were found.")
