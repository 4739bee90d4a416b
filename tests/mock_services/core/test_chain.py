"""The hash chain's building blocks: canonical JSON, event times, genesis values and link hashes."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_services.core.chain import canonical_json, genesis, link_hash, record_body
from mock_services.core.clock import format_at

AT_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8"))
)
json_keys = st.text(st.characters(codec="utf-8"), max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(json_keys, children, max_size=4),
    max_leaves=25,
)
json_dicts = st.dictionaries(json_keys, json_values, max_size=6)


def reversed_order(value: Any) -> Any:
    """The same JSON value with every dict built in the opposite key order."""
    if isinstance(value, dict):
        return {key: reversed_order(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [reversed_order(item) for item in value]
    return value


def key_orders(encoded: bytes) -> list[list[str]]:
    """The keys of every object in a JSON text, in the order they appear."""
    orders: list[list[str]] = []

    def keep(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        orders.append([key for key, _ in pairs])
        return dict(pairs)

    json.loads(encoded, object_pairs_hook=keep)
    return orders


# --- canonical_json


def test_canonical_json_sorts_keys_at_every_depth_without_whitespace() -> None:
    value = {"b": 1, "a": {"z": [{"y": 2, "x": 3}], "c": None}, "A": True}
    assert canonical_json(value) == b'{"A":true,"a":{"c":null,"z":[{"x":3,"y":2}]},"b":1}'


def test_canonical_json_keeps_vietnamese_letters_as_utf8() -> None:
    encoded = canonical_json({"họ_tên": "Nguyễn Văn An", "đơn_vị": "UBND phường Ninh Kiều"})
    assert encoded == '{"họ_tên":"Nguyễn Văn An","đơn_vị":"UBND phường Ninh Kiều"}'.encode()
    assert b"\\u" not in encoded


def test_canonical_json_is_the_same_for_any_key_order() -> None:
    one = {"seq": 1, "object": {"kind": "session", "id": "abc"}, "data": {"reason": "logout"}}
    other = {"data": {"reason": "logout"}, "object": {"id": "abc", "kind": "session"}, "seq": 1}
    assert canonical_json(one) == canonical_json(other)


@given(json_dicts)
def test_canonical_json_survives_a_round_trip(value: dict[str, Any]) -> None:
    encoded = canonical_json(value)
    assert canonical_json(json.loads(encoded)) == encoded


@given(json_dicts)
def test_canonical_json_ignores_the_order_dicts_were_built_in(value: dict[str, Any]) -> None:
    assert canonical_json(reversed_order(value)) == canonical_json(value)


@given(json_dicts)
def test_canonical_json_keys_are_sorted_in_every_object(value: dict[str, Any]) -> None:
    for keys in key_orders(canonical_json(value)):
        assert keys == sorted(keys)


# --- format_at


def test_format_at_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="aware UTC"):
        format_at(datetime(2026, 11, 24, 1, 5))  # naive on purpose


def test_format_at_prints_microseconds_and_z() -> None:
    assert format_at(datetime(2026, 11, 24, 1, 5, tzinfo=UTC)) == "2026-11-24T01:05:00.000000Z"
    assert format_at(datetime(2026, 11, 24, 1, 5, 7, 42, tzinfo=UTC)) == "2026-11-24T01:05:07.000042Z"


def test_format_at_prints_a_local_time_as_its_utc_instant() -> None:
    can_tho = timezone(timedelta(hours=7))
    assert format_at(datetime(2026, 11, 24, 8, 5, 0, 123456, tzinfo=can_tho)) == "2026-11-24T01:05:00.123456Z"
    assert format_at(datetime(2026, 11, 24, 3, 0, tzinfo=can_tho)) == "2026-11-23T20:00:00.000000Z"


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)),
)
def test_format_at_prints_the_same_instant_for_any_time_zone(local: datetime, offset: timedelta) -> None:
    moment = local.replace(tzinfo=timezone(offset))
    printed = format_at(moment)
    assert AT_PATTERN.fullmatch(printed)
    assert printed == format_at(moment.astimezone(UTC))
    assert datetime.strptime(printed, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) == moment


# --- genesis


def test_genesis_is_a_sha256_bound_to_exam_and_candidate() -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", genesis(1, 2))
    assert genesis(1, 2) == genesis(1, 2)
    assert genesis(1, 2) == hashlib.sha256(b"sathach-chain-v1:1:2").hexdigest()


@pytest.mark.parametrize(("other_exam", "other_candidate"), [(2, 2), (1, 3), (2, 1), (12, 3)])
def test_genesis_differs_for_another_exam_or_candidate(other_exam: int, other_candidate: int) -> None:
    assert genesis(1, 23) != genesis(other_exam, other_candidate)


# --- link_hash


PREV = "0" * 64


def body(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "seq": 7,
        "at": datetime(2026, 11, 24, 1, 5, tzinfo=UTC),
        "exam_id": 1,
        "candidate_id": 2,
        "actor": "candidate",
        "verb": "portal.logged_out",
        "object_kind": "session",
        "object_id": "a" * 32,
        "data": {"reason": "logout", "after": {"client": "10.0.0.7"}},
        "context": {"client": "10.0.0.7"},
        "prev_hash": PREV,
    }
    return record_body(**{**fields, **changes})


def test_link_hash_is_sha256_of_prev_hash_and_canonical_body() -> None:
    expected = hashlib.sha256(PREV.encode() + canonical_json(body())).hexdigest()
    assert link_hash(PREV, body()) == expected
    assert link_hash(PREV, body()) == link_hash(PREV, reversed_order(body()))


def test_link_hash_changes_with_the_previous_hash() -> None:
    assert link_hash(PREV, body()) != link_hash("1" + PREV[1:], body())
    assert link_hash(PREV, body()) != link_hash(genesis(1, 2), body())


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 8},
        {"at": datetime(2026, 11, 24, 1, 5, 0, 1, tzinfo=UTC)},
        {"exam_id": 3},
        {"candidate_id": 3},
        {"actor": "proctor"},
        {"verb": "portal.session_expired"},
        {"object_kind": "candidate"},
        {"object_id": "b" * 32},
        {"data": {"reason": "proctor", "after": {"client": "10.0.0.7"}}},
        {"data": {"reason": "logout", "after": {"client": "10.0.0.8"}}},
        {"context": {"client": "10.0.0.8"}},
        {"context": {}},
        {"prev_hash": "f" * 64},
    ],
    ids=lambda change: next(iter(change)),
)
def test_link_hash_changes_with_any_field_of_the_body(change: dict[str, Any]) -> None:
    assert link_hash(PREV, body(**change)) != link_hash(PREV, body())
