"""``/api/v1/admin/locations``: a tenant's locations as its operator sees them (links,
published menu) and the settings it changes (name, timezone, price policy) — only what
the body names, each refusal a 4xx naming the field, another tenant's location 404."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.admin.setup_support import CONNECTIONS, Setup
from tests.integration.support.api import error_of

LOCATIONS = "/api/v1/admin/locations"


def _connected(setup: Setup) -> dict[str, Any]:
    answer = setup.admin.post(CONNECTIONS, json=setup.poster_body())
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_location_shows_its_links_and_changes_only_what_is_named(setup: Setup) -> None:
    connection = _connected(setup)
    podil = connection["locations"][0]["location_id"]
    read = setup.admin.get(f"{LOCATIONS}/{podil}").json()
    assert (read["name"], read["timezone"], read["price_policy"]) == (
        "Бріош на Подолі",
        "Europe/Kyiv",
        "menu",
    )
    assert read["links"] == [
        {"connection_id": connection["id"], "kind": "poster", "role": "pos", "external_id": "1"}
    ]
    changed = setup.admin.patch(f"{LOCATIONS}/{podil}", json={"price_policy": "strict"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["price_policy"]) == ("Бріош на Подолі", "strict")
    renamed = setup.admin.patch(
        f"{LOCATIONS}/{podil}", json={"name": "Podil", "timezone": "Europe/Warsaw"}
    ).json()
    assert (renamed["name"], renamed["timezone"], renamed["price_policy"]) == (
        "Podil",
        "Europe/Warsaw",
        "strict",
    )
    listed = setup.admin.get(LOCATIONS).json()["locations"]
    assert sorted(x["name"] for x in listed) == ["Brioche Pechersk", "Podil"]
    # The storefront API sees the new name too.
    storefront = setup.storefront.get(f"/api/v1/locations/{podil}").json()
    assert storefront["name"] == "Podil"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "invalid_timezone", "timezone"),
        ({"price_policy": "cheapest"}, "invalid_value", "price_policy"),
        ({"name": ""}, "value_out_of_range", "name"),
        ({"name": "x" * 201}, "value_out_of_range", "name"),
        ({"colour": "red"}, "unknown_field", "colour"),
    ],
)
def test_bad_settings_are_422_and_change_nothing(
    setup: Setup, body: dict[str, Any], code: str, field: str
) -> None:
    podil = _connected(setup)["locations"][0]["location_id"]
    before = setup.admin.get(f"{LOCATIONS}/{podil}").json()
    answer = setup.admin.patch(f"{LOCATIONS}/{podil}", json=body)
    assert error_of(answer)[0] == 422, answer.text
    assert error_of(answer)[2] == field, answer.text
    assert code in answer.text
    assert setup.admin.get(f"{LOCATIONS}/{podil}").json() == before


def test_another_tenants_location_is_404(setup: Setup) -> None:
    podil = _connected(setup)["locations"][0]["location_id"]
    for answer in (
        setup.other_admin.get(f"{LOCATIONS}/{podil}"),
        setup.other_admin.patch(f"{LOCATIONS}/{podil}", json={"name": "Mine"}),
        setup.admin.get(f"{LOCATIONS}/loc_nope"),
    ):
        assert error_of(answer)[:2] == (404, "unknown_location"), answer.text
    assert setup.admin.get(f"{LOCATIONS}/{podil}").json()["name"] == "Бріош на Подолі"
    assert setup.other_admin.get(LOCATIONS).json()["locations"] == []
