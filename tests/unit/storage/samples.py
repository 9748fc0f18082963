"""Hand-built, realistic data for the codec tests: a café in Kyiv and its orders.

Every builder fills in all optional parts unless told otherwise, so a round trip
exercises every field; the ``minimal_*`` builders leave every optional part out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from orderbridge.domain.customers import Customer
from orderbridge.domain.drafts import DraftLine, DraftModifier, OrderDraft
from orderbridge.domain.lifecycle import TimelineEntry
from orderbridge.domain.locations import (
    Location,
    OpeningInterval,
    Pause,
    ScheduleException,
    Weekday,
    WeeklySchedule,
)
from orderbridge.domain.menu import (
    Availability,
    Category,
    Item,
    Menu,
    Modifier,
    ModifierGroup,
    Variant,
)
from orderbridge.domain.money import Money
from orderbridge.domain.orders import (
    Address,
    Fulfilment,
    FulfilmentType,
    LineModifier,
    Order,
    OrderKey,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
)
from orderbridge.domain.reservations import Reservation, ReservationKey, ReservationStatus

KYIV = ZoneInfo("Europe/Kyiv")
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=KYIV)
LOCATION_ID = "kyiv-podil"


def uah(kopecks: int) -> Money:
    """Hryvnias, in kopecks."""
    return Money(kopecks, "UAH")


def cafe_menu() -> Menu:
    """Coffee with sizes and syrups, food with a required choice, a snoozed cake, a hidden
    category; refs on every level."""
    latte = Item(
        id="latte",
        name="Латте",
        price=uah(6500),
        description="Еспресо з молоком, м'яка пінка",
        photo_url="https://cdn.example.com/latte.jpg",
        variants=(
            Variant("latte-s", "0,3 л", uah(6500), refs={"poster": "139-1"}),
            Variant(
                "latte-l",
                "0,5 л",
                uah(8000),
                Availability(in_stock=False),
                refs={"poster": "139-2", "wix": "v-88"},
            ),
        ),
        modifier_groups=(
            ModifierGroup(
                "milk",
                "Молоко",
                1,
                1,
                (
                    Modifier("cow", "Коров'яче", uah(0)),
                    Modifier("oat", "Вівсяне", uah(2000), refs={"poster": "31"}),
                ),
                refs={"poster": "3"},
            ),
            ModifierGroup(
                "syrup",
                "Сироп",
                0,
                2,
                (
                    Modifier("vanilla", "Ваніль", uah(1500), refs={"poster": "11"}),
                    Modifier(
                        "caramel",
                        "Карамель",
                        uah(1500),
                        Availability(snoozed_until=datetime(2026, 11, 20, 18, 0, tzinfo=KYIV)),
                    ),
                ),
            ),
        ),
        refs={"poster": "139", "wix": "b6f1c0de"},
    )
    cheesecake = Item(
        id="cheesecake",
        name="Чізкейк «Нью-Йорк»",
        price=uah(11000),
        availability=Availability(snoozed_until=datetime(2026, 11, 20, 16, 0, tzinfo=UTC)),
        refs={"poster": "301"},
    )
    croissant = Item("croissant", "Круасан", uah(5500))
    staff_meal = Item("staff-meal", "Обід персоналу", uah(0), availability=Availability(False))
    return Menu(
        location_id=LOCATION_ID,
        currency="UAH",
        categories=(
            Category("coffee", "Кава", (latte,), refs={"poster": "1", "wix": "sec-1"}),
            Category("desserts", "Десерти", (cheesecake, croissant)),
            Category("staff", "Для своїх", (staff_meal,), visible=False),
            Category("seasonal", "Сезонне"),
        ),
    )


def olena() -> Customer:
    """A customer with every contact."""
    return Customer(name="Олена Коваль", phone="+380671234567", email="olena@example.com")


def latte_line() -> OrderLine:
    """Two large lattes on oat milk with vanilla, named and noted."""
    return OrderLine(
        item_id="latte",
        quantity=2,
        unit_price=uah(8000),
        name="Латте",
        variant_id="latte-l",
        modifiers=(
            LineModifier("oat", 1, uah(2000), name="Вівсяне", group_id="milk"),
            LineModifier("vanilla", 2, uah(1500), name="Ваніль", group_id="syrup"),
        ),
        note="без цукру",
    )


def delivery_order() -> Order:
    """A prepaid delivery for a set time, accepted at the POS, with its timeline."""
    return Order(
        id="ord-7f3a",
        key=OrderKey("wix", "10042"),
        location_id=LOCATION_ID,
        lines=(latte_line(), OrderLine("croissant", 1, uah(5500), name="Круасан")),
        customer=olena(),
        fulfilment=Fulfilment(
            FulfilmentType.DELIVERY,
            time=datetime(2026, 11, 20, 11, 0, tzinfo=KYIV),
            address=Address(
                line1="вул. Сагайдачного, 25",
                city="Київ",
                line2="під'їзд 2, кв. 14",
                postcode="04070",
                lat=50.4625,
                lng=30.5213,
            ),
        ),
        created_at=NOW,
        payment=Payment(PaymentStatus.PAID, uah(31500)),
        note="Домофон не працює, подзвоніть",
        status=OrderStatus.ACCEPTED,
        timeline=(
            TimelineEntry(NOW, "received", "order.received", "from wix"),
            TimelineEntry(NOW + timedelta(seconds=3), "submitted", "order.submitted", "poster 77"),
            TimelineEntry(NOW + timedelta(minutes=2), "accepted", "order.accepted"),
        ),
        external_refs={"poster": "77"},
    )


def pickup_order() -> Order:
    """The least an order can be: one line, ASAP pickup, an anonymous customer."""
    return Order(
        id="ord-1",
        key=OrderKey("storefront", "web-1001"),
        location_id=LOCATION_ID,
        lines=(OrderLine("croissant", 1, uah(5500)),),
        customer=Customer(),
        fulfilment=Fulfilment(FulfilmentType.PICKUP),
        created_at=datetime(2026, 11, 20, 7, 0, tzinfo=UTC),
    )


def dine_in_order() -> Order:
    """Dine-in at table 12, paying at the table."""
    return Order(
        id="ord-2",
        key=OrderKey("storefront", "qr-55"),
        location_id=LOCATION_ID,
        lines=(OrderLine("cheesecake", 1, uah(11000), name="Чізкейк"),),
        customer=Customer(name="Гість"),
        fulfilment=Fulfilment(FulfilmentType.DINE_IN, table="12"),
        created_at=NOW,
        payment=Payment(PaymentStatus.UNPAID, uah(11000)),
        status=OrderStatus.SUBMITTED,
        external_refs={"poster": "78"},
    )


def dinner_reservation() -> Reservation:
    """Four guests at table 5 for two hours, confirmed, with a note."""
    return Reservation(
        id="res-1",
        key=ReservationKey("storefront", "book-301"),
        location_id=LOCATION_ID,
        time=datetime(2026, 11, 21, 19, 30, tzinfo=KYIV),
        duration=timedelta(hours=2),
        guests=4,
        customer=olena(),
        created_at=NOW,
        table="5",
        note="День народження, потрібен дитячий стілець",
        status=ReservationStatus.CONFIRMED,
        timeline=(
            TimelineEntry(NOW, "received", "reservation.received", "from storefront"),
            TimelineEntry(NOW, "confirmed", "reservation.confirmed"),
        ),
        external_refs={"poster": "r-9"},
    )


def bar_schedule() -> WeeklySchedule:
    """Weekdays 08–22, Friday and Saturday nights past midnight, Sunday round the clock,
    Monday off; closed on New Year's Day, short hours on New Year's Eve."""
    day = (OpeningInterval(time(8), time(22)),)
    return WeeklySchedule(
        {
            Weekday.TUESDAY: day,
            Weekday.WEDNESDAY: (
                OpeningInterval(time(8), time(14)),
                OpeningInterval(time(16), time(22)),
            ),
            Weekday.THURSDAY: day,
            Weekday.FRIDAY: (OpeningInterval(time(8), time(2)),),
            Weekday.SATURDAY: (OpeningInterval(time(10), time(3, 30)),),
            Weekday.SUNDAY: (OpeningInterval(time(0), time(0)),),
            Weekday.MONDAY: (),
        },
        exceptions=(
            ScheduleException(
                date(2026, 12, 31), (OpeningInterval(time(8), time(16)),), "Переддень Нового року"
            ),
            ScheduleException(date(2027, 1, 1), reason="Новий рік"),
        ),
    )


def podil(*, schedule: WeeklySchedule | None = None, pause: Pause | None = None) -> Location:
    """The café's location in Kyiv."""
    return Location(
        id=LOCATION_ID,
        name="Кав'ярня на Подолі",
        timezone="Europe/Kyiv",
        currency="UAH",
        schedule=schedule,
        pause=pause,
    )


DELIVERY_TIME = datetime(2026, 11, 20, 11, 0, tzinfo=KYIV)
PREPAID = Payment(PaymentStatus.PAID, uah(31500))


def draft(
    *,
    quantity: int = 2,
    fulfilment_time: datetime | None = DELIVERY_TIME,
    note: str = "Без цибулі",
    payment: Payment | None = PREPAID,
) -> OrderDraft:
    """A storefront request for delivery, built afresh on every call."""
    return OrderDraft(
        key=OrderKey("storefront", "web-2002"),
        location_id=LOCATION_ID,
        items=(
            DraftLine(
                "latte",
                quantity,
                "latte-l",
                (DraftModifier("oat"), DraftModifier("vanilla", 2, uah(1500), "Ваніль")),
                note="гаряче",
                unit_price=uah(8000),
                name="Латте",
            ),
            DraftLine("croissant", 1),
        ),
        customer=olena(),
        fulfilment=Fulfilment(
            FulfilmentType.DELIVERY,
            time=fulfilment_time,
            address=Address("вул. Сагайдачного, 25", "Київ", lat=50.4625, lng=30.5213),
        ),
        payment=payment,
        note=note,
    )
