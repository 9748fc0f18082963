"""Poster's menu → the hub's canonical menu of one location (one Poster spot).

Pure functions, no I/O. The rules, in the words of Poster's data:

- Every Poster category becomes a category, flattened in tree order (children after
  their parent, siblings by ``sort_order`` then name); ``category_hidden`` on it or on
  any ancestor makes it not visible. Products on Poster's root ("Home screen",
  category 0) get a category ``"0"`` of their own.
- A product or dish becomes an item at this spot when the spot has a price for it
  (a product modification with a price here becomes a variant; an item with variants
  shows the lowest visible one as its "from" price). ``hidden``, or ``visible`` 0 at the
  spot, keeps the item on the menu but not visible, so a channel hides it and an order
  naming it is refused; nothing disappears and comes back as "new".
- A dish's ``group_modifications`` become modifier groups (``num_min``..``num_max``;
  ``num_max`` 0 means one for "one of several" groups and no practical limit for
  "several"); each modifier's ``price`` is its delta per unit.
- Canonical ids are Poster's ids as text and every object keeps ``refs={"poster": id}``,
  so an order line's ids map back to ``product_id``/``modificator_id``/modifier ``m``
  without a lookup table.
- Poster's amounts are hundredths of the account currency ("kopecks"); the hub's are the
  currency's minor units. They coincide for two-decimal currencies; others are scaled.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from orderbridge.connectors.poster.schemas import (
    PosterAccountSettings,
    PosterCategory,
    PosterDishModificationGroup,
    PosterHall,
    PosterProduct,
    PosterSpot,
    PosterSpotPrice,
    PosterTable,
)
from orderbridge.domain.menu import (
    Availability,
    Category,
    Item,
    Menu,
    Modifier,
    ModifierGroup,
    Variant,
)
from orderbridge.domain.money import Money, minor_unit_exponent
from orderbridge.ports import PosLocationInfo, PosTable

POSTER = "poster"
HOME_CATEGORY_ID = "0"
HOME_CATEGORY_NAME = "Home screen"
# "Pick several" with no upper bound: the hub's order validation caps a modifier's
# quantity at 99, so a larger limit would never bind.
UNLIMITED_MODIFIERS = 99


def _scale(exponent: int) -> int:
    return int(10 ** abs(exponent - 2))


def to_minor(hundredths: int, currency: str) -> Money:
    """Poster's amount (hundredths of the currency) as the hub's Money."""
    exponent = minor_unit_exponent(currency)
    if exponent >= 2:
        return Money(hundredths * _scale(exponent), currency)
    return Money(hundredths // _scale(exponent), currency)


def to_hundredths(amount: Money) -> int:
    """The hub's Money as Poster's hundredths of the currency."""
    exponent = minor_unit_exponent(amount.currency)
    if exponent >= 2:
        return amount.amount // _scale(exponent)
    return amount.amount * _scale(exponent)


def absolute_photo(path: str | None, photo_base: str) -> str | None:
    """``/upload/…/x.jpg`` → ``{photo_base}/upload/…/x.jpg``; absolute URLs stay."""
    if not path:
        return None
    if path.startswith(("http://", "https://")):
        return path
    return f"{photo_base.rstrip('/')}/{path.lstrip('/')}"


def menu_from_poster(
    categories: Sequence[PosterCategory],
    products: Iterable[PosterProduct],
    *,
    location_id: str,
    spot_id: int,
    currency: str,
    photo_base: str,
    out_of_stock: Collection[int] = frozenset(),
) -> Menu:
    """The canonical menu of ``spot_id`` from menu.getCategories and menu.getProducts.

    ``out_of_stock`` holds product ids the hub learned are sold out (Poster's menu
    answers carry no stock; ``stock`` webhooks do).
    """
    by_id = {c.category_id: c for c in categories}
    grouped: dict[int, list[tuple[tuple[int, str, int], Item]]] = {}
    home_name = HOME_CATEGORY_NAME
    for product in products:
        item = item_from_product(
            product,
            spot_id=spot_id,
            currency=currency,
            photo_base=photo_base,
            in_stock=product.product_id not in out_of_stock,
        )
        if item is None:
            continue
        category_id = product.menu_category_id if product.menu_category_id in by_id else 0
        if category_id == 0 and product.category_name:
            home_name = product.category_name
        key = (product.sort_order, product.product_name.casefold(), product.product_id)
        grouped.setdefault(category_id, []).append((key, item))

    result: list[Category] = []
    if 0 in grouped:
        result.append(_category(HOME_CATEGORY_ID, home_name, grouped[0], visible=True))
    hidden = hidden_categories(by_id)
    for category in tree_order(categories):
        result.append(
            _category(
                str(category.category_id),
                category.category_name,
                grouped.get(category.category_id, []),
                visible=category.category_id not in hidden,
            )
        )
    return Menu(location_id=location_id, currency=currency, categories=tuple(result))


def _category(
    category_id: str, name: str, items: list[tuple[tuple[int, str, int], Item]], *, visible: bool
) -> Category:
    items.sort(key=lambda pair: pair[0])
    return Category(
        id=category_id,
        name=name,
        items=tuple(item for _, item in items),
        visible=visible,
        refs={POSTER: category_id},
    )


def tree_order(categories: Sequence[PosterCategory]) -> list[PosterCategory]:
    """Categories depth-first: each parent before its children, siblings by sort order."""
    by_id = {c.category_id: c for c in categories}
    children: dict[int, list[PosterCategory]] = {}
    for category in categories:
        parent = category.parent_category if category.parent_category in by_id else 0
        children.setdefault(parent, []).append(category)
    ordered: list[PosterCategory] = []
    seen: set[int] = set()
    stack = [0]
    while stack:
        parent = stack.pop()
        kids = sorted(
            children.get(parent, []),
            key=lambda c: (c.sort_order, c.category_name.casefold(), c.category_id),
        )
        # Reversed onto the stack so the first sibling is visited first.
        for kid in reversed(kids):
            if kid.category_id not in seen:
                seen.add(kid.category_id)
                stack.append(kid.category_id)
        if parent:
            ordered.append(by_id[parent])
    # A cycle in parent links (never seen, but not ours to trust) still lists everyone.
    ordered.extend(c for c in categories if c.category_id not in seen)
    return ordered


def hidden_categories(by_id: dict[int, PosterCategory]) -> set[int]:
    """Ids of categories hidden themselves or under a hidden ancestor."""
    hidden: set[int] = set()
    for category_id in by_id:
        current: int | None = category_id
        steps = 0
        while current and current in by_id and steps <= len(by_id):
            if by_id[current].category_hidden:
                hidden.add(category_id)
                break
            current = by_id[current].parent_category
            steps += 1
    return hidden


def _spot_row(rows: Sequence[PosterSpotPrice], spot_id: int) -> PosterSpotPrice | None:
    # The reference's Borjomi lists each spot twice; the first row wins.
    return next((row for row in rows if row.spot_id == spot_id), None)


def item_from_product(
    product: PosterProduct,
    *,
    spot_id: int,
    currency: str,
    photo_base: str,
    in_stock: bool = True,
) -> Item | None:
    """The item ``product`` is at ``spot_id``, or None if the spot does not sell it."""
    variants: list[Variant] = []
    if product.modifications:
        seen: set[int] = set()
        for mod in sorted(product.modifications, key=lambda m: (m.order, m.modificator_id)):
            row = _spot_row(mod.spots, spot_id)
            if row is None or mod.modificator_id in seen:
                continue
            seen.add(mod.modificator_id)
            variant_id = str(mod.modificator_id)
            variants.append(
                Variant(
                    id=variant_id,
                    name=mod.modificator_name.strip(),
                    price=to_minor(row.price, currency),
                    availability=Availability(visible=row.visible),
                    refs={POSTER: variant_id},
                )
            )
        if not variants:
            return None
        shown = [v for v in variants if v.availability.visible]
        price = min((v.price for v in shown or variants), key=lambda money: money.amount)
        visible = bool(shown)
    else:
        row = _spot_row(product.spots, spot_id)
        if row is not None:
            price, visible = to_minor(row.price, currency), row.visible
        elif str(spot_id) in product.price:
            price, visible = to_minor(product.price[str(spot_id)], currency), True
        else:
            return None
    item_id = str(product.product_id)
    return Item(
        id=item_id,
        name=product.product_name.strip(),
        price=price,
        photo_url=absolute_photo(product.photo_origin or product.photo, photo_base),
        variants=tuple(variants),
        modifier_groups=_groups(product.group_modifications, currency),
        availability=Availability(visible=visible and not product.hidden, in_stock=in_stock),
        refs={POSTER: item_id},
    )


def _groups(
    groups: Sequence[PosterDishModificationGroup], currency: str
) -> tuple[ModifierGroup, ...]:
    result: list[ModifierGroup] = []
    seen: set[int] = set()  # modifier ids must be unique across an item's groups
    for group in groups:
        if group.is_deleted:
            continue
        modifiers = []
        for mod in group.modifications:
            if mod.dish_modification_id in seen:
                continue
            seen.add(mod.dish_modification_id)
            modifier_id = str(mod.dish_modification_id)
            modifiers.append(
                Modifier(
                    id=modifier_id,
                    name=mod.name.strip(),
                    price=to_minor(mod.price, currency),
                    refs={POSTER: modifier_id},
                )
            )
        if not modifiers:
            continue
        low = max(group.num_min, 0)
        high = group.num_max
        if high <= 0:
            high = 1 if group.type == 1 else UNLIMITED_MODIFIERS
        group_id = str(group.dish_modification_group_id)
        result.append(
            ModifierGroup(
                id=group_id,
                name=group.name.strip(),
                min=low,
                max=max(high, low, 1),
                modifiers=tuple(modifiers),
                refs={POSTER: group_id},
            )
        )
    return tuple(result)


def location_infos(
    spots: Sequence[PosterSpot],
    halls: Sequence[PosterHall],
    tables: Sequence[PosterTable],
    settings: PosterAccountSettings,
) -> list[PosLocationInfo]:
    """Spots with their live tables (removed halls and tables left out)."""
    hall_names = {h.hall_id: h.hall_name for h in halls if not h.delete}
    result = []
    for spot in spots:
        spot_tables = tuple(
            PosTable(
                external_id=str(t.table_id),
                name=t.table_num or t.table_title or str(t.table_id),
                seats=t.table_seats,
                hall=hall_names[t.hall_id],
            )
            for t in tables
            if t.spot_id == spot.spot_id and not t.is_deleted and t.hall_id in hall_names
        )
        result.append(
            PosLocationInfo(
                external_id=str(spot.spot_id),
                name=spot.display_name,
                address=spot.display_address,
                timezone=settings.tz_name,
                currency=settings.currency_iso,
                tables=spot_tables,
                storages=tuple(spot.storage_ids),
            )
        )
    return result
