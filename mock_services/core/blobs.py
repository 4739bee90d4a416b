"""The blob store: files (attachments, PDFs, uploads) stored once, by sha256, never changed.

Blobs live in the database, so a file and the event that names it commit in one
transaction and a backup of the database is a backup of everything. Events carry only the
hash. A new version of a file is a new blob.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import BigInteger, Column, LargeBinary, String, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from mock_services.core.db import UTCDateTime, metadata
from mock_services.core.errors import SathachError

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

_CHUNK = 1024 * 1024

# The same bytes twice are one blob; statements built once, per dialect.
_INSERT_ONCE = {
    "sqlite": sqlite_insert(blobs).on_conflict_do_nothing(index_elements=["sha256"]),
    "postgresql": pg_insert(blobs).on_conflict_do_nothing(index_elements=["sha256"]),
}


class BlobError(SathachError):
    """Root of the blob store's errors."""


class BlobTooLarge(BlobError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than the limit of {limit} bytes")
        self.limit = limit


class BlobNotFound(BlobError):
    def __init__(self, sha256: str) -> None:
        super().__init__(f"no blob with sha256 {sha256}")
        self.sha256 = sha256


class BlobCorrupted(BlobError):
    def __init__(self, sha256: str) -> None:
        super().__init__(f"the stored bytes of blob {sha256} no longer hash to its name")
        self.sha256 = sha256


@dataclass(frozen=True, slots=True)
class BlobRef:
    sha256: str
    size: int


class BlobStore:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    def put(self, conn: Connection, data: bytes, *, now: datetime) -> BlobRef:
        """Store ``data`` (once: the same bytes twice are one blob) and return its reference."""
        if len(data) > self.max_bytes:
            raise BlobTooLarge(self.max_bytes)
        ref = BlobRef(hashlib.sha256(data).hexdigest(), len(data))
        statement = _INSERT_ONCE[conn.dialect.name]
        conn.execute(statement, {"sha256": ref.sha256, "size": ref.size, "data": data, "created_at": now})
        return ref

    def put_stream(self, conn: Connection, stream: BinaryIO, *, now: datetime) -> BlobRef:
        """Read a file-like object to its end, stopping as soon as it passes the limit."""
        parts: list[bytes] = []
        size = 0
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise BlobTooLarge(self.max_bytes)
            parts.append(chunk)
        return self.put(conn, b"".join(parts), now=now)

    def get(self, conn: Connection, sha256: str) -> bytes:
        """The blob's bytes, checked against its name."""
        data = conn.execute(select(blobs.c.data).where(blobs.c.sha256 == sha256)).scalar_one_or_none()
        if data is None:
            raise BlobNotFound(sha256)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobCorrupted(sha256)
        return bytes(data)

    def exists(self, conn: Connection, sha256: str) -> bool:
        return conn.execute(select(blobs.c.size).where(blobs.c.sha256 == sha256)).first() is not None
