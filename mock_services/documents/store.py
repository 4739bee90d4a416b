"""Tables of the document-management service and their queries. Every query is scoped to one
candidate here: a route can only ever name a document, unit or person of the candidate's own agency."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, RowMapping

from mock_services.core.db import UTCDateTime, metadata
from mock_services.documents.domain import (
    INCOMING_STATUS_NAMES,
    OUTGOING_STATUS_NAMES,
    IncomingStatus,
    OutgoingStatus,
    Role,
)
from mock_services.documents.numbering import TYPE_NAMES, nfc, number_symbol

agencies = Table(
    "doc_agencies",
    metadata,
    Column("candidate_id", ForeignKey("candidates.id"), primary_key=True),
    Column("name", String(200), nullable=False),  # "Ủy ban nhân dân phường Ninh Kiều"
    Column("issuer", String(200), nullable=False),  # as the header prints it: "ỦY BAN NHÂN DÂN\nPHƯỜNG NINH KIỀU"
    Column("parent", String(200), nullable=False),
    Column("abbreviation", String(20), nullable=False),  # "UBND"
    Column("place", String(100), nullable=False),  # "Ninh Kiều": the địa danh of the date line
    Column("email", String(254), nullable=False),
    Column("numbering", String(16), nullable=False),  # "chung": one sequence; "theo_loai": one per type
    Column("acting_as", String(40), nullable=False),  # key of the person the candidate acts as
    Column("units", JSON, nullable=False),  # [{key, name, abbreviation}]
    Column("people", JSON, nullable=False),  # [{key, name, title, unit, role, candidate}]
    Column("agencies", JSON, nullable=False),  # other agencies reachable through the exchange [{name, email}]
)

incoming = Table(
    "doc_incoming",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("arrival_number", Integer, nullable=True),
    Column("arrival_year", Integer, nullable=True),
    Column("arrival_date", Date, nullable=True),
    Column("number", String(60), nullable=False),  # số, ký hiệu as written on it
    Column("issued_date", Date, nullable=True),
    Column("organ_name", String(200), nullable=False),
    Column("sender_email", String(254), nullable=False),
    Column("type", String(8), nullable=False),
    Column("subject", Text, nullable=False),
    Column("signer", String(200), nullable=False),
    Column("addressed_to", String(200), nullable=False),
    Column("urgency", String(16), nullable=False),
    Column("secrecy", String(16), nullable=False),
    Column("due_date", Date, nullable=True),
    Column("files", JSON, nullable=False),  # [{name, sha256, size, version}]
    Column("presented_to", String(40), nullable=False),
    Column("lead", String(40), nullable=False),
    Column("cooperate", JSON, nullable=False),
    Column("for_info", JSON, nullable=False),
    Column("direction", Text, nullable=False),
    Column("routed_by", String(40), nullable=False),
    Column("result_note", Text, nullable=False),
    Column("reply_id", Integer, nullable=True),
    Column("return_reason", Text, nullable=False),
)
Index("ix_doc_incoming_box", incoming.c.candidate_id, incoming.c.status)

outgoing = Table(
    "doc_outgoing",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("type", String(8), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("kinh_gui", JSON, nullable=False),
    Column("recipients", JSON, nullable=False),  # the Nơi nhận lines
    Column("drafting_unit", String(40), nullable=False),
    Column("drafter", String(40), nullable=False),
    Column("holder", String(40), nullable=False),  # whose desk it is on now
    Column("approver", String(40), nullable=False),
    Column("signer", String(40), nullable=False),
    Column("signer_lines", JSON, nullable=False),  # ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    Column("urgency", String(16), nullable=False),
    Column("secrecy", String(16), nullable=False),
    Column("related_incoming", Integer, nullable=True),
    Column("code_number", Integer, nullable=True),
    Column("symbol", String(60), nullable=False),
    Column("year", Integer, nullable=True),
    Column("issued_date", Date, nullable=True),
    Column("files", JSON, nullable=False),  # every version: [{name, sha256, size, version, kind}]
    Column("layout", JSON, nullable=False),  # a setup's deliberate departures from the rules (format errors)
    Column("approved_by", String(40), nullable=False),
    Column("signed_by", String(40), nullable=False),
    Column("signed_at", UTCDateTime, nullable=True),
    Column("issued_to", JSON, nullable=False),  # {internal: [...], agencies: [...], emails: [...]}
    Column("comments", JSON, nullable=False),  # [{by, role, kind, text, at}]
    Column("opinions", JSON, nullable=False),  # [{person, name, asked_by, due, note, answer, answer_note, at}]
    Column("recall_reason", Text, nullable=False),
)
Index("ix_doc_outgoing_box", outgoing.c.candidate_id, outgoing.c.status)


# --- The agency


@dataclass(frozen=True, slots=True)
class Unit:
    key: str
    name: str
    abbreviation: str


@dataclass(frozen=True, slots=True)
class Person:
    key: str
    name: str
    title: str
    unit: str  # a unit's key, or "" for the agency's leaders
    role: Role
    candidate: bool  # one of the candidate's own positions

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "title": self.title,
            "unit": self.unit,
            "role": str(self.role),
            "candidate": self.candidate,
        }


@dataclass(frozen=True, slots=True)
class Agency:
    candidate_id: int
    name: str
    issuer: str
    parent: str
    abbreviation: str
    place: str
    email: str
    numbering: str
    acting_as: str
    units: tuple[Unit, ...]
    people: tuple[Person, ...]
    agencies: tuple[dict[str, str], ...]

    @classmethod
    def from_row(cls, row: RowMapping) -> Agency:
        return cls(
            candidate_id=row["candidate_id"],
            name=row["name"],
            issuer=row["issuer"],
            parent=row["parent"],
            abbreviation=row["abbreviation"],
            place=row["place"],
            email=row["email"],
            numbering=row["numbering"],
            acting_as=row["acting_as"],
            units=tuple(Unit(**u) for u in row["units"]),
            people=tuple(Person(**{**p, "role": Role(p["role"])}) for p in row["people"]),
            agencies=tuple(row["agencies"]),
        )

    def unit(self, key: str) -> Unit | None:
        return next((u for u in self.units if u.key == key), None)

    def person(self, key: str) -> Person | None:
        return next((p for p in self.people if p.key == key), None)

    @property
    def me(self) -> Person:
        """The position the candidate acts in now."""
        found = self.person(self.acting_as)
        assert found is not None, "acting_as names one of the candidate's positions"
        return found

    @property
    def my_positions(self) -> list[Person]:
        return [p for p in self.people if p.candidate]

    def name_of(self, key: str) -> str:
        """A unit's or person's name by key ('' for none)."""
        if not key:
            return ""
        unit = self.unit(key)
        if unit is not None:
            return unit.name
        person = self.person(key)
        return person.name if person is not None else key

    def names_of(self, keys: list[str]) -> str:
        return "; ".join(self.name_of(k) for k in keys)

    def label_of(self, key: str) -> str:
        """A unit's name, or a person's name and title, as the choosers show them."""
        person = self.person(key)
        return f"{person.name} - {person.title}" if person is not None else self.name_of(key)

    def position_title(self, person: Person) -> str:
        unit = self.unit(person.unit)
        return f"{person.title} - {unit.name}" if unit is not None else person.title

    def leaders(self) -> list[Person]:
        return [p for p in self.people if p.role is Role.lanh_dao]

    def approvers(self) -> list[Person]:
        return [p for p in self.people if p.role in (Role.lanh_dao, Role.lanh_dao_phong)]

    def state(self) -> dict[str, Any]:
        me = self.person(self.acting_as)
        return {
            "name": self.name,
            "issuer": self.issuer,
            "parent": self.parent,
            "abbreviation": self.abbreviation,
            "place": self.place,
            "email": self.email,
            "numbering": self.numbering,
            "acting_as": self.acting_as,
            "acting_role": str(me.role) if me else "",
            "units": [{"key": u.key, "name": u.name, "abbreviation": u.abbreviation} for u in self.units],
            "people": [p.as_json() for p in self.people],
            "agencies": [dict(a) for a in self.agencies],
        }


def get_agency(conn: Connection, candidate_id: int) -> Agency | None:
    row = conn.execute(select(agencies).where(agencies.c.candidate_id == candidate_id)).mappings().first()
    return Agency.from_row(row) if row is not None else None


def put_agency(conn: Connection, candidate_id: int, values: dict[str, Any]) -> Agency:
    if get_agency(conn, candidate_id) is None:
        conn.execute(insert(agencies).values(candidate_id=candidate_id, **values))
    else:
        conn.execute(update(agencies).where(agencies.c.candidate_id == candidate_id).values(**values))
    found = get_agency(conn, candidate_id)
    assert found is not None
    return found


# --- Documents


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True, slots=True)
class Incoming:
    id: int
    candidate_id: int
    status: IncomingStatus
    channel: str
    received_at: datetime
    arrival_number: int | None
    arrival_year: int | None
    arrival_date: date | None
    number: str
    issued_date: date | None
    organ_name: str
    sender_email: str
    type: str
    subject: str
    signer: str
    addressed_to: str
    urgency: str
    secrecy: str
    due_date: date | None
    files: list[dict[str, Any]]
    presented_to: str
    lead: str
    cooperate: list[str]
    for_info: list[str]
    direction: str
    routed_by: str
    result_note: str
    reply_id: int | None
    return_reason: str

    @classmethod
    def from_row(cls, row: RowMapping) -> Incoming:
        values = {f.name: row[f.name] for f in fields(cls)}
        values["status"] = IncomingStatus(values["status"])
        return cls(**values)

    def state(self, agency: Agency) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "status": str(self.status),
            "status_name": INCOMING_STATUS_NAMES[self.status],
            "channel": self.channel,
            "arrival_number": self.arrival_number,
            "arrival_date": _iso(self.arrival_date),
            "number": self.number,
            "issued_date": _iso(self.issued_date),
            "organ_name": self.organ_name,
            "type": self.type,
            "type_name": TYPE_NAMES.get(self.type, self.type),
            "subject": self.subject,
            "signer": self.signer,
            "addressed_to": self.addressed_to,
            "urgency": self.urgency,
            "secrecy": self.secrecy,
            "due_date": _iso(self.due_date),
            "files": self.files,
            "presented_to": agency.name_of(self.presented_to),
            "lead": agency.name_of(self.lead),
            "cooperate": [agency.name_of(k) for k in self.cooperate],
            "for_info": [agency.name_of(k) for k in self.for_info],
            "direction": self.direction,
            "routed_by": agency.name_of(self.routed_by),
            "result_note": self.result_note,
            "reply_id": str(self.reply_id) if self.reply_id is not None else None,
            "return_reason": self.return_reason,
        }


@dataclass(frozen=True, slots=True)
class Outgoing:
    id: int
    candidate_id: int
    status: OutgoingStatus
    created_at: datetime
    type: str
    subject: str
    body: str
    kinh_gui: list[str]
    recipients: list[str]
    drafting_unit: str
    drafter: str
    holder: str
    approver: str
    signer: str
    signer_lines: list[str]
    urgency: str
    secrecy: str
    related_incoming: int | None
    code_number: int | None
    symbol: str
    year: int | None
    issued_date: date | None
    files: list[dict[str, Any]]
    layout: dict[str, Any]
    approved_by: str
    signed_by: str
    signed_at: datetime | None
    issued_to: dict[str, list[str]]
    comments: list[dict[str, Any]]
    opinions: list[dict[str, Any]]
    recall_reason: str

    @classmethod
    def from_row(cls, row: RowMapping) -> Outgoing:
        values = {f.name: row[f.name] for f in fields(cls)}
        values["status"] = OutgoingStatus(values["status"])
        return cls(**values)

    @property
    def number(self) -> str:
        """The số, ký hiệu once given ("05/UBND-VP"), else ''."""
        return number_symbol(self.code_number, self.symbol) if self.code_number else ""

    @property
    def reference(self) -> str:
        """How another document names this one: its number, or before it has one, its trích yếu."""
        return self.number or self.subject

    @property
    def current_file(self) -> dict[str, Any] | None:
        return self.files[-1] if self.files else None

    def state(self, agency: Agency) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "status": str(self.status),
            "status_name": OUTGOING_STATUS_NAMES[self.status],
            "type": self.type,
            "type_name": TYPE_NAMES.get(self.type, self.type),
            "subject": self.subject,
            "body": self.body,
            "kinh_gui": self.kinh_gui,
            "recipients": self.recipients,
            "drafting_unit": agency.name_of(self.drafting_unit),
            "drafter": agency.name_of(self.drafter),
            "holder": agency.name_of(self.holder),
            "approver": agency.name_of(self.approver),
            "signer": agency.name_of(self.signer),
            "signer_lines": self.signer_lines,
            "urgency": self.urgency,
            "secrecy": self.secrecy,
            "related_incoming": str(self.related_incoming) if self.related_incoming is not None else None,
            "number": self.number,
            "code_number": self.code_number,
            "symbol": self.symbol,
            "issued_date": _iso(self.issued_date),
            "files": self.files,
            "layout": self.layout,
            "approved_by": agency.name_of(self.approved_by),
            "signed_by": agency.name_of(self.signed_by),
            "issued_to": self.issued_to,
            "comments": self.comments,
            "opinions": self.opinions,
            "recall_reason": self.recall_reason,
        }


def _inserted_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def insert_incoming(conn: Connection, candidate_id: int, values: dict[str, Any]) -> Incoming:
    defaults: dict[str, Any] = {
        "presented_to": "",
        "lead": "",
        "cooperate": [],
        "for_info": [],
        "direction": "",
        "routed_by": "",
        "result_note": "",
        "return_reason": "",
        "files": [],
        "sender_email": "",
        "signer": "",
        "addressed_to": "",
    }
    result = conn.execute(insert(incoming).values(candidate_id=candidate_id, **{**defaults, **values}))
    found = get_incoming(conn, candidate_id, _inserted_id(result))
    assert found is not None
    return found


def update_incoming(conn: Connection, doc: Incoming, **values: Any) -> Incoming:
    conn.execute(update(incoming).where(incoming.c.id == doc.id).values(**values))
    found = get_incoming(conn, doc.candidate_id, doc.id)
    assert found is not None
    return found


def get_incoming(conn: Connection, candidate_id: int, doc_id: int) -> Incoming | None:
    query = select(incoming).where(incoming.c.candidate_id == candidate_id, incoming.c.id == doc_id)
    row = conn.execute(query).mappings().first()
    return Incoming.from_row(row) if row is not None else None


def incoming_of(conn: Connection, candidate_id: int) -> list[Incoming]:
    query = select(incoming).where(incoming.c.candidate_id == candidate_id).order_by(incoming.c.id.desc())
    return [Incoming.from_row(r) for r in conn.execute(query).mappings()]


def next_arrival_number(conn: Connection, candidate_id: int, year: int) -> int:
    """Số đến: one sequence per calendar year, in order of registration (Điều 22)."""
    query = select(func.max(incoming.c.arrival_number)).where(
        incoming.c.candidate_id == candidate_id, incoming.c.arrival_year == year
    )
    return int(conn.execute(query).scalar() or 0) + 1


def insert_outgoing(conn: Connection, candidate_id: int, values: dict[str, Any]) -> Outgoing:
    defaults: dict[str, Any] = {
        "kinh_gui": [],
        "recipients": [],
        "approver": "",
        "signer": "",
        "signer_lines": [],
        "symbol": "",
        "files": [],
        "layout": {},
        "approved_by": "",
        "signed_by": "",
        "issued_to": {},
        "comments": [],
        "opinions": [],
        "recall_reason": "",
        "urgency": "thuong",
        "secrecy": "thuong",
    }
    result = conn.execute(insert(outgoing).values(candidate_id=candidate_id, **{**defaults, **values}))
    found = get_outgoing(conn, candidate_id, _inserted_id(result))
    assert found is not None
    return found


def update_outgoing(conn: Connection, doc: Outgoing, **values: Any) -> Outgoing:
    conn.execute(update(outgoing).where(outgoing.c.id == doc.id).values(**values))
    found = get_outgoing(conn, doc.candidate_id, doc.id)
    assert found is not None
    return found


def get_outgoing(conn: Connection, candidate_id: int, doc_id: int) -> Outgoing | None:
    query = select(outgoing).where(outgoing.c.candidate_id == candidate_id, outgoing.c.id == doc_id)
    row = conn.execute(query).mappings().first()
    return Outgoing.from_row(row) if row is not None else None


def outgoing_of(conn: Connection, candidate_id: int) -> list[Outgoing]:
    query = select(outgoing).where(outgoing.c.candidate_id == candidate_id).order_by(outgoing.c.id.desc())
    return [Outgoing.from_row(r) for r in conn.execute(query).mappings()]


def next_outgoing_number(conn: Connection, candidate_id: int, year: int, *, secret: bool, kind: str | None) -> int:
    """The next number of the year: one sequence for the agency (or one per type when it numbers
    that way), and a separate one for secret documents (Phụ lục I, mục II.3)."""
    secret_levels = SECRET_LEVELS
    query = select(func.max(outgoing.c.code_number)).where(
        outgoing.c.candidate_id == candidate_id,
        outgoing.c.year == year,
        outgoing.c.secrecy.in_(secret_levels) if secret else outgoing.c.secrecy.not_in(secret_levels),
    )
    if kind is not None:
        query = query.where(outgoing.c.type == kind)
    return int(conn.execute(query).scalar() or 0) + 1


SECRET_LEVELS = ("mat", "toi_mat", "tuyet_mat")


def number_taken(
    conn: Connection, candidate_id: int, year: int, code_number: int, symbol: str, *, secret: bool
) -> bool:
    """Số + ký hiệu are unique within the year, in their sequence (secret documents have their own)."""
    query = select(outgoing.c.id).where(
        outgoing.c.candidate_id == candidate_id,
        outgoing.c.year == year,
        outgoing.c.code_number == code_number,
        outgoing.c.symbol == symbol,
        outgoing.c.secrecy.in_(SECRET_LEVELS) if secret else outgoing.c.secrecy.not_in(SECRET_LEVELS),
    )
    return conn.execute(query).first() is not None


def fold(text: str) -> str:
    """Text as search compares it: NFC, case-folded, spaces collapsed."""
    return " ".join(nfc(text).casefold().split())


def search(conn: Connection, candidate_id: int, text: str) -> tuple[list[Incoming], list[Outgoing]]:
    """Quick search: số ký hiệu OR trích yếu, as VNPT iOffice's quick search matches. An agency
    holds tens of documents, so the match is done here, in Python, with Vietnamese case folding
    (SQLite's LIKE folds ASCII letters only)."""
    wanted = fold(text)
    found_in = [d for d in incoming_of(conn, candidate_id) if wanted in fold(f"{d.number} {d.subject}")]
    found_out = [d for d in outgoing_of(conn, candidate_id) if wanted in fold(f"{d.number} {d.subject}")]
    return found_in, found_out
