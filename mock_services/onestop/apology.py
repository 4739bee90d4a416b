"""Phiếu xin lỗi và hẹn lại ngày trả kết quả (domain reference §5.2 step 5, §5.4): when a dossier
will be late, the desk writes to the citizen before the return date passes, giving the reason and a
new date, cleared by a leader (Lãnh đạo ký duyệt). The simulated leader approves at once; from then
the dossier's return date is the new one and the citizen is told."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.acting import Acting, emit
from mock_services.core.workdays import covered_years, is_working_day
from mock_services.onestop import notify, store
from mock_services.onestop.desk import Desk
from mock_services.onestop.domain import OPEN, OnestopError
from mock_services.onestop.events import ApologyApproved, ApologyDrafted
from mock_services.onestop.forms import render_apology
from mock_services.onestop.intake import MIN_REASON, file_entry, form_head
from mock_services.onestop.store import Dossier

APOLOGY_KIND = "phieu_xin_loi"


def check(dossier: Dossier, reason: str, new_due: date | None, today: date, *, leader_chosen: bool = True) -> str:
    """The apology's reason, tidied; every problem at once, in Vietnamese."""
    reason = " ".join(reason.split())
    problems = [] if leader_chosen else ["Vui lòng chọn lãnh đạo ký duyệt."]
    if dossier.status not in OPEN:
        problems.append(f"Hồ sơ {dossier.code} không còn đang giải quyết ({dossier.status.label}).")
    if len(reason) < MIN_REASON:
        problems.append(f"Vui lòng ghi rõ lý do chậm trả kết quả (ít nhất {MIN_REASON} ký tự).")
    if new_due is None:
        problems.append("Vui lòng chọn ngày hẹn trả kết quả mới.")
    elif new_due <= max(dossier.due_date, today):
        problems.append(
            f"Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại ({dossier.due_date:%d/%m/%Y}) và sau hôm nay."
        )
    elif new_due.year not in covered_years():
        problems.append(f"Ngày {new_due:%d/%m/%Y} quá xa: lịch làm việc của hệ thống chưa có năm {new_due.year}.")
    elif not is_working_day(new_due):
        problems.append(f"Ngày {new_due:%d/%m/%Y} không phải ngày làm việc: hãy hẹn vào một ngày làm việc.")
    if problems:
        raise OnestopError(" ".join(problems))
    return reason


def apologise(
    conn: Connection,
    candidate: Candidate,
    dossier: Dossier,
    *,
    reason: str,
    new_due: date | None,
    leader_key: str,
    desk: Desk,
    acting: Acting,
) -> Dossier:
    chosen = any(c.key == leader_key for c in desk.leaders)
    reason = check(dossier, reason, new_due, acting.today, leader_chosen=chosen)
    leader = desk.leader(leader_key)
    assert new_due is not None
    drafted = ApologyDrafted(
        by=desk.official, after=dossier.state(), reason=reason, new_due_date=new_due.isoformat(), leader=leader.key
    )
    emit(conn, candidate, acting, drafted, str(dossier.id))
    handler = desk.colleague(dossier.handler)
    handling_unit = f"{handler.title} {handler.name}" if handler else desk.unit
    old_due = dossier.due_date
    pdf = render_apology(
        form_head(desk, dossier, acting.now.astimezone(acting.tz)),
        dossier.received_at.astimezone(acting.tz),
        old_due,
        new_due,
        reason,
        handling_unit,
        leader.name,
        leader.title,
    )
    ref = acting.blobs.put(conn, pdf, now=acting.now)
    apology = {
        "reason": reason,
        "old_due": old_due.isoformat(),
        "new_due": new_due.isoformat(),
        "leader": leader.key,
        "leader_name": leader.name,
        "at": acting.now.isoformat(),
        "sha256": ref.sha256,
    }
    entry = file_entry(
        APOLOGY_KIND, f"PhieuXinLoi_{dossier.code}_{len(dossier.apologies) + 1}.pdf", ref.sha256, ref.size
    )
    dossier = store.update_dossier(
        conn, dossier, due_date=new_due, apologies=[*dossier.apologies, apology], files=[*dossier.files, entry]
    )
    approved = ApologyApproved(by=leader.name, after=dossier.state(), sha256=ref.sha256)
    emit(conn, candidate, acting.as_system(), approved, str(dossier.id))
    text = (
        f"{desk.unit} xin lỗi Ông/Bà: hồ sơ {dossier.code} chưa giải quyết xong đúng hẹn ngày {old_due:%d/%m/%Y}. "
        f"Lý do: {reason}. Hẹn trả kết quả ngày {new_due:%d/%m/%Y}."
    )
    notify.citizen(conn, candidate, dossier, desk, text, acting)
    return dossier
