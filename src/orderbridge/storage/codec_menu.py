"""A location's menu as a JSON document, and back, without losing a field.

The document mirrors the model one to one: categories hold items, items hold
variants and modifier groups, and every object carries its ``refs`` (ids in Poster,
Wix …) and, where the model has one, its availability with ``snoozed_until``. Display
order is list order. A decoded menu equals the one encoded, so its
:attr:`~orderbridge.domain.menu.Menu.version` (a fingerprint of the content) is the
same too, and a stored menu diffed against a freshly imported one yields an empty
diff when nothing changed.

The version itself is not stored in the document: it is derived from the content, and
a stored copy could only disagree with it. Repositories that need it in a column
(for ETags or lookups) write ``menu.version`` there.
"""

from __future__ import annotations

from orderbridge.domain.menu import (
    AVAILABLE,
    Availability,
    Category,
    Item,
    Menu,
    Modifier,
    ModifierGroup,
    Variant,
)
from orderbridge.storage.codec_fields import (
    Fields,
    JSONDict,
    domain_errors,
    money_to_json,
    optional_moment_to_json,
)


def menu_to_json(menu: Menu) -> JSONDict:
    """The whole menu of one location as a JSON-ready dict."""
    return {
        "location_id": menu.location_id,
        "currency": menu.currency,
        "categories": [_category_to_json(c) for c in menu.categories],
    }


def menu_from_json(data: object) -> Menu:
    """Rebuild a menu written by :func:`menu_to_json`; ``ValueError`` names any bad field."""
    fields = Fields(data, "menu")
    location_id = fields.text("location_id")
    currency = fields.text("currency")
    categories = tuple(_category_from_json(c) for c in fields.objects("categories"))
    with domain_errors(fields.path):
        return Menu(location_id=location_id, currency=currency, categories=categories)


def _availability_to_json(availability: Availability) -> JSONDict:
    return {
        "visible": availability.visible,
        "in_stock": availability.in_stock,
        "snoozed_until": optional_moment_to_json(availability.snoozed_until),
    }


def _availability_from_json(parent: Fields) -> Availability:
    fields = parent.optional_obj("availability")
    if fields is None:
        return AVAILABLE
    return Availability(
        visible=fields.flag("visible", default=True),
        in_stock=fields.flag("in_stock", default=True),
        snoozed_until=fields.optional_moment("snoozed_until"),
    )


def _category_to_json(category: Category) -> JSONDict:
    return {
        "id": category.id,
        "name": category.name,
        "visible": category.visible,
        "refs": dict(category.refs),
        "items": [_item_to_json(i) for i in category.items],
    }


def _category_from_json(fields: Fields) -> Category:
    return Category(
        id=fields.text("id"),
        name=fields.text("name"),
        items=tuple(_item_from_json(i) for i in fields.objects("items")),
        visible=fields.flag("visible", default=True),
        refs=fields.refs(),
    )


def _item_to_json(item: Item) -> JSONDict:
    return {
        "id": item.id,
        "name": item.name,
        "price": money_to_json(item.price),
        "description": item.description,
        "photo_url": item.photo_url,
        "variants": [_variant_to_json(v) for v in item.variants],
        "modifier_groups": [_group_to_json(g) for g in item.modifier_groups],
        "availability": _availability_to_json(item.availability),
        "refs": dict(item.refs),
    }


def _item_from_json(fields: Fields) -> Item:
    id_, name, price = fields.text("id"), fields.text("name"), fields.money("price")
    description, photo_url = (
        fields.text("description", default=""),
        fields.optional_text("photo_url"),
    )
    variants = tuple(_variant_from_json(v) for v in fields.objects("variants"))
    groups = tuple(_group_from_json(g) for g in fields.objects("modifier_groups"))
    availability, refs = _availability_from_json(fields), fields.refs()
    with domain_errors(fields.path):
        return Item(
            id=id_,
            name=name,
            price=price,
            description=description,
            photo_url=photo_url,
            variants=variants,
            modifier_groups=groups,
            availability=availability,
            refs=refs,
        )


def _variant_to_json(variant: Variant) -> JSONDict:
    return {
        "id": variant.id,
        "name": variant.name,
        "price": money_to_json(variant.price),
        "availability": _availability_to_json(variant.availability),
        "refs": dict(variant.refs),
    }


def _variant_from_json(fields: Fields) -> Variant:
    return Variant(
        id=fields.text("id"),
        name=fields.text("name"),
        price=fields.money("price"),
        availability=_availability_from_json(fields),
        refs=fields.refs(),
    )


def _group_to_json(group: ModifierGroup) -> JSONDict:
    return {
        "id": group.id,
        "name": group.name,
        "min": group.min,
        "max": group.max,
        "modifiers": [_modifier_to_json(m) for m in group.modifiers],
        "refs": dict(group.refs),
    }


def _group_from_json(fields: Fields) -> ModifierGroup:
    id_, name = fields.text("id"), fields.text("name")
    low, high = fields.integer("min"), fields.integer("max")
    modifiers = tuple(_modifier_from_json(m) for m in fields.objects("modifiers"))
    refs = fields.refs()
    with domain_errors(fields.path):
        return ModifierGroup(id=id_, name=name, min=low, max=high, modifiers=modifiers, refs=refs)


def _modifier_to_json(modifier: Modifier) -> JSONDict:
    return {
        "id": modifier.id,
        "name": modifier.name,
        "price": money_to_json(modifier.price),
        "availability": _availability_to_json(modifier.availability),
        "refs": dict(modifier.refs),
    }


def _modifier_from_json(fields: Fields) -> Modifier:
    return Modifier(
        id=fields.text("id"),
        name=fields.text("name"),
        price=fields.money("price"),
        availability=_availability_from_json(fields),
        refs=fields.refs(),
    )
