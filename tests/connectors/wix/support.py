"""Shared pieces of the Wix connector tests: an in-memory id map (a hand-written fake of
``RefStore``), the sandbox in-process, and webhook JWTs signed like the sandbox signs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import SecretStr

from orderbridge.connectors.wix.client import WixClient
from orderbridge.connectors.wix.connector import WixConnector
from orderbridge.connectors.wix.settings import WixSettings
from orderbridge.domain.menu import Menu
from orderbridge.sandboxes.wix.app import create_app
from orderbridge.sandboxes.wix.events import order_event, sign
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.seed import ACCESS_TOKEN, LOCATION_ID, OPERATION_ID
from tests.sandboxes.wix.support import NOW, fresh_world


@dataclass(frozen=True)
class MemoryRef:
    external_id: str
    revision: str | None = None


@dataclass
class MemoryRefs:
    """The id map in a dict, as the database keeps it."""

    rows: dict[tuple[str, str], MemoryRef] = field(default_factory=dict)
    published: dict[str, Menu] = field(default_factory=dict)

    def get(self, kind: str, local_id: str) -> MemoryRef | None:
        return self.rows.get((kind, local_id))

    def put(self, kind: str, local_id: str, external_id: str, revision: str | None = None) -> None:
        self.rows[(kind, local_id)] = MemoryRef(external_id, revision)

    def drop(self, kind: str, local_id: str) -> None:
        self.rows.pop((kind, local_id), None)

    def local_id(self, kind: str, external_id: str) -> str | None:
        return next(
            (k[1] for k, v in self.rows.items() if k[0] == kind and v.external_id == external_id),
            None,
        )

    def published_menu(self, location_id: str) -> Menu | None:
        return self.published.get(location_id)

    def save_published(self, menu: Menu) -> None:
        self.published[menu.location_id] = menu


def new_sandbox() -> WixSandbox:
    return WixSandbox(fresh_world(), clock=lambda: NOW)


def settings(**changes: Any) -> WixSettings:
    values: dict[str, Any] = {
        "base_url": "http://wix.test",
        "access_token": SecretStr(ACCESS_TOKEN),
        "public_key_pem": SecretStr("unused"),
        "business_location_id": LOCATION_ID,
        "operation_id": OPERATION_ID,
        **changes,
    }
    return WixSettings(**values)


def transport(sandbox: WixSandbox) -> httpx.ASGITransport:
    """The sandbox's HTTP API in-process (no lifespan: no webhook deliveries)."""
    return httpx.ASGITransport(app=create_app(sandbox))


def client(sandbox: WixSandbox, **changes: Any) -> WixClient:
    return WixClient.from_settings(settings(**changes), transport=transport(sandbox))


def connector(sandbox: WixSandbox, refs: MemoryRefs | None = None) -> WixConnector:
    return WixConnector.from_settings(
        settings(), refs or MemoryRefs(), transport=transport(sandbox), clock=lambda: NOW
    )


def signed(sandbox: WixSandbox, slug: str, order: dict[str, Any], key: str | None = None) -> str:
    """A webhook body for ``order`` as the sandbox would send it (``key`` to forge one)."""
    site = sandbox.world.site
    return sign(
        order_event(slug, order, NOW),
        instance_id=site.instance_id,
        app_id=site.app_id,
        key_pem=key or sandbox.world.private_key_pem,
        now=datetime.now(UTC),  # the JWT's exp is checked against the real clock
    )
