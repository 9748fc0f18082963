"""The demo account's prepacks and stock history: opening balances, supplies,
transfers, manual wastes, manufactures and inventory checks.

Ids the reference's examples use are pinned: prepacks 64, 65, 167, 177, 918 and 919,
dish 82 (with modifier 22), supplies 7, 46, 47, 48 (removed) and 51, transfers 2, 4, 7
and 16, wastes 1, 2, 56 and 60, manufactures 2, 4 and 7, inventory checks 1–3. Every
document is posted to the stock ledger (``stock_docs``) as the API would, so the
storage reports add up from the first call.
"""

from __future__ import annotations

from orderbridge.sandboxes.poster import stock_docs, stock_ledger
from orderbridge.sandboxes.poster.menu_builders import add_dish, recipe_row
from orderbridge.sandboxes.poster.methods.common import to_millis
from orderbridge.sandboxes.poster.state import Account, Product
from orderbridge.sandboxes.poster.state_stock import (
    EgaisPosition,
    Inventory,
    Manufacture,
    Moving,
    StockLine,
    StockMove,
    Supply,
    Waste,
)

OPENING = "2016-01-04 08:00:00"

# id, name, [(ingredient_id, name, unit, gross, net, cost)], yield in grams
_PREPACKS = [
    (
        167,
        "Курячий бульйон",
        [(88, "Курячі крильця", "kg", 200, 170, 1221), (89, "Сіль", "kg", 1, 1, 1)],
        171,
    ),
    (64, "Соус томатний", [(223, "Буряк", "kg", 50, 45, 150), (89, "Сіль", "kg", 2, 2, 2)], 47),
    (65, "Тісто для піци", [(89, "Сіль", "kg", 5, 5, 6), (202, "Вода", "l", 120, 120, 8)], 125),
    (918, "Соус для піци", [(229, "Моцарела", "kg", 20, 20, 506)], 20),
    (919, "Млинці", [(203, "Молоко 2,5%", "l", 150, 150, 585)], 150),
    (177, "Мариновані гриби", [(89, "Сіль", "kg", 3, 3, 4)], 3),
]


def _prepack(account: Account, product_id: int, name: str, rows: list, out: int) -> None:  # type: ignore[type-arg]
    recipe = [
        recipe_row(account.next_id("structure"), ing, ing_name, unit, gross, net, cost)
        for ing, ing_name, unit, gross, net, cost in rows
    ]
    recipe[0]["pr_in_cook"] = "1" if product_id == 167 else "0"
    if product_id in account.products:
        # A pinned id must not silently replace a café dish (it once hid the Negroni).
        raise ValueError(f"product {product_id} is seeded twice")
    account.products[product_id] = Product(
        product_id=product_id,
        product_name=name,
        type=1,
        cost=sum(int(r["structure_selfprice"]) for r in recipe),
        out=out,
        ingredients=recipe,
        workshop=2,
    )
    account.bump_counter("product", product_id)


def seed_prepacks(account: Account) -> None:
    """The prepacks and dish 82 (modifier 22) the reference's examples name."""
    for product_id, name, rows, out in _PREPACKS:
        _prepack(account, product_id, name, rows, out)
    shawarma = add_dish(
        account,
        82,
        "Шаурма з куркою",
        33,
        {1: 15500, 2: 16500},
        recipe=[(226, "Куряче філе", "kg", 150, 3255), (225, "Булочка бріош", "p", 1, 900)],
        groups=[("Соус до шаурми", 1, 1, 1, [("Часниковий", 0), ("Гострий", 500)])],
        fixed_ids={"Часниковий": 22},
    )
    shawarma.ingredients.append(
        recipe_row(account.next_id("structure"), 167, "Курячий бульйон", "kg", 50, 50, 357)
    )
    shawarma.ingredients[-1]["structure_type"] = "2"


def _lines(*items: tuple[str, int, float, float]) -> list[StockLine]:
    return [
        StockLine(
            kind="ingredient" if k == "i" else "product",
            item_id=i,
            num=n,
            price=p,
            type_code=4 if k == "i" else 1,
        )
        for k, i, n, p in items
    ]


def _opening(account: Account) -> None:
    """Today's levels become opening moves, so levels and ledger agree."""
    time = to_millis(account, OPENING)
    moves = []
    for ingredient in account.ingredients.values():
        for storage_id, qty in ingredient.left.items():
            moves.append(
                StockMove(
                    move_id=0,
                    time=time,
                    storage_id=storage_id,
                    doc="opening",
                    kind="ingredient",
                    item_id=ingredient.ingredient_id,
                    qty=qty,
                    cost=round(qty * ingredient.cost, 2),
                )
            )
        ingredient.left = dict.fromkeys(ingredient.left, 0.0)
    for product in account.products.values():
        for storage_id, qty in product.stock.items():
            moves.append(
                StockMove(
                    move_id=0,
                    time=time,
                    storage_id=storage_id,
                    doc="opening",
                    kind="product",
                    item_id=product.product_id,
                    qty=qty,
                    cost=qty * product.cost,
                )
            )
        product.stock = dict.fromkeys(product.stock, 0.0)
    stock_ledger.add_moves(account, moves)


def seed_documents(account: Account) -> None:
    """Opening balances, then the documents, each posted to the ledger."""
    _opening(account)
    docs: list[stock_docs.Document] = [
        Supply(
            supply_id=46,
            storage_id=1,
            supplier_id=1,
            date="2017-05-18 09:07:00",
            lines=_lines(("i", 201, 3, 48000), ("i", 210, 2.5, 70000)),
        ),
        Supply(
            supply_id=47,
            storage_id=1,
            supplier_id=1,
            date="2017-05-18 09:11:00",
            lines=_lines(("i", 203, 30, 3800), ("i", 225, 40, 900)),
        ),
        Supply(
            supply_id=48,
            storage_id=1,
            supplier_id=1,
            date="2017-11-17 08:09:33",
            lines=_lines(("p", 138, 3, 600)),
            deleted=True,
        ),
        Supply(
            supply_id=51,
            storage_id=1,
            supplier_id=2,
            date="2017-11-20 10:00:00",
            lines=_lines(("p", 138, 24, 650), ("i", 91, 2, 52000)),
        ),
        Supply(
            supply_id=7,
            storage_id=2,
            supplier_id=3,
            date="2017-11-25 09:30:00",
            lines=_lines(("i", 814, 20, 1800), ("i", 816, 10, 4500)),
        ),
        Moving(
            moving_id=2,
            date="2016-10-30 12:40:00",
            from_storage=1,
            to_storage=2,
            user_id=7,
            lines=_lines(("p", 138, 10, 708), ("i", 91, 1, 5223)),
        ),
        Moving(
            moving_id=4,
            date="2017-11-16 21:34:00",
            from_storage=1,
            to_storage=2,
            user_id=7,
            lines=_lines(("i", 201, 0.5, 50000), ("i", 203, 5, 3900)),
        ),
        Moving(
            moving_id=7,
            date="2017-11-18 20:00:00",
            from_storage=2,
            to_storage=1,
            user_id=7,
            lines=_lines(("i", 89, 1, 1200)),
        ),
        Moving(
            moving_id=16,
            date="2017-11-22 19:10:00",
            from_storage=1,
            to_storage=2,
            user_id=7,
            lines=_lines(("p", 138, 3, 600)),
        ),
        Waste(
            waste_id=1,
            storage_id=1,
            date="2017-04-26 14:30:02",
            user_id=1,
            reason_id=1,
            lines=_lines(("p", 138, 2, 654), ("i", 74, 1, 9000)),
        ),
        Waste(
            waste_id=2,
            storage_id=1,
            date="2017-04-26 15:21:12",
            user_id=1,
            reason_id=2,
            lines=_lines(("i", 73, 0.5, 16000)),
            deleted=True,
        ),
        Waste(
            waste_id=56,
            storage_id=1,
            date="2017-11-10 22:00:00",
            user_id=3,
            reason_id=1,
            lines=_lines(("i", 203, 2, 3900)),
        ),
        Waste(
            waste_id=60,
            storage_id=2,
            date="2017-11-12 22:00:00",
            user_id=3,
            reason_id=1,
            lines=_lines(("i", 73, 0.4, 16000)),
        ),
        Manufacture(
            manufacture_id=2,
            storage_id=1,
            date="2016-12-26 14:44:00",
            user_id=4,
            lines=_lines(("p", 167, 1, 0)),
        ),
        Manufacture(
            manufacture_id=4,
            storage_id=1,
            date="2016-12-26 14:45:00",
            user_id=4,
            lines=_lines(("p", 64, 3, 0), ("p", 65, 2, 0)),
        ),
        Manufacture(
            manufacture_id=7,
            storage_id=1,
            date="2016-12-21 12:12:54",
            user_id=4,
            lines=_lines(("p", 64, 3, 0), ("p", 65, 25, 0)),
        ),
    ]
    # storage.getManufacturesWriteOffs' example pages through 11 manufactures of a day.
    for n in range(11):
        docs.append(
            Manufacture(manufacture_id=8 + n, storage_id=1 + n % 2, user_id=3,
                        date=f"2017-11-30 {8 + n // 2:02d}:{(n % 2) * 30:02d}:00",
                        lines=_lines(("p", (64, 65, 167, 919)[n % 4], 1 + n % 3, 0)))
        )  # fmt: skip
    for doc in docs:
        if isinstance(doc, Manufacture):
            for line in doc.lines:
                line.type_code = 1 if account.products[line.item_id].type == 1 else 2
        stock_docs.save(account, doc)
    for inventory_id, start, end, total in (
        (1, "2013-08-09 16:30:13", "2015-02-05 13:10:26", -21236),
        (2, "2015-02-05 13:10:26", "2015-08-12 19:07:08", 104384),
        (3, "2015-08-12 19:07:08", "2017-05-18 09:10:31", 8718756),
    ):
        account.inventories[inventory_id] = Inventory(
            inventory_id=inventory_id,
            storage_id=1,
            date_start=start,
            date_end=end,
            date_inventory=end if inventory_id == 3 else "0000-00-00 00:00:00",
            sum=total,
        )
    account.bump_counter("inventory", 3)
    account.egais_positions = [
        EgaisPosition(
            egais_supply_position_id=1190 + n,
            egais_supply_entity_id=n % 3 + 1,
            egais_supply_id=n // 3 + 1,
            pdf=f"19N00000000000GBE5104A1309090052244141011104020215019325183103512{30 + n}",
            status=1 if n % 4 else 3,
            last_modified_time=1544010200 + n * 11,
        )
        for n in range(8)
    ]
