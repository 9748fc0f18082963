"""The café Countertop's demo account starts with: Бріош, two stores, one catalog.

The catalog has what a café's has: sizes (a latte's 0.3 l / 0.5 l, a pizza's Ø30 /
Ø35), add-on groups with limits (syrups, sauces), a required choice (a burger's
doneness), a sold-out item, a hidden one. Both stores sell it; Pechersk a little
dearer, as stores of one chain often are.
"""

from __future__ import annotations

from decimal import Decimal

from orderbridge.sandboxes.rest_pos.state import (
    WEEKDAYS,
    Addon,
    AddonGroup,
    Address,
    OpeningHours,
    Product,
    Section,
    Size,
    Store,
    Table,
    World,
    money,
)

DEMO_API_KEY = "ct_live_brioche_0b7d4c1e9a52"
DEMO_WEBHOOK_SECRET = "whsec_countertop_brioche_5f2a91"  # noqa: S105 - the demo's, public
STORES: tuple[tuple[str, str, str], ...] = (
    ("st_podil", "Бріош на Подолі", "вул. Сагайдачного, 25"),
    ("st_pechersk", "Brioche Pechersk", "вул. Лютеранська, 3"),
)

SECTIONS = (
    Section(id="sec_coffee", title="Кава", position=1),
    Section(id="sec_pizza", title="Піца", position=2),
    Section(id="sec_burgers", title="Бургери", position=3),
    Section(id="sec_desserts", title="Десерти", position=4),
    Section(id="sec_drinks", title="Напої", position=5),
)


def _syrups() -> AddonGroup:
    return AddonGroup(
        id="ag_syrup",
        title="Сироп",
        minPick=0,
        maxPick=2,
        addons=[
            Addon(id="ad_vanilla", title="Ваніль", price="15.00"),
            Addon(id="ad_caramel", title="Карамель", price="15.00"),
            Addon(id="ad_coconut", title="Кокос", price="15.00"),
        ],
    )


def _sauces() -> AddonGroup:
    return AddonGroup(
        id="ag_sauce",
        title="Соус",
        minPick=0,
        maxPick=2,
        addons=[
            Addon(id="ad_bbq", title="Барбекю", price="15.00"),
            Addon(id="ad_garlic", title="Часниковий", price="15.00"),
            Addon(id="ad_ranch", title="Ранч", price="20.00"),
        ],
    )


def catalog() -> list[Product]:
    """The café's products, at Podil's prices."""
    return [
        Product(sku="ESP", sectionId="sec_coffee", title="Еспресо", price="45.00"),
        Product(sku="AMR", sectionId="sec_coffee", title="Американо", price="55.00"),
        Product(
            sku="LAT",
            sectionId="sec_coffee",
            title="Лате",
            description="Подвійне еспресо та молоко",
            price="65.00",
            sizes=[
                Size(code="LAT-S", label="0.3 л", price="65.00"),
                Size(code="LAT-L", label="0.5 л", price="80.00"),
            ],
            addonGroups=[_syrups()],
        ),
        Product(
            sku="CAP",
            sectionId="sec_coffee",
            title="Капучино",
            price="60.00",
            sizes=[
                Size(code="CAP-S", label="0.25 л", price="60.00"),
                Size(code="CAP-L", label="0.4 л", price="75.00"),
            ],
            addonGroups=[_syrups()],
        ),
        Product(
            sku="PZ-PEP",
            sectionId="sec_pizza",
            title="Пепероні",
            description="Томатний соус, моцарела, пепероні",
            price="189.00",
            sizes=[
                Size(code="PZ-PEP-30", label="Ø30", price="189.00"),
                Size(code="PZ-PEP-35", label="Ø35", price="219.00"),
            ],
            addonGroups=[_sauces()],
        ),
        Product(
            sku="PZ-MAR",
            sectionId="sec_pizza",
            title="Маргарита",
            description="Томати, моцарела, базилік",
            price="159.00",
            sizes=[
                Size(code="PZ-MAR-30", label="Ø30", price="159.00"),
                Size(code="PZ-MAR-35", label="Ø35", price="189.00"),
            ],
            addonGroups=[_sauces()],
        ),
        Product(
            sku="BG-CHS",
            sectionId="sec_burgers",
            title="Чизбургер",
            description="Яловичина, чедер, мариновані огірки",
            price="179.00",
            addonGroups=[
                AddonGroup(
                    id="ag_doneness",
                    title="Прожарка",
                    minPick=1,
                    maxPick=1,
                    addons=[
                        Addon(id="ad_medium", title="Medium"),
                        Addon(id="ad_well", title="Well done"),
                    ],
                ),
                AddonGroup(
                    id="ag_extras",
                    title="Додатки",
                    minPick=0,
                    maxPick=3,
                    addons=[
                        Addon(id="ad_bacon", title="Бекон", price="30.00"),
                        Addon(id="ad_veg", title="Овочі гриль", price="25.00"),
                        Addon(id="ad_cheese", title="Ще сиру", price="20.00", soldOut=True),
                    ],
                ),
            ],
        ),
        Product(sku="DS-CHK", sectionId="sec_desserts", title="Чізкейк", price="95.00"),
        Product(sku="DS-CRS", sectionId="sec_desserts", title="Круасан", price="55.00"),
        Product(sku="DS-ECL", sectionId="sec_desserts", title="Еклер", price="65.00", soldOut=True),
        Product(
            sku="DR-LEM",
            sectionId="sec_drinks",
            title="Лимонад",
            price="70.00",
            sizes=[
                Size(code="DR-LEM-S", label="0.4 л", price="70.00"),
                Size(code="DR-LEM-L", label="1 л", price="140.00"),
            ],
        ),
        Product(sku="DR-WAT", sectionId="sec_drinks", title="Вода мінеральна", price="35.00"),
        Product(
            sku="DR-SEA", sectionId="sec_drinks", title="Сезонний чай", price="60.00", visible=False
        ),
    ]


def _dearer(product: Product, by: Decimal) -> Product:
    def up(price: str) -> str:
        return money(Decimal(price) * by)

    product.price = up(product.price)
    for size in product.sizes:
        size.price = up(size.price)
    return product


def demo_world(*, webhook_url: str = "", webhook_secret: str = DEMO_WEBHOOK_SECRET) -> World:
    """A new world with the café, the demo API key and the webhook endpoint."""
    world = World(api_keys=[DEMO_API_KEY])
    world.webhook.url = webhook_url
    world.webhook.secret = webhook_secret
    for n, (store_id, name, street) in enumerate(STORES):
        products = catalog()
        if n:
            products = [_dearer(p, Decimal("1.1")) for p in products]
        world.stores[store_id] = Store(
            id=store_id,
            displayName=name,
            timeZone="Europe/Kyiv",
            currency="UAH",
            address=Address(line=street, city="Київ"),
            openingHours=[OpeningHours(day=d, opens="08:00", closes="23:00") for d in WEEKDAYS],
            tables=[Table(code=f"T{i}", seats=2 if i < 4 else 4, area="Зал") for i in range(1, 7)],
            sections=[s.model_copy() for s in SECTIONS],
            products={p.sku: p for p in products},
        )
    return world
