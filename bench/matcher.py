"""Benchmark: match a 1,000-item channel menu against a 10,000-item POS menu.

The POS menu is generated (repeatably, by seed) from Ukrainian dish words: "Піца з
грибами та моцарелою Ø35 см", "Лате кокосовий 0,4 л" …, some sold in sizes
(variants), some with modifier groups. The channel menu takes 800 of those items and
writes them the way other menus do — in Latin transliteration, words reordered, sizes
in other units ("400ml" for "0,4 л"), an occasional typo — and adds 200 dishes the POS
does not have. The figure that counts is the wall time of building the index and
matching all 1,000 items (the issue asks for under 2 s); the quality figures (how many
were auto, how many of those were wrong) are printed too, for spotting regressions.

    uv run python bench/matcher.py [--pos-items 10000] [--channel-items 1000] [--runs 3]

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from typing import Any

from orderbridge.domain.menu import Category, Item, Menu, Modifier, ModifierGroup, Variant
from orderbridge.domain.money import Money
from orderbridge.matching import ChannelItem, PosIndex, Target
from orderbridge.matching.translit import to_latin

BASES = [
    "Піца",
    "Салат",
    "Суп",
    "Паста",
    "Бургер",
    "Сендвіч",
    "Тост",
    "Омлет",
    "Вареники",
    "Деруни",
    "Різотто",
    "Стейк",
    "Крем-суп",
    "Боул",
    "Лате",
    "Капучино",
    "Раф",
    "Какао",
    "Смузі",
    "Лимонад",
    "Чізкейк",
    "Пиріг",
    "Млинці",
    "Сирники",
    "Рол",
    "Вок",
    "Шаурма",
    "Кесаділья",
    "Брускета",
    "Тартар",
    "Карпачо",
    "Котлета",
    "Фрикадельки",
    "Голубці",
    "Пельмені",
    "Шніцель",
    "Тірамісу",
    "Морозиво",
    "Коктейль",
    "Фреш",
    "Чай",
    "Мілкшейк",
    "Панкейки",
    "Гранола",
    "Круасан",
    "Багет",
    "Кекс",
    "Мафін",
]
FILLINGS = [
    "грибами",
    "сиром",
    "куркою",
    "беконом",
    "лососем",
    "тунцем",
    "креветками",
    "шпинатом",
    "томатами",
    "моцарелою",
    "пармезаном",
    "рікотою",
    "горіхами",
    "медом",
    "ягодами",
    "вишнею",
    "малиною",
    "полуницею",
    "бананом",
    "карамеллю",
    "шоколадом",
    "ваніллю",
    "кокосом",
    "фісташками",
    "авокадо",
    "яйцем",
    "качкою",
    "телятиною",
    "свининою",
    "індичкою",
    "баклажанами",
    "кабачками",
    "перцем",
    "цибулею",
    "часником",
    "зеленню",
    "песто",
    "трюфелем",
    "гарбузом",
    "журавлиною",
    "обліпихою",
    "лимоном",
    "імбиром",
    "м'ятою",
    "корицею",
    "апельсином",
]
STYLES = [
    "класичний",
    "домашній",
    "фірмовий",
    "гострий",
    "вегетаріанський",
    "теплий",
    "холодний",
    "пісний",
    "дитячий",
    "великий",
    "італійський",
    "грузинський",
    "японський",
    "український",
    "французький",
]
SIZES = ("0,3 л", "0,4 л", "0,5 л", "Ø25 см", "Ø30 см", "Ø35 см", "250 г", "300 г", "6 шт")
OTHER_UNITS = {
    "0,3 л": "300ml",
    "0,4 л": "400 ml",
    "0,5 л": "0.5l",
    "Ø25 см": "25cm",
    "Ø30 см": "30 cm",
    "Ø35 см": "35cm",
    "250 г": "250g",
    "300 г": "300 g",
    "6 шт": "6 pcs",
}
INVENTED = [
    "Tiramisu",
    "Pavlova",
    "Shakshuka",
    "Poke",
    "Ramen",
    "Pho",
    "Gyoza",
    "Falafel",
    "Hummus",
    "Paella",
    "Gazpacho",
    "Bibimbap",
    "Kimchi",
    "Tacos",
    "Nachos",
    "Churros",
    "Baklava",
    "Halloumi",
    "Ceviche",
    "Moussaka",
]


def _uah(amount: int) -> Money:
    return Money(amount, "UAH")


def pos_menu(count: int, rng: random.Random) -> Menu:
    """``count`` distinct items in 40 categories; a fifth in sizes, a fifth with modifiers."""
    seen: set[str] = set()
    categories: list[list[Item]] = [[] for _ in range(40)]
    number = 0
    while number < count:
        words = [rng.choice(BASES)]
        if rng.random() < 0.5:
            words.append(rng.choice(STYLES))
        words.append("з " + rng.choice(FILLINGS))
        if rng.random() < 0.4:
            words.append("та " + rng.choice(FILLINGS))
        sized = rng.random() < 0.2
        if not sized and rng.random() < 0.3:
            words.append(rng.choice(SIZES))
        name = " ".join(words)
        if name in seen:
            continue
        seen.add(name)
        number += 1
        price = rng.randrange(40, 600) * 100
        variants: tuple[Variant, ...] = ()
        if sized:
            sizes = rng.sample(SIZES[:3] if rng.random() < 0.5 else SIZES[3:6], 2)
            variants = tuple(
                Variant(f"{number}-{n}", size, _uah(price + n * 3000))
                for n, size in enumerate(sorted(sizes))
            )
        groups: tuple[ModifierGroup, ...] = ()
        if rng.random() < 0.2:
            picks = rng.sample(FILLINGS, 3)
            groups = (
                ModifierGroup(
                    f"g{number}",
                    "Додатки",
                    0,
                    3,
                    tuple(Modifier(f"m{number}-{p}", p, _uah(1500)) for p in picks),
                ),
            )
        item = Item(str(number), name, _uah(price), variants=variants, modifier_groups=groups)
        categories[number % 40].append(item)
    return Menu(
        "bench",
        "UAH",
        tuple(
            Category(f"c{n}", f"Категорія {n}", tuple(items)) for n, items in enumerate(categories)
        ),
    )


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    at = rng.randrange(1, len(word) - 1)
    return word[:at] + word[at + 1 :]


def channel_menu(
    menu: Menu, count: int, rng: random.Random
) -> tuple[list[ChannelItem], dict[str, Target | None]]:
    """``count`` channel items, 80 % rewritten POS items, 20 % dishes the POS lacks."""
    items = list(menu.items())
    taken = rng.sample(items, int(count * 0.8))
    channel: list[ChannelItem] = []
    truth: dict[str, Target | None] = {}
    for number, item in enumerate(taken):
        name = item.name
        target = Target(item.id)
        if item.variants:
            variant = rng.choice(item.variants)
            name = f"{name} {variant.name}"
            target = Target(item.id, variant_id=variant.id)
        for size, other in OTHER_UNITS.items():
            name = name.replace(size, other)
        name = to_latin(name)
        words = name.split()
        if rng.random() < 0.3:
            rng.shuffle(words)
        if rng.random() < 0.3:
            at = rng.randrange(len(words))
            words[at] = _typo(words[at], rng)
        channel_id = f"ch-{number}"
        price = None if item.variants else item.price.amount
        channel.append(ChannelItem(channel_id, " ".join(words), price))
        truth[channel_id] = target
    for number in range(count - len(taken)):
        name = f"{rng.choice(INVENTED)} {rng.choice(INVENTED).lower()}"
        channel_id = f"new-{number}"
        channel.append(ChannelItem(channel_id, name, rng.randrange(40, 600) * 100))
        truth[channel_id] = None
    return channel, truth


def run(pos_items: int, channel_items: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    menu = pos_menu(pos_items, rng)
    channel, truth = channel_menu(menu, channel_items, rng)
    cpu_started = time.process_time()
    started = time.perf_counter()
    index = PosIndex(menu)
    indexed = time.perf_counter()
    matches = [index.match(item) for item in channel]
    finished = time.perf_counter()
    cpu = time.process_time() - cpu_started
    autos = [m for m in matches if m.auto]
    wrong = [m for m in autos if m.best is None or truth[m.channel_item_id] != m.best.target]
    present = [m for m in matches if truth[m.channel_item_id] is not None]
    top1 = sum(1 for m in present if m.best and m.best.target == truth[m.channel_item_id])
    return {
        "index_seconds": indexed - started,
        "match_seconds": finished - indexed,
        "total_seconds": finished - started,
        "cpu_seconds": cpu,
        "auto": len(autos),
        "wrong_auto": len(wrong),
        "top1_of_present": top1 / len(present),
        "present": len(present),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pos-items", type=int, default=10_000)
    parser.add_argument("--channel-items", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    results = []
    for number in range(args.runs):
        # Each run starts cold: the matcher's word caches are emptied.
        from orderbridge.matching import features, glossary, scoring, translit

        for cached in (
            features.features,
            glossary.concept_of,
            scoring.token_sim,
            translit.skeleton,
        ):
            cached.cache_clear()
        result = run(args.pos_items, args.channel_items, args.seed)
        results.append(result)
        print(
            f"run {number + 1}: index {result['index_seconds']:.2f} s, "
            f"match {result['match_seconds']:.2f} s, total {result['total_seconds']:.2f} s "
            f"(CPU {result['cpu_seconds']:.2f} s); "
            f"auto {result['auto']}, wrong auto {result['wrong_auto']}, "
            f"top-1 {result['top1_of_present']:.1%} of {result['present']} present"
        )
    median = statistics.median(r["total_seconds"] for r in results)
    median_cpu = statistics.median(r["cpu_seconds"] for r in results)
    print(
        f"median total {median:.2f} s (CPU {median_cpu:.2f} s) for {args.channel_items} "
        f"channel items × {args.pos_items} POS items (Python {platform.python_version()})"
    )
    print(
        json.dumps(
            {
                "pos_items": args.pos_items,
                "channel_items": args.channel_items,
                "median_total_seconds": round(median, 3),
                "median_cpu_seconds": round(median_cpu, 3),
                "runs": [{k: round(v, 4) for k, v in r.items()} for r in results],
            }
        )
    )


if __name__ == "__main__":
    main()
