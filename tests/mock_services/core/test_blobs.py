"""The blob store, on each backend: content-addressed, size-limited, transactional, checked on read."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import func, select, update

from mock_services.core.blobs import BlobCorrupted, BlobNotFound, BlobRef, BlobStore, BlobTooLarge, blobs
from mock_services.core.db import Database
from tests.support.room import EXAM_START

LIMIT = 4096
store = BlobStore(max_bytes=LIMIT)


def stored_count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(blobs)).scalar_one())


class CountingStream(io.BytesIO):
    """A stream of ``total`` bytes made on demand, counting what was read from it."""

    def __init__(self, total: int) -> None:
        super().__init__()
        self.left = total
        self.read_bytes = 0

    def read(self, size: int | None = -1, /) -> bytes:
        size = self.left if size is None or size < 0 else min(size, self.left)
        self.left -= size
        self.read_bytes += size
        return b"x" * size


class Trickle(io.BytesIO):
    """A stream that hands out a few bytes per read, as a socket may."""

    def __init__(self, data: bytes, step: int) -> None:
        super().__init__(data)
        self.step = step

    def read(self, size: int | None = -1, /) -> bytes:
        return super().read(self.step)


def test_put_returns_the_sha256_and_size_and_get_returns_the_bytes(db: Database) -> None:
    data = "Công văn số 123/UBND-VP".encode()

    with db.write() as conn:
        ref = store.put(conn, data, now=EXAM_START)

    assert ref == BlobRef(hashlib.sha256(data).hexdigest(), len(data))
    with db.read() as conn:
        assert store.get(conn, ref.sha256) == data
        assert store.exists(conn, ref.sha256)


def test_every_byte_value_round_trips(db: Database) -> None:
    data = bytes(range(256)) * 3 + b"\x00"

    with db.write() as conn:
        ref = store.put(conn, data, now=EXAM_START)
    with db.read() as conn:
        back = store.get(conn, ref.sha256)

    assert back == data
    assert type(back) is bytes


def test_the_same_bytes_twice_are_one_blob(db: Database) -> None:
    with db.write() as conn:
        first = store.put(conn, b"%PDF-1.7 bien-ban", now=EXAM_START)
    with db.write() as conn:
        second = store.put(conn, b"%PDF-1.7 bien-ban", now=EXAM_START)
        other = store.put(conn, b"%PDF-1.7 bien-ban.", now=EXAM_START)

    assert first == second
    assert other != first
    assert stored_count(db) == 2


def test_an_empty_blob_is_a_blob(db: Database) -> None:
    with db.write() as conn:
        ref = store.put(conn, b"", now=EXAM_START)
    with db.read() as conn:
        assert store.get(conn, ref.sha256) == b""
    assert ref == BlobRef(hashlib.sha256(b"").hexdigest(), 0)


def test_getting_an_unknown_hash_raises_blob_not_found(db: Database) -> None:
    unknown = hashlib.sha256(b"never stored").hexdigest()

    with db.read() as conn, pytest.raises(BlobNotFound) as caught:
        store.get(conn, unknown)

    assert caught.value.sha256 == unknown
    with db.read() as conn:
        assert not store.exists(conn, unknown)


def test_a_blob_at_the_limit_is_kept_and_one_byte_over_is_refused(db: Database) -> None:
    with db.write() as conn:
        store.put(conn, b"a" * LIMIT, now=EXAM_START)
        with pytest.raises(BlobTooLarge) as caught:
            store.put(conn, b"b" * (LIMIT + 1), now=EXAM_START)

    assert caught.value.limit == LIMIT
    assert str(LIMIT) in str(caught.value)
    assert stored_count(db) == 1


def test_put_stream_stops_reading_soon_after_the_limit(db: Database) -> None:
    stream = CountingStream(256 * 1024 * 1024)

    with db.write() as conn, pytest.raises(BlobTooLarge):
        store.put_stream(conn, stream, now=EXAM_START)

    assert stream.read_bytes > LIMIT
    assert stream.read_bytes <= LIMIT + 2 * 1024 * 1024, "it read far past the limit"
    assert stored_count(db) == 0


def test_put_stream_stores_what_it_reads_in_pieces(db: Database) -> None:
    data = bytes(range(256)) * 15

    with db.write() as conn:
        ref = store.put_stream(conn, Trickle(data, step=7), now=EXAM_START)
        over = Trickle(b"y" * (LIMIT + 1), step=1000)
        with pytest.raises(BlobTooLarge):
            store.put_stream(conn, over, now=EXAM_START)

    assert ref == BlobRef(hashlib.sha256(data).hexdigest(), len(data))
    with db.read() as conn:
        assert store.get(conn, ref.sha256) == data
    assert stored_count(db) == 1


def test_a_blob_put_in_a_rolled_back_transaction_is_not_there(db: Database) -> None:
    data = b"uploaded, then the request failed"

    def upload_then_fail() -> None:
        with db.write() as conn:
            store.put(conn, data, now=EXAM_START)
            raise RuntimeError("the event that names it could not be written")

    with pytest.raises(RuntimeError):
        upload_then_fail()

    ref = BlobRef(hashlib.sha256(data).hexdigest(), len(data))

    with db.read() as conn:
        assert not store.exists(conn, ref.sha256)
        with pytest.raises(BlobNotFound):
            store.get(conn, ref.sha256)


def test_altered_stored_bytes_raise_blob_corrupted(db: Database) -> None:
    with db.write() as conn:
        ref = store.put(conn, b"diem thi: 7.5", now=EXAM_START)
        conn.execute(update(blobs).where(blobs.c.sha256 == ref.sha256).values(data=b"diem thi: 9.5"))

    with db.read() as conn, pytest.raises(BlobCorrupted) as caught:
        store.get(conn, ref.sha256)

    assert caught.value.sha256 == ref.sha256
