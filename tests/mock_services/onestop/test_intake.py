"""Tiếp nhận hồ sơ on a real database: the dossier gets the day's next code and the return date of
its procedure (the 15:00 rule, weekends, Tết), the receipt PDF says so, the event carries the whole
dossier; a dossier short of a required paper, or with a wrong applicant, is refused and nothing is
saved."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from graderd.files import pdf_text
from mock_services.core import log
from mock_services.core.acting import Acting
from mock_services.core.blobs import BlobStore
from mock_services.core.db import Database
from mock_services.onestop import intake, store
from mock_services.onestop.desk import Desk
from mock_services.onestop.domain import OnestopError, check_applicant
from mock_services.onestop.intake import Intake
from tests.support.room import EXAM_START, SeededExam, seed_exam

ROOM = ZoneInfo("Asia/Ho_Chi_Minh")
DESK = Desk(
    unit_id="000.00.13.H13",
    unit="UBND phường Ninh Kiều",
    parent="UBND thành phố Cần Thơ",
    place="Ninh Kiều",
    official="Nguyễn Văn An",
)
APPLICANT = check_applicant("Trần Thị Bích", "092186000123", "0912345678", "12 Trần Hưng Đạo, phường Ninh Kiều")
SAO_Y = {"Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao": 1, "Bản sao cần chứng thực": 3}
KHAI_SINH = {
    "Tờ khai đăng ký khai sinh (theo mẫu)": 1,
    "Giấy chứng sinh": 1,
    "Giấy tờ tùy thân của người đi đăng ký (CCCD/hộ chiếu)": 1,
}


@pytest.fixture
def room(db: Database) -> SeededExam:
    return seed_exam(db, now=EXAM_START)


def at(local: str) -> Acting:
    moment = datetime.fromisoformat(local).replace(tzinfo=ROOM).astimezone(UTC)
    return Acting(now=moment, blobs=BlobStore(10_000_000), tz=ROOM)


def receive(db: Database, room: SeededExam, local: str, code: str = "2.000815", handed: dict[str, int] = SAO_Y):
    with db.write() as conn:
        return intake.receive(conn, room.candidates[0], Intake(code, APPLICANT, dict(handed)), DESK, at(local))


def test_a_copy_certified_after_15_on_a_friday_is_due_on_monday(db: Database, room: SeededExam) -> None:
    dossier = receive(db, room, "2026-11-20T15:20:00")
    assert dossier.code == "000.00.13.H13-261120-0001"
    assert dossier.due_date.isoformat() == "2026-11-23"
    assert dossier.status.value == "da_tiep_nhan"
    [receipt] = dossier.files
    with db.read() as conn:
        text = " ".join(pdf_text(BlobStore(10_000_000).get(conn, receipt["sha256"])).split())
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Mã hồ sơ: 000.00.13.H13-261120-0001" in text
    assert "Thời gian nhận hồ sơ: 15 giờ 20 phút, ngày 20/11/2026" in text
    assert "Thời gian trả kết quả giải quyết hồ sơ: ngày 23/11/2026" in text
    assert "Trần Thị Bích" in text


def test_codes_run_per_day_and_a_birth_received_before_15_is_due_the_same_day(db: Database, room: SeededExam) -> None:
    first = receive(db, room, "2026-11-23T08:10:00")
    second = receive(db, room, "2026-11-23T14:59:00", "1.001193", KHAI_SINH)
    assert [first.code[-4:], second.code[-4:]] == ["0001", "0002"]
    assert second.due_date.isoformat() == "2026-11-23"
    assert [c["quantity"] for c in second.components] == [1, 1, 1]


def test_the_event_carries_the_whole_dossier(db: Database, room: SeededExam) -> None:
    dossier = receive(db, room, "2026-02-13T16:00:00")  # the Friday before Tết 2026
    with db.read() as conn:
        [event] = [
            e for e in log.iter_events(conn, candidate_id=room.candidates[0].id) if e.verb == "onestop.dossier_received"
        ]
    assert event.verb == "onestop.dossier_received"
    assert event.data["after"] == dossier.state()
    assert event.data["after"]["due_date"] == "2026-02-23"  # the Monday after Tết
    assert event.data["receipt_sha256"] == dossier.files[0]["sha256"]


def test_a_birth_without_the_birth_certificate_is_not_received_and_nothing_is_saved(
    db: Database, room: SeededExam
) -> None:
    handed = {name: n for name, n in KHAI_SINH.items() if name != "Giấy chứng sinh"}
    with pytest.raises(OnestopError, match=re.escape("Hồ sơ chưa đủ thành phần: Giấy chứng sinh. Không tiếp nhận")):
        receive(db, room, "2026-11-23T09:00:00", "1.001193", handed)
    with db.read() as conn:
        assert store.dossiers_of(conn, room.candidates[0].id) == []
        events = log.iter_events(conn, candidate_id=room.candidates[0].id)
        assert not [e for e in events if e.verb == "onestop.dossier_received"]


@pytest.mark.parametrize(
    ("code", "handed", "said"),
    [
        ("", SAO_Y, "Vui lòng chọn thủ tục hành chính."),
        ("9.999999", SAO_Y, "Không có thủ tục hành chính mã 9.999999."),
        ("2.000815", {**SAO_Y, "Sổ hộ khẩu": 1}, "không thuộc thành phần hồ sơ của thủ tục này: Sổ hộ khẩu"),
        ("2.000815", {**SAO_Y, "Bản sao cần chứng thực": 0}, "Số lượng mỗi giấy tờ đã nhận phải từ 1 trở lên."),
    ],
)
def test_a_wrong_intake_is_refused_in_vietnamese(
    db: Database, room: SeededExam, code: str, handed: dict[str, int], said: str
) -> None:
    with pytest.raises(OnestopError) as refused:
        receive(db, room, "2026-11-23T09:00:00", code, handed)
    assert said in str(refused.value)


def test_another_candidate_does_not_see_the_dossier(db: Database, room: SeededExam) -> None:
    dossier = receive(db, room, "2026-11-23T09:00:00")
    with db.read() as conn:
        assert store.dossier(conn, room.candidates[1].id, dossier.id) is None
        assert store.dossiers_of(conn, room.candidates[1].id) == []
        assert store.dossier(conn, room.candidates[0].id, dossier.id) == dossier
