"""Messages as bytes: parsing what arrives (never a crash) and building what the webmail sends.

Parsing uses the standard ``email`` package with ``policy.default``. Whatever it cannot make
sense of is kept: the raw bytes are stored as they came, and the message is flagged
``malformed`` with the defects found, so a grader and the candidate still see it.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses, parseaddr, parsedate_to_datetime

from mock_services.mail.sanitize import html_to_text

_LINE_ENDINGS = re.compile(rb"\r\n|\r|\n")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
MAX_NAME_LENGTH = 150
_BUILD_POLICY = policy.SMTP.clone(utf8=True)


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class ParsedMessage:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    from_addr: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    text: str = ""
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    auto_submitted: bool = False
    defects: list[str] = field(default_factory=list)

    @property
    def malformed(self) -> bool:
        return bool(self.defects)


def normalize_line_endings(raw: bytes) -> tuple[bytes, bool]:
    """Every bare CR and bare LF becomes CRLF (no smuggled second message can hide in one);
    returns the bytes and whether any bare ending was found."""
    normalized = _LINE_ENDINGS.sub(b"\r\n", raw)
    return normalized, normalized.count(b"\r\n") != raw.count(b"\r\n")


def safe_filename(name: str) -> str:
    """A file name that is safe to show and to offer for download: no path, no control or
    reserved characters, NFC, at most 150 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" ._")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name or "tap-tin"


def new_message_id(domain: str) -> str:
    return f"<{uuid.uuid4().hex}@{domain or 'egov.test'}>"


def parse_message(raw: bytes) -> ParsedMessage:
    """Everything a mailbox needs from raw bytes; problems become ``defects``, never exceptions."""
    parsed = ParsedMessage()
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is meant never to raise; if it does, keep the bytes
        parsed.defects.append(f"unparseable: {exc}")
        parsed.text = raw.decode("utf-8", errors="replace")
        return parsed
    parsed.defects.extend(_defect_names(msg))
    parsed.message_id = _header(msg, "Message-ID", parsed).strip()
    parsed.in_reply_to = _header(msg, "In-Reply-To", parsed).strip()
    parsed.references = _header(msg, "References", parsed).split()
    parsed.from_name, parsed.from_addr = _first_address(_header(msg, "From", parsed))
    parsed.to = _addresses(_header(msg, "To", parsed))
    parsed.cc = _addresses(_header(msg, "Cc", parsed))
    parsed.subject = _header(msg, "Subject", parsed)
    parsed.date = _date(_header(msg, "Date", parsed))
    auto = _header(msg, "Auto-Submitted", parsed).strip().lower()
    precedence = _header(msg, "Precedence", parsed).strip().lower()
    parsed.auto_submitted = (auto not in ("", "no")) or precedence in ("bulk", "list", "junk")
    _read_parts(msg, parsed)
    if not parsed.text and parsed.html:
        parsed.text = html_to_text(parsed.html)
    return parsed


def build_message(
    *,
    from_addr: str,
    from_name: str,
    to: list[str],
    cc: list[str],
    subject: str,
    text: str,
    html: str | None = None,
    date: datetime,
    message_id: str,
    in_reply_to: str = "",
    references: list[str] | None = None,
    attachments: Sequence[Attachment] = (),
    extra_headers: dict[str, str] | None = None,
) -> bytes:
    """The RFC 5322 bytes of a message the webmail sends (Bcc is never written into the headers)."""
    # UTF-8 headers (RFC 6532) rather than encoded words: CPython's folding of long encoded
    # words drops the space between them ("thực hànhHội"), and Vietnamese subjects are long.
    msg = EmailMessage(policy=_BUILD_POLICY)
    msg["From"] = Address(display_name=from_name, addr_spec=from_addr) if from_name else from_addr
    if to:
        msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date.astimezone(UTC))
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = " ".join(references)
    for name, value in (extra_headers or {}).items():
        msg[name] = value
    msg.set_content(text or "", charset="utf-8")
    if html:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        msg.add_attachment(
            attachment.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.name,
        )
    return msg.as_bytes()


def _defect_names(msg: Message) -> list[str]:
    found: list[str] = []
    for part in msg.walk():
        found.extend(type(defect).__name__ for defect in part.defects)
    return found


def _header(msg: Message, name: str, parsed: ParsedMessage) -> str:
    try:
        value = msg.get(name)
        if value is None:
            return ""
        parsed.defects.extend(type(defect).__name__ for defect in getattr(value, "defects", ()))
        return str(value)
    except Exception as exc:
        parsed.defects.append(f"bad {name} header: {exc}")
        raw = msg.get_all(name, failobj=[])
        return str(raw[0]) if raw else ""


def _first_address(value: str) -> tuple[str, str]:
    name, addr = parseaddr(value)
    return name, addr.lower()


def _addresses(value: str) -> list[str]:
    return [addr.lower() for _, addr in getaddresses([value]) if addr]


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        date = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return date.astimezone(UTC) if date.tzinfo else date.replace(tzinfo=UTC)


def _read_parts(msg: Message, parsed: ParsedMessage) -> None:
    for part in msg.walk():
        if part.is_multipart():
            continue
        try:
            content_type = part.get_content_type()
            filename = part.get_filename()
            disposition = part.get_content_disposition()
            if filename or disposition == "attachment":
                parsed.attachments.append(Attachment(safe_filename(filename or ""), content_type, _bytes_of(part)))
            elif content_type == "text/plain" and not parsed.text:
                parsed.text = _text_of(part)
            elif content_type == "text/html" and parsed.html is None:
                parsed.html = _text_of(part)
            elif not content_type.startswith(("text/", "multipart/")):
                parsed.attachments.append(Attachment(safe_filename(""), content_type, _bytes_of(part)))
        except Exception as exc:
            parsed.defects.append(f"unreadable part: {exc}")


def _text_of(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, KeyError, ValueError):
        pass
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""


def _bytes_of(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""
