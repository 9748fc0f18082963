"""Domain objects as JSON documents for JSON columns, and back, without losing anything.

This is the one place that knows how a menu, an order, a reservation or a location
looks at rest. Every ``*_to_json`` returns plain JSON data (``str``, ``int``, ``float``,
``bool``, ``None``, lists, dicts), so ``json.dumps`` always works; every
``*_from_json`` checks the shape as it reads and raises ``ValueError`` naming the bad
field (``"order.lines[0].unit_price.amount: expected an integer, got string"``), never
a bare ``KeyError``. Conventions are in :mod:`~orderbridge.storage.codec_fields`;
each kind of object has its own module, re-exported here:

* :mod:`~orderbridge.storage.codec_menu`: :func:`menu_to_json`, :func:`menu_from_json`;
* :mod:`~orderbridge.storage.codec_orders`: orders and timeline entries;
* :mod:`~orderbridge.storage.codec_reservations`: reservations;
* :mod:`~orderbridge.storage.codec_locations`: locations, schedules and pauses.

This module adds the idempotency fingerprint of an incoming order: the same request
sent twice (a channel retrying) must hash the same, and a different request under the
same key must not, so the hub can tell a retry from a conflicting reuse of an order id.

>>> canonical_hash({"b": 1, "a": "Латте"}) == canonical_hash({"a": "Латте", "b": 1})
True
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from orderbridge.domain.drafts import DraftLine, DraftPayment, OrderDraft
from orderbridge.domain.order_details import Payment
from orderbridge.storage.codec_fields import JSONDict, money_to_json
from orderbridge.storage.codec_locations import (
    location_from_json,
    location_to_json,
    pause_from_json,
    pause_to_json,
    schedule_from_json,
    schedule_to_json,
)
from orderbridge.storage.codec_menu import menu_from_json, menu_to_json
from orderbridge.storage.codec_orders import (
    charge_to_json,
    customer_to_json,
    discount_to_json,
    fulfilment_to_json,
    order_from_json,
    order_to_json,
    payment_to_json,
    timeline_entry_from_json,
    timeline_entry_to_json,
)
from orderbridge.storage.codec_reservations import reservation_from_json, reservation_to_json

__all__ = [
    "JSONDict",
    "canonical_hash",
    "canonical_json",
    "draft_hash",
    "draft_to_json",
    "location_from_json",
    "location_to_json",
    "menu_from_json",
    "menu_to_json",
    "order_from_json",
    "order_to_json",
    "pause_from_json",
    "pause_to_json",
    "reservation_from_json",
    "reservation_to_json",
    "schedule_from_json",
    "schedule_to_json",
    "timeline_entry_from_json",
    "timeline_entry_to_json",
]


def draft_to_json(draft: OrderDraft) -> JSONDict:
    """An incoming order as canonical JSON data: equal drafts give equal documents.

    Keys are sorted at every level and the fulfilment time is given in UTC, because two
    equal moments written with different offsets are equal drafts but different text.
    Meant for :func:`canonical_hash`; there is no decoder, since drafts are not stored.
    """
    sorted_document: JSONDict = _sort_keys(_draft_document(draft))
    return sorted_document


def draft_hash(draft: OrderDraft) -> str:
    """``canonical_hash(draft_to_json(draft))``, without sorting the document first:
    :func:`canonical_json` sorts keys as it writes (in C), so the hash is the same. The
    fingerprint of every order placed, so the copy with sorted keys is worth sparing."""
    return canonical_hash(_draft_document(draft))


def _draft_document(draft: OrderDraft) -> JSONDict:
    fulfilment = fulfilment_to_json(draft.fulfilment)
    if draft.fulfilment.time is not None:
        fulfilment["time"] = draft.fulfilment.time.astimezone(UTC).isoformat()
    document = {
        "key": {"channel": draft.key.channel, "channel_order_id": draft.key.channel_order_id},
        "location_id": draft.location_id,
        "items": [_draft_line_to_json(line) for line in draft.items],
        "customer": customer_to_json(draft.customer),
        "fulfilment": fulfilment,
        "payment": _draft_payment_to_json(draft.payment),
        "note": draft.note,
    }
    # Only when present, so the fingerprints of orders placed before they existed hold.
    if draft.discounts:
        document["discounts"] = [discount_to_json(d) for d in draft.discounts]
    if draft.charges:
        document["charges"] = [charge_to_json(c) for c in draft.charges]
    return document


def canonical_json(data: JSONDict) -> str:
    """``data`` as one canonical string: sorted keys, no spaces, UTF-8 text as is.

    NaN and infinities are refused with ``ValueError``: they are not JSON, and a
    fingerprint built on them would not survive a round trip through a database.
    """
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def canonical_hash(data: JSONDict) -> str:
    """The SHA-256 (hex) of :func:`canonical_json`: equal data, equal hash, however ordered."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def _draft_payment_to_json(payment: Payment | DraftPayment | None) -> JSONDict | None:
    if isinstance(payment, DraftPayment):
        return {"status": payment.status.value, "amount": None, "currency": payment.currency}
    return payment_to_json(payment)


def _draft_line_to_json(line: DraftLine) -> JSONDict:
    document: JSONDict = {
        "item_id": line.item_id,
        "variant_id": line.variant_id,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": None if line.unit_price is None else money_to_json(line.unit_price),
        "modifiers": [
            {
                "modifier_id": m.modifier_id,
                "name": m.name,
                "quantity": m.quantity,
                "unit_price": None if m.unit_price is None else money_to_json(m.unit_price),
            }
            for m in line.modifiers
        ],
        "note": line.note,
    }
    if line.discounts:
        document["discounts"] = [discount_to_json(d) for d in line.discounts]
    return document


def _sort_keys(value: Any) -> Any:
    """A copy of JSON data with every object's keys in sorted order."""
    if isinstance(value, dict):
        return {key: _sort_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sort_keys(item) for item in value]
    return value
