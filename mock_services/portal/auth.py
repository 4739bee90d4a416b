"""Candidates' logins, logouts and session endings, each with its event in the same transaction.

Logging in ends the candidate's older sessions: a candidate works on one machine at a time,
and after a crash simply logs in on another seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.engine import Connection

from mock_services.core import log
from mock_services.core.accounts import Candidate, login_candidates, normalize_number
from mock_services.core.db import Database
from mock_services.core.events import Actor, EventContext
from mock_services.core.passwords import verify_password
from mock_services.core.ratelimit import LoginThrottle, address_key
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

    The attempt is counted first (a write transaction, so concurrent attempts are counted one by
    one); the password is checked outside any transaction, because argon2 takes ~20 ms on
    purpose and holding the write lock that long would queue a whole room's logins; the outcome
    is written in a second transaction.
    """
    number = normalize_number(so_bao_danh)
    with db.write() as conn:
        holders = login_candidates(conn, number, now)
        # Failures go into a chain only when the number is unambiguous: never into another tenant's.
        owner = holders[0][0] if len(holders) == 1 else None
        account = "candidate:" + (",".join(str(c.id) for c, _ in holders) if holders else number)
        admitted = throttle.admit(conn, account=account, address=address_key(client), now=now)
        if isinstance(admitted, datetime):
            if owner:
                _log_failure(conn, owner, "locked", client, now)
            return LoginRefused(admitted)
    matched = next((c for c, password_hash in holders if verify_password(password_hash, password)), None)
    if not holders:
        verify_password(None, password)  # the same cost whether or not the số báo danh exists
    with db.write() as conn:
        if matched is None:
            if owner:
                _log_failure(conn, owner, "wrong_password", client, now)
            return LoginRefused(None)
        throttle.succeeded(conn, admitted)
        for older in open_sessions_of_candidate(conn, matched.id):
            reason = older.expiry(now, policy) or EndReason.replaced
            end_candidate_session(conn, matched, older, reason, now=now, actor=Actor.system)
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
            matched,
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
    operator: str | None = None,
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
        candidate,
        actor=actor,
        event=event,
        object_id=session.id,
        now=now,
        context=EventContext(session_id=session.id, client=session.client, operator=operator),
    )
    return True


def end_all_sessions(
    conn: Connection, candidate: Candidate, reason: EndReason, *, now: datetime, actor: Actor, operator: str | None
) -> int:
    """End every open session of the candidate (a proctor's action, a password reset, a closed exam)."""
    return sum(
        end_candidate_session(conn, candidate, session, reason, now=now, actor=actor, operator=operator)
        for session in open_sessions_of_candidate(conn, candidate.id)
    )


def _log_failure(
    conn: Connection,
    candidate: Candidate,
    reason: Literal["wrong_password", "locked"],
    client: str,
    now: datetime,
) -> None:
    log.append(
        conn,
        candidate,
        actor=Actor.candidate,
        event=LoginFailed(reason=reason, client=client),
        object_id=str(candidate.id),
        now=now,
        context=EventContext(client=client),
    )
