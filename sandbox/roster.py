"""Putting candidates and operators into the database, each with a generated password.

The password is hashed for logging in and sealed under the room's secret for reprinting the
candidate's login slip (phiếu dự thi); it is never stored in clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from mock_services.core import accounts
from mock_services.core.accounts import Candidate, NewCandidate
from mock_services.core.db import Database
from mock_services.core.errors import SathachError
from mock_services.core.events import Actor
from mock_services.core.exams import find_exam
from mock_services.core.passwords import generate_password, hash_password, seal, unseal
from mock_services.core.sessions import EndReason, end_session, open_sessions_of_operator
from mock_services.portal.auth import end_all_sessions


class RosterError(SathachError):
    """An exam, candidate or operator named on the command line does not exist, or already does."""


@dataclass(frozen=True, slots=True)
class Credential:
    candidate: Candidate
    password: str


# A candidate to insert, with the generated password already hashed and sealed.
Prepared = tuple[NewCandidate, str, str]


def prepare(people: list[NewCandidate], *, secret: bytes) -> list[Prepared]:
    """Generate, hash and seal each person's password (argon2: ~20 ms each, so outside any transaction)."""
    prepared = []
    for person in people:
        password = generate_password()
        prepared.append((person, hash_password(password), seal(secret, password)))
    return prepared


def require_exam(conn: Connection, exam_id: int) -> None:
    if find_exam(conn, exam_id) is None:
        raise RosterError(f"There is no exam with id {exam_id}; `python -m sandbox list-exams` shows them.")


def insert_candidates(conn: Connection, exam_id: int, prepared: list[Prepared], *, now: datetime) -> list[int]:
    """Add prepared candidates to the exam in the caller's transaction; returns their ids."""
    require_exam(conn, exam_id)
    clash = accounts.existing_numbers(conn, exam_id) & {person.so_bao_danh for person, _, _ in prepared}
    if clash:
        raise RosterError(f"Số báo danh already in exam {exam_id}: {', '.join(sorted(clash))}; nothing imported.")
    return accounts.add_candidates(conn, exam_id, prepared, now=now)


def import_candidates(db: Database, exam_id: int, people: list[NewCandidate], *, secret: bytes, now: datetime) -> int:
    """Add the candidates to the exam in one transaction; returns how many were added."""
    prepared = prepare(people, secret=secret)
    with db.write() as conn:
        insert_candidates(conn, exam_id, prepared, now=now)
    return len(prepared)


def credentials(db: Database, exam_id: int, *, secret: bytes) -> list[Credential]:
    """Every candidate of the exam with their password, for the login slips."""
    with db.read() as conn:
        require_exam(conn, exam_id)
        rows = accounts.sealed_passwords(conn, exam_id)
    return [Credential(candidate, unseal(secret, sealed) if sealed else "") for candidate, sealed in rows]


def reset_password(db: Database, exam_id: int, so_bao_danh: str, *, secret: bytes, now: datetime) -> Credential:
    """A new password for one candidate; whoever holds the old one is logged out."""
    password = generate_password()
    number = accounts.normalize_number(so_bao_danh)
    password_hash = hash_password(password)
    with db.write() as conn:
        match = next((c for c in accounts.candidates_of_exam(conn, exam_id) if c.so_bao_danh == number), None)
        if match is None:
            raise RosterError(f"Exam {exam_id} has no candidate with số báo danh {number}.")
        accounts.set_candidate_password(conn, match.id, password_hash, seal(secret, password))
        end_all_sessions(conn, match, EndReason.proctor, now=now, actor=Actor.proctor, operator=None)
    return Credential(match, password)


def add_operator(db: Database, username: str, ho_ten: str, *, now: datetime, reset: bool = False) -> str:
    """Create an operator (or, with ``reset``, give an existing one a new password); returns the password."""
    name = username.strip().casefold()
    if not name or len(name) > 64 or not name.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise RosterError(f"Operator name {username!r} must be 1-64 letters, digits, '.', '_' or '-'.")
    password = generate_password() + "-" + generate_password()[:4]  # longer: operators see every candidate
    password_hash = hash_password(password)
    with db.write() as conn:
        existing = accounts.find_operator(conn, name)
        if existing is not None and not reset:
            raise RosterError(f"Operator {name!r} already exists; use reset-operator-password to give a new password.")
        if existing is None:
            accounts.add_operator(conn, username=name, ho_ten=ho_ten, password_hash=password_hash, now=now)
        else:
            accounts.set_operator_password(conn, name, password_hash)
            for session in open_sessions_of_operator(conn, existing[0].id):
                end_session(conn, session.id, EndReason.proctor, now)
    return password
