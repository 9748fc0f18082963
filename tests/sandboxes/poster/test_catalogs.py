"""Settings, spots, staff, customer groups, stations, ingredients and prepacks: what
the reference says they do beyond the shape of their examples."""

from __future__ import annotations

from typing import Any

import pytest

from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from tests.sandboxes.poster.reference.replay import fresh_sandbox

TOKEN = "687409:4164553abf6a031302898da7800b59fb"


@pytest.fixture
def sandbox() -> PosterSandbox:
    return fresh_sandbox()


def call(sandbox: PosterSandbox, method: str, **params: Any) -> Any:
    return sandbox.call(method, TOKEN, params)


def error(sandbox: PosterSandbox, method: str, **params: Any) -> int:
    with pytest.raises(PosterError) as caught:
        call(sandbox, method, **params)
    return caught.value.code


def test_settings_answer_every_documented_key_and_change(sandbox: PosterSandbox) -> None:
    settings = call(sandbox, "settings.getAllSettings")
    assert len(settings) == 24 and settings["COMPANY_ID"] == "api-demo"
    assert settings["currency"]["currency_code"] == "грн."
    assert settings["currency"]["currency_code_iso"] == "UAH"
    assert settings["timezones"] == "Europe/Kyiv" and settings["lang"] == "ua"
    assert call(sandbox, "settings.changeSettings", uses_taxes=1, timezones="Europe/Warsaw")
    changed = call(sandbox, "settings.getAllSettings")
    assert (changed["uses_taxes"], changed["timezones"]) == (1, "Europe/Warsaw")
    assert error(sandbox, "settings.changeSettings", timezones="Mars/Olympus") == 400
    assert error(sandbox, "settings.changeSettings", uses_taxes=2) == 400


def test_spots_come_with_their_storages_and_a_new_spot_gets_one(sandbox: PosterSandbox) -> None:
    spots = call(sandbox, "access.getSpots")
    assert [[s["storage_id"] for s in spot["storages"]] for spot in spots] == [[1], [2]]
    spot_id = call(sandbox, "access.createSpot", spot_name="Бріош на Оболоні")
    new = next(s for s in call(sandbox, "access.getSpots") if s["spot_id"] == str(spot_id))
    assert new["storages"][0]["storage_name"] == "Склад Бріош на Оболоні"
    assert call(sandbox, "access.removeSpot", spot_id=spot_id)
    assert str(spot_id) not in {s["spot_id"] for s in call(sandbox, "access.getSpots")}


def test_staff_and_registers(sandbox: PosterSandbox) -> None:
    user_id = call(sandbox, "access.createEmployee", name="Ірина", user_type=0, login="ira@x.ua")
    assert error(sandbox, "access.createEmployee", name="Інша", user_type=0, login="ira@x.ua") == 38
    assert error(sandbox, "access.createEmployee", name="Власник", user_type=90) == 400
    staff = {e["user_id"]: e for e in call(sandbox, "access.getEmployees")}
    assert staff[user_id]["role_name"] == "Waiter" and "pass" not in staff[user_id]
    tablet = call(sandbox, "access.createTablet", spot_id=2, spot_tablet_name="Бар")
    assert {"tablet_id": str(tablet), "tablet_name": "Бар", "spot_id": "2"} in call(
        sandbox, "access.getTablets"
    )
    assert error(sandbox, "access.createTablet", spot_id=9, spot_tablet_name="X") == 32


def test_customer_groups_and_points(sandbox: PosterSandbox) -> None:
    group = call(sandbox, "clients.createGroup", client_groups_name="VIP", loyalty_type=1)
    client = call(
        sandbox, "clients.createClient", client_name="Левченко Ніна", client_groups_id_client=group
    )
    assert call(sandbox, "clients.getGroup", group_id=group)["count_groups_clients"] == "1"
    assert call(sandbox, "clients.changeClientBonus", client_id=client, count=500) == 500
    assert error(sandbox, "clients.changeClientBonus", client_id=client, count=-501) == 400
    assert error(sandbox, "clients.changeClientBonus", client_id=38, count=1) == 153  # discounts
    assert call(sandbox, "clients.updateClient", client_id=client, phone="+380 50 000 11 22")
    assert error(sandbox, "clients.updateClient", client_id=38, phone="+380500001122") == 99
    assert call(sandbox, "clients.removeClient", client_id=client)
    assert error(sandbox, "clients.getClient", client_id=client) == 32
    assert call(sandbox, "clients.sendSms", phone="380671234567", message="Привіт")
    assert error(sandbox, "clients.sendSms", phone="+380671234567", message="Привіт") == 400


def test_stations_ingredients_and_prepacks(sandbox: PosterSandbox) -> None:
    assert call(sandbox, "menu.updateWorkshop", workshop_id=5, workshop_name="Гриль") == 5
    assert call(sandbox, "menu.getWorkshop", workshop_id=5)["workshop_name"] == "Гриль"
    ingredient = call(
        sandbox, "menu.createIngredient", ingredient_name="Лайм", category_id=4, type="p"
    )
    removed = call(sandbox, "menu.removeCategoryIngredients", category_id=4, with_ingredients=1)
    assert removed.body == {"success": "successful delete category"}
    assert error(sandbox, "menu.getIngredient", ingredient_id=ingredient) == 32
    assert error(sandbox, "menu.updateIngredient", id=201, ingredient_name="Кава", type="l") == 153
    prepack = call(
        sandbox,
        "menu.createPrepack",
        product_name="Соус песто",
        ingredient=[{"id": 89, "type": 1, "brutto": 10, "netto": 10}],
    )
    got = call(sandbox, "menu.getPrepack", product_id=prepack)
    assert (got["out"], got["ingredients"][0]["ingredient_name"]) == (10, "Сіль")
    assert error(sandbox, "menu.createPrepack", product_name="соус ПЕСТО", ingredient=[]) == 38
    unknown = [{"id": 99999, "type": 1, "brutto": 1}]
    assert error(sandbox, "menu.createPrepack", product_name="X", ingredient=unknown) == 32
    listed = {p["product_id"] for p in call(sandbox, "menu.getProducts")}
    assert str(prepack) not in listed  # prepacks are not for sale
