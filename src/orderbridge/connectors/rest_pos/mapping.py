"""A REST POS's answers → the hub's records, as the manifest's paths and tables say.

Pure functions. Everything a POS answers is read through the manifest: a record where
``record`` points, fields where ``fields`` point, statuses through ``[statuses]``,
amounts in ``[money]``'s format. An answer that lacks what the manifest promised is a
``PermanentError("unexpected_response")`` naming the service and the missing path, so
the attempt row says exactly what to fix (the manifest or the POS).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from orderbridge.connectors.rest_pos.manifest import (
    Availability,
    Items,
    Location,
    Manifest,
    MenuShape,
    Service,
)
from orderbridge.connectors.rest_pos.paths import compile_path
from orderbridge.domain.errors import DomainError
from orderbridge.domain.menu import (
    Availability as Available,
)
from orderbridge.domain.menu import (
    Category,
    Item,
    Menu,
    Modifier,
    ModifierGroup,
    Variant,
)
from orderbridge.domain.money import Money
from orderbridge.ports import PermanentError, PosItem, PosLocationInfo, PosOrderRef, PosOrderState

KIND = "rest_pos"
UNEXPECTED = "unexpected_response"


class Reader:
    """Reads one answer of one service, naming both in every complaint."""

    def __init__(self, manifest: Manifest, service: str) -> None:
        self.manifest = manifest
        self.service = service

    def fail(self, what: str) -> PermanentError:
        return PermanentError(UNEXPECTED, f"{self.manifest.name}'s answer to {self.service} {what}")

    def one(self, document: Any, path: str | None) -> Any:
        """The record at ``path`` (the whole answer when None)."""
        if path is None:
            return document
        found = compile_path(path).find(document)
        if not found or found[0] is None:
            raise self.fail(f"has nothing at {path}")
        return found[0]

    def many(self, document: Any, path: str) -> list[Any]:
        found = compile_path(path).find(document)
        if not compile_path(path).multiple:
            found = found[0] if found and isinstance(found[0], list) else found
        return [r for r in found if r is not None]

    def value(self, record: Any, path: str, *, required: bool = True) -> Any:
        found = compile_path(path).find(record)
        if not found or found[0] is None:
            if required:
                raise self.fail(f"has a record without {path}: {_snippet(record)}")
            return None
        return found[0]

    def text(self, record: Any, path: str | None, *, required: bool = True) -> str | None:
        if path is None:
            return None
        value = self.value(record, path, required=required)
        return None if value is None else str(value)

    def money(self, record: Any, path: str | None, currency: str) -> Money:
        if path is None:
            return Money.zero(currency)
        raw = self.value(record, path, required=False)
        if raw is None:
            return Money.zero(currency)
        try:
            if self.manifest.money.format == "minor_units":
                if isinstance(raw, bool) or Decimal(str(raw)) != int(Decimal(str(raw))):
                    raise ValueError
                return Money(int(Decimal(str(raw))), currency)
            return Money.from_decimal(Decimal(str(raw)), currency)
        except (ValueError, InvalidOperation, DomainError):
            fmt = self.manifest.money.format
            raise self.fail(f"has {raw!r} at {path}, not an amount in {fmt} ({currency})") from None


def _snippet(record: Any) -> str:
    text = str(record)
    return text if len(text) <= 200 else text[:200] + "…"


# Orders and reservations -------------------------------------------------------------


def ref(
    manifest: Manifest,
    name: str,
    kind: Literal["order", "reservation"],
    service: Service,
    record: Any,
) -> PosOrderRef:
    """A POS order (or reservation) record → ``PosOrderRef``."""
    read = Reader(manifest, name)
    fields = service.fields
    pos_id = read.text(record, fields["id"])
    assert pos_id is not None
    state = PosOrderState.NEW
    detail = ""
    if "status" in fields:
        status = read.text(record, fields["status"])
        table = manifest.statuses.get(kind, {})
        if status not in table:
            raise PermanentError(
                "unknown_status",
                f"{manifest.name} says {kind} {pos_id} is {status!r}, which [statuses.{kind}] "
                "does not map",
            )
        state = PosOrderState(table[status])
        detail = f"{manifest.name}: {status}"
    check = read.text(record, fields.get("check_id"), required=False)
    return PosOrderRef(pos_id, state, check, detail)


def matching(manifest: Manifest, name: str, service: Service, document: Any, key: str) -> list[Any]:
    """The records of a find answer that carry ``key`` (all of them for a lookup)."""
    read = Reader(manifest, name)
    if service.records is None:
        return [read.one(document, service.record)]
    records = read.many(document, service.records)
    if service.match is None:
        return records
    match = compile_path(service.match)
    return [r for r in records if str(match.first(r, "")) == key]


# Menu -------------------------------------------------------------------------------

PART_SERVICES = ("menu_variants", "menu_option_groups", "menu_options")


@dataclass(frozen=True)
class Parts:
    """Variants, option groups and options a POS lists apart from its items (each its
    own flat list: Sinqro's "GET variants / option categories / options"), indexed by
    what joins them to their owner: the item's id, or the option group's id."""

    variants: Mapping[str, list[Any]] = field(default_factory=dict)
    groups: Mapping[str, list[Any]] = field(default_factory=dict)
    options: Mapping[str, list[Any]] = field(default_factory=dict)


def parts(manifest: Manifest, answers: Mapping[str, Any]) -> Parts:
    """Index the flat lists' answers (``answers``: service name → answer)."""
    shape = _shape(manifest).items
    groups = shape.modifier_groups

    def index(service: str, spec: Any, join: str) -> dict[str, list[Any]]:
        if spec is None or not compile_path(spec.records).absolute:
            return {}
        read = Reader(manifest, service)
        found: dict[str, list[Any]] = {}
        for record in read.many(answers.get(service), spec.records):
            owners = _ids(record, getattr(spec, join))
            if not owners:
                raise read.fail(f"has a record without {getattr(spec, join)}: {_snippet(record)}")
            for owner in owners:
                found.setdefault(owner, []).append(record)
        return found

    return Parts(
        variants=index("menu_variants", shape.variants, "item"),
        groups=index("menu_option_groups", groups, "item"),
        options=index("menu_options", groups.modifiers if groups else None, "group"),
    )


def _ids(record: Any, path: str) -> list[str]:
    """Every id at ``path`` in ``record`` (one, a list of them, or a wildcard's)."""
    found: list[Any] = []
    for value in compile_path(path).find(record):
        found.extend(value if isinstance(value, list) else [value])
    return [str(v) for v in found if v is not None and not isinstance(v, dict | list)]


def menu(
    manifest: Manifest,
    menu_answer: Any,
    items_answer: Any | None,
    *,
    location_id: str,
    currency: str,
    parts: Parts | None = None,
) -> Menu:
    """The whole menu: categories from ``menu_answer``, items nested in them or, for a
    flat menu, from ``items_answer`` joined by their category field; variants and
    option groups nested in the items or, listed apart, from ``parts``."""
    extra = parts or Parts()
    shape = _shape(manifest)
    read = Reader(manifest, "menu")
    flat = compile_path(shape.items.records).absolute
    by_category: dict[str, list[Item]] = {}
    categories: list[tuple[Any, str]] = []
    for record in read.many(menu_answer, shape.categories.records):
        category_id = read.text(record, shape.categories.id)
        assert category_id is not None
        categories.append((record, category_id))
        if not flat:
            nested = read.many(record, shape.items.records)
            by_category[category_id] = [item(manifest, r, currency, parts=extra) for r in nested]
    if flat:
        items_read = Reader(manifest, "menu_items")
        for record in items_read.many(items_answer, shape.items.records):
            category = items_read.text(record, shape.items.category)
            found = item(manifest, record, currency, parts=extra)
            by_category.setdefault(str(category), []).append(found)
    seen: set[str] = set()
    built = []
    for record, category_id in categories:
        items = tuple(_once(by_category.get(category_id, []), seen))
        name = read.text(record, shape.categories.name) or category_id
        visible = _flag(record, shape.categories.visible, True) and not _flag(
            record, shape.categories.hidden, False
        )
        built.append(Category(category_id, name, items, visible, refs={KIND: category_id}))
    try:
        return Menu(location_id=location_id, currency=currency, categories=tuple(built))
    except DomainError as exc:
        raise read.fail(f"is not a menu the hub can use: {exc}") from None


def _once(items: Iterable[Item], seen: set[str]) -> Iterable[Item]:
    for found in items:  # an item listed in two categories sits in the first
        if found.id not in seen:
            seen.add(found.id)
            yield found


def item(
    manifest: Manifest,
    record: Any,
    currency: str,
    *,
    service: str = "menu",
    parts: Parts | None = None,
) -> Item:
    """One item record (with its variants and modifier groups) → ``Item``."""
    extra = parts or Parts()
    shape = _shape(manifest).items
    read = Reader(manifest, service)
    item_id = read.text(record, shape.id)
    assert item_id is not None
    try:
        return Item(
            id=item_id,
            name=read.text(record, shape.name) or item_id,
            price=read.money(record, shape.price, currency),
            description=read.text(record, shape.description, required=False) or "",
            photo_url=read.text(record, shape.photo_url, required=False),
            variants=tuple(_variants(read, shape, record, currency, extra.variants.get(item_id))),
            modifier_groups=tuple(_groups(read, shape, record, currency, item_id, extra)),
            availability=_availability(record, shape),
            refs={KIND: item_id},
        )
    except DomainError as exc:
        raise read.fail(f"has an item the hub cannot use ({item_id}): {exc}") from None


def pos_item(manifest: Manifest, answer: Any, currency: str, parts: Parts | None = None) -> PosItem:
    """menu_item's answer → the item and the id of its category."""
    service = manifest.services["menu_item"]
    read = Reader(manifest, "menu_item")
    record = read.one(answer, service.record)
    category = read.text(record, _shape(manifest).items.category)
    assert category is not None
    found = item(manifest, record, currency, service="menu_item", parts=parts)
    return PosItem(found, category)


def _variants(
    read: Reader, shape: Items, record: Any, currency: str, listed: list[Any] | None
) -> Iterable[Variant]:
    spec = shape.variants
    if spec is None:
        return
    flat = compile_path(spec.records).absolute
    for found in (listed or []) if flat else read.many(record, spec.records):
        variant_id = read.text(found, spec.id)
        assert variant_id is not None
        yield Variant(
            variant_id,
            read.text(found, spec.name) or variant_id,
            read.money(found, spec.price, currency),
            _availability(found, spec),
            refs={KIND: variant_id},
        )


def _groups(
    read: Reader, shape: Items, record: Any, currency: str, item_id: str, parts: Parts
) -> Iterable[ModifierGroup]:
    spec = shape.modifier_groups
    if spec is None:
        return
    flat = compile_path(spec.records).absolute
    options = spec.modifiers
    flat_options = compile_path(options.records).absolute
    for found in parts.groups.get(item_id, []) if flat else read.many(record, spec.records):
        group_id = read.text(found, spec.id)
        assert group_id is not None
        modifiers = []
        listed = parts.options.get(group_id, [])
        for option in listed if flat_options else read.many(found, options.records):
            option_id = read.text(option, options.id)
            assert option_id is not None
            modifiers.append(
                Modifier(
                    option_id,
                    read.text(option, options.name) or option_id,
                    read.money(option, options.price, currency),
                    _availability(option, options),
                    refs={KIND: option_id},
                )
            )
        low = _count(read, found, spec.min, 0)
        high = _count(read, found, spec.max, max(len(modifiers), 1))
        yield ModifierGroup(
            group_id,
            read.text(found, spec.name) or group_id,
            low,
            max(high, 1),
            tuple(modifiers),
            refs={KIND: group_id},
        )


def _count(read: Reader, record: Any, path: str | None, default: int) -> int:
    if path is None:
        return default
    value = read.value(record, path, required=False)
    try:
        return default if value is None else int(value)
    except (TypeError, ValueError):
        raise read.fail(f"has {value!r} at {path}, not a whole number") from None


def _availability(record: Any, spec: Availability) -> Available:
    visible = _flag(record, spec.visible, True) and not _flag(record, spec.hidden, False)
    in_stock = _flag(record, spec.available, True) and not _flag(record, spec.sold_out, False)
    return Available(visible=visible, in_stock=in_stock)


def _flag(record: Any, path: str | None, default: bool) -> bool:
    if path is None:
        return default
    value = compile_path(path).first(record)
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "y")
    return bool(value)


def _shape(manifest: Manifest) -> MenuShape:
    if manifest.menu is None:
        raise PermanentError("no_menu", f"the {manifest.name} manifest describes no menu")
    return manifest.menu


# Places -----------------------------------------------------------------------------


def locations(manifest: Manifest, answer: Any) -> list[PosLocationInfo]:
    """The POS's places (stores, venues) as the hub links them to locations."""
    shape: Location | None = manifest.locations
    if shape is None:
        return []
    read = Reader(manifest, "locations")
    found = []
    for record in read.many(answer, shape.records):
        place_id = read.text(record, shape.id)
        assert place_id is not None
        found.append(
            PosLocationInfo(
                external_id=place_id,
                name=read.text(record, shape.name) or place_id,
                address=read.text(record, shape.address, required=False) or "",
                timezone=read.text(record, shape.timezone, required=False),
                currency=read.text(record, shape.currency, required=False),
            )
        )
    return found
