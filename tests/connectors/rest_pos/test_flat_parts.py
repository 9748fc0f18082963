"""Variants, option groups and options a POS lists apart from its products (Kiosko's
``/sizes``, ``/option-groups``, ``/options``), joined to their owners by id through the
manifest: the imported menu and a refreshed item carry them like nested ones."""

from __future__ import annotations

import httpx
import pytest

from orderbridge.connectors.rest_pos import mapping
from orderbridge.connectors.rest_pos.loading import load_text
from orderbridge.ports import PermanentError
from tests.connectors.rest_pos.test_manifest import KIOSKO, problems
from tests.contract.kiosko.app import create_app, seeded
from tests.contract.kiosko.driver import CONNECTION, LOCATION
from tests.contract.support import closing, connector_for

pytestmark = pytest.mark.anyio
OPTIONS_SERVICE = (
    '[services.menu_options]\npath = "/api/v1/locations/{{ location.external_id }}/options"\n'
)


async def test_flat_lists_join_their_products_in_the_menu_and_in_one_item() -> None:
    fake = seeded()
    connector = connector_for(CONNECTION, httpx.ASGITransport(app=create_app(fake)), 1.0)
    try:
        menu = await connector.fetch_menu(location=LOCATION)
        refreshed = await connector.fetch_item("p-chips", location=LOCATION)
    finally:
        await closing(connector)
    cola, chips, nuts = (menu.item(i) for i in ("p-cola", "p-chips", "p-nuts"))
    assert cola is not None and chips is not None and nuts is not None
    assert [(v.id, v.name, v.price.amount) for v in cola.variants] == [
        ("s-cola-033", "0.33 l", 4500),
        ("s-cola-05", "0.5 l", 5500),
    ]
    [dip] = chips.modifier_groups
    assert (dip.id, dip.name, dip.min, dip.max) == ("g-dip", "Dip", 0, 2)
    assert [(m.id, m.price.amount) for m in dip.modifiers] == [
        ("o-salsa", 1000),
        ("o-cheese", 1200),
    ]
    assert [m.availability.in_stock for m in dip.modifiers] == [True, False]
    assert [g.id for g in nuts.modifier_groups] == ["g-dip"]  # one group, two products
    assert chips.variants == () and cola.modifier_groups == ()
    assert refreshed is not None and refreshed.item == chips


def test_a_listed_part_without_its_owner_fails_naming_the_path() -> None:
    manifest = load_text(KIOSKO)
    orphan = {"data": [{"id": "s-x", "attributes": {"label": "XL", "price_cents": 1}}]}
    with pytest.raises(PermanentError) as caught:
        mapping.parts(manifest, {"menu_variants": orphan})
    assert caught.value.code == "unexpected_response"
    assert "menu_variants has a record without attributes.product_id" in caught.value.reason


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[services.menu_variants]", "[services.menu_sizes]"), "services.menu_sizes"),
        (('item = "attributes.product_id"\n', ""), "menu.items.variants.item: a flat list"),
        ((OPTIONS_SERVICE, ""), "absolute records need services.menu_options"),
    ],
)
def test_flat_part_mistakes_are_refused(change: tuple[str, str], message: str) -> None:
    assert any(message in p for p in problems(KIOSKO.replace(*change, 1)))
