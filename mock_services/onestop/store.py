"""Tables of the one-stop service and their queries, each row in one candidate's tenant and every
query scoped to it: the desk (the unit and its people), the citizens who walk in (visits), the
dossiers (hồ sơ), and the notices sent to citizens (SMS and email)."""

from __future__ import annotations

from dataclasses import dataclass, field
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
from mock_services.onestop.domain import Channel, Status

desks = Table(
    "os_desks",
    metadata,
    Column("candidate_id", ForeignKey("candidates.id"), primary_key=True),
    Column("values", JSON, nullable=False),  # Desk.state(): the unit, its identifier, the official, colleagues
)

visits = Table(
    "os_visits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=False),
    Column("ticket", Integer, nullable=False),  # số thứ tự from the queue machine
    Column("arrived_at", UTCDateTime, nullable=False),  # the scenario's moment: the desk receives "as of" it
    Column("applicant", JSON, nullable=False),  # {name, id_number, phone, address, email}
    Column("request", Text, nullable=False),  # what the citizen asks for, in their words
    Column("papers", JSON, nullable=False),  # [{name, quantity, remark}] what they hand over
    Column("called_at", UTCDateTime, nullable=True),
    Column("dossier_id", Integer, nullable=True),
    Index("ix_os_visits_candidate", "candidate_id", "ticket"),
)

dossiers = Table(
    "os_dossiers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=False),
    Column("code", String(40), nullable=False),  # mã hồ sơ, 000.00.13.H13-261120-0007
    Column("procedure_code", String(16), nullable=False),
    Column("procedure_name", String(300), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("status", String(24), nullable=False),
    Column("applicant", JSON, nullable=False),  # {name, id_number, phone, address, email}
    Column("components", JSON, nullable=False),  # [{name, original, certified_copy, photocopy, shown, quantity}]
    Column("sets", Integer, nullable=False, default=1),  # số bộ hồ sơ
    Column("received_at", UTCDateTime, nullable=False),  # ngày tiếp nhận (online: submitted, until accepted)
    Column("due_date", Date, nullable=False),  # ngày hẹn trả
    Column("received_by", String(200), nullable=False),
    Column("handler", String(200), nullable=False, default=""),  # key of the official handling it
    Column("files", JSON, nullable=False),  # [{name, sha256, size, kind}] receipt, forms, attachments, result
    Column("note", Text, nullable=False, default=""),
    # Schema 6: the dossier's way through the desk.
    Column("submitted_at", UTCDateTime, nullable=True),  # online: when the citizen submitted it
    Column("form", JSON, nullable=True),  # online: the e-form's fields {label: value}
    Column("visit_id", Integer, nullable=True),  # walk-in: the visit it came from
    Column("ready_at", UTCDateTime, nullable=True),  # processing: when the handler returns the result
    Column("delay", Text, nullable=True),  # processing: the handler's reason when it will be late
    Column("steps", JSON, nullable=True),  # [{at, giver, receiver, result, note}]: the phiếu kiểm soát's rows
    Column("supplement", JSON, nullable=True),  # {missing: [names], reason, at}
    Column("refusal", JSON, nullable=True),  # {reason, at}
    Column("result", JSON, nullable=True),  # {name, number, signer, signer_title, signed_at, sha256}
    Column("returned", JSON, nullable=True),  # {to, id_number, method, originals_taken, at}
    Column("apologies", JSON, nullable=True),  # [{reason, old_due, new_due, leader, at, sha256}]
    Index("ix_os_dossiers_candidate", "candidate_id", "code"),
)

# The columns schema 6 added to os_dossiers (the migration adds them to a schema-5 table).
ADDED_IN_6 = (
    "submitted_at",
    "form",
    "visit_id",
    "ready_at",
    "delay",
    "steps",
    "supplement",
    "refusal",
    "result",
    "returned",
    "apologies",
)

notices = Table(
    "os_notices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", ForeignKey("candidates.id"), nullable=False),
    Column("dossier_id", Integer, nullable=False),
    Column("channel", String(8), nullable=False),  # sms, email
    Column("to", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("sha256", String(64), nullable=True),  # email: the message as sent (RFC 5322), in the blob store
    Column("at", UTCDateTime, nullable=False),
    Index("ix_os_notices_candidate", "candidate_id", "dossier_id"),
)


# --- The desk


def get_desk(conn: Connection, candidate_id: int) -> dict[str, Any] | None:
    found = conn.execute(select(desks.c["values"]).where(desks.c.candidate_id == candidate_id)).scalar()
    return dict(found) if found is not None else None


def put_desk(conn: Connection, candidate_id: int, values: dict[str, Any]) -> None:
    if get_desk(conn, candidate_id) is None:
        conn.execute(insert(desks).values(candidate_id=candidate_id, values=values))
    else:
        conn.execute(update(desks).where(desks.c.candidate_id == candidate_id).values(values=values))


# --- Visits


@dataclass(frozen=True)
class Visit:
    id: int
    candidate_id: int
    ticket: int
    arrived_at: datetime
    applicant: dict[str, Any]
    request: str
    papers: list[dict[str, Any]]
    called_at: datetime | None
    dossier_id: int | None

    def state(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "ticket": self.ticket,
            "arrived_at": self.arrived_at.isoformat(),
            "applicant": dict(self.applicant),
            "request": self.request,
            "papers": [dict(p) for p in self.papers],
            "called_at": self.called_at.isoformat() if self.called_at else None,
            "dossier_id": str(self.dossier_id) if self.dossier_id else None,
        }


def add_visit(conn: Connection, **values: Any) -> Visit:
    new_id = conn.execute(insert(visits).values(**values)).inserted_primary_key[0]  # type: ignore[index]
    found = visit(conn, values["candidate_id"], int(new_id))
    assert found is not None
    return found


def visit(conn: Connection, candidate_id: int, visit_id: int) -> Visit | None:
    query = select(visits).where(visits.c.candidate_id == candidate_id, visits.c.id == visit_id)
    row = conn.execute(query).mappings().first()
    return Visit(**row) if row else None


def visits_of(conn: Connection, candidate_id: int) -> list[Visit]:
    query = select(visits).where(visits.c.candidate_id == candidate_id).order_by(visits.c.ticket, visits.c.id)
    return [Visit(**row) for row in conn.execute(query).mappings()]


def next_ticket(conn: Connection, candidate_id: int) -> int:
    query = select(func.max(visits.c.ticket)).where(visits.c.candidate_id == candidate_id)
    return int(conn.execute(query).scalar() or 0) + 1


def update_visit(conn: Connection, found: Visit, **values: Any) -> Visit:
    conn.execute(update(visits).where(visits.c.id == found.id).values(**values))
    changed = visit(conn, found.candidate_id, found.id)
    assert changed is not None
    return changed


# --- Dossiers


@dataclass(frozen=True)
class Dossier:
    id: int
    candidate_id: int
    code: str
    procedure_code: str
    procedure_name: str
    channel: Channel
    status: Status
    applicant: dict[str, Any]
    components: list[dict[str, Any]]
    sets: int
    received_at: datetime
    due_date: date
    received_by: str
    handler: str
    files: list[dict[str, Any]]
    note: str
    submitted_at: datetime | None = None
    form: dict[str, Any] = field(default_factory=dict)
    visit_id: int | None = None
    ready_at: datetime | None = None
    delay: str = ""
    steps: list[dict[str, Any]] = field(default_factory=list)
    supplement: dict[str, Any] | None = None
    refusal: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    returned: dict[str, Any] | None = None
    apologies: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: RowMapping) -> Dossier:
        values = dict(row)
        values["channel"] = Channel(values["channel"])
        values["status"] = Status(values["status"])
        for name, empty in (("form", {}), ("steps", []), ("apologies", []), ("delay", "")):
            if values[name] is None:
                values[name] = empty
        return cls(**values)

    def files_of(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.files if f.get("kind") == kind]

    def state(self) -> dict[str, Any]:
        """What events carry in ``after`` (docs/onestop.md)."""
        return {
            "id": str(self.id),
            "code": self.code,
            "procedure_code": self.procedure_code,
            "procedure_name": self.procedure_name,
            "channel": self.channel.value,
            "status": self.status.value,
            "status_name": self.status.label,
            "applicant": dict(self.applicant),
            "components": [dict(c) for c in self.components],
            "sets": self.sets,
            "received_at": self.received_at.isoformat(),
            "due_date": self.due_date.isoformat(),
            "received_by": self.received_by,
            "handler": self.handler,
            "files": [dict(f) for f in self.files],
            "note": self.note,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "form": dict(self.form),
            "visit_id": str(self.visit_id) if self.visit_id else None,
            "steps": [dict(s) for s in self.steps],
            "supplement": dict(self.supplement) if self.supplement else None,
            "refusal": dict(self.refusal) if self.refusal else None,
            "result": dict(self.result) if self.result else None,
            "returned": dict(self.returned) if self.returned else None,
            "apologies": [dict(a) for a in self.apologies],
        }


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value.value if isinstance(value, Channel | Status) else value for key, value in values.items()}


def add_dossier(conn: Connection, **values: Any) -> Dossier:
    new_id = conn.execute(insert(dossiers).values(**_plain(values))).inserted_primary_key[0]  # type: ignore[index]
    found = dossier(conn, values["candidate_id"], int(new_id))
    assert found is not None
    return found


def update_dossier(conn: Connection, found: Dossier, **values: Any) -> Dossier:
    conn.execute(update(dossiers).where(dossiers.c.id == found.id).values(**_plain(values)))
    changed = dossier(conn, found.candidate_id, found.id)
    assert changed is not None
    return changed


def dossier(conn: Connection, candidate_id: int, dossier_id: int) -> Dossier | None:
    row = (
        conn.execute(select(dossiers).where(dossiers.c.candidate_id == candidate_id, dossiers.c.id == dossier_id))
        .mappings()
        .first()
    )
    return Dossier.from_row(row) if row else None


def dossiers_of(conn: Connection, candidate_id: int) -> list[Dossier]:
    rows = conn.execute(
        select(dossiers).where(dossiers.c.candidate_id == candidate_id).order_by(dossiers.c.id)
    ).mappings()
    return [Dossier.from_row(row) for row in rows]


def codes_of_day(conn: Connection, candidate_id: int, prefix: str) -> int:
    """How many dossiers of this tenant have a code starting with ``prefix`` (a unit and a day)."""
    query = select(func.count()).where(dossiers.c.candidate_id == candidate_id, dossiers.c.code.startswith(prefix))
    return int(conn.execute(query).scalar_one())


# --- Notices to citizens


@dataclass(frozen=True)
class Notice:
    id: int
    candidate_id: int
    dossier_id: int
    channel: str
    to: str
    text: str
    sha256: str | None
    at: datetime


def add_notice(conn: Connection, **values: Any) -> None:
    conn.execute(insert(notices).values(**values))


def notices_of(conn: Connection, candidate_id: int) -> list[Notice]:
    query = select(notices).where(notices.c.candidate_id == candidate_id).order_by(notices.c.at.desc(), notices.c.id)
    return [Notice(**row) for row in conn.execute(query).mappings()]
