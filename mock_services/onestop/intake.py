"""Tiếp nhận hồ sơ: the desk checks the applicant and the papers against the procedure, gives the
dossier its code and the return date, prints the receipt, and logs it. A dossier short of a paper
the procedure requires is not received: the official guides the citizen to complete it instead
(Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.acting import Acting, emit
from mock_services.core.workdays import due_date
from mock_services.onestop import store
from mock_services.onestop.domain import Applicant, Channel, OnestopError, Status, dossier_code
from mock_services.onestop.events import DossierReceived
from mock_services.onestop.procedures import Procedure, ProcedureError, procedure
from mock_services.onestop.receipt import Receipt, render_receipt
from mock_services.onestop.store import Dossier

RECEIPT_KIND = "giay_tiep_nhan"


@dataclass(frozen=True)
class Desk:
    """Where the dossier is received: the unit (its electronic identifier and names) and the official."""

    unit_id: str  # 000.00.13.H13
    unit: str  # UBND phường Ninh Kiều
    parent: str  # UBND thành phố Cần Thơ
    place: str  # Ninh Kiều
    official: str  # the name of the official at the desk


@dataclass(frozen=True)
class Intake:
    procedure_code: str
    applicant: Applicant
    handed: dict[str, int]  # each paper handed in, by its name in the procedure, and how many
    sets: int = 1
    channel: Channel = Channel.truc_tiep


def _procedure(code: str) -> Procedure:
    if not code:
        raise OnestopError("Vui lòng chọn thủ tục hành chính.")
    try:
        return procedure(code)
    except ProcedureError:
        raise OnestopError(f"Không có thủ tục hành chính mã {code}.") from None


def check_papers(found: Procedure, handed: dict[str, int]) -> list[tuple[int, int]]:
    """The procedure's components handed in, as (index, quantity); refused naming what is missing."""
    known = {component.name: index for index, component in enumerate(found.components)}
    strangers = [name for name in handed if name not in known]
    if strangers:
        raise OnestopError(f"Giấy tờ không thuộc thành phần hồ sơ của thủ tục này: {'; '.join(strangers)}.")
    if any(quantity < 1 for quantity in handed.values()):
        raise OnestopError("Số lượng mỗi giấy tờ đã nhận phải từ 1 trở lên.")
    missing = [c.name for c in found.components if not c.optional and handed.get(c.name, 0) < 1]
    if missing:
        raise OnestopError(
            f"Hồ sơ chưa đủ thành phần: {'; '.join(missing)}. Không tiếp nhận hồ sơ thiếu: hãy hướng dẫn "
            "công dân bổ sung (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ)."
        )
    return [(known[name], quantity) for name, quantity in handed.items()]


def receive(conn: Connection, candidate: Candidate, intake: Intake, desk: Desk, acting: Acting) -> Dossier:
    found = _procedure(intake.procedure_code)
    papers = sorted(check_papers(found, intake.handed))
    if not 1 <= intake.sets <= 20:
        raise OnestopError("Số bộ hồ sơ phải từ 1 đến 20.")
    local = acting.now.astimezone(acting.tz)
    prefix = f"{desk.unit_id}-{local:%y%m%d}-"
    code = dossier_code(desk.unit_id, local.date(), store.codes_of_day(conn, candidate.id, prefix) + 1)
    due = due_date(local, found.deadline.working_days)
    components = [{**found.components[index].model_dump(), "quantity": quantity} for index, quantity in papers]
    receipt = Receipt(
        parent=desk.parent,
        unit=desk.unit,
        desk="Bộ phận Một cửa",
        place=desk.place,
        code=code,
        applicant_name=intake.applicant.name,
        id_number=intake.applicant.id_number,
        phone=intake.applicant.phone,
        address=intake.applicant.address,
        email=intake.applicant.email,
        channel=intake.channel.label,
        procedure=found.name,
        components=tuple((found.components[index], quantity) for index, quantity in papers),
        sets=intake.sets,
        deadline_text=found.deadline.text,
        received_at=local,
        due=due,
        official=desk.official,
    )
    ref = acting.blobs.put(conn, render_receipt(receipt), now=acting.now)
    receipt_file = {"name": f"GiayTiepNhan_{code}.pdf", "sha256": ref.sha256, "size": ref.size, "kind": RECEIPT_KIND}
    dossier = store.add_dossier(
        conn,
        candidate_id=candidate.id,
        code=code,
        procedure_code=found.code,
        procedure_name=found.name,
        channel=intake.channel,
        status=Status.da_tiep_nhan,
        applicant=asdict(intake.applicant),
        components=components,
        sets=intake.sets,
        received_at=acting.now,
        due_date=due,
        received_by=desk.official,
        handler="",
        files=[receipt_file],
        note="",
    )
    event = DossierReceived(by=desk.official, after=dossier.state(), receipt_sha256=ref.sha256)
    emit(conn, candidate, acting, event, str(dossier.id))
    return dossier
