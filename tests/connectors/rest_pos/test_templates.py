"""Request templates: values keep their JSON types, lists repeat, filters are a closed set."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orderbridge.connectors.rest_pos import templates
from orderbridge.connectors.rest_pos.canonical import VOCABULARY
from orderbridge.connectors.rest_pos.templates import RenderError, Style, check, render
from orderbridge.domain.money import Money

WHEN = datetime(2026, 11, 22, 16, 30, tzinfo=UTC)
VALUES = {
    "key": "ord_1",
    "order": {
        "note": "ring",
        "fulfillment": {"type": "pickup", "time": WHEN, "address": None},
        "payment": {"paid": True, "amount": Money(53000, "UAH")},
        "lines": [
            {"item_id": "PZ", "quantity": 2, "unit_price": Money(18900, "UAH"), "modifiers": []},
            {
                "item_id": "CR",
                "quantity": 1,
                "unit_price": Money(5550, "UAH"),
                "modifiers": [{"modifier_id": "bbq", "quantity": 2}],
            },
        ],
    },
}
MAPS = {"kind": {"pickup": "TAKEAWAY"}}


@pytest.mark.parametrize(
    ("money", "expected"),
    [("minor_units", 53000), ("decimal_string", "530.00"), ("decimal_number", 530.0)],
)
def test_money_is_written_in_the_manifests_format(money: str, expected: object) -> None:
    assert render("{{ order.payment.amount }}", VALUES, Style(money)) == expected


def test_a_whole_expression_keeps_its_json_type_and_text_interpolates() -> None:
    style = Style("decimal_string", MAPS, "Europe/Kyiv")
    assert render("{{ order.payment.paid }}", VALUES, style) is True
    assert render("{{ order.fulfillment.address.line1 }}", VALUES, style) is None
    assert render("Order {{ key }}: {{ order.note | upper }}", VALUES, style) == "Order ord_1: RING"
    assert render("{{ order.fulfillment.type | map:kind }}", VALUES, style) == "TAKEAWAY"
    assert render("{{ order.fulfillment.time }}", VALUES, style) == "2026-11-22T16:30:00+00:00"
    assert render("{{ order.fulfillment.time | utc }}", VALUES, style) == "2026-11-22T16:30:00Z"
    assert render("{{ order.fulfillment.time | local }}", VALUES, style) == "2026-11-22T18:30:00"
    assert render("{{ order.fulfillment.time | unix }}", VALUES, style) == 1795365000
    assert render("{{ order.missing | default:none }}", VALUES, style) == "none"


def test_each_repeats_a_table_per_element_with_nested_lists() -> None:
    template = {
        "lines": {
            "$each": "order.lines",
            "$as": "line",
            "sku": "{{ line.item_id }}",
            "price": "{{ line.unit_price }}",
            "addons": {"$each": "line.modifiers", "id": "{{ item.modifier_id }}"},
        }
    }
    assert render(template, VALUES, Style("decimal_string")) == {
        "lines": [
            {"sku": "PZ", "price": "189.00", "addons": []},
            {"sku": "CR", "price": "55.50", "addons": [{"id": "bbq"}]},
        ]
    }


def test_an_unmapped_value_is_a_render_error_naming_the_table() -> None:
    values = {**VALUES, "order": {**VALUES["order"], "fulfillment": {"type": "delivery"}}}  # type: ignore[dict-item]
    with pytest.raises(RenderError, match=r"\[values.kind\] has no entry for 'delivery'"):
        render("{{ order.fulfillment.type | map:kind }}", values, Style(maps=MAPS))


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{{ order.custmer.name }}", "did you mean 'customer'"),
        ("{{ order.lines.item_id }}", 'repeat over it with "$each"'),
        ("{{ order.note | mony }}", "unknown filter 'mony'"),
        ("{{ order.note | map }}", "map:NAME"),
        ("{{ order.note | map:sizes }}", "no [values.sizes] table"),
        ("{{ 1 + 1 }}", "expected a name"),
        ({"$each": "order.note"}, "is not a list"),
    ],
)
def test_offline_checks_find_every_mistake(template: object, problem: str) -> None:
    found = list(check(template, VOCABULARY["create_order"], maps=MAPS))
    assert found and problem in str(found[0])


def test_the_filters_are_documented() -> None:
    assert all(templates.FILTERS.values())
