from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from orderbridge.domain.errors import (
    CurrencyMismatchError,
    DuplicateIdError,
    InvalidValueError,
    NaiveDatetimeError,
)
from orderbridge.domain.events import MenuChanged
from orderbridge.domain.menu import Availability, Category, Item, Menu, Modifier, ModifierGroup
from orderbridge.domain.menu_diff import diff
from orderbridge.domain.money import Money

from .cafe import LOCATION_ID, NOW, burger, cafe_menu, croissant, latte, uah


def test_an_unchanged_menu_keeps_its_version() -> None:
    assert cafe_menu().version == cafe_menu().version
    assert len(cafe_menu().version) == 20


def test_a_price_change_changes_the_version() -> None:
    cheaper = replace(croissant(), price=uah(5000))
    assert cafe_menu(food=(burger(), cheaper)).version != cafe_menu().version


def test_display_order_is_content() -> None:
    assert cafe_menu(food=(croissant(), burger())).version != cafe_menu().version


def test_version_ignores_the_order_refs_were_written_in() -> None:
    one = replace(croissant(), refs={"poster": "1", "wix": "w"})
    other = replace(croissant(), refs={"wix": "w", "poster": "1"})
    assert cafe_menu(food=(one,)).version == cafe_menu(food=(other,)).version


def test_version_ignores_the_timezone_a_snooze_was_written_in() -> None:
    in_utc = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
    in_kyiv = in_utc.astimezone(ZoneInfo("Europe/Kyiv"))
    snoozed_utc = replace(croissant(), availability=Availability(snoozed_until=in_utc))
    snoozed_kyiv = replace(croissant(), availability=Availability(snoozed_until=in_kyiv))
    assert cafe_menu(food=(snoozed_utc,)).version == cafe_menu(food=(snoozed_kyiv,)).version


def test_refs_cannot_be_changed_behind_the_versions_back() -> None:
    item = latte()
    with pytest.raises(TypeError):
        item.refs["poster"] = "999"  # type: ignore[index]
    assert item.refs == {"poster": "139", "wix": "b6f1"}


def test_lookups_by_id() -> None:
    menu = cafe_menu()
    item = menu.item("latte")
    assert item is not None
    assert menu.category_of("latte") == menu.categories[0]
    assert menu.item("espresso") is None
    assert menu.category_of("espresso") is None
    assert [i.id for i in menu.items()] == ["latte", "burger", "croissant"]
    assert item.variant("latte-l") is not None
    assert item.variant("latte-xl") is None
    found = item.modifier("caramel")
    assert found is not None
    assert (found[0].id, found[1].name) == ("syrup", "Карамель")
    assert item.modifier("bacon") is None


def test_item_ids_are_unique_across_the_menu() -> None:
    with pytest.raises(DuplicateIdError):
        Menu(
            LOCATION_ID,
            "UAH",
            (Category("a", "A", (croissant(),)), Category("b", "B", (croissant(),))),
        )


def test_category_ids_are_unique() -> None:
    with pytest.raises(DuplicateIdError):
        Menu(LOCATION_ID, "UAH", (Category("a", "A"), Category("a", "Again")))


def test_modifier_ids_are_unique_across_an_items_groups() -> None:
    group_a = ModifierGroup("a", "A", 0, 1, (Modifier("x", "X", uah(0)),))
    group_b = ModifierGroup("b", "B", 0, 1, (Modifier("x", "X", uah(0)),))
    with pytest.raises(DuplicateIdError):
        Item("i", "I", uah(100), modifier_groups=(group_a, group_b))


def test_every_price_is_in_the_menu_currency() -> None:
    foreign = replace(latte(), variants=(replace(latte().variants[0], price=Money(300, "EUR")),))
    with pytest.raises(CurrencyMismatchError):
        cafe_menu(coffee=(foreign,))


@pytest.mark.parametrize(("low", "high"), [(-1, 1), (2, 1), (0, 0)])
def test_modifier_group_bounds_must_make_sense(low: int, high: int) -> None:
    with pytest.raises(InvalidValueError):
        ModifierGroup("g", "G", low, high, ())


def test_availability_reasons() -> None:
    assert Availability().unavailable_reason(NOW) is None
    assert Availability(visible=False).unavailable_reason(NOW) == "hidden"
    assert Availability(in_stock=False).unavailable_reason(NOW) == "out_of_stock"


def test_a_snooze_lifts_itself() -> None:
    snoozed = Availability(snoozed_until=NOW + timedelta(hours=2))
    assert not snoozed.is_available_at(NOW)
    assert snoozed.unavailable_reason(NOW) == "snoozed"
    assert snoozed.is_available_at(NOW + timedelta(hours=2))


def test_a_snooze_needs_an_aware_time() -> None:
    with pytest.raises(NaiveDatetimeError):
        Availability(snoozed_until=datetime(2026, 11, 22, 18, 0))


def test_with_item_refreshes_an_item_in_place() -> None:
    cheaper = replace(burger(), price=uah(17000))
    menu = cafe_menu().with_item(cheaper, "food")
    assert [i.id for i in menu.items()] == ["latte", "burger", "croissant"]
    assert menu.item("burger") == cheaper


def test_with_item_moves_or_adds_at_the_end_of_the_category() -> None:
    moved = cafe_menu().with_item(croissant(), "coffee")
    assert [i.id for i in moved.categories[0].items] == ["latte", "croissant"]
    assert [i.id for i in moved.categories[1].items] == ["burger"]
    added = cafe_menu().with_item(Item("tea", "Чай", uah(4000)), "coffee")
    assert added.item("tea") is not None
    with pytest.raises(InvalidValueError):
        cafe_menu().with_item(croissant(), "desserts")


def test_without_item() -> None:
    assert cafe_menu().without_item("burger").item("burger") is None
    assert cafe_menu().without_item("nothing") == cafe_menu()


# --- diff ---------------------------------------------------------------------------


def test_an_unchanged_menu_has_an_empty_diff() -> None:
    result = diff(cafe_menu(), cafe_menu())
    assert result.is_empty
    assert result.version == result.previous_version == cafe_menu().version


def test_a_first_publish_adds_everything() -> None:
    result = diff(None, cafe_menu())
    assert result.previous_version is None
    assert [i.id for i in result.added_items] == ["latte", "burger", "croissant"]
    assert [c.id for c in result.added_categories] == ["coffee", "food"]
    assert not result.changed_items and not result.removed_items


def test_a_changed_price_or_snooze_is_an_item_change_only() -> None:
    snoozed = replace(croissant(), availability=Availability(snoozed_until=NOW))
    result = diff(cafe_menu(), cafe_menu(food=(burger(), snoozed)))
    assert [(c.old.id, c.new.availability.snoozed_until) for c in result.changed_items] == [
        ("croissant", NOW)
    ]
    assert not result.changed_categories
    assert not result.added_items and not result.removed_items


def test_added_and_removed_items_change_their_category() -> None:
    tea = Item("tea", "Чай", uah(4000))
    result = diff(cafe_menu(), cafe_menu(coffee=(latte(), tea), food=(burger(),)))
    assert [i.id for i in result.added_items] == ["tea"]
    assert [i.id for i in result.removed_items] == ["croissant"]
    assert [c.id for c in result.changed_categories] == ["coffee", "food"]


def test_a_moved_item_is_changed_and_says_so() -> None:
    result = diff(cafe_menu(), cafe_menu().with_item(croissant(), "coffee"))
    [change] = result.changed_items
    assert change.moved
    assert (change.old_category_id, change.new_category_id) == ("food", "coffee")


def test_a_renamed_category_is_a_category_change_only() -> None:
    old = cafe_menu()
    renamed = replace(old, categories=(replace(old.categories[0], name="Напої"), old.categories[1]))
    result = diff(old, renamed)
    assert [c.name for c in result.changed_categories] == ["Напої"]
    assert not result.changed_items


def test_added_and_removed_categories() -> None:
    old = cafe_menu()
    new = replace(old, categories=(old.categories[0], Category("desserts", "Десерти")))
    result = diff(old, new)
    assert [c.id for c in result.added_categories] == ["desserts"]
    assert [c.id for c in result.removed_categories] == ["food"]
    assert [i.id for i in result.removed_items] == ["burger", "croissant"]


def test_a_diff_becomes_a_menu_changed_event_by_ids() -> None:
    tea = Item("tea", "Чай", uah(4000))
    new = cafe_menu(coffee=(latte(), tea), food=(burger(),))
    event = diff(cafe_menu(), new).as_event(NOW)
    assert event == MenuChanged(
        at=NOW,
        location_id=LOCATION_ID,
        version=new.version,
        previous_version=cafe_menu().version,
        added_items=("tea",),
        removed_items=("croissant",),
        changed_categories=("coffee", "food"),
    )


def test_menus_of_two_locations_cannot_be_diffed() -> None:
    with pytest.raises(InvalidValueError):
        diff(cafe_menu(), replace(cafe_menu(), location_id="elsewhere"))
