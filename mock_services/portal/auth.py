"""Candidates' logins, logouts and session endings, each with its event in the same transaction.

Logging in ends the candidate's older sessions: a candidate works on one machine at a time,
and after a crash simply logs in on another seat.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.engine import Connection

from mock_services.core import log
from mock_services.core.accounts import Candidate, login_candidates
from mock_services.core.db import Database
from mock_services.core.events import Actor, EventContext
from mock_services.core.passwords import verify_password
from mock_services.core.ratelimit import LoginThrottle, account_key, address_key
from mock_services.core.sessions import (
    EndReason,
    LoginSession,
    SessionKind,
    SessionPolicy,
    end_session,
    open_session,
    open_sessions_of_candidate,
)
from mock_services.portal.events import LoggedOut, LoginFailed, LoginSucceeded, SessionExpired


@dataclass(frozen=True, slots=True)
class LoginOk:
    token: str
    session: LoginSession
    candidate: Candidate


@dataclass(frozen=True, slots=True)
class LoginRefused:
    locked_until: datetime | None  # None: wrong số báo danh or password


def normalize_number(so_bao_danh: str) -> str:
    """Số báo danh as stored: NFC, no surrounding spaces, upper case."""
    return unicodedata.normalize("NFC", so_bao_danh).strip().upper()


def login_candidate(
    db: Database,
    *,
    so_bao_danh: str,
    password: str,
    client: str,
    user_agent: str,
    now: datetime,
    throttle: LoginThrottle,
    policy: SessionPolicy,
) -> LoginOk | LoginRefused:
    """Check the credentials and open a session, or record the refusal.

    The password is checked between two transactions: argon2 takes ~20 ms on purpose, and
    holding SQLite's write lock that long would queue a whole room's logins behind each other.
    """
    number = normalize_number(so_bao_danh)
    account, address = account_key("candidate", number), address_key(client)
    with db.read() as conn:
        holders = login_candidates(conn, number)
        locked_until = throttle.locked_until(conn, account=account, address=address, now=now)
    if locked_until is not None:
        with db.write() as conn:
            for candidate, _ in holders:
                _log_failure(conn, candidate, "locked", client, now)
        return LoginRefused(locked_until)
    matched = next((c for c, password_hash in holders if verify_password(password_hash, password)), None)
    if not holders:
        verify_password(None, password)  # the same cost whether or not the số báo danh exists
    with db.write() as conn:
        if matched is None:
            throttle.record_failure(conn, account=account, address=address, now=now)
            for candidate, _ in holders:
                _log_failure(conn, candidate, "wrong_password", client, now)
            return LoginRefused(None)
        throttle.forget(conn, account=account)
        for older in open_sessions_of_candidate(conn, matched.id):
            end_candidate_session(conn, matched, older, EndReason.replaced, now=now, actor=Actor.system)
        token, session = open_session(
            conn,
            kind=SessionKind.candidate,
            principal_id=matched.id,
            exam_id=matched.exam_id,
            client=client,
            user_agent=user_agent,
            now=now,
            policy=policy,
        )
        log.append(
            conn,
            exam_id=matched.exam_id,
            candidate_id=matched.id,
            actor=Actor.candidate,
            event=LoginSucceeded(client=client, user_agent=user_agent[:300], after=session.state()),
            object_id=session.id,
            now=now,
            context=EventContext(session_id=session.id, client=client),
        )
    return LoginOk(token, session, matched)


def end_candidate_session(
    conn: Connection,
    candidate: Candidate,
    session: LoginSession,
    reason: EndReason,
    *,
    now: datetime,
    actor: Actor,
) -> bool:
    """End one session of the candidate and log why; False when it had already ended."""
    ended = end_session(conn, session.id, reason, now)
    if ended is None:
        return False
    event: LoggedOut | SessionExpired
    if reason is EndReason.idle or reason is EndReason.max_age:
        event = SessionExpired(reason=reason.value, after=ended.state())
    else:
        event = LoggedOut(reason=reason.value, after=ended.state())
    log.append(
        conn,
        exam_id=candidate.exam_id,
        candidate_id=candidate.id,
        actor=actor,
        event=event,
        object_id=session.id,
        now=now,
        context=EventContext(session_id=session.id, client=session.client),
    )
    return True


def _log_failure(
    conn: Connection,
    candidate: Candidate,
    reason: Literal["wrong_password", "locked"],
    client: str,
    now: datetime,
) -> None:
    log.append(
        conn,
        exam_id=candidate.exam_id,
        candidate_id=candidate.id,
        actor=Actor.candidate,
        event=LoginFailed(reason=reason, client=client),
        object_id=str(candidate.id),
        now=now,
        context=EventContext(client=client),
    )
