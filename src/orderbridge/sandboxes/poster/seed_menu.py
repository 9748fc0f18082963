"""The demo café's menu, holding every menu entity the reference's examples name.

Ids the examples use are pinned (category 15 "Вода" with Evian 138 and Borjomi 139
and its modification 147, juices 140/142, Manhattan Jack 175 in "Коктейли" 39, dish
171 for updateDish, 925 for removeDish, 48 for removeProduct, 57 with modifications 1
and 2 for updateProduct, 169/168/113/112/161/162/908 from the orders and transactions
examples, categories 30, 34, 52 and 151 …); the rest fills out a believable Kyiv café
across two spots, with prices, visibility and stock that differ between them.
"""

from __future__ import annotations

from orderbridge.sandboxes.poster.menu_builders import add_dish, add_product
from orderbridge.sandboxes.poster.menu_generator import generate_menu
from orderbridge.sandboxes.poster.state import Account, Category

__all__ = ["generate_menu", "seed_cafe_menu"]

# (id, name, parent, colour, tag, sort_order)
_CATEGORIES = [
    (2, "Sushi rolls", 0, "white", "sushi", 9),
    (10, "Кава", 0, "orange", "coffee", 1),
    (11, "Чай", 0, "green", "tea", 2),
    (12, "Випічка", 0, "yellow", "bakery", 4),
    (15, "Вода", 0, "blue", "water", 5),
    (16, "Свежевыжатые соки", 0, "orange", "juice", 6),
    (30, "Бар", 0, "yellow", "alco", 3),
    (39, "Коктейли", 30, "purple", "alco", 1),
    (31, "Салати", 0, "lime green", "salad", 7),
    (33, "Другі страви", 0, "red", "main", 8),
    (34, "Піца", 0, "red", "pizza", 10),
    (37, "Торти", 0, "pink", "dessert", 11),
    (52, "Сезонне меню", 0, "mint blue", "", 12),
    (151, "Кальяни", 0, "black", "hookah", 13),
]

_MILK = ("Молоко", 1, 1, 1, [("Коров'яче", 0), ("Вівсяне", 1500), ("Мигдалеве", 1800)])
_SYRUP = ("Сироп", 2, 0, 2, [("Ваніль", 1000), ("Карамель", 1000), ("Кокос", 1200)])
_SAUCE = ("Соус", 2, 0, 2, [("BBQ", 1500), ("Сирний", 1500), ("Часниковий", 1200)])
_BOWL = (
    "Чаша",
    1,
    1,
    1,
    [("Класична чаша", 0), ("Грейпфрутова чаша", 15000), ("Ананасова чаша", 20000)],
)
_CRUST = ("Борт", 2, 0, 1, [("Сирний борт", 4500), ("Хот-дог борт", 5000)])
_SIDE = ("Гарнір", 1, 1, 1, [("Рис басматі", 0), ("Овочі гриль", 3000), ("Картопля фрі", 2500)])
_COFFEE = [(201, "Кава зернова", "kg", 18, 900), (202, "Вода", "l", 150, 10)]
_MILKY = [*_COFFEE, (203, "Молоко 2,5%", "l", 180, 700)]


def _categories(account: Account) -> None:
    for cid, name, parent, colour, tag, order in _CATEGORIES:
        account.categories[cid] = Category(
            category_id=cid,
            category_name=name,
            parent_category=parent,
            category_color=colour,
            category_tag=tag,
            sort_order=order,
            category_photo=f"/upload/pos_cdb_{account.account_number}/menu/category_{cid}.jpg",
        )
        account.bump_counter("category", cid)
    bar = account.categories[30]
    bar.tax_id, bar.id_1c = 2, "9c68dbc9-b255-11e6-9a8f-ace01035e460"
    account.categories[30].category_photo = ""  # the getCategory example has none


def _drinks(account: Account) -> None:
    add_product(
        account,
        138,
        "Evian",
        15,
        19000,
        cost=654,
        workshop=3,
        ingredient_id=8,
        photo=True,
        stock={1: 48, 2: 24},
    )
    evian = account.products[138]
    evian.photo = "/upload/4/menu/product_1403094497_138.jpg"
    evian.photo_origin = "/upload/4/menu/product_1403094497_138_original.jpg"
    add_product(
        account,
        139,
        "Borjomi",
        15,
        0,
        cost=100,
        barcode="4820098749621",
        product_tax_id=2,
        variant_cost=0,
        ingredient_id=9,
        variants=[
            (147, "Сок яблочный для кальяна ", 68100),
            (148, "Скляна пляшка 0,33 л", {1: 4500, 2: 4800}),
        ],
    )
    borjomi = account.products[139]
    borjomi.photo = "/upload/4/menu/product_1403094564_139.jpg"
    borjomi.photo_origin = "/upload/4/menu/product_1403094564_139_original.jpg"
    add_product(
        account, 150, "Coca-Cola 0,33 л", 15, {1: 3500, 2: 3800}, cost=1400, barcode="5449000000996"
    )
    add_product(account, 151, "Моршинська негазована 0,5 л", 15, 2800, cost=900)
    add_product(
        account,
        140,
        "Апельсиновый",
        16,
        40000,
        cost=1880,
        workshop=4,
        sort_order=1,
        ingredient_id=10,
    )
    account.products[140].photo = "/upload/4/menu/product_1403094607_140.jpg"
    add_product(account, 141, "Яблучний", 16, 35000, cost=1500, workshop=4, hidden_at=[2])
    add_product(
        account,
        142,
        "Грейпфрутовый",
        16,
        {1: 42000, 2: 44000},
        cost=2100,
        workshop=4,
        sort_order=2,
        ingredient_id=11,
    )
    add_product(account, 143, "Морквяний", 16, 33000, cost=1200, workshop=4, photo=False)
    add_product(
        account,
        160,
        "Лимонад маракуя",
        16,
        0,
        cost=1800,
        variants=[(149, "0,4 л", 8500), (150, "1 л", {1: 16500, 2: 17500})],
    )
    add_product(
        account,
        57,
        "Імбирний чай",
        11,
        0,
        cost=1200,
        variants=[(1, "0,5 л", {1: 6500, 2: 6900}), (2, "1 л", {1: 11000, 2: 11500})],
    )
    add_product(account, 58, "Чай чорний з чебрецем 360 мл", 11, 4500, cost=500)
    add_product(account, 59, "Flower tea 360ml", 11, 4800, cost=600, hidden_at=[1])
    tea = [(210, "Чай листовий", "kg", 6, 300), (202, "Вода", "l", 360, 10)]
    add_dish(account, 60, "Матча лате", 11, {1: 9500, 2: 9900}, recipe=tea, groups=[_MILK])
    add_dish(account, 113, "Американо", 10, {1: 4500, 2: 5000}, recipe=_COFFEE, groups=[_SYRUP])
    add_dish(
        account, 114, "Капучино", 10, {1: 6000, 2: 6500}, recipe=_MILKY, groups=[_MILK, _SYRUP]
    )
    add_dish(account, 115, "Лате", 10, {1: 6500, 2: 7000}, recipe=_MILKY, groups=[_MILK, _SYRUP])
    add_dish(account, 116, "Флет вайт", 10, 7000, recipe=_MILKY, hidden_at=[2])
    add_dish(account, 117, "Espresso", 10, {1: 4000, 2: 4200}, recipe=_COFFEE[:1])
    add_dish(account, 118, "Раф лавандовий", 10, 8500, recipe=_MILKY, hidden=1)


def _bar(account: Account) -> None:
    manhattan = add_dish(
        account,
        175,
        "Manhattan Jack",
        39,
        60000,
        barcode="123456",
        cost=444,
        unit="kg",
        out=97,
        recipe=[(92, "Красный вермут", "l", 30, 102), (91, "Jack Daniels", "l", 60, 313)],
    )
    manhattan.ingredients[0]["structure_id"], manhattan.ingredients[1]["structure_id"] = "52", "53"
    manhattan.photo = "/upload/pos_cdb_4/menu/product_1439375876_175.jpg"
    manhattan.photo_origin = ""
    rum = [(95, "Ром Bacardi", "l", 50, 1800), (96, "М'ята", "kg", 10, 200)]
    add_dish(
        account,
        176,
        "Aperol Spritz",
        39,
        {1: 22000, 2: 24000},
        recipe=[(93, "Aperol", "l", 60, 2500), (94, "Просекко", "l", 90, 3000)],
    )
    add_dish(
        account, 179, "Негроні", 39, 24000, recipe=[(97, "Джин", "l", 30, 1500)], hidden_at=[1]
    )
    add_dish(
        account,
        178,
        "Mojito",
        39,
        {1: 19000, 2: 21000},
        recipe=rum,
        groups=[("Міцність", 1, 1, 1, [("Класичний", 0), ("Подвійний ром", 6000)])],
    )
    add_dish(
        account,
        925,
        "Кальян класичний",
        151,
        45000,
        groups=[_BOWL],
        recipe=[(813, "Тютюн Darkside", "kg", 20, 4000)],
    )
    add_dish(
        account,
        926,
        "Кальян авторський",
        151,
        {1: 60000, 2: 65000},
        groups=[_BOWL, ("Основа", 1, 1, 1, [("Вода", 0), ("Молоко", 3000), ("Вино", 12000)])],
        recipe=[(813, "Тютюн Darkside", "kg", 25, 5000)],
    )


def _kitchen(account: Account) -> None:
    syrnyky = (
        "Соус",
        1,
        1,
        1,
        [("Сметана", 0), ("Варення вишневе", 1500), ("Згущене молоко", 1200)],
    )
    add_dish(
        account,
        112,
        "Сирники зі сметаною",
        33,
        {1: 16500, 2: 17500},
        groups=[syrnyky],
        recipe=[(220, "Сир кисломолочний", "kg", 180, 3200)],
        fixed_ids={"Сметана": 19},
    )
    add_dish(
        account,
        168,
        "Стейк із сьомги",
        33,
        {1: 42000, 2: 45000},
        groups=[_SIDE],
        recipe=[(221, "Сьомга", "kg", 200, 18000)],
        cooking_time=900,
    )
    add_dish(
        account,
        169,
        "Річкова форель у фользі",
        33,
        38000,
        recipe=[(222, "Форель", "kg", 300, 14000)],
        groups=[("Соус до риби", 2, 0, 1, [("Вершковий", 1500), ("Тартар", 1500)])],
    )
    add_dish(
        account,
        170,
        "Борщ український з пампушками",
        33,
        {1: 14500, 2: 15500},
        recipe=[(223, "Буряк", "kg", 100, 300), (224, "Яловичина", "kg", 80, 2800)],
    )
    add_dish(
        account,
        171,
        "Гамбургер",
        33,
        18500,
        groups=[_SAUCE],
        recipe=[(815, "Котлета яловича", "kg", 150, 4500), (225, "Булочка бріош", "p", 1, 900)],
    )
    add_dish(
        account,
        172,
        "Cheeseburger",
        33,
        19500,
        groups=[_SAUCE, _SIDE],
        recipe=[(815, "Котлета яловича", "kg", 150, 4500)],
        hidden_at=[2],
    )
    add_dish(
        account,
        180,
        "Цезар з куркою",
        31,
        {1: 21000, 2: 22500},
        recipe=[(226, "Куряче філе", "kg", 120, 2600)],
    )
    add_dish(account, 181, "Грецький салат", 31, 17500, recipe=[(227, "Фета", "kg", 50, 1900)])
    add_dish(
        account,
        182,
        "Salad Niçoise",
        31,
        23000,
        recipe=[(228, "Тунець", "kg", 80, 5200)],
        hidden_at=[2],
    )
    add_dish(
        account,
        193,
        "Чотири сири",
        34,
        {1: 26000, 2: 28000},
        groups=[_CRUST],
        recipe=[(229, "Моцарела", "kg", 150, 3800)],
    )
    add_dish(account, 220, "Філадельфія", 2, 32000, recipe=[(221, "Сьомга", "kg", 90, 8100)])
    add_dish(account, 221, "California roll", 2, 28000, recipe=[(230, "Краб", "kg", 70, 4200)])
    add_dish(account, 230, "Гарбузовий лате", 52, 8000, recipe=_MILKY, groups=[_MILK])
    add_dish(
        account,
        231,
        "Глінтвейн",
        52,
        9000,
        recipe=[(231, "Вино червоне", "l", 200, 2400)],
        hidden=1,
    )


def _shelf(account: Account) -> None:
    add_product(account, 48, "Круасан класичний", 12, {1: 4500, 2: 4800}, cost=1500)
    # application.setEntityExtras's example writes extras on product 4.
    add_product(account, 4, "Бріош з маслом", 12, 3900, cost=1100)
    add_product(account, 161, "Еклер ванільний", 37, 5500, cost=1700)
    add_product(account, 162, "Печиво вівсяне", 12, 3500, cost=900, photo=False)
    add_product(account, 163, "Pain au chocolat", 12, 6800, cost=2100)
    add_product(account, 164, "Синнабон", 12, 7200, cost=2300, stock={1: 12, 2: 0})
    add_product(account, 165, "Круасан з мигдалем", 12, 7500, cost=2400, hidden=1)
    add_product(account, 200, "Наполеон", 37, 9500, cost=3000)
    add_product(account, 203, "Київський торт", 37, 11000, cost=3900, stock={1: 0, 2: 0})
    add_product(account, 204, "Cheesecake New York", 37, {1: 12000, 2: 12500}, cost=4100)
    add_product(
        account,
        908,
        "Піца збірна",
        34,
        0,
        cost=9000,
        variants=[
            (68, "Сир, Гриби, Ох. ковбаски, Оливки, Середня Ø35см", 29500),
            (69, "Сир, Гриби, Ох. ковбаски, Оливки, Мала Ø25см", 21500),
        ],
    )
    add_product(
        account,
        191,
        "Маргарита",
        34,
        0,
        cost=6000,
        variants=[(151, "Ø25 см", 16500), (152, "Ø35 см", {1: 23500, 2: 24500})],
    )
    add_product(
        account,
        192,
        "Pepperoni",
        34,
        0,
        cost=7000,
        hidden_at=[2],
        variants=[(153, "Ø25 см", 19500), (154, "Ø35 см", 27500)],
    )


def seed_cafe_menu(account: Account) -> None:
    """Fill ``account`` (whose spots exist) with the demo café's menu, without webhooks.

    Counters end above every seeded id, so ids the API hands out later never collide.
    """
    # Ids below these are pinned by the reference; generated ones start above them.
    account.bump_counter("dish_modification", 19)
    account.bump_counter("structure", 53)
    _categories(account)
    _drinks(account)
    _bar(account)
    _kitchen(account)
    _shelf(account)
