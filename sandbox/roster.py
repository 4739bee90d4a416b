"""Putting candidates and operators into the database, each with a generated password.

The password is hashed for logging in and sealed under the room's secret for reprinting the
candidate's login slip (phiếu dự thi); it is never stored in clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mock_services.core import accounts
from mock_services.core.accounts import Candidate, NewCandidate
from mock_services.core.db import Database
from mock_services.core.errors import SathachError
from mock_services.core.exams import find_exam
from mock_services.core.passwords import generate_password, hash_password, seal, unseal


class RosterError(SathachError):
    """An exam, candidate or operator named on the command line does not exist, or already does."""


@dataclass(frozen=True, slots=True)
class Credential:
    candidate: Candidate
    password: str


def import_candidates(db: Database, exam_id: int, people: list[NewCandidate], *, secret: bytes, now: datetime) -> int:
    """Add the candidates to the exam in one transaction; returns how many were added."""
    prepared = []
    for person in people:
        password = generate_password()
        prepared.append((person, hash_password(password), seal(secret, password)))
    with db.write() as conn:
        if find_exam(conn, exam_id) is None:
            raise RosterError(f"There is no exam with id {exam_id}; `python -m sandbox list-exams` shows them.")
        clash = accounts.existing_numbers(conn, exam_id) & {person.so_bao_danh for person in people}
        if clash:
            raise RosterError(f"Số báo danh already in exam {exam_id}: {', '.join(sorted(clash))}; nothing imported.")
        accounts.add_candidates(conn, exam_id, prepared, now=now)
    return len(prepared)


def credentials(db: Database, exam_id: int, *, secret: bytes) -> list[Credential]:
    """Every candidate of the exam with their password, for the login slips."""
    with db.read() as conn:
        if find_exam(conn, exam_id) is None:
            raise RosterError(f"There is no exam with id {exam_id}; `python -m sandbox list-exams` shows them.")
        rows = accounts.sealed_passwords(conn, exam_id)
    return [Credential(candidate, unseal(secret, sealed) if sealed else "") for candidate, sealed in rows]


def reset_password(db: Database, exam_id: int, so_bao_danh: str, *, secret: bytes) -> Credential:
    password = generate_password()
    number = so_bao_danh.strip().upper()
    with db.write() as conn:
        match = next((c for c in accounts.candidates_of_exam(conn, exam_id) if c.so_bao_danh == number), None)
        if match is None:
            raise RosterError(f"Exam {exam_id} has no candidate with số báo danh {number}.")
        accounts.set_candidate_password(conn, match.id, hash_password(password), seal(secret, password))
    return Credential(match, password)


def add_operator(db: Database, username: str, ho_ten: str, *, now: datetime, reset: bool = False) -> str:
    """Create an operator (or, with ``reset``, give an existing one a new password); returns the password."""
    name = username.strip().casefold()
    if not name or len(name) > 64 or not name.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise RosterError(f"Operator name {username!r} must be 1-64 letters, digits, '.', '_' or '-'.")
    password = generate_password() + "-" + generate_password()[:4]  # longer: operators see every candidate
    with db.write() as conn:
        existing = accounts.find_operator(conn, name)
        if existing is not None and not reset:
            raise RosterError(f"Operator {name!r} already exists; use reset-operator-password to give a new password.")
        if existing is None:
            accounts.add_operator(conn, username=name, ho_ten=ho_ten, password_hash=hash_password(password), now=now)
        else:
            accounts.set_operator_password(conn, name, hash_password(password))
    return password
