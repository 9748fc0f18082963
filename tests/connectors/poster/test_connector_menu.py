"""Menu, single-item refresh, places and extras through the connector, against the sandbox."""

from __future__ import annotations

import pytest

from orderbridge.connectors.poster.connector import PosterConnector
from orderbridge.domain.menu import Item
from orderbridge.domain.money import Money
from orderbridge.sandboxes.poster import cashier
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from tests.connectors.poster.support import BASE_URL, PECHERSK, PODIL, settings


def _item(menu_item: Item | None) -> Item:
    assert menu_item is not None
    return menu_item


@pytest.mark.anyio
async def test_fetch_menu_of_the_seeded_cafe(connector: PosterConnector) -> None:
    """Variants, modifier groups, absolute photos and refs on the Podil menu."""
    menu = await connector.fetch_menu(location=PODIL)
    assert (menu.location_id, menu.currency) == ("podil", "UAH")
    borjomi = _item(menu.item("139"))
    assert [(v.id, v.price.amount) for v in borjomi.variants] == [("147", 68100), ("148", 4500)]
    burger = _item(menu.item("172"))
    assert [(g.name, g.min, g.max) for g in burger.modifier_groups] == [
        ("Соус", 0, 2),
        ("Гарнір", 1, 1),
    ]
    assert burger.photo_url is not None and burger.photo_url.startswith(f"{BASE_URL}/upload/")
    assert all(item.refs["poster"] == item.id for item in menu.items())
    assert menu.category_of("175") is not None


@pytest.mark.anyio
async def test_each_spot_has_its_own_prices_and_visibility(connector: PosterConnector) -> None:
    """Borjomi 0,33 costs 45.00 in Podil and 48.00 in Pechersk; the burger shows in Podil only."""
    podil = await connector.fetch_menu(location=PODIL)
    pechersk = await connector.fetch_menu(location=PECHERSK)
    assert _item(pechersk.item("139")).variant("148") is not None
    assert _item(pechersk.item("139")).variant("148").price == Money(4800, "UAH")  # type: ignore[union-attr]
    assert _item(podil.item("172")).availability.visible
    assert not _item(pechersk.item("172")).availability.visible
    assert podil.version != pechersk.version


@pytest.mark.anyio
async def test_an_unchanged_menu_has_an_unchanged_version(connector: PosterConnector) -> None:
    """Two imports of the same Poster menu are equal, so publishing sends nothing."""
    first = await connector.fetch_menu(location=PODIL)
    second = await connector.fetch_menu(location=PODIL)
    assert first.version == second.version


@pytest.mark.anyio
async def test_fetch_item_sees_a_price_change_and_a_removal(
    connector: PosterConnector, sandbox: PosterSandbox
) -> None:
    """A product webhook's refresh reads the new price; a removed product is None."""
    ctx = sandbox.context(sandbox.world.accounts["api-demo"])
    cashier.edit_product(ctx, 172, 1, price=21000)
    sandbox.commit(ctx)
    refreshed = await connector.fetch_item("172", location=PODIL)
    assert refreshed is not None
    assert (refreshed.item.price, refreshed.category_id) == (Money(21000, "UAH"), "33")
    menu = await connector.fetch_menu(location=PODIL)
    assert menu.with_item(refreshed.item, refreshed.category_id).version == menu.version
    assert await connector.fetch_item("99999", location=PODIL) is None


@pytest.mark.anyio
async def test_fetch_locations_lists_spots_with_tables(connector: PosterConnector) -> None:
    """Both spots, their live tables with hall names, Kyiv time, hryvnias."""
    podil, pechersk = await connector.fetch_locations()
    assert (podil.external_id, podil.name, podil.timezone, podil.currency) == (
        "1",
        "Бріош на Подолі",
        "Europe/Kyiv",
        "UAH",
    )
    assert [t.external_id for t in podil.tables] == ["1", "2", "3", "4", "6"]
    assert {t.hall for t in pechersk.tables} == {"Зала на Печерську"}


@pytest.mark.anyio
async def test_product_extras_are_written_only_when_asked(
    connector: PosterConnector, sandbox: PosterSandbox, transport: object
) -> None:
    """``write_extras`` on: channel ids land in the product's extras; off: nothing."""
    menu = await connector.fetch_menu(location=PODIL)
    evian = _item(menu.item("138"))
    mapped = Item(
        id=evian.id, name=evian.name, price=evian.price, refs={"poster": "138", "wix": "w-1"}
    )
    assert await connector.write_product_extras([mapped]) == 0
    writer = PosterConnector.from_settings(settings(write_extras=True), transport=transport)  # type: ignore[arg-type]
    assert await writer.write_product_extras([mapped, evian]) == 1
    await writer.aclose()
    extras = sandbox.world.accounts["api-demo"].products[138].extras
    assert extras == {"orderbridge": {"wix": "w-1"}}
