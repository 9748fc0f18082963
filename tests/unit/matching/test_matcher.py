"""The matcher's rules on small menus: completeness, evidence, margins, targets."""

from __future__ import annotations

from orderbridge.domain.menu import Category, Item, Menu, Modifier, ModifierGroup, Variant
from orderbridge.domain.money import Money
from orderbridge.matching import ChannelItem, ChannelOption, PosIndex, Target
from orderbridge.matching.features import features
from orderbridge.matching.scoring import compare_names, token_sim


def _uah(amount: int) -> Money:
    return Money(amount, "UAH")


def _menu(*items: Item, category: str = "Напої") -> Menu:
    return Menu("loc", "UAH", (Category("c1", category, items),))


def test_typos_and_inflections_are_close_words() -> None:
    [amerikano] = features("Americano").tokens
    [typo] = features("Amerciano").tokens
    assert token_sim(amerikano, typo) >= 0.8
    [kyiv] = features("Kyiv").tokens
    [kyivskyi] = features("Київський").tokens
    assert token_sim(kyiv, kyivskyi) == 1.0  # one glossary concept


def test_an_extra_word_on_either_side_makes_a_name_incomplete() -> None:
    zero = compare_names(features("Coca-Cola Zero").tokens, features("Coca-Cola").tokens)
    assert zero.pos_all and not zero.channel_all
    short = compare_names(features("Борщ").tokens, features("Борщ з пампушками").tokens)
    assert short.channel_all and not short.pos_all
    same = compare_names(features("Coca Cola").tokens, features("Coca-Cola").tokens)
    assert same.complete and same.value == 1.0


def test_compounds_written_apart_still_match() -> None:
    score = compare_names(
        features("Cheese burger").tokens,
        features("Cheeseburgr").tokens,
        joined=(features("Cheese burger").joined, features("Cheeseburgr").joined),
    )
    assert score.value >= 0.9


def test_a_size_that_differs_caps_the_confidence_and_blocks_auto() -> None:
    menu = _menu(Item("150", "Coca-Cola 0,33 л", _uah(3500)))
    match = PosIndex(menu).match(ChannelItem("c", "Coca-Cola 0.5 l", 4500))
    assert match.best is not None and match.best.confidence <= 0.45
    assert match.best.blocked and not match.auto


def test_a_far_off_price_blocks_auto_and_an_equal_one_helps() -> None:
    menu = _menu(Item("1", "Evian", _uah(19000)))
    index = PosIndex(menu)
    same = index.match(ChannelItem("a", "Evian", 19000))
    cheap = index.match(ChannelItem("b", "Evian", 5000))
    assert same.auto and same.best is not None and same.best.confidence == 1.0
    assert not cheap.auto and cheap.best is not None and cheap.best.blocked


def test_two_equally_good_targets_leave_it_to_a_person() -> None:
    """No margin, no auto: the POS has the same name twice."""
    menu = Menu(
        "loc",
        "UAH",
        (
            Category("c1", "Кава", (Item("1", "Лате", _uah(6500)),)),
            Category("c2", "Сезонне", (Item("2", "Лате", _uah(6500)),)),
        ),
    )
    match = PosIndex(menu).match(ChannelItem("x", "Latte", 6500))
    assert [c.target.item_id for c in match.candidates[:2]] == ["1", "2"]
    assert not match.auto


def test_an_item_sold_in_variants_is_matched_to_the_variant_of_the_right_size() -> None:
    pizza = Item(
        "191",
        "Маргарита",
        _uah(16500),
        variants=(Variant("151", "Ø25 см", _uah(16500)), Variant("152", "Ø35 см", _uah(23500))),
    )
    index = PosIndex(_menu(pizza, category="Піца"))
    sized = index.match(ChannelItem("a", "Margherita 35 cm", 23500))
    assert sized.auto and sized.best is not None
    assert sized.best.target == Target("191", variant_id="152")
    unsized = index.match(ChannelItem("b", "Margherita"))
    assert not unsized.auto, "either size could be meant"
    with_own_variants = index.match(
        ChannelItem("c", "Margherita", variants=(ChannelOption("s", "Small 25 cm"),))
    )
    assert with_own_variants.best is not None
    assert with_own_variants.best.target == Target("191")


def test_an_item_with_a_modifier_is_a_target_when_the_name_says_both() -> None:
    latte = Item(
        "115",
        "Лате",
        _uah(6500),
        modifier_groups=(
            ModifierGroup(
                "1",
                "Молоко",
                0,
                1,
                (Modifier("32", "Коров'яче", _uah(0)), Modifier("33", "Вівсяне", _uah(1500))),
            ),
        ),
    )
    index = PosIndex(_menu(latte, category="Кава"))
    oat = index.match(ChannelItem("a", "Oat milk latte", 8000))
    assert oat.best is not None and oat.best.target == Target("115", modifier_id="33")
    assert oat.auto
    plain = index.match(ChannelItem("b", "Latte", 6500))
    assert plain.best is not None and plain.best.target == Target("115")


def test_nothing_alike_gives_no_candidates() -> None:
    index = PosIndex(_menu(Item("1", "Evian", _uah(19000))))
    match = index.match(ChannelItem("x", "Tiramisu", 9000))
    assert not match.auto
    assert all(c.confidence < 0.6 for c in match.candidates)
