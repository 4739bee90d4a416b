"""The candidate's desk: the Bộ phận Một cửa of their ward, its electronic identifier (for the dossier
codes), the official at the desk (the candidate), and the colleagues a dossier goes to: the officials
who handle each field, and the leaders who sign results and approve apologies. Made on first use from
the candidate's unit, or shaped by a task's ``onestop.desk`` setup."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.acting import Acting, emit
from mock_services.documents.agency import ward_of
from mock_services.mail.directory import fold
from mock_services.onestop import store
from mock_services.onestop.domain import DEFAULT_UNIT_ID, OnestopError
from mock_services.onestop.events import DeskPrepared

DEFAULT_PLACE = "Ninh Kiều"


@dataclass(frozen=True)
class Colleague:
    key: str
    name: str
    title: str  # Công chức Tư pháp - Hộ tịch; Chủ tịch UBND phường
    fields: tuple[str, ...] = ()  # the procedures' fields (lĩnh vực) a handler takes


DEFAULT_HANDLERS = (
    Colleague("tp_ht", "Trần Thị Hồng Nhung", "Công chức Tư pháp - Hộ tịch", ("Hộ tịch", "Chứng thực")),
    Colleague("vp_tk", "Lê Văn Phúc", "Công chức Văn phòng - Thống kê", ()),
    Colleague("dc_xd", "Phạm Quốc Toàn", "Công chức Địa chính - Xây dựng", ("Đất đai", "Xây dựng")),
)
DEFAULT_LEADERS = (
    Colleague("ct", "Nguyễn Văn Hải", "Chủ tịch UBND"),
    Colleague("pct", "Võ Thị Mai", "Phó Chủ tịch UBND"),
)


@dataclass(frozen=True)
class Desk:
    """Where dossiers are received: the unit (its electronic identifier and names) and the people."""

    unit_id: str  # 000.00.13.H13
    unit: str  # UBND phường Ninh Kiều
    parent: str  # UBND thành phố Cần Thơ
    place: str  # Ninh Kiều
    official: str  # the name of the official at the desk: the candidate
    email: str = ""  # the desk's address, from which the system notifies citizens
    handlers: tuple[Colleague, ...] = DEFAULT_HANDLERS
    leaders: tuple[Colleague, ...] = DEFAULT_LEADERS
    hotline: str = field(default="0292 3820 123")

    def handler(self, key: str) -> Colleague:
        found = next((c for c in self.handlers if c.key == key), None)
        if found is None:
            raise OnestopError("Vui lòng chọn công chức xử lý hồ sơ.")
        return found

    def leader(self, key: str) -> Colleague:
        found = next((c for c in self.leaders if c.key == key), None)
        if found is None:
            raise OnestopError("Vui lòng chọn lãnh đạo ký duyệt.")
        return found

    def handler_for(self, procedure_field: str) -> Colleague:
        """Who usually takes a procedure of this field: the one whose fields name it, else the first."""
        return next((c for c in self.handlers if procedure_field in c.fields), self.handlers[0])

    def colleague(self, key: str) -> Colleague | None:
        return next((c for c in (*self.handlers, *self.leaders) if c.key == key), None)

    def state(self) -> dict[str, Any]:
        values = asdict(self)
        values["handlers"] = [{**asdict(c), "fields": list(c.fields)} for c in self.handlers]
        values["leaders"] = [{**asdict(c), "fields": list(c.fields)} for c in self.leaders]
        return values

    @classmethod
    def from_state(cls, values: dict[str, Any]) -> Desk:
        people = {
            name: tuple(Colleague(**{**c, "fields": tuple(c.get("fields", ()))}) for c in values[name])
            for name in ("handlers", "leaders")
        }
        return cls(**{**values, **people})


def default_desk(candidate: Candidate, unit_id: str = DEFAULT_UNIT_ID) -> Desk:
    level, place = ward_of(candidate.don_vi) or ("phường", DEFAULT_PLACE)
    slug = re.sub(r"[^a-z]", "", fold(place)) or "ninhkieu"
    return Desk(
        unit_id=unit_id,
        unit=f"UBND {level} {place}",
        parent="UBND thành phố Cần Thơ",
        place=place,
        official=candidate.ho_ten,
        email=f"motcua@{'phuong' if level == 'phường' else 'xa'}-{slug}.egov.test",
    )


def desk_of(conn: Connection, candidate: Candidate, acting: Acting, unit_id: str = DEFAULT_UNIT_ID) -> Desk:
    """The candidate's desk, made (and logged, by ``system``) the first time it is needed."""
    found = store.get_desk(conn, candidate.id)
    if found is not None:
        return Desk.from_state(found)
    return prepare(conn, candidate, default_desk(candidate, unit_id), acting)


def prepare(conn: Connection, candidate: Candidate, desk: Desk, acting: Acting) -> Desk:
    store.put_desk(conn, candidate.id, desk.state())
    emit(conn, candidate, acting.as_system(), DeskPrepared(after=desk.state()), str(candidate.id))
    return desk
