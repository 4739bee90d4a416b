"""A dossier's way through the one-stop desk on a real database: a citizen called from the queue and
received "as of" their arrival, a request to supplement or a refusal instead, an online dossier
accepted, the hand-over to the handling official and the simulated result, the result returned, the
apology with a new return date, the SMS and email to the citizen, and each candidate's own tenant."""

from __future__ import annotations

import email
import re
from dataclasses import asdict
from datetime import UTC, date, datetime
from email.header import decode_header, make_header
from email.utils import parseaddr, parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from graderd.files import pdf_text
from mock_services.core import log
from mock_services.core.acting import Acting
from mock_services.core.blobs import BlobStore
from mock_services.core.db import Database
from mock_services.core.events import EventRecord
from mock_services.onestop import apology, intake, notify, processing, store
from mock_services.onestop.desk import Desk, default_desk, desk_of
from mock_services.onestop.domain import (
    Applicant,
    Channel,
    OnestopError,
    ReturnMethod,
    Status,
    Timeliness,
    check_applicant,
    timeliness,
)
from mock_services.onestop.intake import Intake
from mock_services.onestop.procedures import procedure
from mock_services.onestop.store import Dossier, Visit
from tests.support.room import EXAM_START, SeededExam, seed_exam

ROOM = ZoneInfo("Asia/Ho_Chi_Minh")
BLOBS = BlobStore(10_000_000)
APPLICANT = check_applicant(
    "Trần Thị Bích", "092186000123", "0912345678", "12 Trần Hưng Đạo, phường Ninh Kiều", "bich@example.test"
)
NO_EMAIL = check_applicant("Lê Văn Tám", "092090000456", "0987654321", "45 Hòa Bình, phường Ninh Kiều")
SAO_Y = {"Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao": 1, "Bản sao cần chứng thực": 3}
CHUNG_SINH = "Giấy chứng sinh"
KHAI_SINH = {
    "Tờ khai đăng ký khai sinh (theo mẫu)": 1,
    CHUNG_SINH: 1,
    "Giấy tờ tùy thân của người đi đăng ký (CCCD/hộ chiếu)": 1,
}
XAC_NHAN = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân: 03 ngày làm việc
LY_HON = "Giấy tờ chứng minh đã ly hôn hoặc người kia đã chết"
HANDLER = "Trần Thị Hồng Nhung"  # tp_ht of the default desk
CHAIR = "Nguyễn Văn Hải"  # ct, the first leader: signs the results
DELAY = "Cần xác minh thêm với cơ quan đã cấp bản chính"


@pytest.fixture
def room(db: Database) -> SeededExam:
    return seed_exam(db, now=EXAM_START)


@pytest.fixture
def desk(db: Database, room: SeededExam) -> Desk:
    with db.write() as conn:
        return desk_of(conn, room.candidates[0], at("2026-11-20T07:30:00"))


# --- Helpers


def utc(local: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=ROOM).astimezone(UTC)


def at(local: str) -> Acting:
    return Acting(now=utc(local), blobs=BlobStore(10_000_000), tz=ROOM)


def events(db: Database, candidate_id: int, verb: str) -> list[EventRecord]:
    with db.read() as conn:
        return [e for e in log.iter_events(conn, candidate_id=candidate_id) if e.verb == verb]


def onestop_verbs(db: Database, candidate_id: int) -> list[str]:
    with db.read() as conn:
        return [e.verb for e in log.iter_events(conn, candidate_id=candidate_id) if e.verb.startswith("onestop.")]


def pdf(db: Database, entry: dict[str, Any]) -> str:
    with db.read() as conn:
        return " ".join(pdf_text(BLOBS.get(conn, entry["sha256"])).split())


def saved(db: Database, room: SeededExam, dossier_id: int) -> Dossier:
    with db.read() as conn:
        found = store.dossier(conn, room.candidates[0].id, dossier_id)
    assert found is not None
    return found


def walk_in(
    db: Database,
    room: SeededExam,
    desk: Desk,
    local: str,
    code: str = "2.000815",
    handed: dict[str, int] | None = None,
    applicant: Applicant = APPLICANT,
) -> Dossier:
    papers = dict(SAO_Y if handed is None else handed)
    with db.write() as conn:
        return intake.receive(conn, room.candidates[0], Intake(code, applicant, papers), desk, at(local))


def add_visit(db: Database, room: SeededExam, arrived: str, ticket: int = 1) -> Visit:
    with db.write() as conn:
        return store.add_visit(
            conn,
            candidate_id=room.candidates[0].id,
            ticket=ticket,
            arrived_at=utc(arrived),
            applicant=asdict(APPLICANT),
            request="Tôi cần chứng thực 03 bản sao bằng tốt nghiệp.",
            papers=[{"name": name, "quantity": n, "remark": ""} for name, n in SAO_Y.items()],
        )


def online(db: Database, room: SeededExam, number: int = 1, code: str = XAC_NHAN) -> Dossier:
    """A dossier submitted on the Cổng Dịch vụ công on Friday 20/11/2026 at 16:00, waiting."""
    found = procedure(code)
    submitted = utc("2026-11-20T16:00:00")
    with db.write() as conn:
        form = BLOBS.put(conn, b"%PDF-1.4 to khai truc tuyen", now=submitted)
        return store.add_dossier(
            conn,
            candidate_id=room.candidates[0].id,
            code=f"000.00.13.H13-261120-{number:04d}",
            procedure_code=found.code,
            procedure_name=found.name,
            channel=Channel.truc_tuyen,
            status=Status.moi_dang_ky,
            applicant=asdict(APPLICANT),
            components=[{**c.model_dump(), "quantity": 1} for c in found.components if not c.optional],
            sets=1,
            received_at=submitted,
            due_date=date(2026, 11, 25),
            received_by="",
            handler="",
            files=[{"name": "ToKhai.pdf", "sha256": form.sha256, "size": form.size, "kind": "dinh_kem"}],
            note="",
            submitted_at=submitted,
            form={"Họ và tên": APPLICANT.name, "Nơi cư trú": APPLICANT.address},
        )


def in_processing(db: Database, room: SeededExam, desk: Desk) -> Dossier:
    """A copy certified on Tuesday 24/11/2026 (due that day), received at 08:00, transferred at 08:05."""
    dossier = walk_in(db, room, desk, "2026-11-24T08:00:00")
    with db.write() as conn:
        return processing.transfer(
            conn, room.candidates[0], dossier, "tp_ht", "Chứng thực 03 bản sao", desk, at("2026-11-24T08:05:00")
        )


def with_result(db: Database, room: SeededExam, desk: Desk) -> Dossier:
    in_processing(db, room, desk)
    with db.write() as conn:
        [done] = processing.settle(conn, room.candidates[0], desk, at("2026-11-24T08:10:00"))
    return done


def returned(db: Database, room: SeededExam, desk: Desk) -> Dossier:
    dossier = with_result(db, room, desk)
    with db.write() as conn:
        return processing.return_result(
            conn,
            room.candidates[0],
            dossier,
            to="Trần Thị Bích",
            id_number="092186000123",
            method=ReturnMethod.tai_bo_phan_mot_cua,
            originals_taken=True,
            desk=desk,
            acting=at("2026-11-24T09:00:00"),
        )


# --- The desk


def test_the_desk_is_made_once_from_the_candidates_unit(db: Database, room: SeededExam, desk: Desk) -> None:
    first, second = room.candidates[0], room.candidates[1]
    assert desk == default_desk(first)
    assert (desk.unit, desk.official, desk.email) == (
        "UBND phường Ninh Kiều",
        "Nguyễn Văn An",
        "motcua@phuong-ninhkieu.egov.test",
    )
    with db.write() as conn:
        again = desk_of(conn, first, at("2026-11-24T08:00:00"))
        other = desk_of(conn, second, at("2026-11-24T08:00:00"))
    assert again == desk
    assert (other.unit, other.email) == ("UBND phường Cái Khế", "motcua@phuong-caikhe.egov.test")
    [prepared] = events(db, first.id, "onestop.desk_prepared")
    assert prepared.actor == "system"
    assert prepared.data["after"] == desk.state()


# --- 1. A walk-in called from the queue


def test_a_walk_in_called_from_the_queue_is_received_as_of_its_arrival(
    db: Database, room: SeededExam, desk: Desk
) -> None:
    candidate = room.candidates[0]
    visit = add_visit(db, room, "2026-11-20T15:20:00")  # a Friday, after 15:00
    now = at("2026-11-24T08:05:00")
    with db.write() as conn:
        called = intake.call_visit(conn, candidate, visit, now)
        again = intake.call_visit(conn, candidate, called, at("2026-11-24T08:06:00"))
        reread = store.visit(conn, candidate.id, visit.id)
        assert reread is not None
        intake.call_visit(conn, candidate, reread, at("2026-11-24T08:07:00"))
    assert called.called_at == now.now
    assert again == called
    [call] = events(db, candidate.id, "onestop.visit_called")
    assert (call.actor, call.object_id) == ("candidate", str(visit.id))
    assert call.data["after"]["called_at"] == now.now.isoformat()
    assert call.data["after"]["ticket"] == 1

    with db.write() as conn:
        dossier = intake.receive(conn, candidate, Intake("2.000815", APPLICANT, dict(SAO_Y), visit=called), desk, now)
    assert dossier.received_at == visit.arrived_at == utc("2026-11-20T15:20:00")
    assert dossier.code == "000.00.13.H13-261120-0001"  # the day of arrival, not of the call
    assert dossier.due_date == date(2026, 11, 23)  # after 15:00 on a Friday: the Monday
    assert dossier.visit_id == visit.id
    assert dossier.status is Status.da_tiep_nhan
    text = pdf(db, dossier.files_of("giay_tiep_nhan")[0])
    assert "Thời gian nhận hồ sơ: 15 giờ 20 phút, ngày 20/11/2026" in text
    assert "Thời gian trả kết quả giải quyết hồ sơ: ngày 23/11/2026" in text
    [received] = events(db, candidate.id, "onestop.dossier_received")
    assert received.data["after"]["received_at"] == utc("2026-11-20T15:20:00").isoformat()
    assert received.data["after"]["visit_id"] == str(visit.id)

    with db.read() as conn:
        served = store.visit(conn, candidate.id, visit.id)
    assert served is not None
    assert served.dossier_id == dossier.id
    with (
        db.write() as conn,
        pytest.raises(OnestopError, match=re.escape("Công dân số thứ tự 1 đã được giải quyết rồi.")),
    ):
        intake.receive(conn, candidate, Intake("2.000815", APPLICANT, dict(SAO_Y), visit=served), desk, now)
    with db.read() as conn:
        assert [d.id for d in store.dossiers_of(conn, candidate.id)] == [dossier.id]
    assert len(events(db, candidate.id, "onestop.dossier_received")) == 1


# --- 2. Yêu cầu bổ sung


def test_a_birth_without_the_birth_certificate_gets_a_request_to_supplement(
    db: Database, room: SeededExam, desk: Desk
) -> None:
    candidate = room.candidates[0]
    handed = {name: n for name, n in KHAI_SINH.items() if name != CHUNG_SINH}
    now = at("2026-11-24T09:00:00")
    reason = "Chưa có  giấy chứng sinh   do bệnh viện cấp"
    with db.write() as conn:
        dossier = intake.request_supplement(
            conn, candidate, Intake("1.001193", APPLICANT, handed), [CHUNG_SINH, CHUNG_SINH], reason, desk, now
        )
    assert dossier.status is Status.yeu_cau_bo_sung
    assert dossier.supplement == {
        "missing": [CHUNG_SINH],
        "reason": "Chưa có giấy chứng sinh do bệnh viện cấp",
        "at": now.now.isoformat(),
    }
    assert [c["name"] for c in dossier.components] == [
        "Tờ khai đăng ký khai sinh (theo mẫu)",
        "Giấy tờ tùy thân của người đi đăng ký (CCCD/hộ chiếu)",
    ]
    [form] = dossier.files
    assert form["kind"] == "phieu_bo_sung"
    text = pdf(db, form)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "1 Giấy chứng sinh 1" in text  # the row of the table: TT, name, bản chính
    assert "Lý do: Chưa có giấy chứng sinh do bệnh viện cấp." in text
    [event] = events(db, candidate.id, "onestop.supplement_requested")
    assert event.actor == "candidate"
    assert event.data["missing"] == [CHUNG_SINH]
    assert event.data["reason"] == "Chưa có giấy chứng sinh do bệnh viện cấp"
    assert event.data["form_sha256"] == form["sha256"]
    assert event.data["after"] == dossier.state()
    assert not events(db, candidate.id, "onestop.dossier_received")


@pytest.mark.parametrize(
    ("missing", "reason", "said"),
    [
        ([CHUNG_SINH], "  thiếu   ", "Vui lòng ghi rõ lý do cần bổ sung (ít nhất 10 ký tự)"),
        ([], "Chưa có giấy chứng sinh do bệnh viện cấp", "Vui lòng đánh dấu thành phần hồ sơ cần bổ sung, hoàn thiện."),
        (
            ["Sổ hộ khẩu"],
            "Chưa có giấy chứng sinh do bệnh viện cấp",
            "Giấy tờ không thuộc thành phần hồ sơ của thủ tục này: Sổ hộ khẩu.",
        ),
    ],
    ids=["short-reason", "nothing-missing", "not-of-the-procedure"],
)
def test_a_wrong_request_to_supplement_is_refused_and_nothing_is_saved(
    db: Database, room: SeededExam, desk: Desk, missing: list[str], reason: str, said: str
) -> None:
    candidate = room.candidates[0]
    handed = {name: n for name, n in KHAI_SINH.items() if name != CHUNG_SINH}
    intake_ = Intake("1.001193", APPLICANT, handed)
    with db.write() as conn, pytest.raises(OnestopError, match=re.escape(said)):
        intake.request_supplement(conn, candidate, intake_, missing, reason, desk, at("2026-11-24T09:00:00"))
    with db.read() as conn:
        assert store.dossiers_of(conn, candidate.id) == []
        assert store.notices_of(conn, candidate.id) == []
    assert onestop_verbs(db, candidate.id) == ["onestop.desk_prepared"]


# --- 3. Từ chối tiếp nhận


def test_a_copy_of_a_secret_original_is_refused_with_the_reason(db: Database, room: SeededExam, desk: Desk) -> None:
    candidate = room.candidates[0]
    now = at("2026-11-24T09:30:00")
    reason = "Bản chính đóng dấu MẬT của cơ quan có thẩm quyền, không được chứng thực bản sao"
    with db.write() as conn:
        dossier = intake.refuse(conn, candidate, Intake("2.000815", APPLICANT, dict(SAO_Y)), reason, desk, now)
    assert dossier.status is Status.khong_tiep_nhan
    assert dossier.refusal == {"reason": reason, "at": now.now.isoformat()}
    assert saved(db, room, dossier.id) == dossier
    [form] = dossier.files
    assert form["kind"] == "phieu_tu_choi"
    assert form["name"] == f"PhieuTuChoi_{dossier.code}.pdf"
    text = pdf(db, form)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert f"với lý do cụ thể như sau: {reason}." in text
    assert "NGƯỜI TỪ CHỐI (Ký và ghi rõ họ tên)" in text
    assert desk.official in text
    [event] = events(db, candidate.id, "onestop.dossier_refused")
    assert (event.actor, event.data["by"]) == ("candidate", desk.official)
    assert event.data["reason"] == reason
    assert event.data["form_sha256"] == form["sha256"]
    assert event.data["after"]["status"] == "khong_tiep_nhan"
    assert timeliness(dossier.status, dossier.due_date, date(2026, 12, 31)) is None


def test_a_refusal_needs_a_reason(db: Database, room: SeededExam, desk: Desk) -> None:
    candidate = room.candidates[0]
    with db.write() as conn, pytest.raises(OnestopError, match=re.escape("lý do từ chối (ít nhất 10 ký tự)")):
        intake.refuse(conn, candidate, Intake("2.000815", APPLICANT, dict(SAO_Y)), "Mật", desk, at("2026-11-24T09:30"))
    with db.read() as conn:
        assert store.dossiers_of(conn, candidate.id) == []


# --- 4. Online dossiers


def test_an_online_dossier_accepted_counts_from_now(db: Database, room: SeededExam, desk: Desk) -> None:
    candidate = room.candidates[0]
    waiting = online(db, room)
    now = at("2026-11-24T08:05:00")  # a Tuesday
    with db.write() as conn:
        accepted = intake.accept_online(conn, candidate, waiting, desk, now)
    assert accepted.status is Status.da_tiep_nhan
    assert accepted.received_at == now.now
    assert accepted.submitted_at == utc("2026-11-20T16:00:00")
    assert accepted.due_date == date(2026, 11, 27)  # 03 working days from Tuesday, not from the submission
    assert accepted.received_by == desk.official
    assert accepted.code == waiting.code
    assert [f["kind"] for f in accepted.files] == ["dinh_kem", "giay_tiep_nhan"]
    text = pdf(db, accepted.files_of("giay_tiep_nhan")[0])
    assert "Tiếp nhận hồ sơ của Ông (Bà): Trần Thị Bích (Trực tuyến)." in text
    assert "Thời gian nhận hồ sơ: 08 giờ 05 phút, ngày 24/11/2026" in text
    assert "Thời gian trả kết quả giải quyết hồ sơ: ngày 27/11/2026" in text
    [event] = events(db, candidate.id, "onestop.dossier_received")
    assert event.data["receipt_sha256"] == accepted.files_of("giay_tiep_nhan")[0]["sha256"]
    assert event.data["after"] == accepted.state()

    said = re.escape(f"Hồ sơ {waiting.code} đã được xử lý ở bước tiếp nhận (Được tiếp nhận).")
    with db.write() as conn, pytest.raises(OnestopError, match=said):
        intake.accept_online(conn, candidate, accepted, desk, at("2026-11-24T08:06:00"))
    reason = "Tờ khai trực tuyến thiếu chữ ký của người yêu cầu"
    with db.write() as conn, pytest.raises(OnestopError, match=said):
        intake.refuse(conn, candidate, accepted, reason, desk, at("2026-11-24T08:07:00"))
    assert saved(db, room, accepted.id) == accepted
    assert len(events(db, candidate.id, "onestop.dossier_received")) == 1
    assert not events(db, candidate.id, "onestop.dossier_refused")


def test_an_online_dossier_can_be_sent_back_for_a_paper_or_refused(db: Database, room: SeededExam, desk: Desk) -> None:
    candidate = room.candidates[0]
    first, second = online(db, room, 1), online(db, room, 2)
    now = at("2026-11-24T08:30:00")
    with db.write() as conn:
        wanting = intake.request_supplement(
            conn, candidate, first, [LY_HON], "Tờ khai ghi đã từng kết hôn nhưng chưa có giấy tờ", desk, now
        )
        refused = intake.refuse(conn, candidate, second, "Người yêu cầu không cư trú tại phường", desk, now)
    assert (wanting.status, wanting.code) == (Status.yeu_cau_bo_sung, first.code)
    assert wanting.supplement is not None
    assert wanting.supplement["missing"] == [LY_HON]
    assert [f["kind"] for f in wanting.files] == ["dinh_kem", "phieu_bo_sung"]
    assert "(Trực tuyến)" in pdf(db, wanting.files_of("phieu_bo_sung")[0])
    assert (refused.status, refused.code) == (Status.khong_tiep_nhan, second.code)
    assert [f["kind"] for f in refused.files] == ["dinh_kem", "phieu_tu_choi"]
    with db.write() as conn, pytest.raises(OnestopError, match="đã được xử lý ở bước tiếp nhận"):
        intake.accept_online(conn, candidate, refused, desk, now)
    assert saved(db, room, refused.id).status is Status.khong_tiep_nhan


# --- 5. Chuyển xử lý, the simulated handler


def test_only_a_received_dossier_goes_to_a_known_handler(db: Database, room: SeededExam, desk: Desk) -> None:
    candidate = room.candidates[0]
    waiting = online(db, room)
    with db.write() as conn, pytest.raises(OnestopError, match=re.escape("đang ở trạng thái “Mới đăng ký”")):
        processing.transfer(conn, candidate, waiting, "tp_ht", "", desk, at("2026-11-24T08:05:00"))
    received = walk_in(db, room, desk, "2026-11-24T08:00:00")
    with db.write() as conn, pytest.raises(OnestopError, match=re.escape("Vui lòng chọn công chức xử lý hồ sơ.")):
        processing.transfer(conn, candidate, received, "khong_co", "", desk, at("2026-11-24T08:05:00"))
    assert saved(db, room, received.id) == received
    assert not events(db, candidate.id, "onestop.dossier_transferred")


def test_a_transferred_dossier_comes_back_with_its_result_after_the_processing_time(
    db: Database, room: SeededExam, desk: Desk
) -> None:
    candidate = room.candidates[0]
    dossier = in_processing(db, room, desk)
    assert dossier.status is Status.dang_xu_ly
    assert dossier.handler == "tp_ht"
    assert dossier.ready_at == utc("2026-11-24T08:05:00") + processing.PROCESSING_TIME
    assert dossier.steps == [
        {
            "at": utc("2026-11-24T08:05:00").isoformat(),
            "giver": "Bộ phận Một cửa - Nguyễn Văn An",
            "receiver": f"Công chức Tư pháp - Hộ tịch - {HANDLER}",
            "result": "Chuyển xử lý",
            "note": "Chứng thực 03 bản sao",
        }
    ]
    [slip] = dossier.files_of("phieu_kiem_soat")
    text = pdf(db, slip)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert f"Nhận: Công chức Tư pháp - Hộ tịch - {HANDLER}" in text
    assert "Ngày hẹn trả kết quả: 24/11/2026" in text
    [moved] = events(db, candidate.id, "onestop.dossier_transferred")
    assert (moved.data["handler"], moved.data["handler_name"]) == ("tp_ht", HANDLER)
    assert moved.data["slip_sha256"] == slip["sha256"]
    with db.write() as conn, pytest.raises(OnestopError, match=re.escape("đang ở trạng thái “Đang xử lý”")):
        processing.transfer(conn, candidate, dossier, "vp_tk", "", desk, at("2026-11-24T08:06:00"))

    with db.write() as conn:
        assert processing.settle(conn, candidate, desk, at("2026-11-24T08:07:59")) == []
    assert saved(db, room, dossier.id).status is Status.dang_xu_ly
    assert not events(db, candidate.id, "onestop.dossier_processed")

    with db.write() as conn:
        [done] = processing.settle(conn, candidate, desk, at("2026-11-24T08:08:00"))
        assert processing.settle(conn, candidate, desk, at("2026-11-24T08:30:00")) == []
    assert done.status is Status.da_xu_ly_xong
    [result_file] = done.files_of("ket_qua")
    assert done.result == {
        "name": "Bản sao có chứng thực",
        "number": "01/2026/SCT",
        "signer": CHAIR,
        "signer_title": "Chủ tịch UBND",
        "signed_at": utc("2026-11-24T08:08:00").isoformat(),
        "sha256": result_file["sha256"],
    }
    assert [s["result"] for s in done.steps] == ["Chuyển xử lý", "Đã có kết quả"]
    text = pdf(db, result_file)
    assert "BẢN SAO CÓ CHỨNG THỰC" in text
    assert "Số: 01/2026/SCT" in text
    assert f"mã hồ sơ {done.code}" in text
    assert f"CHỦ TỊCH UBND {CHAIR}" in text
    [event] = events(db, candidate.id, "onestop.dossier_processed")
    assert (event.actor, event.data["by"]) == ("system", HANDLER)
    assert event.data["result_sha256"] == result_file["sha256"]
    assert event.data["after"] == done.state()
    assert saved(db, room, dossier.id) == done


def test_each_book_numbers_its_own_results_by_the_procedures_field(db: Database, room: SeededExam, desk: Desk) -> None:
    candidate = room.candidates[0]
    copy = walk_in(db, room, desk, "2026-11-24T08:00:00")  # 2.000815, Chứng thực
    extract = walk_in(  # 2.000635, Cấp bản sao trích lục hộ tịch: a 2.* code, but Hộ tịch's book
        db, room, desk, "2026-11-24T08:01:00", code="2.000635",
        handed={"Tờ khai cấp bản sao trích lục hộ tịch (theo mẫu)": 1, "Giấy tờ tùy thân (CCCD/hộ chiếu)": 1},
    )  # fmt: skip
    with db.write() as conn:
        for dossier in (copy, extract):
            processing.transfer(conn, candidate, dossier, "tp_ht", "", desk, at("2026-11-24T08:05:00"))
        done = processing.settle(conn, candidate, desk, at("2026-11-24T08:10:00"))
    numbers = {d.procedure_code: d.result["number"] for d in done if d.result is not None}
    assert numbers == {"2.000815": "01/2026/SCT", "2.000635": "01/2026/HT"}


def test_a_delay_without_a_date_keeps_the_dossier_in_processing(db: Database, room: SeededExam, desk: Desk) -> None:
    candidate = room.candidates[0]
    dossier = in_processing(db, room, desk)
    with db.write() as conn:
        delayed = processing.report_delay(conn, candidate, dossier, DELAY, None, desk, at("2026-11-24T08:06:00"))
    assert (delayed.ready_at, delayed.delay) == (None, DELAY)
    with db.write() as conn:
        assert processing.settle(conn, candidate, desk, at("2026-12-31T16:00:00")) == []
    assert saved(db, room, dossier.id).status is Status.dang_xu_ly
    [event] = events(db, candidate.id, "onestop.delay_reported")
    assert (event.actor, event.data["by"], event.data["reason"]) == ("system", HANDLER, DELAY)

    ready = utc("2026-11-25T10:00:00")
    with db.write() as conn:
        processing.report_delay(conn, candidate, delayed, DELAY, ready, desk, at("2026-11-24T08:07:00"))
        assert processing.settle(conn, candidate, desk, at("2026-11-25T09:59:00")) == []
        [done] = processing.settle(conn, candidate, desk, at("2026-11-25T10:01:00"))
    assert done.status is Status.da_xu_ly_xong
    assert done.result is not None
    assert done.result["signed_at"] == ready.isoformat()


# --- 6. Trả kết quả


def test_the_result_is_returned_to_an_identified_recipient(db: Database, room: SeededExam, desk: Desk) -> None:
    candidate = room.candidates[0]
    dossier = in_processing(db, room, desk)
    now = at("2026-11-24T09:00:00")

    def give(target: Dossier, to: str, id_number: str) -> Dossier:
        with db.write() as conn:
            return processing.return_result(
                conn,
                candidate,
                target,
                to=to,
                id_number=id_number,
                method=ReturnMethod.tai_bo_phan_mot_cua,
                originals_taken=True,
                desk=desk,
                acting=now,
            )

    with pytest.raises(OnestopError, match=re.escape(f"Hồ sơ {dossier.code} chưa có kết quả để trả (Đang xử lý).")):
        give(dossier, "Trần Thị Bích", "092186000123")
    with db.write() as conn:
        [done] = processing.settle(conn, candidate, desk, at("2026-11-24T08:10:00"))
    with pytest.raises(OnestopError, match=re.escape("Số căn cước của người nhận phải gồm đúng 12 chữ số.")):
        give(done, "Trần Thị Bích", "09218600012")
    with pytest.raises(OnestopError) as both:
        give(done, "B1", "CCCD")
    assert "Vui lòng nhập họ tên người nhận kết quả." in str(both.value)
    assert "Số căn cước của người nhận phải gồm đúng 12 chữ số." in str(both.value)
    assert saved(db, room, done.id) == done
    assert not events(db, candidate.id, "onestop.result_returned")

    given = give(done, "  Trần  Thị Bích ", "0921 8600 0123")
    assert given.status is Status.da_tra_ket_qua
    assert given.returned == {
        "to": "Trần Thị Bích",
        "id_number": "092186000123",
        "method": "tai_bo_phan_mot_cua",
        "method_name": "Trực tiếp tại Bộ phận Một cửa",
        "originals_taken": True,
        "at": now.now.isoformat(),
    }
    assert given.steps[-1]["receiver"] == "Công dân - Trần Thị Bích"
    assert given.steps[-1]["result"] == "Đã trả kết quả"
    [event] = events(db, candidate.id, "onestop.result_returned")
    assert (event.actor, event.data["to"], event.data["method"]) == (
        "candidate",
        "Trần Thị Bích",
        "tai_bo_phan_mot_cua",
    )
    assert event.data["after"] == given.state()
    assert timeliness(given.status, given.due_date, date(2026, 11, 30)) is None
    with pytest.raises(OnestopError, match=re.escape("chưa có kết quả để trả (Đã trả kết quả)")):
        give(given, "Trần Thị Bích", "092186000123")


def test_a_result_sent_by_post_needs_no_id_number(db: Database, room: SeededExam, desk: Desk) -> None:
    dossier = with_result(db, room, desk)
    with db.write() as conn:
        given = processing.return_result(
            conn,
            room.candidates[0],
            dossier,
            to="Trần Thị Bích",
            id_number="",
            method=ReturnMethod.buu_chinh,
            originals_taken=False,
            desk=desk,
            acting=at("2026-11-24T10:00:00"),
        )
    assert given.returned is not None
    assert (given.returned["method"], given.returned["id_number"], given.returned["originals_taken"]) == (
        "buu_chinh",
        "",
        False,
    )


# --- 7. Phiếu xin lỗi và hẹn lại ngày trả kết quả


@pytest.mark.parametrize(
    ("reason", "new_due", "said"),
    [
        ("Chậm", date(2026, 11, 26), "Vui lòng ghi rõ lý do chậm trả kết quả (ít nhất 10 ký tự)."),
        (DELAY, date(2026, 11, 24), "Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại (24/11/2026) và sau hôm nay."),
        (DELAY, date(2026, 11, 20), "Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại (24/11/2026)"),
        (DELAY, date(2026, 11, 29), "Ngày 29/11/2026 không phải ngày làm việc"),  # a Sunday
        (DELAY, date(2027, 1, 1), "Ngày 01/01/2027 không phải ngày làm việc"),  # Tết Dương lịch, a Friday
        (DELAY, None, "Vui lòng chọn ngày hẹn trả kết quả mới."),
    ],
    ids=["short-reason", "due-date", "before-due-date", "sunday", "new-year", "no-date"],
)
def test_a_wrong_apology_is_refused_and_nothing_is_logged(
    db: Database, room: SeededExam, desk: Desk, reason: str, new_due: date | None, said: str
) -> None:
    candidate = room.candidates[0]
    dossier = in_processing(db, room, desk)
    with db.write() as conn, pytest.raises(OnestopError, match=re.escape(said)):
        apology.apologise(
            conn,
            candidate,
            dossier,
            reason=reason,
            new_due=new_due,
            leader_key="ct",
            desk=desk,
            acting=at("2026-11-24T09:00:00"),
        )
    assert saved(db, room, dossier.id) == dossier
    assert not events(db, candidate.id, "onestop.apology_drafted")


def test_an_apology_for_a_returned_dossier_or_to_an_unknown_leader_is_refused(
    db: Database, room: SeededExam, desk: Desk
) -> None:
    candidate = room.candidates[0]
    given = returned(db, room, desk)
    with db.write() as conn, pytest.raises(OnestopError, match=re.escape("không còn đang giải quyết (Đã trả kết quả)")):
        apology.apologise(
            conn,
            candidate,
            given,
            reason=DELAY,
            new_due=date(2026, 11, 26),
            leader_key="ct",
            desk=desk,
            acting=at("2026-11-24T10:00:00"),
        )
    dossier = in_processing(db, room, desk)
    with db.write() as conn, pytest.raises(OnestopError, match=re.escape("Vui lòng chọn lãnh đạo ký duyệt.")):
        apology.apologise(
            conn,
            candidate,
            dossier,
            reason=DELAY,
            new_due=date(2026, 11, 26),
            leader_key="truong_phong",
            desk=desk,
            acting=at("2026-11-24T10:00:00"),
        )
    assert saved(db, room, dossier.id) == dossier
    assert not events(db, candidate.id, "onestop.apology_drafted")
    assert not events(db, candidate.id, "onestop.apology_approved")


def test_an_approved_apology_moves_the_return_date(db: Database, room: SeededExam, desk: Desk) -> None:
    candidate = room.candidates[0]
    dossier = in_processing(db, room, desk)
    now = at("2026-11-24T09:00:00")
    with db.write() as conn:
        moved = apology.apologise(
            conn,
            candidate,
            dossier,
            reason=DELAY,
            new_due=date(2026, 11, 26),
            leader_key="pct",
            desk=desk,
            acting=now,
        )
    assert moved.due_date == date(2026, 11, 26)
    assert moved.status is Status.dang_xu_ly
    [letter] = moved.files_of("phieu_xin_loi")
    assert letter["name"] == f"PhieuXinLoi_{moved.code}_1.pdf"
    assert moved.apologies == [
        {
            "reason": DELAY,
            "old_due": "2026-11-24",
            "new_due": "2026-11-26",
            "leader": "pct",
            "leader_name": "Võ Thị Mai",
            "at": now.now.isoformat(),
            "sha256": letter["sha256"],
        }
    ]
    assert saved(db, room, dossier.id) == moved
    text = pdf(db, letter)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Thời gian hẹn trả kết quả: ngày 24/11/2026." in text
    assert f"Lý do: {DELAY}." in text
    assert "xin lỗi Ông/Bà và hẹn trả kết quả vào ngày 26/11/2026." in text
    assert "PHÓ CHỦ TỊCH UBND Võ Thị Mai" in text
    verbs = onestop_verbs(db, candidate.id)
    assert verbs.index("onestop.apology_drafted") + 1 == verbs.index("onestop.apology_approved")
    [drafted] = events(db, candidate.id, "onestop.apology_drafted")
    assert (drafted.actor, drafted.data["by"], drafted.data["leader"]) == ("candidate", desk.official, "pct")
    assert (drafted.data["reason"], drafted.data["new_due_date"]) == (DELAY, "2026-11-26")
    assert drafted.data["after"]["due_date"] == "2026-11-24"
    [approved] = events(db, candidate.id, "onestop.apology_approved")
    assert (approved.actor, approved.data["by"]) == ("system", "Võ Thị Mai")
    assert approved.data["sha256"] == letter["sha256"]
    assert approved.data["after"]["due_date"] == "2026-11-26"
    # On the day after the old date the dossier is no longer overdue.
    assert timeliness(dossier.status, dossier.due_date, date(2026, 11, 25)) is Timeliness.qua_han
    assert timeliness(moved.status, moved.due_date, date(2026, 11, 25)) is Timeliness.trong_han


def test_a_new_date_beyond_the_holiday_calendar_is_refused_in_vietnamese(
    db: Database, room: SeededExam, desk: Desk
) -> None:
    dossier = in_processing(db, room, desk)
    with db.write() as conn, pytest.raises(OnestopError, match="chưa có năm 2031"):
        apology.apologise(
            conn,
            room.candidates[0],
            dossier,
            reason=DELAY,
            new_due=date(2031, 1, 6),  # a Monday
            leader_key="ct",
            desk=desk,
            acting=at("2026-11-24T09:00:00"),
        )


# --- 8. Telling the citizen


def test_a_receipt_is_told_by_sms_without_diacritics_and_by_email(db: Database, room: SeededExam, desk: Desk) -> None:
    candidate = room.candidates[0]
    dossier = walk_in(db, room, desk, "2026-11-20T15:20:00")
    with db.read() as conn:
        notices = store.notices_of(conn, candidate.id)
    assert [(n.channel, n.to, n.dossier_id) for n in notices] == [
        ("sms", "0912345678", dossier.id),
        ("email", "bich@example.test", dossier.id),
    ]
    sms, mail = notices
    assert sms.sha256 is None
    assert sms.text.isascii()
    assert "ho so 000.00.13.H13-261120-0001" in sms.text
    assert "da duoc tiep nhan" in sms.text
    assert "Hen tra ket qua ngay 23/11/2026" in sms.text
    assert "đã được tiếp nhận" in mail.text

    assert mail.sha256 is not None
    with db.read() as conn:
        message = email.message_from_bytes(BLOBS.get(conn, mail.sha256))
    name, address = parseaddr(str(message["From"]))
    assert address == desk.email
    assert str(make_header(decode_header(name))) == "UBND phường Ninh Kiều - Bộ phận Một cửa"
    assert message["To"] == "bich@example.test"
    assert str(make_header(decode_header(str(message["Subject"])))) == f"Thông báo về hồ sơ {dossier.code}"
    assert parsedate_to_datetime(str(message["Date"])) == utc("2026-11-20T15:20:00")
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode("utf-8")
    assert "Kính gửi Ông/Bà Trần Thị Bích" in body
    assert mail.text in body

    told = events(db, candidate.id, "onestop.citizen_notified")
    assert [(e.actor, e.object_id, e.data["channel"], e.data["to"]) for e in told] == [
        ("system", str(dossier.id), "sms", "0912345678"),
        ("system", str(dossier.id), "email", "bich@example.test"),
    ]
    assert told[0].data["text"] == sms.text


def test_an_applicant_without_email_gets_only_the_sms(db: Database, room: SeededExam, desk: Desk) -> None:
    candidate = room.candidates[0]
    dossier = walk_in(db, room, desk, "2026-11-24T08:00:00", applicant=NO_EMAIL)
    with db.read() as conn:
        [sms] = store.notices_of(conn, candidate.id)
    assert (sms.channel, sms.to, sms.dossier_id) == ("sms", "0987654321", dossier.id)
    [told] = events(db, candidate.id, "onestop.citizen_notified")
    assert (told.data["channel"], told.actor) == ("sms", "system")


def test_sms_text_loses_every_diacritic() -> None:
    assert notify.unaccent("Đường Hồ Chí Minh, phường Ninh Kiều: hồ sơ đã được tiếp nhận") == (
        "Duong Ho Chi Minh, phuong Ninh Kieu: ho so da duoc tiep nhan"
    )


# --- 9. Tenancy


def test_another_candidate_sees_and_settles_nothing_of_the_dossier(db: Database, room: SeededExam, desk: Desk) -> None:
    first, other = room.candidates[0], room.candidates[1]
    visit = add_visit(db, room, "2026-11-24T07:50:00")
    dossier = in_processing(db, room, desk)
    with db.write() as conn:
        other_desk = desk_of(conn, other, at("2026-11-24T08:00:00"))
        assert store.dossier(conn, other.id, dossier.id) is None
        assert store.dossiers_of(conn, other.id) == []
        assert store.visit(conn, other.id, visit.id) is None
        assert store.notices_of(conn, other.id) == []
        assert processing.settle(conn, other, other_desk, at("2026-11-25T08:00:00")) == []
        assert store.dossier(conn, first.id, dossier.id) == dossier
    assert saved(db, room, dossier.id).status is Status.dang_xu_ly
    assert onestop_verbs(db, other.id) == ["onestop.desk_prepared"]


# --- 10. Quá hạn, tới hạn

DUE = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("status", "today", "expected"),
    [
        (Status.da_tiep_nhan, date(2026, 11, 25), Timeliness.qua_han),
        (Status.dang_xu_ly, date(2026, 11, 25), Timeliness.qua_han),
        (Status.da_xu_ly_xong, date(2026, 12, 1), Timeliness.qua_han),
        (Status.da_tiep_nhan, DUE, Timeliness.toi_han),
        (Status.dang_xu_ly, DUE, Timeliness.toi_han),
        (Status.da_xu_ly_xong, DUE, Timeliness.toi_han),
        (Status.dang_xu_ly, date(2026, 11, 23), Timeliness.trong_han),
        (Status.da_tra_ket_qua, date(2026, 11, 25), None),
        (Status.da_tra_ket_qua, DUE, None),
        (Status.khong_tiep_nhan, date(2026, 11, 25), None),
        (Status.yeu_cau_bo_sung, date(2026, 11, 25), None),
        (Status.moi_dang_ky, date(2026, 11, 25), None),
    ],
)
def test_timeliness_counts_only_dossiers_still_with_the_unit(
    status: Status, today: date, expected: Timeliness | None
) -> None:
    assert timeliness(status, DUE, today) is expected
