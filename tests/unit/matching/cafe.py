"""The mapping test set: the demo café's POS menu, a channel's own menu, the answers.

``tests/payloads/mapping/cafe_pos_menu.json`` is the Podil menu as the hub imports it
from the Poster sandbox's seeded café; ``cafe_channel_menu.json`` is a website's own
menu for the same café in English, Latin transliteration and Ukrainian, with hard
negatives (dishes the café does not have, and near misses: Coca-Cola Zero, another
size, Raf classic …); ``cafe_channel_expected.json`` says, per channel item, which POS
target is right (``pos``: null for none), whether it must be ``auto`` (true), must not
be (false) or may be either (absent), and the variants and modifiers inside it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orderbridge.domain.menu import Category, Item, Menu, Modifier, ModifierGroup, Variant
from orderbridge.domain.money import Money
from orderbridge.matching.model import ChannelItem, Target
from orderbridge.matching.model import channel_items as parse_channel_items

PAYLOADS = Path(__file__).parents[2] / "payloads" / "mapping"


def _load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def pos_menu() -> Menu:
    """The café's Podil menu as a domain menu."""
    data = _load("cafe_pos_menu.json")
    currency = data["currency"]

    def money(amount: int) -> Money:
        return Money(amount, currency)

    categories = []
    for category in data["categories"]:
        items = []
        for item in category["items"]:
            items.append(
                Item(
                    id=item["id"],
                    name=item["name"],
                    price=money(item["price"]),
                    refs={"poster": item["id"]},
                    variants=tuple(
                        Variant(v["id"], v["name"], money(v["price"]))
                        for v in item.get("variants", [])
                    ),
                    modifier_groups=tuple(
                        ModifierGroup(
                            g["id"],
                            g["name"],
                            g["min"],
                            g["max"],
                            tuple(
                                Modifier(m["id"], m["name"], money(m["price"]))
                                for m in g["modifiers"]
                            ),
                        )
                        for g in item.get("modifier_groups", [])
                    ),
                )
            )
        categories.append(Category(category["id"], category["name"], tuple(items)))
    return Menu(data["location_id"], currency, tuple(categories))


def channel_body() -> dict[str, Any]:
    """The channel menu exactly as it is uploaded (``PUT …/channel-menus/{channel}``)."""
    body: dict[str, Any] = _load("cafe_channel_menu.json")
    return body


def channel_items() -> list[ChannelItem]:
    """The channel menu as the matcher's items."""
    return list(parse_channel_items(channel_body()))


def expected() -> dict[str, dict[str, Any]]:
    """The answers, by channel item id."""
    answers: dict[str, dict[str, Any]] = _load("cafe_channel_expected.json")
    return answers


def target_of(answer: dict[str, Any]) -> Target | None:
    """The expected POS target of one answer (None: the POS has no such thing)."""
    pos = answer["pos"]
    if pos is None:
        return None
    return Target(pos["item"], pos.get("variant"), pos.get("modifier"))
