"""The API's method table: ``"section.method"`` → handler, merged from each section.

``resolve`` finds a method whatever the case of its name: the reference itself heads
``dash.getTransactionWriteOffs`` and calls ``dash.getTransactionWriteoffs``, and
Poster's PHP backend dispatches to PHP methods, whose names are case-insensitive.
``is_write`` says which methods change data and so must come as POST.
"""

from __future__ import annotations

from collections.abc import Callable

from orderbridge.sandboxes.poster.context import Handler
from orderbridge.sandboxes.poster.methods import (
    access,
    application,
    clients,
    dash_reports,
    finance,
    franchise,
    incoming_orders,
    menu,
    payments,
    reservations,
    settings,
    spots,
    storage,
    transactions,
)
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account, World

METHODS: dict[str, Handler] = {
    **access.METHODS,
    **settings.METHODS,
    **menu.METHODS,
    **incoming_orders.METHODS,
    **reservations.METHODS,
    **clients.METHODS,
    **spots.METHODS,
    **transactions.METHODS,
    **application.METHODS,
    **dash_reports.METHODS,
    **storage.METHODS,
    **finance.METHODS,
    **payments.METHODS,
    **franchise.METHODS,
}

Authenticator = Callable[[World, Params], Account]
"""Finds the account a token-less call is for from its signed parameters."""

# Methods a payment service calls without a token, signed with its application secret.
SIGNED: dict[str, Authenticator] = dict.fromkeys(payments.METHODS, payments.signed_account)

_BY_LOWER = {name.lower(): name for name in METHODS}


def resolve(method: str) -> str | None:
    """The method's name as the table spells it, or None when there is no such method."""
    return _BY_LOWER.get(method.lower())


def is_write(method: str) -> bool:
    """Whether ``method`` changes data, so that a GET of it is refused.

    The reference's "HTTP request" lines are no guide (they name GET for
    menu.createCategory, clients.removeClient and a dozen other writes whose
    parameters they call "POST parameters"). Poster's official PHP client
    (joinposter/api-php, ``PosterAPICore::__call``) sends a method as GET when its verb
    starts with ``get`` and as POST otherwise, and so does the sandbox.
    """
    verb = method.split(".", 1)[-1]
    return not verb.startswith("get")
