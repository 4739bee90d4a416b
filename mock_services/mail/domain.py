"""Pure rules of the mail service: addresses, replies and forwards, the room's domains, the
out-of-office reply. No I/O here: values in, values out."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import getaddresses
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # only in annotations: kept pure, graderd may read these rules
    from mock_services.mail.store import MailSettings, Message

MAX_RECIPIENTS = 100
MAX_SUBJECT = 250
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_REPLY_PREFIX = re.compile(r"^\s*(re|tl|trả lời)\s*:", re.IGNORECASE)
_FORWARD_PREFIX = re.compile(r"^\s*(fwd?|chuyển tiếp)\s*:", re.IGNORECASE)


class AddressError(ValueError):
    """A recipient field holds something that is not an address (message in Vietnamese)."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def parse_recipients(field: str, label: str) -> list[str]:
    """``"a@x.vn, Tên <b@y.vn>; c@z.vn"`` → lower-case addresses, in order, without repeats."""
    found: list[str] = []
    for part in (p.strip() for p in split_recipients(field)):
        if not part:
            continue
        pairs = getaddresses([part])
        addr = pairs[0][1].strip().lower() if len(pairs) == 1 else ""
        if not addr or not _ADDRESS.match(addr):
            raise AddressError(f"Ô “{label}”: “{part}” không phải là địa chỉ thư điện tử hợp lệ.")
        if addr not in found:
            found.append(addr)
    return found


def split_recipients(field: str) -> list[str]:
    """Split on commas, semicolons and line breaks, but not inside quotes or angle brackets
    (``"Trần, Văn A" <a@x.vn>`` is one recipient)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = angled = False
    for ch in field:
        if ch == '"' and not angled:
            quoted = not quoted
        elif ch == "<" and not quoted:
            angled = True
        elif ch == ">" and not quoted:
            angled = False
        elif ch in ",;\n" and not quoted and not angled:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


_DAY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def parse_day(text: str) -> date | None:
    """A date as Vietnamese write it, ``25/11/2026`` (or ``25-11-2026``), or ISO ``2026-11-25``;
    None for an empty field; ``ValueError`` for anything else."""
    text = text.strip()
    if not text:
        return None
    found = _DAY.match(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def format_day(value: str) -> str:
    """An ISO date shown as Vietnamese write it: ``2026-11-25`` → ``25/11/2026``."""
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def is_address(text: str) -> bool:
    return bool(_ADDRESS.match(text.strip()))


def in_room(address: str, domains: tuple[str, ...]) -> bool:
    """Whether the address is inside the room's mail domains (subdomains included)."""
    domain = address.rpartition("@")[2].lower()
    return any(domain == d or domain.endswith("." + d) for d in domains)


def room_domains(setting: str) -> tuple[str, ...]:
    return tuple(d.strip().lower().lstrip(".") for d in setting.split(",") if d.strip())


def reply_subject(subject: str) -> str:
    return subject if _REPLY_PREFIX.match(subject) else f"Re: {subject}"


def forward_subject(subject: str) -> str:
    return subject if _FORWARD_PREFIX.match(subject) else f"Fwd: {subject}"


def reply_recipients(original: Message, own: str, *, everyone: bool) -> tuple[list[str], list[str]]:
    """To and Cc of a reply: the sender; for Trả lời tất cả, also every other recipient but oneself."""
    own = own.lower()
    sender = original.from_addr.lower()
    # Replying to one's own sent message answers its recipients; otherwise Reply-To, if the
    # sender set one (as a phishing mail may, to collect the answers elsewhere), else the sender.
    if sender == own:
        to = [a for a in original.to_addrs if a != own] or [own]
    else:
        to = [a for a in original.reply_to if a != own] or [sender]
    if not everyone:
        return to, []
    cc = [a for a in [*original.to_addrs, *original.cc_addrs] if a != own and a not in to]
    return to, list(dict.fromkeys(cc))


def thread_references(original: Message) -> list[str]:
    refs = [r for r in original.references if r]
    if original.message_id and original.message_id not in refs:
        refs.append(original.message_id)
    return refs[-20:]


def quoted_reply(original: Message, when: str) -> str:
    """The original under the reply, as Zimbra quotes it."""
    sender = f"{original.from_name} <{original.from_addr}>" if original.from_name else original.from_addr
    lines = "\n".join("> " + line for line in original.text_body.splitlines())
    return f"\n\nVào {when}, {sender} đã viết:\n{lines}\n"


def forwarded_body(original: Message, when: str) -> str:
    sender = f"{original.from_name} <{original.from_addr}>" if original.from_name else original.from_addr
    header = [
        "----- Thư chuyển tiếp -----",
        f"Từ: {sender}",
        f"Tới: {', '.join(original.to_addrs)}",
    ]
    if original.cc_addrs:
        header.append(f"Cc: {', '.join(original.cc_addrs)}")
    header += [f"Gửi lúc: {when}", f"Chủ đề: {original.subject}", ""]
    return "\n\n" + "\n".join(header) + "\n" + original.text_body + "\n"


@dataclass(frozen=True, slots=True)
class OutOfOffice:
    """Validated out-of-office settings, or the Vietnamese reason they are not valid."""

    enabled: bool
    start: str
    end: str
    subject: str
    message: str


def check_out_of_office(value: OutOfOffice) -> str | None:
    if not value.enabled:
        return None
    if not value.message.strip():
        return "Vui lòng nhập nội dung thư trả lời tự động."
    try:
        start = date.fromisoformat(value.start) if value.start else None
        end = date.fromisoformat(value.end) if value.end else None
    except ValueError:
        return "Ngày bắt đầu hoặc ngày kết thúc không hợp lệ."
    if start and end and end < start:
        return "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."
    return None


def should_autoreply(
    settings: MailSettings, *, now: datetime, tz: ZoneInfo, sender: str, own: str, automatic: bool
) -> bool:
    """Answer this arrival with the out-of-office reply? Never to automatic mail, bounces or oneself."""
    if not settings.ooo_enabled or automatic or not sender or sender.lower() == own.lower():
        return False
    if sender.lower().startswith(("mailer-daemon@", "postmaster@", "no-reply@", "noreply@")):
        return False
    today = now.astimezone(tz).date().isoformat()
    if settings.ooo_start and today < settings.ooo_start:
        return False
    return not (settings.ooo_end and today > settings.ooo_end)


def bounce_text(recipients: list[str], subject: str) -> str:
    listed = "\n".join(f"  {r}" for r in recipients)
    return (
        "Thư của bạn không gửi được tới các địa chỉ sau:\n\n"
        f"{listed}\n\n"
        "Lý do: địa chỉ nằm ngoài hệ thống thư điện tử công vụ của phòng thi "
        "(550 5.7.1 Relaying denied).\n\n"
        f"Chủ đề thư gốc: {subject}\n"
    )
