"""After intake (steps 4–6 of the standard procedure, domain reference §5.2): the desk hands the
dossier to the handling official with the phiếu kiểm soát (Chuyển xử lý); the official, simulated,
returns the signed result a few minutes later; the desk hands it to the citizen (Trả kết quả),
recording to whom, how, and whether the originals were taken back."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.acting import Acting, emit
from mock_services.onestop import notify, store
from mock_services.onestop.desk import Colleague, Desk
from mock_services.onestop.domain import CCCD, OnestopError, ReturnMethod, Status
from mock_services.onestop.events import DelayReported, DossierProcessed, DossierTransferred, ResultReturned
from mock_services.onestop.forms import Handover, render_control_slip, render_result
from mock_services.onestop.intake import components_of, file_entry, form_head, procedure_of
from mock_services.onestop.store import Dossier

SLIP_KIND = "phieu_kiem_soat"
RESULT_KIND = "ket_qua"
PROCESSING_TIME = timedelta(minutes=3)  # how long the simulated handler takes, in exam time


def _step(at: datetime, giver: str, receiver: str, result: str, note: str = "") -> dict[str, Any]:
    return {"at": at.isoformat(), "giver": giver, "receiver": receiver, "result": result, "note": note}


def _slip(conn: Connection, dossier: Dossier, desk: Desk, acting: Acting) -> dict[str, Any]:
    """The phiếu kiểm soát as it stands, with every hand-over so far."""
    found = procedure_of(dossier.procedure_code)
    handovers = tuple(
        Handover(
            giver=s["giver"],
            receiver=s["receiver"],
            at=datetime.fromisoformat(s["at"]).astimezone(acting.tz),
            result=s["result"],
            note=s["note"],
        )
        for s in dossier.steps
    )
    pdf = render_control_slip(
        form_head(desk, dossier, acting.now.astimezone(acting.tz)),
        dossier.received_at.astimezone(acting.tz),
        dossier.due_date,
        found.deadline.text,
        components_of(found, dossier),
        handovers,
    )
    ref = acting.blobs.put(conn, pdf, now=acting.now)
    return file_entry(SLIP_KIND, f"PhieuKiemSoat_{dossier.code}.pdf", ref.sha256, ref.size)


def _desk_side(desk: Desk) -> str:
    return f"Bộ phận Một cửa - {desk.official}"


def _handler_side(handler: Colleague) -> str:
    return f"{handler.title} - {handler.name}"


def transfer(
    conn: Connection,
    candidate: Candidate,
    dossier: Dossier,
    handler_key: str,
    note: str,
    desk: Desk,
    acting: Acting,
    takes: timedelta = PROCESSING_TIME,
) -> Dossier:
    """Chuyển xử lý: only a received dossier, to one of the unit's handling officials, who brings the
    result back after ``takes`` (the room's SATHACH_ONESTOP_PROCESSING_SECONDS on the pages)."""
    if dossier.status is not Status.da_tiep_nhan:
        raise OnestopError(
            f"Chỉ chuyển xử lý hồ sơ đã tiếp nhận; hồ sơ {dossier.code} đang ở trạng thái “{dossier.status.label}”."
        )
    handler = desk.handler(handler_key)
    note = " ".join(note.split())[:500]
    steps = [*dossier.steps, _step(acting.now, _desk_side(desk), _handler_side(handler), "Chuyển xử lý", note)]
    dossier = store.update_dossier(
        conn,
        dossier,
        status=Status.dang_xu_ly,
        handler=handler.key,
        steps=steps,
        ready_at=acting.now + takes,
    )
    slip = _slip(conn, dossier, desk, acting)
    dossier = store.update_dossier(conn, dossier, files=[*dossier.files, slip])
    event = DossierTransferred(
        by=desk.official,
        after=dossier.state(),
        handler=handler.key,
        handler_name=handler.name,
        slip_sha256=slip["sha256"],
    )
    emit(conn, candidate, acting, event, str(dossier.id))
    return dossier


def report_delay(
    conn: Connection,
    candidate: Candidate,
    dossier: Dossier,
    reason: str,
    ready_at: datetime | None,
    desk: Desk,
    acting: Acting,
) -> Dossier:
    """The handler says the dossier will be late (a setup step): the result waits until ``ready_at``
    (never, when None) and the desk sees the reason."""
    handler = desk.colleague(dossier.handler)
    dossier = store.update_dossier(conn, dossier, delay=reason, ready_at=ready_at)
    by = handler.name if handler else desk.official
    emit(
        conn, candidate, acting.as_system(), DelayReported(by=by, after=dossier.state(), reason=reason), str(dossier.id)
    )
    return dossier


def settle(conn: Connection, candidate: Candidate, desk: Desk, acting: Acting) -> list[Dossier]:
    """The simulated handlers return the results that are ready by now (every page of the desk calls
    this first, so a result appears as if the colleague had brought it over)."""
    done = []
    for dossier in store.dossiers_of(conn, candidate.id):
        if dossier.status is Status.dang_xu_ly and dossier.ready_at is not None and dossier.ready_at <= acting.now:
            done.append(bring_result(conn, candidate, dossier, desk, acting.as_system()))
    return done


def _result_number(conn: Connection, dossier: Dossier, year: int) -> str:
    """The next number of the result's book: chứng thực and hộ tịch each keep their own, by the
    procedure's lĩnh vực (a code's first digit says where it is done, not which book)."""
    book = "SCT" if procedure_of(dossier.procedure_code).field == "Chứng thực" else "HT"
    issued = sum(
        1
        for d in store.dossiers_of(conn, dossier.candidate_id)
        if d.result is not None and d.result["number"].endswith(f"/{year}/{book}")
    )
    return f"{issued + 1:02d}/{year}/{book}"


def bring_result(conn: Connection, candidate: Candidate, dossier: Dossier, desk: Desk, acting: Acting) -> Dossier:
    """The handler brings the signed result back to the desk (``acting`` is the system's)."""
    found = procedure_of(dossier.procedure_code)
    handler = desk.colleague(dossier.handler) or desk.handlers[0]
    signer = desk.leaders[0]
    at = min(dossier.ready_at or acting.now, acting.now)
    local = at.astimezone(acting.tz)
    number = _result_number(conn, dossier, local.year)
    pdf = render_result(form_head(desk, dossier, local), found.result, number, signer.name, signer.title, local)
    ref = acting.blobs.put(conn, pdf, now=acting.now)
    result = {
        "name": found.result,
        "number": number,
        "signer": signer.name,
        "signer_title": signer.title,
        "signed_at": at.isoformat(),
        "sha256": ref.sha256,
    }
    steps = [*dossier.steps, _step(at, _handler_side(handler), _desk_side(desk), "Đã có kết quả")]
    entry = file_entry(RESULT_KIND, f"KetQua_{dossier.code}.pdf", ref.sha256, ref.size)
    dossier = store.update_dossier(
        conn, dossier, status=Status.da_xu_ly_xong, result=result, steps=steps, files=[*dossier.files, entry]
    )
    emit(
        conn,
        candidate,
        acting,
        DossierProcessed(by=handler.name, after=dossier.state(), result_sha256=ref.sha256),
        str(dossier.id),
    )
    text = (
        f"{desk.unit}: hồ sơ {dossier.code} đã có kết quả. Mời Ông/Bà đến Bộ phận Một cửa nhận kết quả "
        "(mang theo giấy tiếp nhận và căn cước)."
    )
    notify.citizen(conn, candidate, dossier, desk, text, acting)
    return dossier


def return_result(
    conn: Connection,
    candidate: Candidate,
    dossier: Dossier,
    *,
    to: str,
    id_number: str,
    method: ReturnMethod,
    originals_taken: bool,
    desk: Desk,
    acting: Acting,
) -> Dossier:
    """Trả kết quả: the result must be back from the handler; the recipient is named and identified."""
    if dossier.status is not Status.da_xu_ly_xong:
        raise OnestopError(f"Hồ sơ {dossier.code} chưa có kết quả để trả ({dossier.status.label}).")
    to = " ".join(to.split())
    id_number = "".join(id_number.split())
    problems = []
    if len(to) < 2 or any(ch.isdigit() for ch in to):
        problems.append("Vui lòng nhập họ tên người nhận kết quả.")
    if method is ReturnMethod.tai_bo_phan_mot_cua and not CCCD.match(id_number):
        problems.append("Số căn cước của người nhận phải gồm đúng 12 chữ số.")
    if problems:
        raise OnestopError(" ".join(problems))
    returned = {
        "to": to,
        "id_number": id_number,
        "method": method.value,
        "method_name": method.label,
        "originals_taken": originals_taken,
        "at": acting.now.isoformat(),
    }
    steps = [*dossier.steps, _step(acting.now, _desk_side(desk), f"Công dân - {to}", "Đã trả kết quả")]
    dossier = store.update_dossier(conn, dossier, status=Status.da_tra_ket_qua, returned=returned, steps=steps)
    event = ResultReturned(by=desk.official, after=dossier.state(), to=to, method=method.value)
    emit(conn, candidate, acting, event, str(dossier.id))
    return dossier
