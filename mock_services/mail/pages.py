"""What every webmail page shares: the folder sidebar with unread counts, the candidate's
message by id (theirs or a 404), the acting context, and the signed tokens the pages hand out
(tracked links, attachments carried from one compose form to the next)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson
from fastapi import Request
from sqlalchemy.engine import Connection

from mock_services.core.errors import WebError
from mock_services.core.web import runtime
from mock_services.mail import store
from mock_services.mail.domain import room_domains
from mock_services.mail.folders import FOLDER_NAMES, FOLDER_SLUGS, USER, Location
from mock_services.mail.mailbox import Acting
from mock_services.mail.store import Message
from mock_services.portal.deps import CandidateContext

PAGE_SIZE = 25
NOT_FOUND = "Không tìm thấy thư này. Có thể thư đã bị xóa hẳn."


@dataclass(frozen=True, slots=True)
class SidebarFolder:
    key: str
    name: str
    url: str
    unread: int
    system: bool


def acting(request: Request, ctx: CandidateContext) -> Acting:
    room = runtime(request)
    return Acting(
        now=ctx.now,
        blobs=room.blobs,
        tz=room.tz,
        domains=room_domains(room.settings.mail_domains),
        context=ctx.event_context(),
    )


def location_url(location: Location) -> str:
    if location.folder == USER:
        return f"/thu/thu-muc/{location.folder_id}"
    return f"/thu/{FOLDER_SLUGS[location.folder]}"


def sidebar(conn: Connection, candidate_id: int) -> list[SidebarFolder]:
    unread = store.unread_counts(conn, candidate_id)
    items = [
        SidebarFolder(key, name, location_url(Location(key)), unread.get(key, 0) if key != "drafts" else 0, True)
        for key, name in FOLDER_NAMES.items()
    ]
    for folder in store.user_folders(conn, candidate_id):
        location = Location(USER, folder.id)
        items.append(
            SidebarFolder(location.key, folder.name, location_url(location), unread.get(location.key, 0), False)
        )
    return items


def frame(conn: Connection, ctx: CandidateContext, request: Request, active: str = "") -> dict[str, Any]:
    """The template context every mail page starts from."""
    return {
        "ctx": ctx,
        "services": runtime(request).services,
        "folders": sidebar(conn, ctx.candidate.id),
        "active": active,
        "notice": request.query_params.get("tb", "")[:300],
    }


def owned_message(conn: Connection, ctx: CandidateContext, message_id: int) -> Message:
    """The candidate's own message, or a 404 that says nothing about anyone else's."""
    message = store.get_message(conn, ctx.candidate.id, message_id)
    if message is None:
        raise WebError(404, NOT_FOUND, code="message_not_found")
    return message


def owned_folder(conn: Connection, ctx: CandidateContext, folder_id: int) -> store.Folder:
    folder = store.get_folder(conn, ctx.candidate.id, folder_id)
    if folder is None:
        raise WebError(404, "Không tìm thấy thư mục này.", code="folder_not_found")
    return folder


def with_notice(url: str, notice: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'tb': notice})}"


# --- Signed tokens: proof that a value came from a page this candidate was shown


def _sign(secret: bytes, purpose: str, candidate_id: int, payload: bytes) -> str:
    mac = hmac.new(secret, f"{purpose}:{candidate_id}:".encode() + payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode()


def tracked_link(secret: bytes, candidate_id: int, message_id: int, position: int, url: str, text: str) -> str:
    """The room's redirect for the ``position``-th link of a message: it logs the click and
    warns; it never leaves the room."""
    text = text[:200]
    sig = _sign(secret, "link", candidate_id, orjson.dumps([message_id, position, url, text]))
    return f"/thu/doc/{message_id}/lien-ket?" + urlencode({"n": position, "u": url, "t": text, "s": sig})


def check_link(secret: bytes, candidate_id: int, message_id: int, position: int, url: str, text: str, sig: str) -> bool:
    expected = _sign(secret, "link", candidate_id, orjson.dumps([message_id, position, url, text[:200]]))
    return hmac.compare_digest(expected, sig)


def attachment_token(secret: bytes, candidate_id: int, attachment: dict[str, Any]) -> str:
    """An attachment already stored (of a draft, of a forwarded message, of a form that had to be
    shown again), carried by the compose form without trusting the browser with its hash."""
    payload = orjson.dumps([attachment["name"], attachment["sha256"], attachment["size"], attachment["content_type"]])
    encoded = base64.urlsafe_b64encode(payload).decode()
    return f"{encoded}.{_sign(secret, 'attachment', candidate_id, payload)}"


def read_attachment_token(secret: bytes, candidate_id: int, token: str) -> dict[str, Any] | None:
    encoded, _, sig = token.partition(".")
    try:
        payload = base64.urlsafe_b64decode(encoded.encode())
        name, sha256, size, content_type = orjson.loads(payload)
    except (ValueError, TypeError, orjson.JSONDecodeError):
        return None
    if not hmac.compare_digest(_sign(secret, "attachment", candidate_id, payload), sig):
        return None
    return {"name": name, "sha256": sha256, "size": size, "content_type": content_type}
