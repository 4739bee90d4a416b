"""Events of the one-stop service (một cửa điện tử).

One kind of object, ``dossier`` (hồ sơ), with its whole state in ``after``: ``id``, ``code`` (mã hồ
sơ), ``procedure_code`` and ``procedure_name``, ``channel`` (truc_tiep, truc_tuyen, bcci),
``status`` and ``status_name``, ``applicant`` {name, id_number, phone, address, email},
``components`` (as checked at intake, with ``quantity``), ``sets``, ``received_at``,
``due_date`` (ngày hẹn trả), ``received_by``, ``handler``, ``files``, ``note``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mock_services.core.events import StateEvent, event_type

DOSSIER_AFTER = "The dossier's full state after the action (see docs/onestop.md)."


class DossierEvent(StateEvent):
    """Base of the events that change a dossier."""

    object_kind = "dossier"

    by: str = Field(description="Name of the official who acted (the candidate, or a simulated colleague).")
    after: dict[str, Any] = Field(description=DOSSIER_AFTER)


@event_type
class DossierReceived(DossierEvent):
    """The desk received a dossier (tiếp nhận) and gave the Giấy tiếp nhận hồ sơ và hẹn trả kết quả:
    its code, the return date from the working-day calendar (and the 15:00 rule), the receipt PDF."""

    verb = "onestop.dossier_received"

    receipt_sha256: str = Field(description="sha256 of the receipt PDF in the blob store.")
