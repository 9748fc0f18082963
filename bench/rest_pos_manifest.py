"""What the manifest machinery costs per call: reading a manifest, writing an order's
request body, reading a menu answer, verifying a webhook.

``uv run python bench/rest_pos_manifest.py [--runs N]``: the shipped Countertop manifest;
an order of 10 lines with two add-ons each; Countertop's seeded catalog (13 products)
and a generated one of 1,000. Prints a table, then one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from orderbridge.connectors.rest_pos import loading, mapping
from orderbridge.connectors.rest_pos.canonical import location_document, order_document
from orderbridge.connectors.rest_pos.templates import Style, render
from orderbridge.connectors.rest_pos.webhooks import read
from orderbridge.domain.customers import Customer
from orderbridge.domain.money import Money
from orderbridge.domain.orders import (
    Fulfilment,
    FulfilmentType,
    LineModifier,
    Order,
    OrderKey,
    OrderLine,
)
from orderbridge.ports import LocationBinding
from orderbridge.sandboxes.rest_pos.api import catalog
from orderbridge.sandboxes.rest_pos.seed import demo_world
from orderbridge.sandboxes.rest_pos.state import Product

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
LOCATION = LocationBinding("podil", "st_podil", "UAH", "Europe/Kyiv")


def per_call(work: Callable[[], object], runs: int) -> float:
    """Median microseconds per call over ``runs`` batches of 200 calls."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(200):
            work()
        samples.append((time.perf_counter() - start) / 200 * 1e6)
    return statistics.median(samples)


def big_order() -> Order:
    uah = lambda amount: Money(amount, "UAH")  # noqa: E731
    lines = [
        OrderLine(
            "PZ-PEP",
            1,
            uah(21900),
            variant_id="PZ-PEP-35",
            modifiers=(
                LineModifier("ad_bbq", 1, uah(1500)),
                LineModifier("ad_garlic", 1, uah(1500)),
            ),
        )
        for _ in range(10)
    ]
    return Order.receive(
        id="ord_bench",
        key=OrderKey("web", "bench"),
        location_id="podil",
        lines=lines,
        customer=Customer(name="Олена", phone="+380671234567"),
        fulfilment=Fulfilment(FulfilmentType.PICKUP),
        at=NOW,
    )


def big_catalog(count: int) -> dict[str, Any]:
    store = demo_world().stores["st_podil"]
    template = store.products["PZ-PEP"]
    for n in range(count):
        store.products[f"GEN-{n}"] = Product.model_validate(
            {**template.model_dump(), "sku": f"GEN-{n}", "sectionId": store.sections[n % 5].id}
        )
    return catalog(store)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    text = loading.shipped_text("sandbox")
    manifest = loading.load_text(text)
    body = manifest.services["create_order"].body
    values = {
        "key": "ord_bench",
        "order": order_document(big_order()),
        "location": location_document(LOCATION),
        "now": NOW,
    }
    style = Style(manifest.money.format, manifest.values, "Europe/Kyiv")
    small, large = catalog(demo_world().stores["st_podil"]), big_catalog(1000)
    event = json.dumps(
        {
            "id": "evt_1",
            "type": "ticket.status_changed",
            "created": 0,
            "storeId": "st_podil",
            "data": {"ticketId": "tk_1"},
        }
    ).encode()
    stamp = int(NOW.timestamp())
    digest = hmac.new(b"whsec", f"{stamp}.".encode() + event, hashlib.sha256).hexdigest()
    headers = {"Countertop-Signature": f"t={stamp},v1={digest}"}
    secrets = {"api_key": "k", "webhook_secret": "whsec"}

    figures = {
        "manifest_check_us": per_call(
            lambda: loading._load.__wrapped__(text, "bench"), max(1, runs // 2)
        ),
        "order_body_10_lines_us": per_call(lambda: render(body, values, style), runs),
        "menu_13_products_us": per_call(
            lambda: mapping.menu(manifest, small, None, location_id="podil", currency="UAH"), runs
        ),
        "menu_1000_products_ms": per_call(
            lambda: mapping.menu(manifest, large, None, location_id="podil", currency="UAH"), 1
        )
        / 1000,
        "webhook_verify_read_us": per_call(
            lambda: read(manifest, "con", secrets, headers, event, now=NOW), runs
        ),
    }
    for name, value in figures.items():
        print(f"{name:28} {value:10.1f}")
    print(json.dumps({k: round(v, 1) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
