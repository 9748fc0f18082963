"""The sandbox's starting world: the reference's demo account, a second account, apps.

The demo account answers to the token the reference's examples use, and holds the
spots, tables, clients, categories and products those examples name, so they succeed
verbatim. Poster tokens are ``{account_number}:{hash}`` (the reference's OAuth answer
shows it), so the demo account's number is the token's prefix, 687409.
"""

from __future__ import annotations

import hashlib

from orderbridge.sandboxes.poster.seed_back import (
    ensure_recipe_ingredients,
    seed_money,
    seed_people,
    seed_storage,
)
from orderbridge.sandboxes.poster.seed_history import seed_history
from orderbridge.sandboxes.poster.seed_menu import generate_menu, seed_cafe_menu
from orderbridge.sandboxes.poster.seed_places import seed_places
from orderbridge.sandboxes.poster.seed_stock import seed_documents, seed_prepacks
from orderbridge.sandboxes.poster.state import Account, Application, Installation, Spot, World
from orderbridge.sandboxes.poster.state_finance import Franchise, PaymentService

DEMO_ACCOUNT = "api-demo"
DEMO_ACCOUNT_NUMBER = "687409"
DEMO_TOKEN = "687409:4164553abf6a031302898da7800b59fb"  # noqa: S105 (public demo value)

# The reference's OAuth example: application 76 exchanging this code.
OAUTH_APP_ID = 76
OAUTH_APP_SECRET = "9642176a5cdfe3f65e6e00c27b668795"  # noqa: S105 (public demo value)
OAUTH_REDIRECT_URI = "http://localhost:8080/"
OAUTH_EXAMPLE_CODE = "3e4f2ac6df7fa92660fa251528460575"
# The reference's management-console example: application 41, secret "123123".
MANAGE_APP_ID = 41
MANAGE_APP_SECRET = "123123"  # noqa: S105 (public demo value)
MANAGE_EXAMPLE_CODE = "74367937cf906c097931a3888adf7a84"
# payments.*: the reference's payment service and merchant.
PAYMENT_SERVICE = "application-name"
PAYMENT_SECRET = "123123123123"  # noqa: S105 (public demo value)
PAYMENT_MERCHANT = "3432343"
# franchise.getSpots' example: the franchisee of the demo account.
FRANCHISEE_ACCOUNT = "demo-franchisee"
FRANCHISEE_ACCOUNT_NUMBER = "700103"
# The account the OAuth example's answer names.
SECOND_ACCOUNT = "dev-example"
SECOND_ACCOUNT_NUMBER = "861052"


def app_token(account_number: str, application_id: int) -> str:
    """A stable token for an application pre-installed by the seed."""
    digest = hashlib.md5(f"{account_number}:{application_id}:sandbox".encode()).hexdigest()
    return f"{account_number}:{digest}"


def cafe_account(
    login: str,
    number: str,
    *,
    personal_token: str | None,
    menu_size: int | None = None,
    history: bool = False,
) -> Account:
    """An account with two spots, halls, tables, clients, a café menu and its back of
    house; ``history`` adds the demo account's past (checks, orders, stock documents,
    shifts), which the generated menus of ``menu_size`` do not get."""
    account = Account(account=login, account_number=number, personal_token=personal_token)
    account.spots = {
        1: Spot(spot_id=1, spot_name="Бріош на Подолі", spot_adress="вул. Сагайдачного, 10, Київ"),
        2: Spot(
            spot_id=2,
            spot_name="Brioche Pechersk",
            spot_adress="вул. Лютеранська, 3, Київ",
            storage_id=2,
        ),
    }
    account.bump_counter("spot", 2)
    seed_places(account)
    seed_people(account)
    seed_storage(account)
    seed_money(account)
    if menu_size:
        generate_menu(account, menu_size)
    else:
        seed_cafe_menu(account)
        seed_prepacks(account)
    ensure_recipe_ingredients(account)
    if history and not menu_size:
        seed_documents(account)
        seed_history(account)
    return account


def demo_world(
    *, app_secret: str = OAUTH_APP_SECRET, webhook_url: str = "", menu_size: int | None = None
) -> World:
    """The seeded world ``orderbridge sandbox poster`` starts with.

    Application 76 (the OAuth example's) is the one whose webhooks go to
    ``webhook_url``; it comes installed on the demo account so that a hub using the
    personal token still hears of the cashier's actions.
    """
    world = World()
    demo = cafe_account(
        DEMO_ACCOUNT,
        DEMO_ACCOUNT_NUMBER,
        personal_token=DEMO_TOKEN,
        menu_size=menu_size,
        history=True,
    )
    second = cafe_account(SECOND_ACCOUNT, SECOND_ACCOUNT_NUMBER, personal_token=None)
    franchisee = cafe_account(FRANCHISEE_ACCOUNT, FRANCHISEE_ACCOUNT_NUMBER, personal_token=None)
    franchisee.spots[1].spot_name, franchisee.spots[2].spot_name = (
        "Демо франчайзі",
        "Демо франчайзі 2",
    )
    world.accounts = {demo.account: demo, second.account: second, franchisee.account: franchisee}
    world.applications = {
        OAUTH_APP_ID: Application(
            application_id=OAUTH_APP_ID,
            application_secret=app_secret,
            name="orderbridge",
            redirect_uri=OAUTH_REDIRECT_URI,
            webhook_url=webhook_url,
        ),
        MANAGE_APP_ID: Application(
            application_id=MANAGE_APP_ID,
            application_secret=MANAGE_APP_SECRET,
            name="Manage example",
        ),
    }
    demo.installations[OAUTH_APP_ID] = Installation(
        application_id=OAUTH_APP_ID, access_token=app_token(DEMO_ACCOUNT_NUMBER, OAUTH_APP_ID)
    )
    # payments.*'s example: the payment service "application-name" (secret
    # "123123123123") pays into api-demo as its merchant 3432343.
    world.payment_services = {
        PAYMENT_SERVICE: PaymentService(
            type=PAYMENT_SERVICE,
            secret=PAYMENT_SECRET,
            merchants={PAYMENT_MERCHANT: DEMO_ACCOUNT},
        )
    }
    world.franchises = [Franchise(master=DEMO_ACCOUNT, franchisees=[FRANCHISEE_ACCOUNT])]
    world.auth_codes = {
        OAUTH_EXAMPLE_CODE: (SECOND_ACCOUNT, OAUTH_APP_ID, OAUTH_REDIRECT_URI),
        MANAGE_EXAMPLE_CODE: (SECOND_ACCOUNT, MANAGE_APP_ID, ""),
    }
    return world
