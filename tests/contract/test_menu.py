"""The menu: imported whole, and one item re-read after the POS changes it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.contract.support import Driver

pytestmark = pytest.mark.anyio


async def test_the_whole_menu_is_imported_in_the_location_currency(pos: Driver) -> None:
    menu = await pos.connector.fetch_menu(location=pos.location)
    assert menu.location_id == pos.location.location_id and menu.currency == "UAH"
    assert any(c.items for c in menu.categories)
    item = menu.item(pos.item_id)
    assert item is not None and item.price.amount > 0 and item.price.currency == "UAH"
    assert len({i.id for i in menu.items()}) == len(list(menu.items()))


async def test_one_changed_item_is_read_again(pos: Driver) -> None:
    before = (await pos.connector.fetch_menu(location=pos.location)).item(pos.item_id)
    assert before is not None
    new_price = before.price.amount + 1000
    await pos.change_item(price=new_price, available=False)
    if pos.connector.capabilities.menu_item_refresh:
        found = await pos.connector.fetch_item(pos.item_id, location=pos.location)
        assert found is not None and found.category_id
        item = found.item
    else:
        item = (await pos.connector.fetch_menu(location=pos.location)).item(pos.item_id)
    assert item is not None and item.price.amount == new_price
    assert not item.availability.is_available_at(datetime.now(UTC))
