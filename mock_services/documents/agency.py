"""The candidate's agency: a ward's People's Committee with its units and people, made the first time
anything needs it; and the role the candidate acts in (Chuyển vai trò).

The agency is the candidate's own ward when their unit names one ("UBND phường Cái Khế"), else
phường Ninh Kiều. The candidate holds three positions in it, the roles tasks give them: the
Chủ tịch (lãnh đạo), a chuyên viên of Phòng Văn hóa - Xã hội, and the văn thư. Everyone else is
a simulated colleague (a ``system`` actor).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.documents import store
from mock_services.documents.acting import Acting, emit
from mock_services.documents.domain import DocumentError, require_outgoing
from mock_services.documents.events import AgencyPrepared, PersonAction, RoleSwitched
from mock_services.documents.store import Agency, Incoming, Outgoing, Person
from mock_services.mail.directory import fold

DEFAULT_PLACE = "Ninh Kiều"

DEFAULT_UNITS: tuple[dict[str, str], ...] = (
    {"key": "vp", "name": "Văn phòng HĐND và UBND", "abbreviation": "VP"},
    {"key": "kt", "name": "Phòng Kinh tế, Hạ tầng và Đô thị", "abbreviation": "KTHTĐT"},
    {"key": "vhxh", "name": "Phòng Văn hóa - Xã hội", "abbreviation": "VHXH"},
)

# The simulated colleagues; the candidate's own positions are added with the candidate's name.
DEFAULT_COLLEAGUES: tuple[dict[str, Any], ...] = (
    {"key": "pct1", "name": "Lê Văn Bình", "title": "Phó Chủ tịch UBND", "unit": "", "role": "lanh_dao"},
    {"key": "pct2", "name": "Trần Thị Mai", "title": "Phó Chủ tịch UBND", "unit": "", "role": "lanh_dao"},
    {"key": "cvp", "name": "Nguyễn Văn Hùng", "title": "Chánh Văn phòng", "unit": "vp", "role": "lanh_dao_phong"},
    {"key": "tp_kt", "name": "Phạm Minh Tâm", "title": "Trưởng phòng", "unit": "kt", "role": "lanh_dao_phong"},
    {"key": "tp_vhxh", "name": "Võ Thị Thu Hà", "title": "Trưởng phòng", "unit": "vhxh", "role": "lanh_dao_phong"},
    {"key": "cv_kt", "name": "Đặng Quốc Việt", "title": "Chuyên viên", "unit": "kt", "role": "chuyen_vien"},
    {"key": "cv_vp", "name": "Huỳnh Thị Ngọc Lan", "title": "Chuyên viên", "unit": "vp", "role": "chuyen_vien"},
    {"key": "vt2", "name": "Trương Thị Kim Yến", "title": "Văn thư", "unit": "vp", "role": "van_thu"},
)

CANDIDATE_POSITIONS: tuple[dict[str, Any], ...] = (
    {"key": "ct", "title": "Chủ tịch UBND", "unit": "", "role": "lanh_dao"},
    {"key": "cv", "title": "Chuyên viên", "unit": "vhxh", "role": "chuyen_vien"},
    {"key": "vt", "title": "Văn thư", "unit": "vp", "role": "van_thu"},
)

# Other agencies the exchange (liên thông) reaches, and their văn thư's address.
DEFAULT_AGENCIES: tuple[dict[str, str], ...] = (
    {"name": "UBND thành phố Cần Thơ", "email": "vanthu@cantho.egov.test"},
    {"name": "Sở Nội vụ thành phố Cần Thơ", "email": "vanthu@sonoivu.cantho.egov.test"},
    {"name": "UBND phường Cái Khế", "email": "vanthu@phuong-caikhe.egov.test"},
    {"name": "UBND phường Tân An", "email": "vanthu@phuong-tanan.egov.test"},
    {"name": "Công an phường Ninh Kiều", "email": "congan@phuong-ninhkieu.egov.test"},
)

_WARD = re.compile(r"^\s*(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(phường|xã)\s+(.+?)\s*$", re.IGNORECASE)


def ward_of(unit: str) -> tuple[str, str] | None:
    """("phường", "Cái Khế") from "UBND phường Cái Khế"; None when the unit names no ward or commune."""
    found = _WARD.match(unit)
    return (found.group(1).lower(), found.group(2)) if found else None


def default_values(candidate: Candidate) -> dict[str, Any]:
    level, place = ward_of(candidate.don_vi) or ("phường", DEFAULT_PLACE)
    own = [{**p, "name": candidate.ho_ten, "candidate": True} for p in CANDIDATE_POSITIONS]
    colleagues = [{**p, "candidate": False} for p in DEFAULT_COLLEAGUES]
    slug = re.sub(r"[^a-z]", "", fold(place)) or "ninhkieu"
    return {
        "name": f"Ủy ban nhân dân {level} {place}",
        "issuer": f"ỦY BAN NHÂN DÂN\n{level.upper()} {place.upper()}",
        "parent": "",
        "abbreviation": "UBND",
        "place": place,
        "email": f"vanthu@{'phuong' if level == 'phường' else 'xa'}-{slug}.egov.test",
        "numbering": "chung",
        "acting_as": own[0]["key"],
        "units": list(DEFAULT_UNITS),
        "people": own + colleagues,
        "agencies": [a for a in DEFAULT_AGENCIES if place not in a["name"]],
    }


def agency_of(conn: Connection, candidate: Candidate, acting: Acting) -> Agency:
    """The candidate's agency, made (and logged, by ``system``) the first time it is needed."""
    found = store.get_agency(conn, candidate.id)
    if found is not None:
        return found
    return prepare(conn, candidate, default_values(candidate), acting)


def prepare(conn: Connection, candidate: Candidate, values: dict[str, Any], acting: Acting) -> Agency:
    """Set the agency's structure (a task's setup may rename it, add units, people or agencies)."""
    agency = store.put_agency(conn, candidate.id, values)
    emit(conn, candidate, acting.as_system(), AgencyPrepared(after=agency.state()), str(candidate.id))
    return agency


def switch_role(conn: Connection, candidate: Candidate, key: str, acting: Acting) -> Agency:
    agency = agency_of(conn, candidate, acting)
    person = agency.person(key)
    if person is None or not person.candidate:
        raise DocumentError("Vai trò này không phải của bạn.")
    if key == agency.acting_as:
        return agency
    agency = store.put_agency(conn, candidate.id, {"acting_as": key})
    event = RoleSwitched(role=str(person.role), title=agency.position_title(person), after=agency.state())
    emit(conn, candidate, acting, event, str(candidate.id))
    return agency


def me(agency: Agency, acting: Acting) -> Person:
    """Who acts: the candidate's current position, or the simulated colleague a setup names."""
    if acting.as_person is None:
        return agency.me
    person = agency.person(acting.as_person)
    if person is None:
        raise DocumentError(f"Không có người “{acting.as_person}” trong cơ quan.")
    return person


def require_own(candidate: Candidate, doc: Incoming | Outgoing) -> None:
    """Defence in depth: an operation only ever touches a document of the candidate's own tenant."""
    if doc.candidate_id != candidate.id:
        raise DocumentError("Không tìm thấy văn bản này.")


def at_outgoing_desk(
    conn: Connection, candidate: Candidate, doc: Outgoing, action: str, acting: Acting, *, holding: bool = False
) -> tuple[Agency, Person]:
    """The agency and the person acting, once the rules let that person take this action on an
    outgoing document now (and, with ``holding``, only if the document is on their desk)."""
    require_own(candidate, doc)
    agency = agency_of(conn, candidate, acting)
    person = me(agency, acting)
    require_outgoing(action, doc.status, person.role)
    if holding and doc.holder != person.key:
        holder = agency.person(doc.holder)
        where = f"{holder.name} ({holder.title})" if holder else "người khác"
        raise DocumentError(f"Văn bản đang do {where} xử lý, không phải bạn.")
    return agency, person


def log_action(
    conn: Connection,
    candidate: Candidate,
    acting: Acting,
    agency: Agency,
    person: Person,
    doc: Incoming | Outgoing,
    make: type[PersonAction],
    **data: Any,
) -> None:
    """Append the event ``make`` builds for an action on a document: who acted, in which role, and
    the document's new state."""
    event = make(by=person.name, role=str(person.role), **data, after=doc.state(agency))
    emit(conn, candidate, acting, event, str(doc.id))
