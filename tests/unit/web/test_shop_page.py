"""The ``/shop`` routes: served only when the hub has a demo key, which they embed."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from orderbridge.bootstrap import build_hub
from orderbridge.config import Settings

pytestmark = pytest.mark.anyio


async def get(tmp_path: Path, demo_api_key: str | None, path: str) -> httpx.Response:
    # Nothing here opens the database: the engine connects lazily and the shop never asks.
    hub = build_hub(Settings(database_url=f"sqlite:///{tmp_path / 'hub.db'}"))
    transport = httpx.ASGITransport(app=hub.app(demo_api_key=demo_api_key))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        return await client.get(path)


@pytest.mark.parametrize("path", ["/shop", "/shop/static/shop.js"])
async def test_without_a_demo_key_there_is_no_shop(tmp_path: Path, path: str) -> None:
    response = await get(tmp_path, None, path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_the_page_carries_the_key_escaped_and_is_never_cached(tmp_path: Path) -> None:
    response = await get(tmp_path, 'ob_"<key>', "/shop")
    assert response.status_code == 200
    assert 'data-api-key="ob_&#34;&lt;key&gt;"' in response.text
    assert 'data-api-base="/api/v1"' in response.text
    assert response.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("shop.js", "text/javascript"), ("shop.css", "text/css"), ("favicon.svg", "image/svg+xml")],
)
async def test_assets_are_served_with_their_type(
    tmp_path: Path, name: str, media_type: str
) -> None:
    response = await get(tmp_path, "ob_key", f"/shop/static/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)


@pytest.mark.parametrize("name", ["missing.js", "..%2F__init__.py", "shop.html", ".hidden.css"])
async def test_only_the_assets_folder_is_served(tmp_path: Path, name: str) -> None:
    assert (await get(tmp_path, "ob_key", f"/shop/static/{name}")).status_code == 404
