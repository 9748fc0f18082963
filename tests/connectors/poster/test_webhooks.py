"""Poster webhooks: verified before anything is believed, then turned into commands."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from pydantic import SecretStr

from orderbridge.connectors.poster.webhooks import (
    ACCEPT,
    AppInstalled,
    AppRemoved,
    CategoryChanged,
    CheckChanged,
    MenuItemChanged,
    OrderStatusHint,
    StockChanged,
    WebhookRejected,
    classify,
    needs_work,
    parse_webhook,
    signature,
)
from orderbridge.sandboxes.poster.context import WebhookEvent
from orderbridge.sandboxes.poster.webhooks import build_body

SECRET = "fe2bc8e865d8fc2236968ee53c3b2bd5"  # the reference's example secret
TIME = 1518794257.0


def _body(obj: str, object_id: int, action: str, data: dict[str, Any] | None = None) -> bytes:
    """A delivery exactly as the sandbox (and Poster) signs it."""
    event = WebhookEvent(
        account="api-demo",
        account_number="687409",
        object=obj,
        object_id=object_id,
        action=action,
        data=None if data is None else json.dumps(data, separators=(",", ":"), ensure_ascii=False),
    )
    return json.dumps(build_body(event, SECRET, TIME)).encode()


def _parse(body: bytes | str) -> Any:
    return parse_webhook(body, secret=SecretStr(SECRET))


def test_a_good_signature_parses() -> None:
    """The reference's shape: numbers as numbers, time as a string."""
    hook = _parse(_body("transaction", 1, "added"))
    assert (hook.account, hook.account_number, hook.object, hook.object_id) == (
        "api-demo",
        "687409",
        "transaction",
        "1",
    )
    assert hook.dedup_key == "poster:api-demo:transaction:1:added:1518794257"
    assert ACCEPT == {"status": "accept"}


def test_a_signature_with_data_covers_the_data() -> None:
    """``data`` is part of the signed text; changing it breaks the signature."""
    body = json.loads(_body("stock", 138, "changed", {"type": 2, "element_id": 138}))
    hook = _parse(json.dumps(body))
    assert hook.data == {"type": 2, "element_id": 138}
    assert hook.dedup_key.startswith("poster:api-demo:stock:138:changed:1518794257:")
    body["data"] = json.dumps({"type": 2, "element_id": 139})
    with pytest.raises(WebhookRejected) as caught:
        _parse(json.dumps(body))
    assert caught.value.code == "invalid_signature"


def test_data_sent_decoded_is_verified_in_its_compact_encoding() -> None:
    """A ``data`` object (not a string) was signed as compact JSON; numbers as digits."""
    data = {"type": 2, "element_id": 138, "name": "Борщ"}
    body: dict[str, Any] = {
        "account": "api-demo",
        "account_number": 687409,
        "object": "stock",
        "object_id": 138,
        "action": "changed",
        "time": 1518794257,
        "data": data,
    }
    body["verify"] = signature(body, SECRET)
    compact = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = f"api-demo;stock;138;changed;{compact};1518794257;{SECRET}"
    assert body["verify"] == hashlib.md5(text.encode()).hexdigest()
    hook = _parse(json.dumps(body))
    assert (hook.object_id, hook.time, hook.account_number) == ("138", "1518794257", "687409")
    assert (hook.data, hook.raw_data) == (data, compact)
    body["data"] = {**data, "type": 4}
    with pytest.raises(WebhookRejected):
        _parse(json.dumps(body))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"verify": "0" * 32}, "invalid_signature"),
        ({"account": "someone-else"}, "invalid_signature"),
        ({"time": "1518794258"}, "invalid_signature"),
        ({"verify": None}, "invalid_webhook"),
        ({"object_id": None}, "invalid_webhook"),
        ({"action": {"nested": 1}}, "invalid_webhook"),
    ],
)
def test_bad_or_incomplete_bodies_are_rejected(change: dict[str, Any], code: str) -> None:
    """Forged, altered or incomplete deliveries never get past verification."""
    body = json.loads(_body("incoming_order", 5, "changed"))
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    with pytest.raises(WebhookRejected) as caught:
        _parse(json.dumps(body))
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"account": ""}, "account"),
        ({"object": True}, "object"),
        ({"object_id": [5]}, "object_id"),
        ({"action": None, "time": None}, "action"),  # the first bad field is named
        ({"time": {"at": 1}}, "time"),
        ({"verify": ""}, "verify"),
    ],
)
def test_a_missing_or_compound_field_is_named(change: dict[str, Any], named: str) -> None:
    body = json.loads(_body("incoming_order", 5, "changed"))
    body.update(change)
    with pytest.raises(WebhookRejected) as caught:
        _parse(json.dumps(body))
    assert (caught.value.code, caught.value.reason) == (
        "invalid_webhook",
        f"field {named!r} is missing or not a value",
    )


def test_an_overlong_field_is_named_even_when_an_earlier_one_has_the_same_text() -> None:
    """``account`` may be 64 characters, ``object`` 32: the same 40 characters in both
    are refused as ``object``'s, once the signature checks out."""
    text = "x" * 40
    body: dict[str, Any] = {
        "account": text,
        "account_number": 1,
        "object": text,
        "object_id": 5,
        "action": "changed",
        "time": 1518794257,
    }
    body["verify"] = signature(body, SECRET)
    with pytest.raises(WebhookRejected) as caught:
        _parse(json.dumps(body))
    assert (caught.value.code, caught.value.reason) == (
        "invalid_value",
        "field 'object' is not a Poster value",
    )


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_bodies_that_are_not_json_objects_are_rejected(raw: bytes) -> None:
    """Nothing but a JSON object is a webhook."""
    with pytest.raises(WebhookRejected):
        _parse(raw)


def test_the_same_delivery_twice_has_one_dedup_key() -> None:
    """Poster's retries and the sandbox's duplicates carry the same body."""
    body = _body("incoming_order", 5, "changed")
    assert _parse(body).dedup_key == _parse(body).dedup_key


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("incoming_order", 5, "changed"), OrderStatusHint("api-demo", "5")),
        (("incoming_order", 5, "added"), OrderStatusHint("api-demo", "5", added=True)),
        (("transaction", 9, "removed"), CheckChanged("api-demo", "9", removed=True)),
        (
            ("transaction", 9, "changed", {"transactions_history": {"type_history": "close"}}),
            CheckChanged("api-demo", "9", closed=True),
        ),
        (("product", 138, "changed"), MenuItemChanged("api-demo", "138")),
        (("dish", 172, "removed"), MenuItemChanged("api-demo", "172", removed=True)),
        (("dish", 172, "transformed"), MenuItemChanged("api-demo", "172")),
        (("category", 15, "removed"), CategoryChanged("api-demo", "15", removed=True)),
        (
            (
                "stock",
                138,
                "changed",
                {"type": 2, "element_id": 138, "storage_id": 1, "value_absolute": 0},
            ),
            StockChanged("api-demo", "138", "1", 0.0),
        ),
        (("stock", 9, "changed", {"type": 1, "element_id": 9, "storage_id": 1}), None),
        (("application", 76, "removed", {"user_id": 4}), AppRemoved("api-demo", "687409")),
        (("client", 3, "added"), None),
    ],
)
def test_classification(args: tuple[Any, ...], expected: object) -> None:
    """Each entity becomes the command the services run (or nothing)."""
    assert classify(_parse(_body(*args))) == expected


@pytest.mark.parametrize(
    ("args", "work"),
    [
        (("incoming_order", 5, "added"), False),  # every order the hub creates brings one
        (("incoming_order", 5, "changed"), True),
        (("incoming_order", 5, "removed"), True),
        (("transaction", 9, "added"), True),  # a register check: maybe a Wix import
        (("product", 138, "changed"), True),
        (("stock", 9, "changed", {"type": 1, "element_id": 9, "storage_id": 1}), False),
        (("client", 3, "added"), False),
    ],
)
def test_what_needs_a_worker(args: tuple[Any, ...], work: bool) -> None:
    """The ingress queues a job only for webhooks the handler has work for."""
    assert needs_work(classify(_parse(_body(*args)))) is work


def test_application_added_brings_the_token() -> None:
    """The install webhook's data carries the access token for the new connection."""
    hook = _parse(_body("application", 76, "added", {"user_id": 4, "access_token": "687409:abc"}))
    command = classify(hook)
    assert isinstance(command, AppInstalled)
    assert (command.account, command.account_number) == ("api-demo", "687409")
    assert command.access_token.get_secret_value() == "687409:abc"
    assert "687409:abc" not in repr(command)
