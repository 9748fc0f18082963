"""Café words that mean the same across English, Ukrainian and Russian.

Transliteration makes "Капучино" and "Cappuccino" one word; it cannot make "Вівсяне"
and "Oat" one. This glossary can: each concept lists its words in the three languages
(and their common Latin spellings). A word ending in ``*`` is a stem, matching every
ending (Ukrainian and Russian inflect: вівсяне, вівсяному, вівсяним); stems are at
least four letters of skeleton so that "сир" (cheese) does not swallow "сирники"
(syrnyky, a dish of its own). Multi-word phrases ("sour cream", "без газу") are
replaced before words are split.

A word found here compares by its concept, whatever language it was written in; two
different concepts never match each other, however alike they are spelled.
"""

from __future__ import annotations

import re
from functools import lru_cache

from orderbridge.matching.translit import skeleton

CONCEPTS: dict[str, str] = {
    # drinks
    "coffee": "coffee coffees кава кави каву кофе kava kofe",
    "tea": "tea teas чай чаю чаї chai chay",
    "milk": "milk milky молок* молоч* молоц* moloko",
    "oat": "oat oats oatmeal вівсян* овсян* vivsian* ovsian*",
    "almond": "almond almonds мигдал* миндал* myhdal* mindal*",
    "coconut": "coconut кокос*",
    "cow": "cow cows коров*",
    "soy": "soy soya соєв* соев*",
    "juice": "juice juices сік соки сок соку",
    "fresh": "freshly фреш свіжовичавлен* свежевыжат* свіж* свеж*",
    "orange": "orange oranges апельсин*",
    "apple": "apple apples яблу* яблоч* iabluch* yabluch* yabloch*",
    "grapefruit": "grapefruit грейпфрут*",
    "carrot": "carrot carrots морквян* морков* моркв*",
    "lemon": "lemon lemons лимон лимона лимоном",
    "lemonade": "lemonade lemonades лимонад*",
    "passion": "passion passionfruit maracuja marakuja marakuya маракуя маракуї маракуйя",
    "ginger": "ginger імбир* имбир*",
    "thyme": "thyme чебрец* чабрец* chebrec*",
    "black": "black чорн* черн*",
    "green": "green зелен*",
    "water": "water вода води воду voda",
    "still": "still негазован* non-carbonated",
    "sparkling": "sparkling газован* carbonated",
    "wine": "wine вино вина вин",
    "red": "red червон* красн*",
    "white": "white білий біла біле білі білого белый белая белое",
    "mulled": "mulled глінтвейн* глинтвейн* hlintvein*",
    "beer": "beer пиво пива",
    "hot": "hot гаряч* горяч*",
    "iced": "iced ice cold холодн* айс",
    "lavender": "lavender лаванд*",
    "pumpkin": "pumpkin гарбуз* тыкв*",
    "honey": "honey мед меду медом медов*",
    "mint": "mint мята мяти мятн* мятой",
    "syrup": "syrup syrups сироп*",
    "vanilla": "vanilla ваніль ванил* ваніл*",
    "caramel": "caramel карамел*",
    "chocolate": "chocolat* choco choc шоколад*",
    "hookah": "hookah shisha кальян*",
    "bowl": "bowl чаша чаші чашею",
    "pineapple": "pineapple ананас*",
    "base": "base основа основі",
    "strength": "strength strong міцн* крепк*",
    "double": "double подвійн* двойн*",
    "rum": "rum ром рому",
    "classic": "classic classical classico класичн* классическ* klasychn*",
    "signature": "signature author's authors авторськ* авторск*",
    # food
    "croissant": "croissant croissants круасан* круассан*",
    "butter": "butter масл*",
    "brioche": "brioche бріош* бриош*",
    "eclair": "eclair eclairs еклер* эклер*",
    "cookie": "cookie cookies biscuit biscuits печиво печенье",
    "cake": "cake cakes торт торти торта",
    "cheesecake": "cheesecake чізкейк* чизкейк*",
    "cheese": (
        "cheese cheeses cheesy сир сири сиру сиром сирний сирна сирне сирні сирним сирного "
        "сыр сыра сыры сырный сырная сырное"
    ),
    "cottage": "cottage кисломолочн* творог*",
    "sourcream": "сметан* smetan*",
    "pizza": "pizza pizzas піца піци піцу пицца пиццы",
    "salad": "salad salads салат салати салату",
    "chicken": "chicken курк* куряч* курин* kurk*",
    "salmon": "salmon сьомг* семг* лосос* siomh* somh*",
    "trout": "trout форел*",
    "tuna": "tuna тунец* тунц*",
    "crab": "crab краб*",
    "steak": "steak стейк*",
    "fish": "fish риба риби рыба рыбы",
    "beef": "beef яловичин* говядин*",
    "pork": "pork свинин*",
    "soup": "soup суп супу",
    "sauce": "sauce sauces соус*",
    "garlic": "garlic часник* чеснок*",
    "rice": "rice рис рису",
    "vegetables": "vegetable vegetables veggies овоч*",
    "grill": "grill grilled гриль",
    "mushroom": "mushroom mushrooms гриб гриби грибами грибы",
    "olive": "olive olives оливк* маслин*",
    "sausage": "sausage sausages ковбас* колбас*",
    "fries": "fries chips фрі фри",
    "potato": "potato potatoes картопл* картоф*",
    "crust": "crust борт борти бортом",
    "hotdog": "hotdog хот-дог хотдог",
    "cherry": "cherry cherries вишн* вишен*",
    "jam": "jam варення варенье",
    "condensed": "condensed згущ* сгущ*",
    "tartar": "tartar tartare тартар*",
    "cream": "cream creamy вершк* сливк* сливоч*",
    "foil": "foil фольг* фользі",
    "river": "river річков* речн*",
    "ukrainian": "ukrainian україн* украин* ukrain*",
    "greek": "greek грецьк* греческ* hreck*",
    "kyiv": "kyiv kiev київ киев київськ* киевск* kyivsk*",
    "four": "four чотири четыре",
    "mixed": "mixed assorted combo збірн* сборн* асорті ассорти",
    "small": "small mini маленьк* мала малий малая малый",
    "medium": "medium середн* средн*",
    "large": "large big велик* больш*",
    "cinnamon": "cinnamon кориц*",
    "dumplings": "dumplings вареник* пельмен*",
    "pancakes": "pancakes pancake млинц* млинці блин* блинчик*",
    "caesar": "caesar цезар* tsezar* cezar*",
    "cheeseburger": "cheeseburger cheeseburgers чізбургер* чизбургер*",
    "syrnyky": "syrnyky syrniki sirniki сирники сырники сирників",
}

PHRASES: dict[str, str] = {
    "sour cream": "sourcream",
    "french fries": "fries",
    "mulled wine": "mulled",
    "passion fruit": "passion",
    "hot dog": "hotdog",
    "без газу": "still",
    "без газа": "still",
    "з газом": "sparkling",
    "с газом": "sparkling",
    "картопля фрі": "fries",
    "картофель фри": "fries",
    "cottage cheese": "cottage",
    "flat white": "flatwhite",
    "флет вайт": "flatwhite",
    "new york": "newyork",
    "нью-йорк": "newyork",
}
"""Phrases that are one thing ("sour cream" is not "sour" plus "cream")."""

_LATIN_STOPWORDS = "with w and the of in on a an for to or z zi iz na v u dlia"
_CYRILLIC_STOPWORDS = "з зі із с со и і й та на в у для по від от"
STOPWORDS = frozenset(_LATIN_STOPWORDS.split()) | frozenset(_CYRILLIC_STOPWORDS.split())
"""Words that carry no identity ("Syrnyky with sour cream" = "Сирники зі сметаною")."""

_MIN_STEM = 4


def _build() -> tuple[dict[str, str], dict[str, str]]:
    """Skeleton → concept, for whole words and for stems; a word in two concepts raises."""
    exact: dict[str, str] = {}
    stems: dict[str, str] = {}

    def put(table: dict[str, str], key: str, concept: str, word: str) -> None:
        if table.setdefault(key, concept) != concept:
            raise ValueError(f"{word!r} is in both {table[key]!r} and {concept!r}")

    for concept, words in CONCEPTS.items():
        for word in [concept, *words.split()]:
            if word.endswith("*"):
                stem = skeleton(word[:-1].replace("'", ""))
                if len(stem) < _MIN_STEM:
                    raise ValueError(f"stem {word!r} of {concept!r} is too short")
                put(stems, stem, concept, word)
            else:
                put(exact, skeleton(word.replace("'", "")), concept, word)
    return exact, stems


_EXACT, _STEMS = _build()
_PHRASE_RE = re.compile(
    "|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p in sorted(PHRASES, key=len, reverse=True))
)
PHRASE_MARK = "§"


def replace_phrases(text: str) -> str:
    """Lower-case ``text`` with each glossary phrase replaced by ``§concept``."""
    return _PHRASE_RE.sub(lambda m: f" {PHRASE_MARK}{PHRASES[m.group(0)]} ", text)


@lru_cache(maxsize=65536)
def concept_of(skel: str) -> str | None:
    """The concept a word (as its skeleton) stands for, or None."""
    found = _EXACT.get(skel)
    if found is not None:
        return found
    for end in range(len(skel), _MIN_STEM - 1, -1):
        found = _STEMS.get(skel[:end])
        if found is not None:
            return found
    return None
