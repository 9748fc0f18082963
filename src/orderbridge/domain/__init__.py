"""The canonical model of orderbridge: menus, orders, reservations and locations.

Pure Python and the standard library only (import-linter enforces it), so every rule
here is tested without a database, a network or a clock: time always comes in as an
aware ``datetime`` argument. Modules, from the bottom up:

- ``errors``: :class:`DomainError` and its machine-readable codes.
- ``money``: :class:`Money`, integer minor units with a currency.
- ``menu`` and ``menu_diff``: a location's menu, its content version and diffs.
- ``customers``, ``order_details``, ``orders``: the order aggregate and its values.
- ``drafts`` and ``validation``: an incoming order checked against menu and status.
- ``reservations``: the table reservation aggregate.
- ``locations``: timezones, weekly schedules, pauses, open/paused/closed.
- ``lifecycle``: the forward-only state machine and timeline both aggregates share.
- ``events``: past-tense facts the aggregates collect for the service layer.
"""

from orderbridge.domain.errors import DomainError
from orderbridge.domain.menu import Menu
from orderbridge.domain.menu_diff import MenuDiff, diff
from orderbridge.domain.money import Money

__all__ = ["DomainError", "Menu", "MenuDiff", "Money", "diff"]
