"""The SSRF guard: only globally routable addresses, judged where the connection opens.

A local server on 127.0.0.1 stands for "something inside the network"; injected
resolvers stand for DNS (the tests never leave 127.0.0.1). The rebinding test has a
name resolve to a public address for the check and to loopback for the connection:
the connection is refused and the local server never hears from the hub.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from orderbridge.bootstrap import build_hub
from orderbridge.config import Settings
from orderbridge.connectors._base import make_http_client
from orderbridge.connectors.http_aiohttp import AiohttpTransport
from orderbridge.connectors.storefront.delivery import deliver
from orderbridge.connectors.storefront.pinned import PinnedResolver
from orderbridge.connectors.storefront.ssrf import (
    Resolver,
    UnsafeUrl,
    check_url,
    is_public,
    pinned_transport,
    refused_code,
)
from orderbridge.ports import EndpointRecord, PermanentError, TransientError
from tests.connectors.test_hub_connector_cache import CONNECTION
from tests.e2e.servers import serve_in_thread

pytestmark = pytest.mark.anyio
PUBLIC = "93.184.216.34"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.7",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "100.100.100.200",  # a cloud's metadata service, inside 100.64.0.0/10
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "192.0.2.10",  # documentation
        "198.18.0.1",  # benchmarking
        "::1",
        "::",
        "fe80::1%eth0",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "2002:a9fe:a9fe::",  # 6to4 around 169.254.169.254
        "64:ff9b::7f00:1",  # NAT64 around 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_addresses_that_are_not_globally_routable_are_refused(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize(
    "address", ["8.8.8.8", PUBLIC, "2606:4700:4700::1111", "2002:808:808::", "64:ff9b::808:808"]
)
def test_globally_routable_addresses_pass(address: str) -> None:
    assert is_public(address)


def _dns(*answers: list[str]) -> tuple[list[str], Resolver]:
    """A resolver answering ``answers`` in turn (the last one again after that)."""
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[min(len(asked), len(answers)) - 1]

    return asked, resolve


async def test_check_url_judges_every_address_of_the_name() -> None:
    _, mixed = _dns([PUBLIC, "100.100.100.200"])
    with pytest.raises(UnsafeUrl) as refused:
        await check_url("https://hooks.shop.test/h", allow_private=False, resolve=mixed)
    assert refused.value.code == "private_address"
    _, public = _dns([PUBLIC])
    await check_url("https://hooks.shop.test/h", allow_private=False, resolve=public)

    async def nowhere(host: str, port: int) -> list[str]:
        raise socket.gaierror("Name or service not known")

    with pytest.raises(UnsafeUrl) as unresolvable:
        await check_url("https://nowhere.test/h", allow_private=False, resolve=nowhere)
    assert unresolvable.value.code == "unresolvable_host"


@pytest.fixture
def inside() -> Iterator[tuple[str, list[str]]]:
    """A server inside the network: its port, and the Host of each request it got."""
    heard: list[str] = []

    async def hook(request: Request) -> PlainTextResponse:
        heard.append(request.headers["host"])
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/h", hook, methods=["POST"])])
    with serve_in_thread(app) as url:
        yield url.rsplit(":", 1)[1], heard


async def test_a_name_rebound_to_loopback_after_the_check_is_refused_at_connect(
    inside: tuple[str, list[str]],
) -> None:
    port, heard = inside
    url = f"http://hooks.shop.test:{port}/h"
    asked, rebinding = _dns([PUBLIC], ["127.0.0.1"])
    await check_url(url, allow_private=False, resolve=rebinding)
    transport = pinned_transport(allow_private=False, resolve=rebinding)
    async with make_http_client(base_url="", transport=transport) as client:
        with pytest.raises(httpx.ConnectError) as refused:
            await client.post(url, content=b"{}")
    assert refused_code(refused.value) == "private_address"
    assert asked == ["hooks.shop.test", "hooks.shop.test"]  # the check, then the connect
    assert heard == []


async def test_the_connection_goes_to_the_address_resolved_once(
    inside: tuple[str, list[str]],
) -> None:
    """With private addresses allowed (local development) the pinned connection goes to
    the address the resolver gave, under the URL's own host name."""
    port, heard = inside
    asked, local = _dns(["127.0.0.1"])
    transport = pinned_transport(allow_private=True, resolve=local)
    async with make_http_client(base_url="", transport=transport) as client:
        for _ in range(2):
            answer = await client.post(f"http://hooks.shop.test:{port}/h", content=b"{}")
            assert answer.status_code == 200
    assert heard == [f"hooks.shop.test:{port}"] * 2
    assert asked == ["hooks.shop.test"]  # one connection, kept alive, resolved once


async def test_delivery_refused_at_connect_is_a_permanent_failure(
    inside: tuple[str, list[str]],
) -> None:
    """Whatever the early check said, the transport's refusal at connect is final."""
    port, heard = inside
    _, rebinding = _dns(["127.0.0.1"])
    endpoint = EndpointRecord(
        id="whe_1",
        tenant_id="ten_1",
        url=f"http://hooks.shop.test:{port}/h",
        events=("order.received",),
        secrets=("whsec_" + "A" * 32,),
    )
    transport = pinned_transport(allow_private=False, resolve=rebinding)
    async with make_http_client(base_url="", transport=transport) as client:
        with pytest.raises(PermanentError) as failed:
            await deliver(
                client,
                endpoint,
                msg_id="msg_1",
                message={"type": "order.received"},
                now=datetime(2026, 11, 22, tzinfo=UTC),
                allow_private=True,  # the early check lets it pass; the transport not
            )
    assert failed.value.code == "private_address"
    assert heard == []


def test_the_hubs_webhook_client_is_pinned() -> None:
    hub = build_hub(Settings(database_url="sqlite://", secret_key=SecretStr("k")))
    try:
        transport = hub.http()._transport  # type: ignore[attr-defined]
        assert isinstance(transport, AiohttpTransport)
        guard = transport.resolver()
        assert isinstance(guard, PinnedResolver)
        assert guard.allow_private is False
        assert transport.refuse_host == guard.refuse_literal
    finally:
        hub.engine.dispose()


def test_a_pos_connectors_calls_go_through_the_guard_too() -> None:
    """A POS base URL is the tenant's to choose (a REST POS by manifest): its
    connector's client connects through the pinned transport as well."""
    hub = build_hub(Settings(database_url="sqlite://", secret_key=SecretStr("k")))
    try:
        connector = hub.new_pos(CONNECTION)
        transport = connector.client._http._transport  # type: ignore[attr-defined]
        assert isinstance(transport, AiohttpTransport)
        guard = transport.resolver()
        assert isinstance(guard, PinnedResolver) and guard.allow_private is False
    finally:
        hub.engine.dispose()


async def test_a_connection_being_set_up_is_called_through_the_guard_too(
    inside: tuple[str, list[str]],
) -> None:
    """Setting up a connection calls its base URL (the test call, the identification)
    before it is stored: that URL is the tenant's to choose, so those calls connect
    through the pinned transport as the stored connection's will."""
    port, heard = inside
    hub = build_hub(Settings(database_url="sqlite://", secret_key=SecretStr("k")))
    try:
        setup = hub.setup_parts().setups["poster"]
        record = dataclasses.replace(
            CONNECTION, settings={"account": "cafe-kyiv", "base_url": f"http://127.0.0.1:{port}"}
        )
        with pytest.raises(TransientError) as refused:  # as a POS call's: retried, not sent
            await setup.probe(record)
        assert "private_address" in str(refused.value)
        assert heard == []
    finally:
        hub.engine.dispose()
