"""The sandbox's starting world: one site with the app installed, one business
location ("Бріош на Подолі"), one enabled operation, and an empty menu — the hub
publishes the POS menu into it. Ids are fixed so demos and tests can name them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orderbridge.sandboxes.wix.formats import wix_time
from orderbridge.sandboxes.wix.state import AccessToken, Location, Operation, Site, World

INSTANCE_ID = "6c1d4b5e-2f7a-4e8b-9a0c-1d2e3f4a5b6c"
# The app the hub is: its id names the webhook signer; the sandbox is not picky.
APP_ID = "0b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
ACCESS_TOKEN = "OauthNG.JWS.sandbox-brioche-podil-access-token"  # noqa: S105 (sandbox value)
READ_ONLY_TOKEN = "OauthNG.JWS.sandbox-brioche-podil-read-only"  # noqa: S105 (sandbox value)
LOCATION_ID = "7d9f0a1b-3c4d-4e5f-8a6b-9c0d1e2f3a4b"
OPERATION_ID = "f47ac10b-58cc-4372-a567-0e02b2c3d479"
OPERATION_GROUP_ID = "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"
PICKUP_METHOD_ID = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
LOCATION_NAME = "Бріош на Подолі"
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def podil_location() -> Location:
    """The café on Podil as List Locations answers it."""
    return Location(
        id=LOCATION_ID,
        data={
            "id": LOCATION_ID,
            "name": LOCATION_NAME,
            "description": "Кав'ярня-пекарня «Бріош» на Подолі",
            "default": True,
            "status": "ACTIVE",
            "locationType": "UNKNOWN",
            "archived": False,
            "revision": "1",
            "timeZone": "Europe/Kyiv",
            "email": "podil@brioche.example",
            "phone": "+380441234567",
            "address": {
                "country": "UA",
                "subdivision": "UA-30",
                "city": "Київ",
                "postalCode": "04070",
                "streetAddress": {"number": "10", "name": "вулиця Сагайдачного", "apt": ""},
                "formattedAddress": "вулиця Сагайдачного, 10, Київ, 04070, Україна",
                "geocode": {"latitude": 50.4598, "longitude": 30.5247},
            },
            "businessSchedule": {
                "periods": [
                    {"openDay": day, "openTime": "08:00", "closeDay": day, "closeTime": "21:00"}
                    for day in DAYS
                ],
                "specialHourPeriod": [],
            },
        },
    )


def pickup_method(stamp: str) -> dict[str, Any]:
    """The operation's pickup method, open 08:00-21:00 every day as the install left it."""
    return {
        "id": PICKUP_METHOD_ID,
        "revision": "1",
        "createdDate": stamp,
        "updatedDate": stamp,
        "type": "PICKUP",
        "name": "Самовивіз",
        "enabled": True,
        "fee": "0",
        "minOrderPrice": "0",
        "availability": {
            "availableTimes": [
                {
                    "dayOfWeek": day[:3],
                    "timeRanges": [
                        {
                            "startTime": {"hours": 8, "minutes": 0},
                            "endTime": {"hours": 21, "minutes": 0},
                        }
                    ],
                }
                for day in DAYS
            ],
            "timeZone": "Europe/Kyiv",
        },
        "pickupOptions": {"instructions": "Біля каси"},
    }


def demo_world(*, webhook_url: str = "", now: datetime) -> World:
    """The world ``orderbridge sandbox wix`` starts with."""
    stamp = wix_time(now)
    site = Site(
        instance_id=INSTANCE_ID,
        app_id=APP_ID,
        webhook_url=webhook_url,
        tokens=[
            AccessToken(token=ACCESS_TOKEN),
            AccessToken(token=READ_ONLY_TOKEN, read_only=True),
        ],
    )
    operation = Operation(
        id=OPERATION_ID,
        created_date=stamp,
        updated_date=stamp,
        name="Онлайн-замовлення",
        business_location_id=LOCATION_ID,
        operation_group_id=OPERATION_GROUP_ID,
        fulfillment_ids=[PICKUP_METHOD_ID],
        # Shape of @wix/auto_sdk_restaurants_operations 1.0.101 (OrderScheduling).
        order_scheduling={
            "type": "ASAP",
            "asapOptions": {"type": "MAX", "maxOptions": {"timeUnit": "MINUTES", "duration": 20}},
        },
    )
    return World(
        site=site,
        locations={LOCATION_ID: podil_location()},
        operations={OPERATION_ID: operation},
        fulfillment_methods={PICKUP_METHOD_ID: pickup_method(stamp)},
    )


def add_missing_pickup(world: World, now: datetime) -> None:
    """A state file saved before the sandbox had fulfillment methods gets the seeded
    pickup method on its operation, as a fresh world has it."""
    operation = world.operations.get(OPERATION_ID)
    if operation is None or world.fulfillment_methods:
        return
    world.fulfillment_methods[PICKUP_METHOD_ID] = pickup_method(wix_time(now))
    operation.fulfillment_ids = [PICKUP_METHOD_ID]
