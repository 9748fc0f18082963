"""``Hub.pos_for`` rebuilds a connector when its connection changes, and the replaced
one's HTTP client is closed — not left to the garbage collector."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx
import pytest
from pydantic import SecretStr

from orderbridge.bootstrap import build_hub
from orderbridge.config import Settings
from orderbridge.ports import ConnectionRecord
from tests.patience import patience

CONNECTION = ConnectionRecord(
    id="con_1",
    tenant_id="ten_1",
    kind="poster",
    role="pos",
    name="Poster",
    settings={"account": "cafe-kyiv"},
    credentials={"token": "687409:4164553abf6a031302898da7800b59fb"},
    external_account="cafe-kyiv",
    status="active",
)


def _client(connector: object) -> httpx.AsyncClient:
    http = connector.client._http  # type: ignore[attr-defined]
    assert isinstance(http, httpx.AsyncClient)
    return http


def _hub(timeout: float = 10.0):  # type: ignore[no-untyped-def]
    hub = build_hub(
        Settings(
            database_url="sqlite://", secret_key=SecretStr("k"), poster_timeout_seconds=timeout
        )
    )
    hub.pos_transport = httpx.MockTransport(lambda request: httpx.Response(200))
    return hub


def test_an_unchanged_connection_keeps_its_connector_and_a_changed_one_is_closed() -> None:
    hub = _hub()
    try:
        first = hub.pos_for(CONNECTION)
        assert hub.pos_for(CONNECTION) is first
        changed = dataclasses.replace(CONNECTION, settings={"account": "cafe-lviv"})
        second = hub.pos_for(changed)
        assert second is not first
        assert not _client(first).is_closed  # no loop runs: closed at aclose
        asyncio.run(hub.aclose())
        assert _client(first).is_closed and _client(second).is_closed
    finally:
        hub.engine.dispose()


@pytest.mark.anyio
async def test_a_replaced_connector_is_closed_once_calls_on_it_had_their_deadline() -> None:
    hub = _hub(timeout=0.05)  # the grace is two deadlines and a second
    try:
        first = hub.pos_for(CONNECTION)
        hub.pos_for(dataclasses.replace(CONNECTION, credentials={"token": "1:other"}))
        waited = 0.0
        while not _client(first).is_closed and waited < patience(30):
            await asyncio.sleep(0.05)
            waited += 0.05
        assert _client(first).is_closed
        await hub.aclose()
    finally:
        hub.engine.dispose()


def test_equal_records_and_a_new_status_keep_the_connector_and_a_change_after_them_rebuilds() -> (
    None
):
    """``pos_for`` answers the record it was last asked with (or an equal one, as a new
    read gives) without fingerprinting it; a record that differs only outside settings
    and credentials (a status) keeps the connector; a change after those still counts."""
    hub = _hub()
    try:
        first = hub.pos_for(CONNECTION)
        same = dataclasses.replace(CONNECTION, settings=dict(CONNECTION.settings))
        assert hub.pos_for(same) is first
        parked = dataclasses.replace(CONNECTION, status="needs_reauth")
        assert hub.pos_for(parked) is first
        assert hub.pos_for(CONNECTION) is first
        changed = dataclasses.replace(parked, credentials={"token": "1:new"})
        second = hub.pos_for(changed)
        assert second is not first
        assert hub.pos_for(dataclasses.replace(changed)) is second
        assert hub.pos_for(CONNECTION) is not second  # back to the old token: rebuilt
        asyncio.run(hub.aclose())
    finally:
        hub.engine.dispose()
