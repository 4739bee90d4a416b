"""Passwords: generated for people who type slowly, hashed with argon2id, sealed for reprinting.

Candidates are leaders who will type the password from a printed slip, so passwords avoid
letters that look alike (0/O, 1/l/I) and come in two groups of four. The hash is argon2id
at OWASP's minimum (19 MiB, t=2, p=1): about 20 ms per login, so a room of 565 logging in at
once costs seconds, not minutes. The operator must be able to reprint a lost slip, so the
password is also kept sealed (AES-GCM under a key derived from the room's secret).
"""

from __future__ import annotations

import base64
import os
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mock_services.core.errors import SathachError

# Lowercase and digits, without 0 o 1 l i: nothing to misread on a printed slip.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# Hashed against when the account does not exist, so a wrong số báo danh costs as much time
# as a wrong password and response times do not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class SealError(SathachError):
    """A sealed password cannot be opened: the room's secret key has changed."""


def generate_password() -> str:
    """Eight characters in two groups, e.g. ``k7mq-x3tb`` (about 40 bits)."""
    chars = [secrets.choice(ALPHABET) for _ in range(8)]
    return "".join(chars[:4]) + "-" + "".join(chars[4:])


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing hash still costs one verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _slip_key(secret: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sathach login slips v1").derive(secret)
    return AESGCM(key)


def seal(secret: bytes, password: str) -> str:
    nonce = os.urandom(12)
    return base64.urlsafe_b64encode(nonce + _slip_key(secret).encrypt(nonce, password.encode(), None)).decode()


def unseal(secret: bytes, sealed: str) -> str:
    raw = base64.urlsafe_b64decode(sealed.encode())
    try:
        return _slip_key(secret).decrypt(raw[:12], raw[12:], None).decode()
    except InvalidTag:
        raise SealError(
            "A stored password cannot be decrypted with the current SATHACH_SECRET_KEY "
            "(the key changed since the candidates were imported); reset their passwords."
        ) from None
