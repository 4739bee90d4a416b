"""Tables of the one-stop service and their queries: dossiers (hồ sơ), each in one candidate's
tenant; every query is scoped to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, String, Table, Text, func, insert, select
from sqlalchemy.engine import Connection, RowMapping

from mock_services.core.db import UTCDateTime, metadata
from mock_services.onestop.domain import Channel, Status

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
    Column("received_at", UTCDateTime, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("received_by", String(200), nullable=False),
    Column("handler", String(200), nullable=False, default=""),
    Column("files", JSON, nullable=False),  # [{name, sha256, size, kind}] receipt, forms …
    Column("note", Text, nullable=False, default=""),
    Index("ix_os_dossiers_candidate", "candidate_id", "code"),
)


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

    @classmethod
    def from_row(cls, row: RowMapping) -> Dossier:
        values = dict(row)
        values["channel"] = Channel(values["channel"])
        values["status"] = Status(values["status"])
        return cls(**values)

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
        }


def add_dossier(conn: Connection, **values: Any) -> Dossier:
    values = {key: value.value if isinstance(value, Channel | Status) else value for key, value in values.items()}
    new_id = conn.execute(insert(dossiers).values(**values)).inserted_primary_key[0]  # type: ignore[index]
    found = dossier(conn, values["candidate_id"], int(new_id))
    assert found is not None
    return found


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
