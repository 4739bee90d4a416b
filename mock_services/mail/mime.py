"""Messages as bytes: parsing what arrives (never a crash) and building what the webmail sends.

Parsing uses the standard ``email`` package with ``policy.default``. Whatever it cannot make
sense of is kept: the raw bytes are stored as they came, and the message is flagged
``malformed`` with the defects found, so a grader and the candidate still see it.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses, parsedate_to_datetime
from typing import Any

from mock_services.mail.sanitize import html_to_text

_LINE_ENDINGS = re.compile(rb"\r\n|\r|\n")
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*]+')
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
    reply_to: list[str] = field(default_factory=list)
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
    # Control and format characters go too: a right-to-left override turns "fdp.exe" into "exe.pdf".
    name = "".join("?" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in name)
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
    """Everything a mailbox needs from raw bytes; problems become ``defects``, never exceptions.

    The structure is parsed with ``compat32`` and only the headers we read are decoded, by
    ``policy.default``'s header registry whenever they hold encoded words or quoting: parsing
    the whole message with ``policy.default`` costs six times as much (it parses every
    Content-Type again at every look), and delivery time is what a room full of senders waits on.
    """
    parsed = ParsedMessage()
    try:
        msg = BytesParser(policy=policy.compat32).parsebytes(raw)
    except Exception as exc:  # the parser is meant never to raise; if it does, keep the bytes
        parsed.defects.append(f"unparseable: {exc}")
        parsed.text = raw.decode("utf-8", errors="replace")
        return parsed
    headers = _Headers(msg, parsed)
    parsed.message_id = headers.text("Message-ID").strip()
    parsed.in_reply_to = headers.text("In-Reply-To").strip()
    parsed.references = headers.text("References").split()
    senders = headers.addresses("From")
    if senders:
        parsed.from_name, parsed.from_addr = senders[0]
    parsed.reply_to = [addr for _, addr in headers.addresses("Reply-To")]
    parsed.to = [addr for _, addr in headers.addresses("To")]
    parsed.cc = [addr for _, addr in headers.addresses("Cc")]
    parsed.subject = headers.text("Subject")
    parsed.date = _date(headers.text("Date"))
    if parsed.date is None and headers.text("Date").strip():
        parsed.defects.append("unreadable Date header")
    auto = headers.text("Auto-Submitted").strip().lower()
    precedence = headers.text("Precedence").strip().lower()
    parsed.auto_submitted = (auto not in ("", "no")) or precedence in ("bulk", "list", "junk")
    _read_parts(msg, parsed)
    parsed.defects.extend(_defect_names(msg))  # after the parts: decoding base64 records its defects
    if not parsed.text and parsed.html:
        parsed.text = html_to_text(parsed.html)
    if not parsed.text and parsed.html is None and parsed.malformed:
        # A structure the parser gave up on: show the body as it came rather than nothing.
        _, _, body = raw.partition(b"\r\n\r\n")
        parsed.text = body.decode("utf-8", errors="replace")
    return parsed


class _Headers:
    """The top-level headers, decoded on demand by ``policy.default`` (RFC 2047, RFC 6532)."""

    def __init__(self, msg: Message, parsed: ParsedMessage) -> None:
        self._raw: dict[str, str] = {}
        for name, value in msg.raw_items():
            # compat32 keeps 8-bit bytes as surrogates; UTF-8 headers (RFC 6532) are text again.
            self._raw.setdefault(name.lower(), value.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
        self._parsed = parsed

    def _decoded(self, name: str) -> Any:
        value = self._raw.get(name.lower())
        if value is None:
            return None
        try:
            header = policy.default.header_fetch_parse(name, value)
        except Exception as exc:
            self._parsed.defects.append(f"bad {name} header: {exc}")
            return None
        tree = getattr(header, "_parse_tree", None)  # unstructured headers keep theirs only here
        defects = tree.all_defects if tree is not None else header.defects
        self._parsed.defects.extend(type(defect).__name__ for defect in defects)
        return header

    def _plain(self, name: str) -> str | None:
        """The value, unfolded, when it holds no encoded word: nothing for policy.default to decode."""
        value = self._raw.get(name.lower())
        if value is None or "=?" in value:
            return None
        return " ".join(value.split()) if ("\n" in value or "\t" in value) else value.strip()

    def text(self, name: str) -> str:
        plain = self._plain(name)
        if plain is not None:
            return plain
        header = self._decoded(name)
        if header is None:
            return self._raw.get(name.lower(), "")
        return str(header)

    def addresses(self, name: str) -> list[tuple[str, str]]:
        plain = self._plain(name)
        if plain is not None and '"' not in plain and "\\" not in plain:  # quoting is policy.default's job
            pairs = getaddresses([plain])
            if plain and any("@" not in a for _, a in pairs):
                self._parsed.defects.append(f"unreadable address in {name}")
            return [(n, a.lower()) for n, a in pairs if "@" in a]
        header = self._decoded(name)
        found: list[tuple[str, str]] = []
        if header is not None and hasattr(header, "addresses"):
            for address in header.addresses:
                if address.addr_spec and "@" in address.addr_spec:
                    found.append((address.display_name, address.addr_spec.lower()))
        if not found and name.lower() in self._raw:  # a header policy.default could not read
            text = self.text(name)
            found = [(n, a.lower()) for n, a in getaddresses([text]) if a]
        return found


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


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        date = parsedate_to_datetime(value)
        return date.astimezone(UTC) if date.tzinfo else date.replace(tzinfo=UTC)
    except (TypeError, ValueError, IndexError, OverflowError):  # OverflowError: the calendar's edge
        return None


def _read_parts(msg: Message, parsed: ParsedMessage) -> None:
    for part in msg.walk():
        if part.is_multipart():
            continue
        try:
            content_type = part.get_content_type()
            filename = _filename(part)
            disposition = part.get_content_disposition()
            if filename or disposition == "attachment":
                parsed.attachments.append(Attachment(safe_filename(filename or ""), content_type, _bytes_of(part)))
            elif content_type == "text/plain" and not parsed.text:
                parsed.text = _text_of(part, parsed)
            elif content_type == "text/html" and parsed.html is None:
                parsed.html = _text_of(part, parsed)
            elif not content_type.startswith(("text/", "multipart/")):
                parsed.attachments.append(Attachment(safe_filename(""), content_type, _bytes_of(part)))
        except Exception as exc:
            parsed.defects.append(f"unreadable part: {exc}")


def _filename(part: Message) -> str | None:
    """The part's file name: RFC 2231 (``filename*=``), raw UTF-8 (RFC 6532), or, as Outlook
    writes it, encoded words."""
    # compat32 would turn a raw UTF-8 name into replacement characters as it reads the header:
    # read the name from the header's bytes, made text again, instead.
    probe = Message()
    for key, value in part.raw_items():
        if key.lower() in ("content-disposition", "content-type"):
            probe[key] = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    name = probe.get_filename()
    if name and "=?" in name:
        with contextlib.suppress(HeaderParseError, LookupError, UnicodeError):
            name = str(make_header(decode_header(name)))
    return name


def _text_of(part: Message, parsed: ParsedMessage) -> str:
    payload = _bytes_of(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        parsed.defects.append(f"unknown charset {charset}")
        return payload.decode("utf-8", errors="replace")


def _bytes_of(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""
