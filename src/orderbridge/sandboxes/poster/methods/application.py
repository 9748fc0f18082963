"""application.setEntityExtras: an application's own data kept on Poster's entities.

Integrations use extras to keep their ids on Poster's products (the online-ordering
guide suggests it instead of a mapping table) and tokens in the account settings. The
sandbox keeps extras on the entities it models: products, menu categories, spots,
customers and the settings; the methods that answer those entities show them through
``extras_of``. Properties are merged into what was there, key by key.
"""

from __future__ import annotations

from typing import Any, Protocol

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing, not_found
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account

# Entity types of the reference's list that the sandbox has no model for.
UNMODELLED = ("tablet", "staff", "clients_group", "ingredient", "ingredients_category")


class HasExtras(Protocol):
    extras: dict[str, Any]


def extras_of(entity: HasExtras) -> dict[str, Any]:
    """The extras applications have set on ``entity`` (a copy; ``{}`` when none).

    Menu, spot, client and settings answers call this to add their ``extras`` key.
    """
    return dict(entity.extras)


def _entity(account: Account, entity_type: str, entity_id: int) -> HasExtras | None:
    found: HasExtras | None
    if entity_type == "product":
        found = account.products.get(entity_id)
    elif entity_type == "menu_category":
        found = account.categories.get(entity_id)
    elif entity_type == "spot":
        found = account.spots.get(entity_id)
    elif entity_type == "client":
        found = account.clients.get(entity_id)
    else:
        raise PosterError(400, f"Unknown entity_type {entity_type}", field="entity_type")
    if found is not None and getattr(found, "deleted", False):
        return None
    return found


def set_entity_extras(ctx: CallContext, params: Params) -> bool:
    """application.setEntityExtras: ``true`` once the extras are written."""
    entity_type = params.req_str("entity_type")
    if entity_type in UNMODELLED:
        raise PosterError(
            400,
            f"The sandbox keeps no {entity_type} entities; extras can go on product, "
            "menu_category, spot, client or settings",
            field="entity_type",
        )
    if "extras" not in params:
        raise missing("extras")
    extras = params.dict("extras")
    target: HasExtras | None
    if entity_type == "settings":
        # A global entity: entity_id need not come, and is ignored if it does.
        target = ctx.account.settings
    else:
        entity_id = params.req_int("entity_id")
        target = _entity(ctx.account, entity_type, entity_id)
        if target is None:
            raise not_found("entity_id", entity_id)
    target.extras.update(extras)
    return True


METHODS: dict[str, Handler] = {
    "application.setEntityExtras": set_entity_extras,
}
