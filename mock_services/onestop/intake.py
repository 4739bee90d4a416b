"""Tiếp nhận hồ sơ (step 2 of the standard procedure, domain reference §5.2): the desk checks the
applicant and the papers against the procedure, then either receives the dossier (its code, the
return date, the Giấy tiếp nhận), asks once for what is missing (Phiếu yêu cầu bổ sung, hoàn thiện hồ
sơ), or refuses it with a reason (Phiếu từ chối tiếp nhận giải quyết hồ sơ).

A walk-in's papers are checked here from the form; an online dossier (Chờ tiếp nhận trực tuyến) is
already in the store, submitted with its e-form, and the same three outcomes apply to it. A walk-in
called from the queue is received "as of" the moment the citizen came (the scenario's time)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.acting import Acting, emit
from mock_services.core.workdays import due_date
from mock_services.onestop import notify, store
from mock_services.onestop.desk import Desk
from mock_services.onestop.domain import Applicant, Channel, OnestopError, Status, dossier_code
from mock_services.onestop.events import DossierReceived, DossierRefused, SupplementRequested, VisitCalled
from mock_services.onestop.forms import FormHead, render_refusal, render_supplement_request
from mock_services.onestop.procedures import Component, Procedure, ProcedureError, procedure
from mock_services.onestop.receipt import Receipt, render_receipt
from mock_services.onestop.store import Dossier, Visit

RECEIPT_KIND = "giay_tiep_nhan"
SUPPLEMENT_KIND = "phieu_bo_sung"
REFUSAL_KIND = "phieu_tu_choi"
ATTACHMENT_KIND = "dinh_kem"
MIN_REASON = 10  # characters: a reason the citizen can act on, not "thiếu"


@dataclass(frozen=True)
class Intake:
    procedure_code: str
    applicant: Applicant
    handed: dict[str, int]  # each paper handed in, by its name in the procedure, and how many
    sets: int = 1
    channel: Channel = Channel.truc_tiep
    visit: Visit | None = None  # the citizen called from the queue, whose moment the dossier takes
    received_at: datetime | None = None  # a setup's dossier received earlier; now by default
    due: date | None = None  # a setup's appointed return date; the calendar's by default


def procedure_of(code: str) -> Procedure:
    if not code:
        raise OnestopError("Vui lòng chọn thủ tục hành chính.")
    try:
        return procedure(code)
    except ProcedureError:
        raise OnestopError(f"Không có thủ tục hành chính mã {code}.") from None


def check_papers(found: Procedure, handed: dict[str, int], *, complete: bool = True) -> list[tuple[int, int]]:
    """The procedure's components handed in, as (index, quantity); with ``complete``, refused naming
    what is missing."""
    known = {component.name: index for index, component in enumerate(found.components)}
    strangers = [name for name in handed if name not in known]
    if strangers:
        raise OnestopError(f"Giấy tờ không thuộc thành phần hồ sơ của thủ tục này: {'; '.join(strangers)}.")
    if any(quantity < 1 for quantity in handed.values()):
        raise OnestopError("Số lượng mỗi giấy tờ đã nhận phải từ 1 trở lên.")
    missing = [c.name for c in found.components if not c.optional and handed.get(c.name, 0) < 1]
    if complete and missing:
        raise OnestopError(
            f"Hồ sơ chưa đủ thành phần: {'; '.join(missing)}. Không tiếp nhận hồ sơ thiếu: hãy hướng dẫn "
            "công dân bổ sung (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ)."
        )
    return sorted((known[name], quantity) for name, quantity in handed.items())


def _reason(text: str, what: str) -> str:
    reason = " ".join(text.split())
    if len(reason) < MIN_REASON:
        raise OnestopError(f"Vui lòng ghi rõ {what} (ít nhất {MIN_REASON} ký tự) để công dân biết cần làm gì.")
    return reason


def call_visit(conn: Connection, candidate: Candidate, found: Visit, acting: Acting) -> Visit:
    """Gọi số: the citizen comes to the desk with their papers; logged the first time only."""
    if found.called_at is not None:
        return found
    called = store.update_visit(conn, found, called_at=acting.now)
    emit(conn, candidate, acting, VisitCalled(after=called.state()), str(found.id))
    return called


def form_head(desk: Desk, dossier: Dossier, dated: datetime) -> FormHead:
    """The header and applicant block every form of this dossier prints."""
    a = dossier.applicant
    return FormHead(
        parent=desk.parent,
        unit=desk.unit,
        place=desk.place,
        code=dossier.code,
        applicant_name=a["name"],
        id_number=a["id_number"],
        phone=a["phone"],
        address=a["address"],
        email=a.get("email", ""),
        channel=dossier.channel.label,
        procedure=dossier.procedure_name,
        dated=dated,
    )


def file_entry(kind: str, name: str, sha256: str, size: int) -> dict[str, object]:
    return {"name": name, "sha256": sha256, "size": size, "kind": kind}


def _new_dossier(
    conn: Connection,
    candidate: Candidate,
    intake: Intake,
    desk: Desk,
    acting: Acting,
    status: Status,
    *,
    complete: bool,
) -> tuple[Dossier, Procedure]:
    """The dossier as the form describes it, with the day's next code, before its outcome's paper."""
    found = procedure_of(intake.procedure_code)
    papers = check_papers(found, intake.handed, complete=complete)
    if not 1 <= intake.sets <= 20:
        raise OnestopError("Số bộ hồ sơ phải từ 1 đến 20.")
    if intake.visit is not None and intake.visit.dossier_id is not None:
        raise OnestopError(f"Công dân số thứ tự {intake.visit.ticket} đã được giải quyết rồi.")
    at = intake.visit.arrived_at if intake.visit else (intake.received_at or acting.now)
    local = at.astimezone(acting.tz)
    code = next_code(conn, candidate.id, desk, local)
    dossier = store.add_dossier(
        conn,
        candidate_id=candidate.id,
        code=code,
        procedure_code=found.code,
        procedure_name=found.name,
        channel=intake.channel,
        status=status,
        applicant=asdict(intake.applicant),
        components=[{**found.components[index].model_dump(), "quantity": qty} for index, qty in papers],
        sets=intake.sets,
        received_at=at,
        due_date=intake.due or due_date(local, found.deadline.working_days),
        received_by=desk.official,
        handler="",
        files=[],
        note="",
        visit_id=intake.visit.id if intake.visit else None,
    )
    if intake.visit is not None:
        store.update_visit(conn, intake.visit, dossier_id=dossier.id)
    return dossier, found


def next_code(conn: Connection, candidate_id: int, desk: Desk, local: datetime) -> str:
    """The desk's next dossier code on the day of ``local`` (the room's time)."""
    prefix = f"{desk.unit_id}-{local:%y%m%d}-"
    return dossier_code(desk.unit_id, local.date(), store.codes_of_day(conn, candidate_id, prefix) + 1)


def components_of(found: Procedure, dossier: Dossier) -> tuple[tuple[Component, int], ...]:
    """The dossier's papers as the forms print them: each component of the procedure, and how many."""
    by_name = {c.name: c for c in found.components}
    return tuple((by_name[c["name"]], int(c["quantity"])) for c in dossier.components if c["name"] in by_name)


def _put_receipt(conn: Connection, dossier: Dossier, found: Procedure, desk: Desk, acting: Acting) -> Dossier:
    local = dossier.received_at.astimezone(acting.tz)
    a = dossier.applicant
    receipt = Receipt(
        parent=desk.parent,
        unit=desk.unit,
        desk="Bộ phận Một cửa",
        place=desk.place,
        code=dossier.code,
        applicant_name=a["name"],
        id_number=a["id_number"],
        phone=a["phone"],
        address=a["address"],
        email=a.get("email", ""),
        channel=dossier.channel.label,
        procedure=found.name,
        components=components_of(found, dossier),
        sets=dossier.sets,
        deadline_text=found.deadline.text,
        received_at=local,
        due=dossier.due_date,
        official=desk.official,
    )
    ref = acting.blobs.put(conn, render_receipt(receipt), now=acting.now)
    entry = file_entry(RECEIPT_KIND, f"GiayTiepNhan_{dossier.code}.pdf", ref.sha256, ref.size)
    return store.update_dossier(conn, dossier, files=[*dossier.files, entry])


def receive(conn: Connection, candidate: Candidate, intake: Intake, desk: Desk, acting: Acting) -> Dossier:
    """Tiếp nhận a walk-in's complete dossier."""
    dossier, found = _new_dossier(conn, candidate, intake, desk, acting, Status.da_tiep_nhan, complete=True)
    return _received(conn, candidate, _put_receipt(conn, dossier, found, desk, acting), desk, acting)


def _received(conn: Connection, candidate: Candidate, dossier: Dossier, desk: Desk, acting: Acting) -> Dossier:
    receipt = dossier.files_of(RECEIPT_KIND)[-1]
    event = DossierReceived(by=desk.official, after=dossier.state(), receipt_sha256=receipt["sha256"])
    emit(conn, candidate, acting, event, str(dossier.id))
    text = (
        f"{desk.unit}: hồ sơ {dossier.code} ({dossier.procedure_name}) đã được tiếp nhận. "
        f"Hẹn trả kết quả ngày {dossier.due_date:%d/%m/%Y}."
    )
    notify.citizen(conn, candidate, dossier, desk, text, acting)
    return dossier


def accept_online(conn: Connection, candidate: Candidate, dossier: Dossier, desk: Desk, acting: Acting) -> Dossier:
    """Tiếp nhận an online dossier whose e-form and attachments hold together: from now it counts."""
    _require_waiting(dossier)
    found = procedure_of(dossier.procedure_code)
    local = acting.now.astimezone(acting.tz)
    dossier = store.update_dossier(
        conn,
        dossier,
        status=Status.da_tiep_nhan,
        received_at=acting.now,
        due_date=due_date(local, found.deadline.working_days),
        received_by=desk.official,
    )
    return _received(conn, candidate, _put_receipt(conn, dossier, found, desk, acting), desk, acting)


def _require_waiting(dossier: Dossier) -> None:
    if dossier.status is not Status.moi_dang_ky:
        raise OnestopError(f"Hồ sơ {dossier.code} đã được xử lý ở bước tiếp nhận ({dossier.status.label}).")


def _missing(found: Procedure, names: list[str]) -> tuple[tuple[Component, int], ...]:
    by_name = {c.name: c for c in found.components}
    if not names:
        raise OnestopError("Vui lòng đánh dấu thành phần hồ sơ cần bổ sung, hoàn thiện.")
    strangers = [n for n in names if n not in by_name]
    if strangers:
        raise OnestopError(f"Giấy tờ không thuộc thành phần hồ sơ của thủ tục này: {'; '.join(strangers)}.")
    return tuple(
        (by_name[n], max(1, by_name[n].original + by_name[n].certified_copy + by_name[n].photocopy))
        for n in dict.fromkeys(names)
    )


def request_supplement(
    conn: Connection,
    candidate: Candidate,
    target: Intake | Dossier,
    missing: list[str],
    reason: str,
    desk: Desk,
    acting: Acting,
) -> Dossier:
    """Yêu cầu bổ sung, hoàn thiện hồ sơ: a walk-in's papers (``Intake``) or an online dossier."""
    reason = _reason(reason, "lý do cần bổ sung")
    found = procedure_of(target.procedure_code)
    wanted = _missing(found, missing)
    if isinstance(target, Intake):
        dossier, _ = _new_dossier(conn, candidate, target, desk, acting, Status.yeu_cau_bo_sung, complete=False)
    else:
        _require_waiting(target)
        dossier = store.update_dossier(conn, target, status=Status.yeu_cau_bo_sung)
    at = acting.now
    pdf = render_supplement_request(form_head(desk, dossier, at.astimezone(acting.tz)), wanted, reason, desk.official)
    ref = acting.blobs.put(conn, pdf, now=at)
    names = [component.name for component, _ in wanted]
    dossier = store.update_dossier(
        conn,
        dossier,
        supplement={"missing": names, "reason": reason, "at": at.isoformat()},
        files=[*dossier.files, file_entry(SUPPLEMENT_KIND, f"PhieuBoSung_{dossier.code}.pdf", ref.sha256, ref.size)],
    )
    event = SupplementRequested(
        by=desk.official, after=dossier.state(), missing=names, reason=reason, form_sha256=ref.sha256
    )
    emit(conn, candidate, acting, event, str(dossier.id))
    text = f"{desk.unit}: hồ sơ {dossier.code} cần bổ sung: {'; '.join(names)}. Lý do: {reason}"
    notify.citizen(conn, candidate, dossier, desk, text, acting)
    return dossier


def refuse(
    conn: Connection, candidate: Candidate, target: Intake | Dossier, reason: str, desk: Desk, acting: Acting
) -> Dossier:
    """Từ chối tiếp nhận: a walk-in's papers (``Intake``) or an online dossier, with the reason."""
    reason = _reason(reason, "lý do từ chối")
    if isinstance(target, Intake):
        dossier, _ = _new_dossier(conn, candidate, target, desk, acting, Status.khong_tiep_nhan, complete=False)
    else:
        _require_waiting(target)
        dossier = store.update_dossier(conn, target, status=Status.khong_tiep_nhan)
    at = acting.now
    pdf = render_refusal(form_head(desk, dossier, at.astimezone(acting.tz)), reason, desk.official)
    ref = acting.blobs.put(conn, pdf, now=at)
    dossier = store.update_dossier(
        conn,
        dossier,
        refusal={"reason": reason, "at": at.isoformat()},
        files=[*dossier.files, file_entry(REFUSAL_KIND, f"PhieuTuChoi_{dossier.code}.pdf", ref.sha256, ref.size)],
    )
    emit(
        conn,
        candidate,
        acting,
        DossierRefused(by=desk.official, after=dossier.state(), reason=reason, form_sha256=ref.sha256),
        str(dossier.id),
    )
    text = f"{desk.unit}: hồ sơ {dossier.code} không được tiếp nhận. Lý do: {reason}"
    notify.citizen(conn, candidate, dossier, desk, text, acting)
    return dossier
