"""The API's method table: ``"section.method"`` → handler, merged from each section."""

from __future__ import annotations

from orderbridge.sandboxes.poster.context import Handler
from orderbridge.sandboxes.poster.methods import (
    access,
    application,
    clients,
    incoming_orders,
    menu,
    reservations,
    settings,
    spots,
    transaction_comments,
    transactions,
)

METHODS: dict[str, Handler] = {
    **access.METHODS,
    **settings.METHODS,
    **menu.METHODS,
    **incoming_orders.METHODS,
    **reservations.METHODS,
    **clients.METHODS,
    **spots.METHODS,
    **transactions.METHODS,
    **transaction_comments.METHODS,
    **application.METHODS,
}
