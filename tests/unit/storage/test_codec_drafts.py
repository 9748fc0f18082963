"""An incoming order's fingerprint: equal requests hash alike, different ones do not."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from orderbridge.domain.customers import Customer
from orderbridge.domain.drafts import OrderDraft
from orderbridge.domain.orders import OrderKey, Payment, PaymentStatus
from orderbridge.storage.codec import canonical_hash, canonical_json, draft_hash, draft_to_json

from .samples import KYIV, draft, uah


def keys_sorted_everywhere(value: Any) -> bool:
    """True if every object in the JSON data lists its keys in sorted order."""
    if isinstance(value, dict):
        return list(value) == sorted(value) and all(
            keys_sorted_everywhere(v) for v in value.values()
        )
    if isinstance(value, list):
        return all(keys_sorted_everywhere(v) for v in value)
    return True


def test_equal_drafts_built_separately_give_equal_json_and_hash() -> None:
    first, second = draft(), draft()
    assert first is not second and first == second
    assert json.dumps(draft_to_json(first)) == json.dumps(draft_to_json(second))
    assert canonical_hash(draft_to_json(first)) == canonical_hash(draft_to_json(second))


def test_draft_json_is_plain_and_sorted_at_every_level() -> None:
    document = draft_to_json(draft())
    assert keys_sorted_everywhere(document)
    assert document["items"][0]["modifiers"][1]["unit_price"] == {"amount": 1500, "currency": "UAH"}
    assert document["items"][1]["unit_price"] is None


def test_the_same_moment_in_another_offset_is_the_same_draft() -> None:
    """A retry may spell the pickup time in UTC; the drafts are equal, so are the hashes."""
    local = draft(fulfilment_time=datetime(2026, 11, 20, 11, 0, tzinfo=KYIV))
    utc = draft(fulfilment_time=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    assert local == utc
    assert canonical_hash(draft_to_json(local)) == canonical_hash(draft_to_json(utc))
    assert draft_to_json(utc)["fulfilment"]["time"] == "2026-11-20T09:00:00+00:00"


@pytest.mark.parametrize(
    "other",
    [
        draft(quantity=3),
        draft(note=""),
        draft(payment=None),
        draft(payment=Payment(PaymentStatus.UNPAID, uah(31500))),
        draft(fulfilment_time=None),
        draft(fulfilment_time=datetime(2026, 11, 20, 11, 15, tzinfo=KYIV)),
        replace(draft(), key=OrderKey("storefront", "web-2003")),
        replace(draft(), customer=Customer(name="Олена Коваль", phone="+380671234568")),
        replace(draft(), items=draft().items[:1]),
        replace(draft(), items=tuple(reversed(draft().items))),
    ],
    ids=[
        "quantity",
        "note",
        "no-payment",
        "unpaid",
        "asap",
        "later",
        "key",
        "customer",
        "fewer-lines",
        "line-order",
    ],
)
def test_different_drafts_hash_differently(other: OrderDraft) -> None:
    assert other != draft()
    assert canonical_hash(draft_to_json(other)) != canonical_hash(draft_to_json(draft()))


def test_canonical_hash_ignores_key_order_and_keeps_unicode() -> None:
    one = {"b": [1, {"y": None, "x": True}], "a": "Латте"}
    two = {"a": "Латте", "b": [1, {"x": True, "y": None}]}
    assert canonical_json(one) == '{"a":"Латте","b":[1,{"x":true,"y":null}]}'
    assert canonical_hash(one) == canonical_hash(two)
    assert len(canonical_hash(one)) == 64
    assert canonical_hash(one) != canonical_hash({"a": "Латте", "b": [{"x": True, "y": None}, 1]})


def test_canonical_hash_refuses_nan() -> None:
    with pytest.raises(ValueError, match="Out of range float"):
        canonical_hash({"lat": float("nan")})


def test_whole_number_coordinates_hash_like_their_floats() -> None:
    """``Address(lat=50)`` equals ``Address(lat=50.0)``, so the drafts must hash alike."""
    base = draft()
    address = base.fulfilment.address
    assert address is not None
    as_int = replace(base, fulfilment=replace(base.fulfilment, address=replace(address, lat=50)))
    as_float = replace(
        base, fulfilment=replace(base.fulfilment, address=replace(address, lat=50.0))
    )
    assert as_int == as_float
    assert canonical_hash(draft_to_json(as_int)) == canonical_hash(draft_to_json(as_float))


def test_fingerprint_of_a_known_draft_does_not_drift() -> None:
    """Stored idempotency hashes must keep matching retries after an upgrade; a change
    to the draft document's shape needs a plan for the hashes already stored."""
    expected = "2b1301bae7f54d9c91d720cba23ef6015d80fc4fdee66ab7de7396c254823c41"
    assert canonical_hash(draft_to_json(draft())) == expected


@pytest.mark.parametrize(
    "one",
    [
        draft(),
        draft(payment=None),
        draft(fulfilment_time=datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),
        replace(draft(), items=tuple(reversed(draft().items))),
    ],
    ids=["sample", "no-payment", "utc-time", "line-order"],
)
def test_draft_hash_is_the_hash_of_the_sorted_document(one: OrderDraft) -> None:
    """``draft_hash`` (what placing an order stores) skips the sorted copy; the hash is
    the same, so stored fingerprints keep matching."""
    assert draft_hash(one) == canonical_hash(draft_to_json(one))


def test_draft_hash_of_a_known_draft_does_not_drift() -> None:
    expected = "2b1301bae7f54d9c91d720cba23ef6015d80fc4fdee66ab7de7396c254823c41"
    assert draft_hash(draft()) == expected
