"""Operators' logins and the ``current_operator`` dependency of every proctor page.

Operators are not candidates: their own table, their own cookie (scoped to /giam-thi) and
their own throttle. Their logins go to the server log, not to a candidate's chain.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from mock_services.core.accounts import Operator, find_operator, get_operator
from mock_services.core.db import Database
from mock_services.core.http_errors import LoginRequired
from mock_services.core.passwords import verify_password
from mock_services.core.ratelimit import LoginThrottle, address_key
from mock_services.core.sessions import (
    EndReason,
    LoginSession,
    SessionKind,
    SessionPolicy,
    end_session,
    find_session,
    needs_touch,
    open_session,
    touch,
)
from mock_services.core.web import OPERATOR_COOKIE, runtime

log = logging.getLogger("sathach.proctor")

LOGIN_REASONS: dict[str, str] = {
    "chua_dang_nhap": "Vui lòng đăng nhập bằng tài khoản giám thị.",
    "da_dang_xuat": "Bạn đã đăng xuất.",
    "het_han": "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.",
}


@dataclass(frozen=True, slots=True)
class OperatorLogin:
    token: str
    session: LoginSession
    operator: Operator


@dataclass(frozen=True, slots=True)
class OperatorRefused:
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class OperatorContext:
    operator: Operator
    session: LoginSession
    now: datetime


def login_operator(
    db: Database,
    *,
    username: str,
    password: str,
    client: str,
    user_agent: str,
    now: datetime,
    throttle: LoginThrottle,
    policy: SessionPolicy,
) -> OperatorLogin | OperatorRefused:
    name = username.strip().casefold()
    with db.write() as conn:  # counted before the password is checked: see core.ratelimit
        found = find_operator(conn, name)
        admitted = throttle.admit(conn, account=f"operator:{name}", address=address_key(client), now=now)
    if isinstance(admitted, datetime):
        log.warning("operator login refused (locked): %r from %s", name, client)
        return OperatorRefused(admitted)
    ok = verify_password(found[1] if found else None, password)
    with db.write() as conn:
        if not ok or found is None:
            log.warning("operator login failed: %r from %s", name, client)
            return OperatorRefused(None)
        throttle.succeeded(conn, admitted)
        operator = found[0]
        token, session = open_session(
            conn,
            kind=SessionKind.operator,
            principal_id=operator.id,
            exam_id=None,
            client=client,
            user_agent=user_agent,
            now=now,
            policy=policy,
        )
    log.info("operator %r logged in from %s", operator.username, client)
    return OperatorLogin(token, session, operator)


def current_operator(request: Request) -> OperatorContext:
    room = runtime(request)
    token = request.cookies.get(OPERATOR_COOKIE)
    if not token:
        raise LoginRequired("chua_dang_nhap", LOGIN_REASONS["chua_dang_nhap"])
    now = room.clock()
    with room.db.read() as conn:
        session = find_session(conn, token, SessionKind.operator)
        operator = get_operator(conn, session.operator_id) if session and session.operator_id else None
    if session is None or operator is None:
        raise LoginRequired("chua_dang_nhap", LOGIN_REASONS["chua_dang_nhap"])
    if session.ended_at is not None:
        reason = "da_dang_xuat" if session.end_reason == EndReason.logout else "het_han"
        raise LoginRequired(reason, LOGIN_REASONS[reason])
    expiry = session.expiry(now, room.session_policy)
    if expiry is not None:
        with room.db.write() as conn:
            end_session(conn, session.id, expiry, now)
        raise LoginRequired("het_han", LOGIN_REASONS["het_han"])
    if needs_touch(session, now):
        with room.db.write() as conn:
            touch(conn, session, now)
    return OperatorContext(operator=operator, session=session, now=now)
