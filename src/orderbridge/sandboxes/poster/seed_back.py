"""The demo account's back of house: staff, registers, customer groups, storages,
stations, ingredients, suppliers, packs, taxes and money accounts.

Ids the reference's examples use are pinned: employees 1, 3, 9 and 15 (transactions.*,
finance.*, access.getEmployees), registers 1 and 2, customer groups 1 (the
introduction's example), 2, 3, 5, 6 and 7, ingredient categories 1–4,
stations 1–5, ingredients 73, 74, 88, 89, 91, 811, 813–816 and 820, packs 4 and 5,
taxes 3 …; the
rest completes a believable café. ``ensure_recipe_ingredients`` gives every ingredient
a recipe names an entry, so stock can be written off whatever the menu.
"""

from __future__ import annotations

from orderbridge.sandboxes.poster.state import Account
from orderbridge.sandboxes.poster.state_finance import FinanceAccount, FinanceCategory, Tax
from orderbridge.sandboxes.poster.state_people import ClientGroup, Employee, Tablet
from orderbridge.sandboxes.poster.state_stock import (
    Ingredient,
    IngredientCategory,
    Pack,
    Storage,
    Supplier,
    WasteReason,
    Workshop,
)

# user_id, name, user_type, last login
_EMPLOYEES = [
    (1, "Анна Коваль", 0, "2018-02-17 09:02:11"),
    (2, "Максим Гончар", 0, "2017-11-30 09:15:40"),
    (3, "Семен Тік", 1, "2017-11-30 08:55:03"),
    (4, "Poster", 90, "2018-03-22 10:00:00"),  # the OAuth example's installing user
    (6, "Антон Лисенко", 0, "2017-11-29 17:20:00"),
    (7, "Володимир Іванов", 3, "2017-11-16 21:30:00"),
    (9, "John Doe", 0, "2017-03-07 14:03:03"),
    (15, "Олег Марченко", 2, "2017-11-28 10:40:00"),  # access.updateEmployee's example
]
# id, name, loyalty_type, discount %, birthday bonus (kopecks)
_GROUPS = [
    (1, "Favourite customer", 1, 10, 5000),
    (2, "Скидка Выходной", 1, 15, 0),
    (3, "Накопительная скидка", 1, 0, 0),
    (5, "Everyday guest", 2, 5, 0),
    (6, "Постійний відвідувач", 1, 10, 5000),
    (7, "Постоянный клиент", 2, 0, 0),
]
# id, name, category, unit, cost (kopecks per unit), left per storage (1, 2)
_INGREDIENTS: list[tuple[int, str, int, str, float, tuple[float, float]]] = [
    (73, "Авокадо", 4, "kg", 16000, (22, 8)),
    (74, "Айсберг", 1, "kg", 9000, (12, 5)),
    (88, "Курячі крильця", 2, "kg", 7200, (18, 0)),
    (89, "Сіль", 0, "kg", 1200, (10, 3)),
    (91, "Jack Daniels", 3, "l", 52200, (4.5, 2)),
    (92, "Червоний вермут", 3, "l", 34000, (3, 1.5)),
    (93, "Aperol", 3, "l", 41600, (3, 3)),
    (94, "Просекко", 3, "l", 33300, (6, 6)),
    (95, "Ром Bacardi", 3, "l", 36000, (2, 2)),
    (96, "М'ята", 1, "kg", 20000, (0.5, 0.5)),
    (97, "Джин", 3, "l", 50000, (2, 1)),
    (201, "Кава зернова", 6, "kg", 50000, (8, 5)),
    (202, "Вода", 0, "l", 66, (200, 150)),
    (203, "Молоко 2,5%", 5, "l", 3900, (40, 30)),
    (210, "Чай листовий", 6, "kg", 50000, (2, 1)),
    (220, "Сир кисломолочний", 5, "kg", 17800, (9, 4)),
    (221, "Сьомга", 7, "kg", 90000, (6, 3)),
    (222, "Форель", 7, "kg", 46700, (5, 2)),
    (223, "Буряк", 1, "kg", 3000, (20, 10)),
    (224, "Яловичина", 2, "kg", 35000, (12, 6)),
    (225, "Булочка бріош", 8, "p", 900, (60, 40)),
    (226, "Куряче філе", 2, "kg", 21700, (10, 5)),
    (227, "Фета", 5, "kg", 38000, (4, 2)),
    (228, "Тунець", 7, "kg", 65000, (3, 2)),
    (229, "Моцарела", 5, "kg", 25300, (8, 4)),
    (230, "Краб", 7, "kg", 60000, (2, 1)),
    (231, "Вино червоне", 3, "l", 12000, (12, 6)),
    (811, "Полуниця", 4, "p", 1500, (50, 20)),
    (813, "Тютюн Darkside", 8, "kg", 200000, (1, 0.5)),
    (814, "Картопля", 1, "kg", 1800, (40, 20)),
    (815, "Котлета яловича", 2, "kg", 30000, (8, 4)),
    (816, "Апельсин", 4, "kg", 4500, (15, 8)),
    (820, "Грейпфрут", 4, "kg", 6000, (10, 5)),
]


def seed_people(account: Account) -> None:
    """Employees, registers (one per spot) and customer groups."""
    for user_id, name, user_type, last_in in _EMPLOYEES:
        account.employees[user_id] = Employee(
            user_id=user_id, name=name, user_type=user_type, last_in=last_in
        )
    for spot in account.spots.values():
        account.tablets[spot.spot_id] = Tablet(
            tablet_id=spot.spot_id, tablet_name=f"Каса: {spot.spot_name}", spot_id=spot.spot_id
        )
    for group_id, name, loyalty, discount, bonus in _GROUPS:
        account.client_groups[group_id] = ClientGroup(
            client_groups_id=group_id,
            client_groups_name=name,
            loyalty_type=loyalty,
            client_groups_discount=discount,
            birthday_bonus=bonus,
        )
    account.bump_counter("employee", 15)
    account.bump_counter("tablet", max(account.tablets, default=0))
    account.bump_counter("client_group", 7)


def seed_storage(account: Account) -> None:
    """A storage per spot, stations, ingredients with stock, suppliers, packs, reasons."""
    for spot in account.spots.values():
        account.storages[spot.storage_id] = Storage(
            storage_id=spot.storage_id,
            storage_name=f"Склад: {spot.spot_name}",
            storage_adress=spot.spot_adress,
            spot_id=spot.spot_id,
        )
    account.bump_counter("storage", max(account.storages, default=0))
    stations = ("Бар", "Кухня", "Кондитерська", "Кальян", "Мангал")
    for workshop_id, name in enumerate(stations, start=1):
        account.workshops[workshop_id] = Workshop(workshop_id=workshop_id, workshop_name=name)
    account.bump_counter("workshop", len(stations))
    categories = ["Овочі", "М'ясо", "Алкоголь", "Фрукти", "Молочне", "Кава і чай", "Риба"]
    for category_id, name in enumerate([*categories, "Бакалія"], start=1):
        account.ingredient_categories[category_id] = IngredientCategory(
            category_id=category_id, name=name
        )
    account.ingredient_categories[3].id_1c = "b80ffc81-0fc9-11e7-9ab4-ace01035e460"
    account.bump_counter("ingredient_category", 8)
    storages = sorted(account.storages)
    for ing_id, name, category, unit, cost, left in _INGREDIENTS:
        account.ingredients[ing_id] = Ingredient(
            ingredient_id=ing_id,
            ingredient_name=name,
            category_id=category,
            unit=unit,
            cost=cost,
            weight=150 if unit == "p" else 0,
            losses={"clear": 11} if ing_id == 73 else {},
            left=dict(zip(storages, left, strict=False)),
        )
    account.ingredients[91].id_1c = "d70b49a7-0097-11e6-9c83-028037ec0200"
    account.bump_counter("ingredient", 820)
    for supplier_id, name, phone, address in (
        (1, "Закупівельник", "+380 44 555 55 55", ""),
        (2, "Напої Іван", "0956734678", "вул. Лісова, 3"),
        (3, "Овочі Іван", "0987658943", "вул. Байкальська, 8"),
    ):
        account.suppliers[supplier_id] = Supplier(
            supplier_id=supplier_id,
            supplier_name=name,
            supplier_phone=phone,
            supplier_adress=address,
        )
    account.bump_counter("supplier", 3)
    for pack in (
        Pack(pack_id=1, unit="p"),
        Pack(pack_id=2, unit="l"),
        Pack(pack_id=3, unit="kg"),
        Pack(pack_id=4, name="Пачка кави 1 кг", unit="kg", count=1, type=1),
        Pack(pack_id=5, name="Пак молока", unit="p", count=20, type=1),
        Pack(pack_id=6, name="Вода 20 л", unit="l", count=20, type=1),
    ):
        account.packs[pack.pack_id] = pack
    for reason_id, name in ((1, "Минув термін придатності"), (2, "Зіпсовано")):
        account.waste_reasons[reason_id] = WasteReason(reason_id=reason_id, name=name)


def seed_money(account: Account) -> None:
    """Taxes, finance accounts and finance categories."""
    for tax in (
        Tax(tax_id=2, tax_name="ПДВ", tax_value=20, type=3, fiscal=1),
        Tax(tax_id=3, tax_name="Податок з обороту", tax_value=5, type=2, fiscal=1),
        Tax(tax_id=4, tax_name="Акциз", tax_value=5, type=1, fiscal=1),
    ):
        account.taxes[tax.tax_id] = tax
    account.bump_counter("tax", 4)
    for acc in (
        FinanceAccount(account_id=1, name="Готівка в закладі", type=3, balance_start=2_000_000),
        FinanceAccount(account_id=2, name="Рахунок ФОП", type=1, balance_start=790_000),
        FinanceAccount(account_id=3, name="Сейф", type=3, balance_start=6_500_000),
    ):
        account.finance_accounts[acc.account_id] = acc
    account.bump_counter("finance_account", 3)
    for category_id, name, operations, action in (
        (1, "Перекази", 3, 1),
        (2, "Касові зміни", 3, 11),
        (3, "Постачання", 2, 12),
        (4, "Господарські витрати", 2, 0),
        (5, "Зарплата", 2, 0),
        (7, "Актуалізація", 3, 14),
        (8, "Банківські послуги", 3, 15),
        (13, "Комунальні послуги", 2, 0),
    ):
        account.finance_categories[category_id] = FinanceCategory(
            category_id=category_id, name=name, operations=operations, action=action
        )
    account.bump_counter("finance_category", 13)


def ensure_recipe_ingredients(account: Account) -> None:
    """Every ingredient a recipe names exists: missing ones are made from the recipe
    line (its name and unit; its cost per unit from the line's cost and weight)."""
    for product in account.products.values():
        for row in product.ingredients:
            ing_id = int(row["ingredient_id"])
            if ing_id in account.ingredients or row.get("structure_type", "1") != "1":
                continue
            unit = str(row.get("ingredient_unit") or row.get("structure_unit") or "kg")
            qty = float(row.get("structure_brutto") or 0)
            per_unit = qty / 1000 if unit in ("kg", "l") else qty
            cost = float(row.get("structure_selfprice") or 0)
            account.ingredients[ing_id] = Ingredient(
                ingredient_id=ing_id,
                ingredient_name=str(row.get("ingredient_name") or f"Інгредієнт {ing_id}"),
                unit=unit,
                cost=round(cost / per_unit, 2) if per_unit else 0,
            )
    account.bump_counter("ingredient", max(account.ingredients, default=0))
