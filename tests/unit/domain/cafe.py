"""A small, realistic café in Kyiv, written out by hand for the domain tests."""

from __future__ import annotations

from datetime import UTC, datetime, time

from orderbridge.domain.customers import Customer
from orderbridge.domain.drafts import DraftLine, DraftModifier, OrderDraft
from orderbridge.domain.locations import Location, OpeningInterval, Weekday, WeeklySchedule
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

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
LOCATION_ID = "kyiv-podil"


def uah(amount: int) -> Money:
    """Hryvnias in kopecks."""
    return Money(amount, "UAH")


def latte() -> Item:
    """A latte with two sizes and an optional syrup group (0..2)."""
    return Item(
        id="latte",
        name="Латте",
        price=uah(6500),
        variants=(
            Variant("latte-s", "0.3 л", uah(6500), refs={"poster": "139-1"}),
            Variant("latte-l", "0.5 л", uah(8000), refs={"poster": "139-2"}),
        ),
        modifier_groups=(
            ModifierGroup(
                "syrup",
                "Сироп",
                0,
                2,
                (
                    Modifier("vanilla", "Ваніль", uah(1500), refs={"poster": "11"}),
                    Modifier("caramel", "Карамель", uah(1500), refs={"poster": "12"}),
                ),
            ),
        ),
        refs={"poster": "139", "wix": "b6f1"},
    )


def burger() -> Item:
    """A burger whose doneness must be chosen (exactly one) and extras are optional."""
    return Item(
        id="burger",
        name="Бургер",
        price=uah(19000),
        modifier_groups=(
            ModifierGroup(
                "doneness",
                "Прожарка",
                1,
                1,
                (
                    Modifier("medium", "Medium", uah(0)),
                    Modifier("well-done", "Well done", uah(0)),
                ),
            ),
            ModifierGroup(
                "extras",
                "Додатки",
                0,
                3,
                (
                    Modifier("cheese", "Сир", uah(2500)),
                    Modifier("bacon", "Бекон", uah(3500), Availability(in_stock=False)),
                ),
            ),
        ),
        refs={"poster": "201"},
    )


def croissant() -> Item:
    """A plain item with no variants or modifiers."""
    return Item("croissant", "Круасан", uah(5500))


def cafe_menu(
    *, coffee: tuple[Item, ...] | None = None, food: tuple[Item, ...] | None = None
) -> Menu:
    """Coffee and food; pass items to replace a category's contents."""
    return Menu(
        location_id=LOCATION_ID,
        currency="UAH",
        categories=(
            Category("coffee", "Кава", coffee if coffee is not None else (latte(),)),
            Category("food", "Їжа", food if food is not None else (burger(), croissant())),
        ),
    )


def customer() -> Customer:
    """Olena, with a Ukrainian mobile number."""
    return Customer(name="Олена", phone="+380671234567", email="olena@example.com")


def pickup() -> Fulfilment:
    """Pickup, as soon as possible."""
    return Fulfilment(FulfilmentType.PICKUP)


def draft(*lines: DraftLine, payment: Payment | None = None) -> OrderDraft:
    """A storefront order draft; by default one latte 0.5 l with vanilla and a croissant."""
    if not lines:
        lines = (
            DraftLine("latte", 1, "latte-l", (DraftModifier("vanilla"),)),
            DraftLine("croissant", 2),
        )
    return OrderDraft(
        key=OrderKey("storefront", "web-1001"),
        location_id=LOCATION_ID,
        items=lines,
        customer=customer(),
        fulfilment=pickup(),
        payment=payment,
    )


def order(status: OrderStatus = OrderStatus.RECEIVED, payment: Payment | None = None) -> Order:
    """A stored order rebuilt in ``status``: two lattes with syrup and a croissant."""
    return Order(
        id="ord-1",
        key=OrderKey("storefront", "web-1001"),
        location_id=LOCATION_ID,
        lines=(
            OrderLine(
                "latte",
                2,
                uah(8000),
                variant_id="latte-l",
                modifiers=(LineModifier("vanilla", 1, uah(1500)),),
            ),
            OrderLine("croissant", 1, uah(5500)),
        ),
        customer=customer(),
        fulfilment=pickup(),
        created_at=NOW,
        payment=payment,
        status=status,
    )


def paid(amount: int) -> Payment:
    """A prepayment in hryvnias (kopecks)."""
    return Payment(PaymentStatus.PAID, uah(amount))


def weekdays_9_to_18() -> WeeklySchedule:
    """Monday to Friday, nine to six."""
    hours = {day: (OpeningInterval(time(9), time(18)),) for day in list(Weekday)[:5]}
    return WeeklySchedule(hours)


def kyiv_location(schedule: WeeklySchedule | None = None) -> Location:
    """The café's location in Kyiv, open around the clock unless given a schedule."""
    return Location(
        id=LOCATION_ID, name="Podil", timezone="Europe/Kyiv", currency="UAH", schedule=schedule
    )
