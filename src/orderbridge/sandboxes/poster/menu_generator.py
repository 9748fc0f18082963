"""Large believable menus for load tests (``--menu-size N``), repeatable by seed."""

from __future__ import annotations

import random

from orderbridge.sandboxes.poster.menu_builders import Group, Prices, add_dish, add_product
from orderbridge.sandboxes.poster.state import Account, Category

_CATEGORY_NAMES = [
    "Кава",
    "Чай",
    "Сніданки",
    "Салати",
    "Супи",
    "Паста",
    "Піца",
    "Бургери",
    "Десерти",
    "Випічка",
    "Напої",
    "Коктейлі",
    "Смузі",
    "Bowls",
    "Grill",
    "Street food",
    "Kids menu",
    "Vegan",
    "Сезонне",
    "Гарніри",
    "Соуси",
    "Морозиво",
    "Вино",
    "Пиво",
]
_DISH_BASES = [
    "Боул",
    "Салат",
    "Суп",
    "Паста",
    "Піца",
    "Бургер",
    "Сендвіч",
    "Тост",
    "Омлет",
    "Вареники",
    "Деруни",
    "Різотто",
    "Стейк",
    "Крем-суп",
    "Wrap",
    "Burrito",
    "Ramen",
    "Poke",
    "Taco",
    "Risotto",
    "Pancakes",
    "Лате",
    "Капучино",
    "Раф",
    "Смузі",
    "Чізкейк",
    "Тірамісу",
]
_PRODUCT_BASES = [
    "Лимонад",
    "Сік",
    "Морс",
    "Вода",
    "Печиво",
    "Еклер",
    "Макарун",
    "Круасан",
    "Брауні",
    "Cola",
    "Tonic",
    "Kombucha",
    "Cold brew",
    "Мафін",
    "Сирок",
    "Батончик",
    "Чипси",
]
_FLAVOURS = [
    "з куркою",
    "з лососем",
    "з тунцем",
    "з беконом",
    "з грибами",
    "з сиром",
    "з авокадо",
    "вегетаріанський",
    "гострий",
    "класичний",
    "по-київськи",
    "з ягодами",
    "з манго",
    "with pesto",
    "teriyaki",
    "BBQ",
    "carbonara",
    "з трюфелем",
    "з фісташкою",
    "з малиною",
    "з карамеллю",
    "з лавандою",
    "з кокосом",
    "домашній",
    "фірмовий",
    "Bianco",
    "Nero",
]
_SIZES = [["S", "M", "L"], ["0,33 л", "0,5 л", "1 л"], ["Ø25 см", "Ø35 см"], ["100 г", "200 г"]]
_GROUPS: list[Group] = [
    ("Соус", 2, 0, 2, [("Сирний", 1500), ("Часниковий", 1200), ("BBQ", 1500), ("Тахіні", 1800)]),
    ("Молоко", 1, 1, 1, [("Коров'яче", 0), ("Вівсяне", 1500), ("Кокосове", 1800)]),
    ("Гарнір", 1, 1, 1, [("Рис", 0), ("Картопля фрі", 2500), ("Овочі гриль", 3000)]),
    ("Добавки", 2, 0, 3, [("Бекон", 3000), ("Яйце", 1500), ("Пармезан", 2500), ("Авокадо", 4000)]),
    ("Гострота", 1, 0, 1, [("Не гостро", 0), ("Середньо", 0), ("Дуже гостро", 0)]),
]


def _price(rng: random.Random, spot_ids: list[int]) -> Prices:
    base = rng.randrange(30, 600) * 100
    if rng.random() < 0.3:
        return {s: base + i * rng.choice((0, 300, 500, 1000)) for i, s in enumerate(spot_ids)}
    return base


def generate_menu(account: Account, size: int, *, seed: int = 0) -> None:
    """Add ``size`` products and dishes to ``account`` across generated categories.

    About 60% are dishes (half with modifier groups), 40% products (a fifth with size
    modifications); prices, visibility, hidden flags and photos vary as a real menu's
    do. The same ``seed`` builds the same menu. No webhooks: this is a starting state.
    """
    rng = random.Random(seed)
    spot_ids = list(account.spots) or [1]
    n_categories = max(6, min(len(_CATEGORY_NAMES) * 3, size // 150 + 6))
    categories = []
    for i in range(n_categories):
        name = _CATEGORY_NAMES[i % len(_CATEGORY_NAMES)]
        if i >= len(_CATEGORY_NAMES):
            name = f"{name} {i // len(_CATEGORY_NAMES) + 1}"
        cid = account.next_id("category")
        account.categories[cid] = Category(category_id=cid, category_name=name, sort_order=i + 1)
        categories.append(cid)
    for n in range(size):
        category = categories[n % n_categories]
        hidden_at = [s for s in spot_ids[1:] if rng.random() < 0.1]
        hidden = int(rng.random() < 0.03)
        photo = rng.random() < 0.7
        pid = account.next_id("product")
        if rng.random() < 0.6:
            name = f"{rng.choice(_DISH_BASES)} {rng.choice(_FLAVOURS)}"
            groups = rng.sample(_GROUPS, rng.randint(1, 2)) if rng.random() < 0.5 else []
            add_dish(
                account,
                pid,
                name,
                category,
                _price(rng, spot_ids),
                groups=groups,
                hidden_at=hidden_at,
                photo=photo,
                hidden=hidden,
                recipe=[
                    (1000 + rng.randrange(500), "Інгредієнт", "kg", 100, rng.randrange(5, 80) * 100)
                ],
            )
        else:
            name = f"{rng.choice(_PRODUCT_BASES)} {rng.choice(_FLAVOURS)}"
            variants: list[tuple[int, str, Prices]] = []
            if rng.random() < 0.2:
                base = rng.randrange(30, 300) * 100
                for step, label in enumerate(rng.choice(_SIZES)):
                    variants.append((account.next_id("modificator"), label, base + step * 2000))
            add_product(
                account,
                pid,
                name,
                category,
                _price(rng, spot_ids),
                cost=rng.randrange(5, 100) * 100,
                variants=variants,
                hidden_at=hidden_at,
                photo=photo,
                hidden=hidden,
            )
