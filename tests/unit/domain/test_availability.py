"""Stock marks and snoozes laid over a POS menu (``domain.availability``)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from orderbridge.domain.availability import (
    Snooze,
    SnoozeTarget,
    StockMark,
    apply_availability,
    find_target,
)
from orderbridge.domain.errors import NaiveDatetimeError

from .cafe import LOCATION_ID, NOW, cafe_menu

SOON = NOW + timedelta(hours=1)


def _snooze(target: SnoozeTarget, target_id: str, until: datetime = SOON) -> Snooze:
    return Snooze(
        id=f"snz-{target_id}",
        location_id=LOCATION_ID,
        target=target,
        target_id=target_id,
        until=until,
    )


def test_nothing_to_lay_over_keeps_the_menu_as_it_is() -> None:
    menu = cafe_menu()
    assert apply_availability(menu, now=NOW) is menu


def test_a_stock_mark_sells_the_item_out() -> None:
    menu = apply_availability(cafe_menu(), out_of_stock=[StockMark("croissant")], now=NOW)
    croissant = menu.item("croissant")
    assert (
        croissant is not None and croissant.availability.unavailable_reason(NOW) == "out_of_stock"
    )
    latte = menu.item("latte")
    assert latte is not None and latte.availability.is_available_at(NOW)


def test_a_variant_mark_touches_only_that_variant() -> None:
    menu = apply_availability(cafe_menu(), out_of_stock=[StockMark("latte", "latte-l")], now=NOW)
    latte = menu.item("latte")
    assert latte is not None
    assert [v.availability.in_stock for v in latte.variants] == [True, False]
    assert latte.availability.in_stock


def test_snoozes_switch_items_variants_and_modifiers_off_until_their_end() -> None:
    snoozes = [
        _snooze(SnoozeTarget.ITEM, "croissant"),
        _snooze(SnoozeTarget.VARIANT, "latte-s"),
        _snooze(SnoozeTarget.MODIFIER, "vanilla", SOON + timedelta(minutes=30)),
    ]
    menu = apply_availability(cafe_menu(), snoozes=snoozes, now=NOW)
    croissant, latte = menu.item("croissant"), menu.item("latte")
    assert croissant is not None and latte is not None
    assert croissant.availability.snoozed_until == SOON
    assert croissant.availability.unavailable_reason(NOW) == "snoozed"
    assert croissant.availability.is_available_at(SOON)  # back by itself
    assert latte.variants[0].availability.snoozed_until == SOON
    vanilla = latte.modifier("vanilla")
    assert vanilla is not None and vanilla[1].availability.snoozed_until == SOON + timedelta(
        minutes=30
    )


def test_the_latest_of_two_snoozes_wins_and_ended_ones_count_for_nothing() -> None:
    later = SOON + timedelta(hours=2)
    snoozes = [
        _snooze(SnoozeTarget.ITEM, "croissant"),
        Snooze("snz-2", LOCATION_ID, SnoozeTarget.ITEM, "croissant", later),
        Snooze("snz-old", LOCATION_ID, SnoozeTarget.ITEM, "latte", NOW - timedelta(minutes=1)),
    ]
    menu = apply_availability(cafe_menu(), snoozes=snoozes, now=NOW)
    croissant, latte = menu.item("croissant"), menu.item("latte")
    assert croissant is not None and croissant.availability.snoozed_until == later
    assert latte is not None and latte.availability.snoozed_until is None


def test_the_pos_menus_own_out_of_stock_is_kept() -> None:
    """Bacon is out of stock in the POS menu itself; a snooze elsewhere keeps it so."""
    menu = apply_availability(
        cafe_menu(), snoozes=[_snooze(SnoozeTarget.ITEM, "croissant")], now=NOW
    )
    burger = menu.item("burger")
    assert burger is not None
    bacon = burger.modifier("bacon")
    assert bacon is not None and not bacon[1].availability.in_stock


def test_laying_over_changes_the_menu_version_so_channels_hear_of_it() -> None:
    plain = cafe_menu()
    marked = apply_availability(plain, out_of_stock=[StockMark("croissant")], now=NOW)
    assert marked.version != plain.version


def test_find_target_names_what_a_snooze_would_switch_off() -> None:
    menu = cafe_menu()
    assert find_target(menu, SnoozeTarget.ITEM, "croissant") == "Круасан"
    assert find_target(menu, SnoozeTarget.VARIANT, "latte-l") == "Латте, 0.5 л"
    assert find_target(menu, SnoozeTarget.MODIFIER, "bacon") == "Бекон"
    assert find_target(menu, SnoozeTarget.ITEM, "latte-l") is None


def test_a_snooze_needs_an_aware_end() -> None:
    with pytest.raises(NaiveDatetimeError):
        _snooze(SnoozeTarget.ITEM, "croissant", NOW.replace(tzinfo=None))
