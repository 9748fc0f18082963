"""The Restaurants Menus APIs: menus, sections, items, item variants, modifier groups
and modifiers, each with create, get, list, update, delete and bulk create/update.

All six share one behaviour, so one table describes them. Every entity carries a
``revision`` (a string, as Wix writes int64) that starts at 1 and grows by one per
update; an update must carry the current one or it fails with 409 (optimistic
locking). Updates merge the given top-level fields into the entity (a nested object
is replaced whole); read-only fields in the body are ignored.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from orderbridge.sandboxes.wix.errors import WixError, invalid, not_found, revision_mismatch
from orderbridge.sandboxes.wix.formats import wix_time
from orderbridge.sandboxes.wix.menu_rules import check
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.state import MenuKind

READ_ONLY = frozenset(
    {"id", "revision", "createdDate", "updatedDate", "businessLocationIds", "businessLocationId"}
)
DEFAULT_PAGE = 100
MAX_PAGE = 500


@dataclass(frozen=True)
class MenuApi:
    """One of the Menus APIs: where it lives and what its JSON keys are called."""

    kind: MenuKind
    singular: str  # the body key of one entity: {"item": {...}}
    base: str  # the API's prefix
    collection: str  # the path segment of the collection
    label: str

    @property
    def plural(self) -> str:
        return self.kind

    @property
    def path(self) -> str:
        return f"{self.base}/{self.collection}"


# Paths of items, menus, sections, variants, modifier groups and modifiers, and the
# bulk paths of items and variants, are as Wix's REST reference gives them; the other
# bulk paths follow the same pattern (*unconfirmed*).
MENU_APIS: tuple[MenuApi, ...] = (
    MenuApi("menus", "menu", "/restaurants/menus-menu/v1", "menus", "Menu"),
    MenuApi("sections", "section", "/restaurants/menus-section/v1", "sections", "Section"),
    MenuApi("items", "item", "/restaurants/menus-item/v1", "items", "Item"),
    MenuApi("variants", "variant", "/restaurants/item-variants/v1", "variants", "Variant"),
    MenuApi(
        "modifierGroups",
        "modifierGroup",
        "/restaurants/item-modifier-group/v1",
        "modifier-groups",
        "Modifier group",
    ),
    MenuApi("modifiers", "modifier", "/restaurants/item-modifiers/v1", "modifiers", "Modifier"),
)
API_BY_KIND = {api.kind: api for api in MENU_APIS}


def _default_location(sandbox: WixSandbox) -> str:
    return next(
        (loc.id for loc in sandbox.world.locations.values() if loc.data.get("default")),
        next(iter(sandbox.world.locations), ""),
    )


def create(sandbox: WixSandbox, api: MenuApi, given: Any) -> dict[str, Any]:
    """Create one entity from the body's object; ``revision`` and ids are the sandbox's."""
    if not isinstance(given, dict):
        raise invalid(api.singular, "is required", "REQUIRED_FIELD")
    now = wix_time(sandbox.now())
    entity = {k: v for k, v in given.items() if k not in READ_ONLY}
    check(sandbox.world, api.kind, entity)
    location = given.get("businessLocationId") or _default_location(sandbox)
    entity = {
        "id": sandbox.new_id(),
        "revision": "1",
        "createdDate": now,
        "updatedDate": now,
        **entity,
    }
    if api.kind in ("menus", "sections"):
        entity["businessLocationId"] = location
    else:
        entity["businessLocationIds"] = [location]
    sandbox.world.menu(api.kind)[entity["id"]] = entity
    sandbox.dirty = True
    return entity


def get(sandbox: WixSandbox, api: MenuApi, entity_id: str) -> dict[str, Any]:
    entity = sandbox.world.menu(api.kind).get(entity_id)
    if entity is None:
        raise not_found(api.label, entity_id)
    return entity


def update(sandbox: WixSandbox, api: MenuApi, entity_id: str | None, given: Any) -> dict[str, Any]:
    """Apply a PATCH; ``given`` must carry the entity's current ``revision``."""
    if not isinstance(given, dict):
        raise invalid(api.singular, "is required", "REQUIRED_FIELD")
    entity_id = entity_id or given.get("id")
    if given.get("id") not in (None, entity_id):
        raise invalid(f"{api.singular}.id", "does not match the id in the path")
    if not isinstance(entity_id, str):
        raise invalid(f"{api.singular}.id", "is required", "REQUIRED_FIELD")
    current = get(sandbox, api, entity_id)
    revision = given.get("revision")
    if revision is None:
        raise invalid(f"{api.singular}.revision", "is required", "REQUIRED_FIELD")
    if str(revision) != current["revision"]:
        raise revision_mismatch(api.label, entity_id, str(revision), current["revision"])
    merged = current | {k: v for k, v in given.items() if k not in READ_ONLY}
    check(sandbox.world, api.kind, merged)
    merged["revision"] = str(int(current["revision"]) + 1)
    merged["updatedDate"] = wix_time(sandbox.now())
    sandbox.world.menu(api.kind)[entity_id] = merged
    sandbox.dirty = True
    return merged


def delete(sandbox: WixSandbox, api: MenuApi, entity_id: str) -> None:
    """Remove an entity. Ids of it held by other entities stay until they are updated
    (what Wix does with them is *unconfirmed*); the sandbox's readers skip them."""
    get(sandbox, api, entity_id)
    del sandbox.world.menu(api.kind)[entity_id]
    sandbox.dirty = True


def list_page(sandbox: WixSandbox, api: MenuApi, query: dict[str, str]) -> dict[str, Any]:
    """One page in creation order, with Wix's cursor paging metadata."""
    raw_limit = query.get("cursorPaging.limit") or query.get("paging.limit") or str(DEFAULT_PAGE)
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_PAGE:
        raise invalid("cursorPaging.limit", f"must be between 1 and {MAX_PAGE}", "RANGE")
    limit = int(raw_limit)
    start = _decode_cursor(query.get("cursorPaging.cursor", ""))
    entities = list(sandbox.world.menu(api.kind).values())
    wanted = query.get("ids")
    if wanted:
        entities = [e for e in entities if e["id"] in set(wanted.split(","))]
    page = entities[start : start + limit]
    has_next = start + limit < len(entities)
    cursors = {"next": _encode_cursor(start + limit)} if has_next else {}
    return {
        api.plural: page,
        "pagingMetadata": {"count": len(page), "cursors": cursors, "hasNext": has_next},
    }


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        return int(text.removeprefix("offset:"))
    except ValueError:
        raise invalid("cursorPaging.cursor", "is not a cursor this API gave out") from None


def bulk(
    sandbox: WixSandbox, api: MenuApi, entries: Any, *, updating: bool, return_entity: bool
) -> dict[str, Any]:
    """Bulk create or update: each entry succeeds or fails on its own (not atomic)."""
    if not isinstance(entries, list) or not entries:
        raise invalid(api.plural, "must be a non-empty list", "REQUIRED_FIELD")
    if len(entries) > 100:
        raise invalid(api.plural, "must hold at most 100 entries", "MAX_ITEMS")
    results: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        metadata: dict[str, Any] = {"originalIndex": index, "success": True}
        result: dict[str, Any] = {"itemMetadata": metadata}
        try:
            if updating:
                masked = entry.get(api.singular) if isinstance(entry, dict) else None
                entity = update(sandbox, api, None, masked)
            else:
                entity = create(sandbox, api, entry)
        except WixError as error:
            metadata.update(
                success=False, error={"code": error.code, "description": error.description}
            )
            if isinstance(entry, dict):
                target = entry.get(api.singular, entry) if updating else entry
                if isinstance(target, dict) and isinstance(target.get("id"), str):
                    metadata["id"] = target["id"]
        else:
            metadata["id"] = entity["id"]
            if return_entity:
                result[api.singular] = entity
        results.append(result)
    failures = sum(1 for r in results if not r["itemMetadata"]["success"])
    return {
        "results": results,
        "bulkActionMetadata": {
            "totalSuccesses": len(results) - failures,
            "totalFailures": failures,
            "undetailedFailures": 0,
        },
    }
