"""Passwords: easy to type from a slip, hashed with argon2id, sealed so a lost slip can be reprinted."""

from __future__ import annotations

import re

import pytest

from mock_services.core.passwords import (
    SealError,
    generate_password,
    hash_password,
    seal,
    unseal,
    verify_password,
)

SECRET = b"test-secret-key-of-at-least-32-characters"


def test_generated_passwords_are_two_groups_of_four_without_look_alikes() -> None:
    passwords = [generate_password() for _ in range(2000)]

    for password in passwords:
        assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", password), password
    used = set("".join(passwords).replace("-", ""))
    assert used.isdisjoint("0o1li")
    assert len(used) == 31, "every other lowercase letter and digit 2-9 is used"


def test_two_hundred_generated_passwords_are_all_different() -> None:
    assert len({generate_password() for _ in range(200)}) == 200


def test_a_hashed_password_verifies_and_a_wrong_one_does_not() -> None:
    password_hash = hash_password("k7mq-x3tb")

    assert password_hash != "k7mq-x3tb"
    assert "k7mq-x3tb" not in password_hash
    assert verify_password(password_hash, "k7mq-x3tb")
    assert not verify_password(password_hash, "k7mq-x3tc")
    assert not verify_password(password_hash, "K7MQ-X3TB")
    assert not verify_password(password_hash, "")


def test_the_same_password_hashes_differently_each_time() -> None:
    first, second = hash_password("k7mq-x3tb"), hash_password("k7mq-x3tb")

    assert first != second
    assert verify_password(first, "k7mq-x3tb")
    assert verify_password(second, "k7mq-x3tb")


@pytest.mark.parametrize("password_hash", [None, "", "not-an-argon2-hash", "$argon2id$v=19$m=19456,t=2,p=1$broken"])
def test_a_missing_or_unreadable_hash_verifies_nothing(password_hash: str | None) -> None:
    assert verify_password(password_hash, "k7mq-x3tb") is False
    assert verify_password(password_hash, "") is False


def test_the_hash_is_argon2id_at_owasps_minimum() -> None:
    assert hash_password("k7mq-x3tb").startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_sealed_password_unseals_to_itself() -> None:
    sealed = seal(SECRET, "k7mq-x3tb")

    assert "k7mq-x3tb" not in sealed
    assert unseal(SECRET, sealed) == "k7mq-x3tb"
    assert unseal(SECRET, seal(SECRET, "mật khẩu có dấu")) == "mật khẩu có dấu"


def test_sealing_twice_gives_two_different_seals() -> None:
    """A fresh nonce each time: equal passwords must not be recognisable from their seals."""
    first, second = seal(SECRET, "k7mq-x3tb"), seal(SECRET, "k7mq-x3tb")

    assert first != second
    assert unseal(SECRET, first) == unseal(SECRET, second) == "k7mq-x3tb"


def test_unsealing_under_another_secret_raises_a_seal_error_naming_the_setting() -> None:
    sealed = seal(SECRET, "k7mq-x3tb")

    with pytest.raises(SealError) as caught:
        unseal(b"another-secret-key-of-at-least-32-chars", sealed)

    message = str(caught.value)
    assert "SATHACH_SECRET_KEY" in message
    assert "k7mq-x3tb" not in message
    assert len(message.splitlines()) == 1
