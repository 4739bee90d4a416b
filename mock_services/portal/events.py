"""Events of the exam portal: logins, logouts, ended sessions, and the tasks on each paper."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from mock_services.core.events import EventData, StateEvent, event_type


@event_type
class LoginSucceeded(StateEvent):
    """The candidate logged in with số báo danh and password; a new session began.

    ``object.id`` is the session id (the first 32 hex digits of the sha256 of the cookie's
    token; the token itself is never stored).
    """

    verb = "portal.login_succeeded"
    object_kind = "session"

    client: str = Field(description="Client address the login came from.")
    user_agent: str = Field(description="The browser's User-Agent header, cut to 300 characters.")
    after: dict[str, Any] = Field(description="The session: id, kind, started_at, expires_at, client.")


@event_type
class LoginFailed(EventData):
    """A login with this candidate's số báo danh was refused.

    ``object.id`` is the candidate id. Failed logins with a số báo danh that belongs to no one
    are not in any chain; they only count towards the client address's lock.
    """

    verb = "portal.login_failed"
    object_kind = "candidate"

    reason: Literal["wrong_password", "locked"] = Field(
        description="`wrong_password`, or `locked` when too many failures had locked the account or address."
    )
    client: str = Field(description="Client address the attempt came from.")


@event_type
class LoggedOut(StateEvent):
    """A session of the candidate ended on purpose.

    ``reason`` is `logout` (the candidate pressed Đăng xuất), `replaced` (the candidate logged
    in on another machine, which ends every older session), `proctor` (a proctor ended it, or
    reset the candidate's password) or `exam_closed` (the operator closed the exam).
    """

    verb = "portal.logged_out"
    object_kind = "session"

    reason: Literal["logout", "replaced", "proctor", "exam_closed"] = Field(description="Why the session ended.")
    after: dict[str, Any] = Field(description="The session as it ended, with ended_at and end_reason.")


@event_type
class SessionExpired(StateEvent):
    """A session of the candidate ran out, found when its cookie was next used.

    ``reason`` is `idle` (no request for ``session_idle_minutes``) or `max_age`
    (``session_max_hours`` after login).
    """

    verb = "portal.session_expired"
    object_kind = "session"

    reason: Literal["idle", "max_age"] = Field(description="Which limit ran out.")
    after: dict[str, Any] = Field(description="The session as it ended, with ended_at and end_reason.")


@event_type
class TaskAssigned(StateEvent):
    """A task was put on the candidate's paper (by the draw, or by an operator). Actor: system.

    ``object.id`` is the task id. This is the first event of every task: it fixes the
    per-candidate parameters and the instructions exactly as the candidate was shown them.
    """

    verb = "exam.task_assigned"
    object_kind = "task"

    after: dict[str, Any] = Field(
        description="The task on this paper: position (from 1), title, service (mail, documents, signing, "
        "onestop), points (a decimal string such as '6' or '2.5'), params (the candidate's parameters) and "
        "instructions (as rendered for this candidate)."
    )
