"""Poster's webhooks: verify, parse, turn into commands. No other side effects.

Poster POSTs JSON ``{account, account_number, object, object_id, action, time, verify
[, data]}`` where ``verify = md5("account;object;object_id;action[;data];time;secret")``
with the application's secret. The ingress decodes the body once (to find the account's
connection), and :func:`verify_webhook` checks ``verify`` (constant-time) before
anything else is believed (:func:`parse_webhook` does both, from raw bytes). The ingress
then stores the event under :attr:`PosterWebhook.dedup_key` and answers :data:`ACCEPT`
(anything else makes Poster retry, 15 times); a worker later runs :func:`classify` and
the command (``events.handle_poster_event``); an event that :func:`needs_work` says
needs none is stored already processed, with no job.

Dedup key: ``poster:{account}:{object}:{object_id}:{action}:{time}`` plus, when ``data``
came, ``:`` and 16 hex digits of its sha256. A retry or duplicate of one delivery has
the same body and so the same key. Two real changes of one object in the same second
share a key too (the body has no finer clock); handlers re-read the object from Poster,
so what matters is that one read happens after the last change. For orders the sweep
guarantees it. For the menu objects in :data:`REREAD_WHEN_REPEATED` the ingress queues
the refresh again for a repeated body unless one for that object is still waiting to
run (a retry from Poster costs one more menu.getProduct; a price edited twice within a
second is not left stale until the next full import).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from orderbridge import safejson
from orderbridge.connectors._entry import WebhookRejected as RegistryWebhookRejected

ACCEPT = {"status": "accept"}
SIGNED = ("account", "object", "object_id", "action", "time")
# Menu entities whose repeated webhook is run again (see the module docstring).
REREAD_WHEN_REPEATED = frozenset({"product", "dish", "category", "stock"})
# ``type`` of a stock webhook's data: 2 a product, 4 a manufactured dish (the reference).
STOCK_PRODUCT_TYPES = frozenset({2, 4})


class WebhookRejected(RegistryWebhookRejected):
    """The body is not a genuine Poster webhook; answer 4xx and store nothing."""


@dataclass(frozen=True, slots=True)
class PosterWebhook:
    """A verified Poster webhook; ``data`` is its decoded ``data`` object, if any."""

    account: str
    account_number: str
    object: str
    object_id: str
    action: str
    time: str
    data: dict[str, Any] | None = None
    raw_data: str | None = None

    @property
    def dedup_key(self) -> str:
        """The inbox key; see the module docstring for why it is safe."""
        key = f"poster:{self.account}:{self.object}:{self.object_id}:{self.action}:{self.time}"
        if self.raw_data is not None:
            key += ":" + hashlib.sha256(self.raw_data.encode()).hexdigest()[:16]
        return key


LONGEST = {"account": 64, "object": 32, "object_id": 32, "action": 32, "time": 32}
"""The longest text of each signed field accepted. Poster's are an account's subdomain
(a DNS label: at most 63 characters), entity names (``incoming_order``), numeric ids,
actions (``changed``) and Unix times. They make the event's inbox key (``dedup_key``:
at most 7 + 192 + 4 + 17 = 220 characters) and its job's key, both ``VARCHAR(255)``:
a longer value is not Poster's, and would overflow them (a 500 on PostgreSQL)."""

_COMPOUND = (dict, list)
_NOT_A_VALUE = (dict, list, bool)
_BOUNDS = tuple((name, LONGEST[name]) for name in SIGNED)


def _text(value: Any) -> str:
    # Poster's PHP implode() writes numbers as digits; a JSON object (if ``data`` ever
    # came decoded rather than as a string) is assumed signed in its compact encoding.
    if type(value) is str:
        return value
    if isinstance(value, _COMPOUND):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _field(payload: dict[str, Any], name: str) -> str:
    """The text of a required field, or :class:`WebhookRejected` if it is missing, empty
    or not a plain value (an object, a list, a boolean)."""
    value = payload.get(name)
    if type(value) is str:  # nearly always: the fast path first
        if value:
            return value
    elif value is not None and not isinstance(value, _NOT_A_VALUE):
        return str(value)  # a number, as PHP's implode() writes it
    raise WebhookRejected("invalid_webhook", f"field {name!r} is missing or not a value")


def _signed(
    account: str, entity: str, entity_id: str, action: str, data: str | None, time: str, secret: str
) -> str:
    text = f"{account};{entity};{entity_id};{action};{time};{secret}"
    if data is not None:
        text = f"{account};{entity};{entity_id};{action};{data};{time};{secret}"
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def signature(payload: Mapping[str, Any], secret: str) -> str:
    """The ``verify`` Poster computes for ``payload`` with the application ``secret``."""
    data = payload.get("data")
    account, entity, entity_id, action, time = (_text(payload[name]) for name in SIGNED)
    text = None if data is None else _text(data)
    return _signed(account, entity, entity_id, action, text, time, secret)


def parse_webhook(body: bytes | str, *, secret: SecretStr) -> PosterWebhook:
    """Verify and parse one webhook body, or raise :class:`WebhookRejected`."""
    try:
        payload = safejson.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookRejected("invalid_webhook", "the body is not JSON") from exc
    return verify_webhook(payload, secret=secret)


def verify_webhook(payload: Any, *, secret: SecretStr) -> PosterWebhook:
    """Verify and parse a webhook body already decoded from JSON (the ingress decodes it
    once, to route it by account), or raise :class:`WebhookRejected`."""
    if not isinstance(payload, dict):
        raise WebhookRejected("invalid_webhook", "the body is not a JSON object")
    # Each field's text is what was signed and what is kept (the fields are plain
    # values); checked in this order, so the first bad one is the one named.
    account = _field(payload, "account")
    entity = _field(payload, "object")
    entity_id = _field(payload, "object_id")
    action = _field(payload, "action")
    time = _field(payload, "time")
    verify = _field(payload, "verify")
    raw = payload.get("data")
    raw_data = None if raw is None else _text(raw)
    expected = _signed(
        account, entity, entity_id, action, raw_data, time, secret.get_secret_value()
    )
    if not hmac.compare_digest(expected.encode(), verify.encode()):
        raise WebhookRejected("invalid_signature", "verify does not match the application secret")
    texts = (account, entity, entity_id, action, time)
    for text, (name, limit) in zip(texts, _BOUNDS, strict=True):
        if len(text) > limit or "\x00" in text:
            raise WebhookRejected("invalid_value", f"field {name!r} is not a Poster value")
    return PosterWebhook(
        account,
        str(payload.get("account_number") or ""),
        entity,
        entity_id,
        action,
        time,
        _decode(raw),
        raw_data,
    )


def _decode(raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        try:
            decoded = safejson.loads(raw)
        except ValueError:
            return None
        return decoded if isinstance(decoded, dict) else None
    return None


# Commands ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderStatusHint:
    """An incoming order (or reservation) changed: read its state from Poster.

    ``added``: the webhook announces the order's creation, which tells nothing new about
    an order the hub created itself (it is ``new`` at Poster, as the hub recorded).
    """

    account: str
    pos_order_id: str
    added: bool = False


@dataclass(frozen=True)
class CheckChanged:
    """A check changed; ``closed`` when the change was closing it."""

    account: str
    transaction_id: str
    removed: bool = False
    closed: bool = False


@dataclass(frozen=True)
class MenuItemChanged:
    """A product or dish was added, changed or transformed (refresh it) or removed."""

    account: str
    product_id: str
    removed: bool = False


@dataclass(frozen=True)
class CategoryChanged:
    """A menu category changed or was removed: re-import the menu."""

    account: str
    category_id: str
    removed: bool = False


@dataclass(frozen=True)
class StockChanged:
    """What is left of a product or dish in a storage changed (``left`` after the move)."""

    account: str
    product_id: str
    storage_id: str
    left: float | None


@dataclass(frozen=True)
class AppInstalled:
    """The hub's Poster application was installed on an account; here is its token."""

    account: str
    account_number: str
    access_token: SecretStr


@dataclass(frozen=True)
class AppRemoved:
    """The application was removed from an account: disable that connection."""

    account: str
    account_number: str


PosterCommand = (
    OrderStatusHint
    | CheckChanged
    | MenuItemChanged
    | CategoryChanged
    | StockChanged
    | AppInstalled
    | AppRemoved
)


def classify(hook: PosterWebhook) -> PosterCommand | None:
    """The command a verified webhook asks for, or None for entities the hub ignores."""
    removed = hook.action == "removed"
    data = hook.data or {}
    if hook.object == "incoming_order":
        return OrderStatusHint(hook.account, hook.object_id, added=hook.action == "added")
    if hook.object == "transaction":
        history = data.get("transactions_history")
        closed = isinstance(history, dict) and history.get("type_history") == "close"
        return CheckChanged(hook.account, hook.object_id, removed=removed, closed=closed)
    if hook.object in ("product", "dish"):
        return MenuItemChanged(hook.account, hook.object_id, removed=removed)
    if hook.object == "category":
        return CategoryChanged(hook.account, hook.object_id, removed=removed)
    if hook.object == "stock":
        return _stock(hook, data)
    if hook.object == "application":
        if removed:
            return AppRemoved(hook.account, hook.account_number)
        token = data.get("access_token")
        if hook.action == "added" and isinstance(token, str) and token:
            return AppInstalled(hook.account, hook.account_number, SecretStr(token))
    return None


def needs_work(command: PosterCommand | None) -> bool:
    """Whether a worker has anything to do for a webhook classified as ``command``.

    Not for an entity the hub ignores (None) nor for an incoming order's ``added``
    (:class:`OrderStatusHint`): the ingress stores those in the inbox already processed
    and queues no job, and the handler, should it meet one, does nothing for them.
    Deciding here, next to :func:`classify`, keeps the two from drifting apart.
    """
    if command is None:
        return False
    return not (isinstance(command, OrderStatusHint) and command.added)


def _stock(hook: PosterWebhook, data: Mapping[str, Any]) -> StockChanged | None:
    try:
        kind = int(data.get("type", 0))
        left = data.get("value_absolute")
        value = None if left in (None, "") else float(left)
    except (TypeError, ValueError):
        return None
    element = data.get("element_id")
    if kind not in STOCK_PRODUCT_TYPES or element in (None, ""):
        return None  # ingredients and modifiers have stock too; the menu does not show it
    return StockChanged(hook.account, str(element), str(data.get("storage_id", "")), value)
