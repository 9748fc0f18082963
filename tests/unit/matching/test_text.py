"""Transliteration, sizes, the glossary and word features: the matcher's comparable forms."""

from __future__ import annotations

import pytest

from orderbridge.matching.features import features
from orderbridge.matching.glossary import concept_of
from orderbridge.matching.sizes import Size, compare_sizes, extract_sizes
from orderbridge.matching.translit import skeleton, to_cyrillic, to_latin


@pytest.mark.parametrize(
    "spellings",
    [
        ("Капучино", "Cappuccino", "Kapuchyno", "Kapuchino", "Capuccino", "капучіно"),
        ("Гамбургер", "Hamburger", "Hamburher"),
        ("Філадельфія", "Philadelphia", "Filadelfiia"),
        ("Сирники", "Syrnyky", "Syrniki", "сырники"),
        ("Борщ", "Borshch", "Borsch", "Borshh"),
        ("Український", "Ukrainskyi", "Ukrainskiy", "Ukrainsky", "украинский"),
        ("Негроні", "Negroni", "Негрони"),
        ("Еспресо", "Espresso", "Эспрессо"),
        ("Цезар", "Tsezar", "Cezar"),
        ("Матча", "Matcha"),
        ("Київ", "Kyiv", "Kiiv"),
    ],
)
def test_spellings_of_one_word_share_a_skeleton(spellings: tuple[str, ...]) -> None:
    """Ukrainian, Russian, official and informal Latin spellings reduce to one key."""
    keys = {skeleton(word.lower()) for word in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("one", "other"),
    [("Капучино", "Лате"), ("Coca", "Cola"), ("Чай", "Чіз"), ("Сир", "Сік")],
)
def test_different_words_keep_different_skeletons(one: str, other: str) -> None:
    assert skeleton(one.lower()) != skeleton(other.lower())


def test_to_latin_follows_the_ukrainian_and_the_russian_schemes() -> None:
    assert to_latin("Сирники зі сметаною") == "Syrnyky zi smetanoyu"
    assert to_latin("Гречка", "uk") == "Hrechka"
    assert to_latin("Гречка", "ru") == "Grechka"
    assert to_latin("Щедрий Хліб") == "Shchedryy Khlib"
    assert to_latin("Яблочный", "ru") == "Yablochnyy"


def test_to_cyrillic_reads_latin_as_ukrainian() -> None:
    assert to_cyrillic("Kapuchyno") == "капучино"
    assert to_cyrillic("Syrnyky zi smetanoyu") == "сирники зі сметаною"
    assert to_cyrillic("Borshch ukrainskyi") == "борщ украінский"
    assert to_cyrillic("Shchedryi khlib") == "щедрий хліб"


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("Coca-Cola 0,33 л", Size("ml", 330)),
        ("Coca Cola 330ml", Size("ml", 330)),
        ("Cola 33 cl", Size("ml", 330)),
        ("Borjomi 0.5", Size("ml", 500)),
        ("Лимонад 1 л", Size("ml", 1000)),
        ("Чай 360 мл", Size("ml", 360)),
        ("Маргарита Ø25 см", Size("cm", 25)),
        ("Pizza 35cm", Size("cm", 35)),
        ("Стейк 200 г", Size("g", 200)),
        ("Steak 0.2 kg", Size("g", 200)),
        ("Сирники 3 шт", Size("pcs", 3)),
    ],
)
def test_sizes_are_found_in_either_script_and_normalised(text: str, size: Size) -> None:
    rest, sizes = extract_sizes(text.lower())
    assert sizes == (size,)
    assert not any(ch.isdigit() for ch in rest)


def test_a_plain_number_is_a_word_not_a_size() -> None:
    assert extract_sizes("pizza 4 cheese") == ("pizza 4 cheese", ())


@pytest.mark.parametrize(
    ("left", "right", "verdict"),
    [
        ("0,33 л", "330 ml", "same"),
        ("0,5 л", "0,33 л", "conflict"),
        ("0,5 л", "", "one_sided"),
        ("35 cm", "35 см 550 г", "same"),
        ("", "", "none"),
    ],
)
def test_sizes_compare_by_shared_dimensions(left: str, right: str, verdict: str) -> None:
    assert compare_sizes(extract_sizes(left)[1], extract_sizes(right)[1]) == verdict


@pytest.mark.parametrize(
    ("word", "concept"),
    [
        ("вівсяному", "oat"),
        ("Oat", "oat"),
        ("сметаною", "sourcream"),
        ("сьомги", "salmon"),
        ("апельсиновый", "orange"),
        ("молоці", "milk"),
        ("Київський", "kyiv"),
        ("сир", "cheese"),
        ("сирники", "syrnyky"),
        ("Капучино", None),
    ],
)
def test_the_glossary_knows_inflected_forms(word: str, concept: str | None) -> None:
    """Stems cover inflections, and "сир" (cheese) does not swallow "сирники"."""
    assert concept_of(skeleton(word.lower())) == concept


def test_features_drop_stopwords_and_take_phrases_sizes_and_abbreviations() -> None:
    syrnyky = features("Syrnyky w/ sour cream 2 pcs")
    assert [t.key for t in syrnyky.tokens] == ["syrnyky", "sourcream"]
    assert syrnyky.sizes == (Size("pcs", 2),)
    assert features("Сирники зі сметаною").key == syrnyky.key
    marked = features("Ох. ковбаски")
    assert marked.tokens[0].abbrev
    assert [t.key for t in features("California rolls").tokens] == ["kalifornia", "rol"]


def test_token_order_does_not_change_the_key() -> None:
    assert features("Салат грецький").key == features("Greek salad").key
