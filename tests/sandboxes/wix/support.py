"""Shared helpers of the Wix sandbox tests: a seeded sandbox, a published menu, and a
webhook receiver that can be told to fail."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from orderbridge.sandboxes.wix.seed import ACCESS_TOKEN, READ_ONLY_TOKEN, demo_world
from orderbridge.sandboxes.wix.state import World

NOW = datetime(2025, 11, 3, 9, 30, tzinfo=UTC)
AUTH = {"Authorization": ACCESS_TOKEN}
READ_ONLY = {"Authorization": READ_ONLY_TOKEN}
STORES_APP_ID = "215238eb-22a5-4c36-9e7b-e7c08025e04e"
RESTAURANTS_APP_ID = "9a5d83fd-8570-482e-81ab-cfa88942ee60"


def fresh_world() -> World:
    return demo_world(webhook_url="http://hub.test/webhooks/wix/con_wix", now=NOW)


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def wix_error(response: Any, status: int) -> dict[str, Any]:
    """The error body, checked to be in Wix's shape."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert isinstance(body["message"], str)
    details = body["details"]
    assert "applicationError" in details or "validationError" in details
    return body


def publish_menu(client: TestClient) -> dict[str, str]:
    """What the hub publishes: variants, modifiers, a group, items, a section, a menu."""

    def post(path: str, key: str, entity: dict[str, Any]) -> str:
        created = ok(client.post(path, json={key: entity}, headers=AUTH))
        return str(created[key]["id"])

    small = post("/restaurants/item-variants/v1/variants", "variant", {"name": "250 мл"})
    large = post("/restaurants/item-variants/v1/variants", "variant", {"name": "400 мл"})
    oat = post("/restaurants/item-modifiers/v1/modifiers", "modifier", {"name": "Вівсяне молоко"})
    syrup = post("/restaurants/item-modifiers/v1/modifiers", "modifier", {"name": "Сироп"})
    group = post(
        "/restaurants/item-modifier-group/v1/modifier-groups",
        "modifierGroup",
        {
            "name": "Додатки",
            "modifiers": [
                {"id": oat, "additionalChargeInfo": {"additionalCharge": "15.00"}},
                {"id": syrup, "additionalChargeInfo": {"additionalCharge": "10.50"}},
            ],
            "rule": {"required": False, "minSelections": 0, "maxSelections": 2},
        },
    )
    latte = post(
        "/restaurants/menus-item/v1/items",
        "item",
        {
            "name": "Лате",
            "priceVariants": {
                "variants": [
                    {"variantId": small, "priceInfo": {"price": "65.00"}},
                    {"variantId": large, "priceInfo": {"price": "80.00"}},
                ]
            },
            "modifierGroups": [{"id": group}],
        },
    )
    croissant = post(
        "/restaurants/menus-item/v1/items",
        "item",
        {"name": "Круасан", "priceInfo": {"price": "55.00"}, "orderSettings": {"inStock": True}},
    )
    section = post(
        "/restaurants/menus-section/v1/sections",
        "section",
        {"name": "Кава і випічка", "itemIds": [latte, croissant]},
    )
    menu = post(
        "/restaurants/menus-menu/v1/menus", "menu", {"name": "Основне", "sectionIds": [section]}
    )
    return {
        "small": small,
        "large": large,
        "oat": oat,
        "syrup": syrup,
        "group": group,
        "latte": latte,
        "croissant": croissant,
        "section": section,
        "menu": menu,
    }


def unwrap(
    token: str, public_pem: str, *, verify_exp: bool = True
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a receiver does: verify the JWT, then parse the two nested JSON strings.

    ``verify_exp=False`` for sandboxes on the fixed test clock, whose tokens are old."""
    claims = jwt.decode(token, public_pem, algorithms=["RS256"], options={"verify_exp": verify_exp})
    outer = json.loads(claims["data"])
    return outer, json.loads(outer["data"])


class Receiver:
    """A webhook endpoint that answers as told: ``statuses`` in turn (then 200), after
    ``delays`` seconds in turn (then at once). Records every body it gets."""

    def __init__(self, statuses: list[int] | None = None, delays: list[float] | None = None):
        self.statuses = list(statuses or [])
        self.delays = list(delays or [])
        self.bodies: list[str] = []
        self.calls = 0

    async def handle(self, request: Request) -> Response:
        self.calls += 1
        body = (await request.body()).decode()
        if self.delays:
            await asyncio.sleep(self.delays.pop(0))
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.bodies.append(body)
        return PlainTextResponse("", status_code=status)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/webhooks/wix/con_wix", self.handle, methods=["POST"])])
