"""Small hand-built worlds for tests of the sandbox's plumbing (no seed involved)."""

from __future__ import annotations

from orderbridge.sandboxes.poster.state import (
    Account,
    Application,
    Category,
    Installation,
    Product,
    Spot,
    SpotPrice,
    World,
)

TOKEN = "687409:4164553abf6a031302898da7800b59fb"
APP_ID = 76
APP_SECRET = "fe2bc8e865d8fc2236968ee53c3b2bd5"
APP_TOKEN = "687409:00000000000000000000000000000076"
REDIRECT = "http://localhost:8080/"


def tiny_world(webhook_url: str = "http://receiver.test/hook") -> World:
    """One account (api-demo, two spots, one category, one product), app 76 installed."""
    account = Account(
        account="api-demo",
        account_number="687409",
        personal_token=TOKEN,
        spots={
            1: Spot(spot_id=1, spot_name="Podil"),
            2: Spot(spot_id=2, spot_name="Pechersk"),
        },
        categories={15: Category(category_id=15, category_name="Вода")},
        products={
            138: Product(
                product_id=138,
                product_name="Evian",
                menu_category_id=15,
                spots={1: SpotPrice(price=19000, profit=18346), 2: SpotPrice(price=19000)},
            )
        },
    )
    account.installations[APP_ID] = Installation(application_id=APP_ID, access_token=APP_TOKEN)
    other = Account(
        account="dev-example",
        account_number="861052",
        spots={1: Spot(spot_id=1, spot_name="Other")},
    )
    return World(
        accounts={"api-demo": account, "dev-example": other},
        applications={
            APP_ID: Application(
                application_id=APP_ID,
                application_secret=APP_SECRET,
                redirect_uri=REDIRECT,
                webhook_url=webhook_url,
            )
        },
    )
