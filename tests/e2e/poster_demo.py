"""Driving ``orderbridge demo`` from e2e tests: the hub and the Poster sandbox as real
processes on free ports of 127.0.0.1, reached over real HTTP."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.e2e.servers import free_port, on_free_ports, orderbridge_process
from tests.patience import HTTP_TIMEOUT, patience, wait_for

__all__ = [
    "ADMIN_KEY",
    "DEMO_TOKEN",
    "PODIL",
    "POSTER_TIMEOUT",
    "STOREFRONT_KEY",
    "Demo",
    "wait_for",
]

STOREFRONT_KEY = "ob_demo_brioche_storefront_key"
ADMIN_KEY = "ob_demo_brioche_admin_key"
DEMO_TOKEN = "687409:4164553abf6a031302898da7800b59fb"
PODIL = "loc_podil"
DEMO_LOCATION_IDS = (PODIL, "loc_pechersk")
# The demo's deadline for one Poster call; faults that hang hold longer than this.
POSTER_TIMEOUT = min(patience(2), 30.0)


@dataclass
class Demo:
    """One running ``orderbridge demo``: its URLs and database, and ways to poke them."""

    hub: str
    poster: str
    db: Path
    wix: str = ""
    database_url: str = ""

    @property
    def url(self) -> str:
        """The hub's database: ``database_url`` when given, else the SQLite file."""
        return self.database_url or f"sqlite:///{self.db}"

    def api(self, path: str, *, key: str = STOREFRONT_KEY, **kwargs: Any) -> httpx.Response:
        method = "POST" if "json" in kwargs else "GET"
        headers = {"authorization": f"Bearer {key}", **kwargs.pop("headers", {})}
        return httpx.request(
            method, f"{self.hub}{path}", headers=headers, timeout=HTTP_TIMEOUT, **kwargs
        )

    def sandbox(self, path: str, **kwargs: Any) -> Any:
        """A call to the sandbox's control API (POST when a body is given)."""
        method = "POST" if "json" in kwargs else "GET"
        answer = httpx.request(method, f"{self.poster}{path}", timeout=HTTP_TIMEOUT, **kwargs)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def faults(self, **knobs: Any) -> None:
        self.sandbox("/_sandbox/faults", json=knobs)

    def menu(self, location: str = PODIL, *, key: str = STOREFRONT_KEY) -> dict[str, Any]:
        answer = self.api(f"/api/v1/locations/{location}/menu", key=key)
        assert answer.status_code == 200, answer.text
        menu: dict[str, Any] = answer.json()
        return menu

    def order(self, order_id: str, *, key: str = STOREFRONT_KEY) -> dict[str, Any]:
        answer = self.api(f"/api/v1/orders/{order_id}", key=key)
        assert answer.status_code == 200, answer.text
        order: dict[str, Any] = answer.json()
        return order

    def wait_status(
        self, order_id: str, status: str, *, timeout: float = 20.0, key: str = STOREFRONT_KEY
    ) -> dict[str, Any]:
        def reached() -> dict[str, Any] | None:
            found = self.order(order_id, key=key)
            return found if found["status"] == status else None

        return wait_for(reached, timeout=timeout, what=f"order {order_id} {status}")

    def at_register(self, order_id: str, *, account: str = "api-demo") -> list[dict[str, Any]]:
        """The incoming orders at Poster that carry the hub order's marker."""
        orders = self.sandbox(f"/_sandbox/incoming-orders?account={account}")["incoming_orders"]
        return [o for o in orders if f"[ob:{order_id}]" in (o["comment"] or "")]

    def health(self) -> dict[str, Any]:
        found: dict[str, Any] = httpx.get(f"{self.hub}/health", timeout=HTTP_TIMEOUT).json()
        return found

    def connect_poster(self, account: str, *, admin_key: str = ADMIN_KEY) -> httpx.Response:
        """The marketplace install as a browser does it: the hub's redirect, "Allow" on
        the sandbox's consent page, and Poster's redirect back to the hub."""
        with httpx.Client(timeout=HTTP_TIMEOUT) as browser:
            made = browser.post(
                f"{self.hub}/api/v1/admin/connections/poster/install-links",
                headers={"authorization": f"Bearer {admin_key}"},
            )
            assert made.status_code == 201, made.text
            start = browser.get(made.json()["url"])
            assert start.status_code == 302, start.text
            query = parse_qs(urlsplit(start.headers["location"]).query)
            allowed = browser.post(
                f"{self.poster}/api/auth",
                data={
                    "application_id": query["application_id"][0],
                    "redirect_uri": query["redirect_uri"][0],
                    "account": account,
                },
            )
            assert allowed.status_code == 302, allowed.text
            return browser.get(allowed.headers["location"])

    def attempts(self, kind: str) -> dict[str, float]:
        """``orderbridge_job_attempts_total`` of one job kind, by outcome."""
        text = httpx.get(f"{self.hub}/metrics", timeout=HTTP_TIMEOUT).text
        pattern = re.compile(
            r'^orderbridge_job_attempts_total\{kind="'
            + re.escape(kind)
            + r'",outcome="(\w+)"\} (\S+)$',
            re.M,
        )
        return {outcome: float(value) for outcome, value in pattern.findall(text)}


def running_demo(
    folder: Path, *, reconcile_seconds: float, database_url: str = ""
) -> contextlib.AbstractContextManager[Demo]:
    """``orderbridge demo`` on free ports, its menus imported; stopped at the end.
    ``database_url`` runs it on that database (PostgreSQL) instead of a SQLite file."""
    return on_free_ports(
        lambda: _demo(folder, reconcile_seconds=reconcile_seconds, database_url=database_url)
    )


@contextlib.contextmanager
def _demo(folder: Path, *, reconcile_seconds: float, database_url: str = "") -> Iterator[Demo]:
    folder.mkdir(parents=True, exist_ok=True)
    hub_port, poster_port, wix_port = free_port(), free_port(), free_port()
    db = folder / "demo.db"
    args = [
        "demo",
        "--port",
        str(hub_port),
        "--poster-port",
        str(poster_port),
        "--wix-port",
        str(wix_port),
        "--db",
        str(db),
    ]
    if database_url:
        args += ["--database-url", database_url]
    env = {
        "ORDERBRIDGE_RECONCILE_INTERVAL_SECONDS": str(reconcile_seconds),
        # Shorter than the "created but no answer" fault's hold, so that fault times out.
        "ORDERBRIDGE_POSTER_TIMEOUT_SECONDS": str(POSTER_TIMEOUT),
    }
    hub = f"http://127.0.0.1:{hub_port}"
    with orderbridge_process(args, ready_url=f"{hub}/health", log=folder / "demo.log", env=env):
        demo = Demo(
            hub=hub,
            poster=f"http://127.0.0.1:{poster_port}",
            db=db,
            wix=f"http://127.0.0.1:{wix_port}",
            database_url=database_url,
        )
        # Every spot's menu, not only the first: the imports run one after another, and
        # a test about the second spot must not find it unpublished.
        for location in DEMO_LOCATION_IDS:
            wait_for(
                lambda at=location: demo.api(f"/api/v1/locations/{at}/menu").status_code == 200,
                what=f"{location}'s menu published",
            )
        yield demo


def order_body(
    channel_order_id: str, *, location: str = PODIL, paid: bool = True
) -> dict[str, Any]:
    """A Pepperoni Ø35 (variant 154) and a Cheeseburger with grilled vegetables and two
    BBQ sauces, picked up, prepaid (530.00 UAH) when ``paid``."""
    return {
        "location_id": location,
        "channel_order_id": channel_order_id,
        "items": [
            {"item_id": "192", "variant_id": "154", "quantity": 1, "modifiers": []},
            {
                "item_id": "172",
                "quantity": 1,
                "modifiers": [
                    {"modifier_id": "63", "quantity": 1},
                    {"modifier_id": "59", "quantity": 2},
                ],
                "note": "no onions",
            },
        ],
        "customer": {"name": "Олена Коваленко", "phone": "+380671234567", "email": "o@example.com"},
        "fulfillment": {"type": "pickup"},
        "payment": {"status": "paid" if paid else "unpaid", "amount": 53000, "currency": "UAH"},
        "note": "ring twice",
    }


def place_order(demo: Demo, channel_order_id: str, **kwargs: Any) -> str:
    key = kwargs.pop("key", STOREFRONT_KEY)
    answer = demo.api(
        "/api/v1/orders",
        key=key,
        json=order_body(channel_order_id, **kwargs),
        headers={"idempotency-key": channel_order_id},
    )
    assert answer.status_code == 201, answer.text
    order_id: str = answer.json()["id"]
    return order_id
