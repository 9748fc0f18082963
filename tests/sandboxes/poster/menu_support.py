"""The menu tests' world and webhook recorder (fixtures in conftest are ``menu_*``)."""

from __future__ import annotations

from orderbridge.sandboxes.poster.context import WebhookEvent
from orderbridge.sandboxes.poster.seed_back import seed_storage
from orderbridge.sandboxes.poster.seed_menu import seed_cafe_menu
from orderbridge.sandboxes.poster.state import Account, Spot

MENU_TOKEN = "687409:4164553abf6a031302898da7800b59fb"


class MenuSink:
    """A webhook sink that keeps what was published, for assertions."""

    def __init__(self) -> None:
        self.events: list[WebhookEvent] = []

    def publish(self, event: WebhookEvent) -> None:
        self.events.append(event)

    def summary(self) -> list[tuple[str, int, str]]:
        """(object, object_id, action) of every event, in order."""
        return [(e.object, e.object_id, e.action) for e in self.events]


def menu_account() -> Account:
    """The reference's demo account (api-demo) with spots 1 and 2, its storages and
    ingredients, and the café menu."""
    account = Account(account="api-demo", account_number="687409", personal_token=MENU_TOKEN)
    account.spots = {
        1: Spot(spot_id=1, spot_name="Бріош на Подолі", storage_id=1),
        2: Spot(spot_id=2, spot_name="Brioche Pechersk", storage_id=2),
    }
    seed_storage(account)
    seed_cafe_menu(account)
    return account
