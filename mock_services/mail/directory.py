"""The agency directory (Danh sách địa chỉ chung) a candidate's compose form suggests from.

Matching ignores case and Vietnamese tone marks, so "ngoc" finds "Trần Thị Bích Ngọc", as
people type addresses in a hurry.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.mail.store import Contact, tenant_contacts


def fold(text: str) -> str:
    """Lower case, without tone marks or diacritics (đ as d)."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True, slots=True)
class Directory:
    contacts: list[Contact]

    @classmethod
    def of(cls, conn: Connection, candidate: Candidate) -> Directory:
        own = Contact(
            name=candidate.ho_ten, email=candidate.email.lower(), title=candidate.chuc_vu, unit=candidate.don_vi
        )
        others = [c for c in tenant_contacts(conn, candidate.id) if c.email != own.email]
        return cls([*others, own])

    def search(self, query: str, *, limit: int) -> list[Contact]:
        needle = fold(query.strip())
        if not needle:
            return []
        starts: list[Contact] = []
        contains: list[Contact] = []
        for contact in self.contacts:
            name, email, unit = fold(contact.name), contact.email.lower(), fold(contact.unit)
            words = name.split()
            if email.startswith(needle) or name.startswith(needle) or any(w.startswith(needle) for w in words):
                starts.append(contact)
            elif needle in name or needle in email or needle in unit:
                contains.append(contact)
        return [*starts, *contains][:limit]
