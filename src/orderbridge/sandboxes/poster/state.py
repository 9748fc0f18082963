"""The sandbox's world: accounts with their spots, menu, clients, orders and checks.

Everything lives in memory as pydantic models, so that ``--state FILE`` can persist the
whole world as one JSON document and load it back. Method handlers mutate it under the
app's lock; ids come from per-account counters, as in Poster where every account has
its own id sequences.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from orderbridge.sandboxes.poster.state_finance import (
    CashShift,
    FinanceAccount,
    FinanceCategory,
    FinanceTransaction,
    Franchise,
    PaymentService,
    ShiftTransaction,
    Tax,
)
from orderbridge.sandboxes.poster.state_people import ClientGroup, Employee, Tablet
from orderbridge.sandboxes.poster.state_stock import (
    EgaisPosition,
    Ingredient,
    IngredientCategory,
    Inventory,
    Manufacture,
    Moving,
    Pack,
    StockMove,
    Storage,
    Supplier,
    Supply,
    Waste,
    WasteReason,
    Workshop,
)

POSTER_TIME = "%Y-%m-%d %H:%M:%S"


class SpotPrice(BaseModel):
    """A product's (or modification's) price and visibility at one spot, in kopecks."""

    price: int = 0
    profit: int = 0
    visible: bool = True


class ProductModification(BaseModel):
    """A product modification (a variant: size, flavour); ordered by ``modificator_id``."""

    modificator_id: int
    modificator_name: str
    modificator_selfprice: int = 0
    order: int = 0
    modificator_barcode: str = ""
    modificator_product_code: str = ""
    ingredient_id: int = 0
    spots: dict[int, SpotPrice] = Field(default_factory=dict)
    # Per-storage stock left of this modification; absent means "not tracked".
    stock: dict[int, float] = Field(default_factory=dict)


class DishModification(BaseModel):
    """One modifier of a dish modifier group; ``price`` is the delta in kopecks."""

    dish_modification_id: int
    name: str
    ingredient_id: int = 0
    type: int = 1
    brutto: float = 0
    price: int = 0
    photo: str = ""
    last_modified_time: str = ""


class DishModificationGroup(BaseModel):
    """A dish modifier group with Poster's ``num_min``/``num_max`` limits."""

    dish_modification_group_id: int
    name: str
    num_min: int = 0
    num_max: int = 1
    type: int = 1  # 1 — one of several, 2 — some of several
    is_deleted: int = 0
    modifications: list[DishModification] = Field(default_factory=list)


class Product(BaseModel):
    """A product (type 3) or a dish (type 2); Poster lists both as products."""

    product_id: int
    product_name: str
    menu_category_id: int = 0
    type: int = 3
    workshop: int = 1
    barcode: str = ""
    product_code: str = ""
    unit: str = ""
    cost: int = 0
    fiscal: int = 0
    nodiscount: int = 0
    tax_id: int = 0
    product_tax_id: int = 0
    weight_flag: int = 0
    color: str = "white"
    photo: str = ""
    photo_origin: str = ""
    sort_order: int = 999
    hidden: int = 0
    out: int = 0
    cooking_time: int = 0
    ingredient_id: int = 0
    product_production_description: str = ""
    ingredients: list[dict[str, Any]] = Field(default_factory=list)
    spots: dict[int, SpotPrice] = Field(default_factory=dict)
    modifications: list[ProductModification] = Field(default_factory=list)
    group_modifications: list[DishModificationGroup] = Field(default_factory=list)
    extras: dict[str, Any] = Field(default_factory=dict)
    # Per-storage stock left, as stock webhooks report it; absent means "not tracked".
    stock: dict[int, float] = Field(default_factory=dict)
    # 1: prices may differ between spots (createProduct's ``different_spots_prices``).
    different_spots_prices: int = 0
    deleted: bool = False

    @property
    def is_dish(self) -> bool:
        return self.type == 2


class Category(BaseModel):
    category_id: int
    category_name: str
    category_photo: str = ""
    parent_category: int = 0
    category_color: str = "white"
    category_hidden: int = 0
    sort_order: int = 999
    fiscal: int = 0
    nodiscount: int = 0
    tax_id: int = 0
    category_tag: str = ""
    category_photo_origin: str = ""
    id_1c: str = ""
    visible: dict[int, bool] = Field(default_factory=dict)
    extras: dict[str, Any] = Field(default_factory=dict)
    deleted: bool = False


class Table(BaseModel):
    table_id: int
    table_num: str
    table_title: str = ""
    spot_id: int
    hall_id: int
    table_shape: str = "square"
    table_seats: int = 4
    is_deleted: int = 0
    # Position and size on the floor plan, as spots.getTableHallTables reports them.
    table_x: int = 0
    table_y: int = 0
    table_height: int = 4
    table_width: int = 4


class Hall(BaseModel):
    hall_id: int
    hall_name: str
    spot_id: int
    hall_order: int = 0
    deleted: int = 0  # answered as ``delete``
    last_modified_time: str = ""


class Spot(BaseModel):
    spot_id: int
    spot_name: str
    spot_adress: str = ""  # sic: Poster's field name
    storage_id: int = 1
    id_1c: str = ""
    extras: dict[str, Any] = Field(default_factory=dict)
    deleted: bool = False


class Client(BaseModel):
    client_id: int
    firstname: str = ""
    lastname: str = ""
    patronymic: str = ""
    phone: str = ""
    phone_number: str = ""  # digits only, what Poster matches phones by
    email: str = ""
    sex: int = 0
    birthday: str = ""
    address: str = ""
    comment: str = ""
    client_groups_id: int = 1
    card_number: str = ""
    discount_per: int = 0
    bonus: int = 0
    total_payed_sum: int = 0
    date_activale: str = ""
    country: str = ""
    city: str = ""
    ewallet: int = 0
    extras: dict[str, Any] = Field(default_factory=dict)
    deleted: bool = False


class IncomingOrderProduct(BaseModel):
    io_product_id: int
    product_id: int
    modificator_id: int | None = None
    incoming_order_id: int
    count: float = 1
    price: int | None = None
    # Dish modifiers as sent: [{"m": dish_modification_id, "a": amount}, ...]
    modification: list[dict[str, int]] | None = None
    created_at: str


class Payment(BaseModel):
    type: int = 0
    sum: int = 0
    currency: str = ""


class IncomingOrder(BaseModel):
    """An online order (type 1) or a table reservation (type 2); they share ids."""

    incoming_order_id: int
    type: Literal[1, 2] = 1
    spot_id: int
    status: int = 0  # 0 new, 1 accepted, 7 canceled
    client_id: int = 0
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    sex: int | None = None
    birthday: str | None = None
    address: str | None = None
    comment: str | None = None
    created_at: str
    updated_at: str
    transaction_id: int | None = None
    fiscal_spreading: int = 0
    fiscal_method: str = ""
    promotion: str | None = None
    products: list[IncomingOrderProduct] = Field(default_factory=list)
    payment: Payment | None = None
    service_mode: int | None = None
    delivery_price: int | None = None
    client_address: dict[str, Any] | None = None
    delivery_time: str | None = None
    # Reservations
    table_id: int | None = None
    guests_count: int | None = None
    date_reservation: str | None = None
    duration: int | None = None
    # Which application's token created it (None: a personal integration token).
    application_id: int | None = None


class TransactionProduct(BaseModel):
    tr_product_id: int = 0  # the line's own id (write-offs name it)
    product_id: int
    modification_id: int = 0
    num: float = 1
    product_sum: int = 0  # the line's total: unit price × num
    payed_sum: int = 0
    price: int = 0  # the unit price (dish modifiers included)
    # Dish modifiers as the incoming order sent them: [{"m": id, "a": amount}]
    modification: list[dict[str, int]] | None = None
    time: int = 0  # unix milliseconds the line was added
    cost: int = 0  # food cost of the line (kopecks), known once its stock is written off


class HistoryEntry(BaseModel):
    """One operation on a check, as dash.getTransactionHistory lists it."""

    history_id: int
    type_history: str  # open, additem, changeitemcount, deleteitem, setclient, comment, close …
    time: int  # unix milliseconds
    value: int = 0
    value2: int = 0
    value3: int = 0
    value4: int = 0
    value5: int = 0
    value_text: Any = None
    user_id: int = 1
    spot_tablet_id: int = 1


class Transaction(BaseModel):
    """A check on the register; ``status`` 1 open, 2 closed, 3 removed (dash's codes)."""

    transaction_id: int
    spot_id: int
    table_id: int = 0
    client_id: int = 0
    status: int = 1
    date_start: int  # unix milliseconds, as dash methods answer
    date_close: int = 0
    sum: int = 0
    payed_sum: int = 0
    payed_cash: int = 0
    payed_card: int = 0
    payed_cert: int = 0
    payed_bonus: int = 0
    discount: int = 0
    tip_sum: int = 0
    pay_type: int = 0
    transaction_comment: str = ""
    service_mode: int = 1
    incoming_order_id: int | None = None
    products: list[TransactionProduct] = Field(default_factory=list)
    guests_count: int = 1
    user_id: int = 1
    payed_third_party: int = 0
    # Paid in advance online (the incoming order's payment with type 1): the register
    # asks only for what is left.
    prepaid: int = 0
    reason: int = 0  # why a check was closed without payment (1 left, 2 on the house …)
    print_fiscal: int = 0
    round_sum: int = 0
    tablet_id: int = 1  # the register (spot_tablet_id) it was opened on
    history: list[HistoryEntry] = Field(default_factory=list)
    # Where a fiscal receipt copy goes (transactions.changeRecipientFor54FZ).
    recipient: dict[str, str] = Field(default_factory=dict)


class Settings(BaseModel):
    """The account's settings (settings.getAllSettings); ``timezone`` is its
    ``timezones``. ``currency_code`` is what the register prints ("грн."); the ISO
    code is ``currency_code_iso``."""

    company_name: str = "Кав'ярня «Бріош»"
    currency_id: int = 1
    currency_name: str = "Гривня"
    currency_code: str = "грн."
    currency_code_iso: str = "UAH"
    currency_symbol: str = "₴"
    timezone: str = "Europe/Kyiv"
    lang: str = "ua"  # Poster writes Ukrainian as "ua", not ISO 639's "uk"
    city: str = "Київ"
    phone: str = "380441234567"
    owner_email: str = "owner@brioche.example"
    owner_name: str = "Олена Бондар"
    logo: str = ""
    company_type: int = 1  # 1 cafe, 2 store
    tip_amount: int = 0
    analytics_plus_time: int = 0
    flags: dict[str, int] = Field(default_factory=dict)  # uses_tables, uses_taxes …
    extras: dict[str, Any] = Field(default_factory=dict)


class Application(BaseModel):
    """A developer's Poster application: OAuth credentials and webhook subscription."""

    application_id: int
    application_secret: str
    name: str = "orderbridge"
    redirect_uri: str = ""
    webhook_url: str = ""
    # Entities it wants webhooks for (``incoming_order``, ``product`` …); empty means all.
    webhook_entities: list[str] = Field(default_factory=list)


class Installation(BaseModel):
    """An application installed on an account, with the token it was given."""

    application_id: int
    access_token: str
    user_id: int = 4
    installed_at: str = ""


class Account(BaseModel):
    """One Poster account (one restaurant business) with its own id sequences."""

    account: str  # the login / subdomain, e.g. "api-demo"
    account_number: str
    # The Personal Integration token (Access → Integrations); None when not issued.
    personal_token: str | None = None
    settings: Settings = Field(default_factory=Settings)
    spots: dict[int, Spot] = Field(default_factory=dict)
    halls: dict[int, Hall] = Field(default_factory=dict)
    tables: dict[int, Table] = Field(default_factory=dict)
    categories: dict[int, Category] = Field(default_factory=dict)
    products: dict[int, Product] = Field(default_factory=dict)
    clients: dict[int, Client] = Field(default_factory=dict)
    incoming_orders: dict[int, IncomingOrder] = Field(default_factory=dict)
    transactions: dict[int, Transaction] = Field(default_factory=dict)
    installations: dict[int, Installation] = Field(default_factory=dict)
    counters: dict[str, int] = Field(default_factory=dict)
    # People and registers
    employees: dict[int, Employee] = Field(default_factory=dict)
    tablets: dict[int, Tablet] = Field(default_factory=dict)
    client_groups: dict[int, ClientGroup] = Field(default_factory=dict)
    sms: list[dict[str, str]] = Field(default_factory=list)  # clients.sendSms, as sent
    # Back of house
    storages: dict[int, Storage] = Field(default_factory=dict)
    workshops: dict[int, Workshop] = Field(default_factory=dict)
    ingredient_categories: dict[int, IngredientCategory] = Field(default_factory=dict)
    ingredients: dict[int, Ingredient] = Field(default_factory=dict)
    suppliers: dict[int, Supplier] = Field(default_factory=dict)
    packs: dict[int, Pack] = Field(default_factory=dict)
    waste_reasons: dict[int, WasteReason] = Field(default_factory=dict)
    supplies: dict[int, Supply] = Field(default_factory=dict)
    movings: dict[int, Moving] = Field(default_factory=dict)
    wastes: dict[int, Waste] = Field(default_factory=dict)
    manufactures: dict[int, Manufacture] = Field(default_factory=dict)
    stock_moves: list[StockMove] = Field(default_factory=list)
    inventories: dict[int, Inventory] = Field(default_factory=dict)
    egais_positions: list[EgaisPosition] = Field(default_factory=list)
    # Money
    cash_shifts: dict[int, CashShift] = Field(default_factory=dict)
    shift_transactions: dict[int, ShiftTransaction] = Field(default_factory=dict)
    finance_accounts: dict[int, FinanceAccount] = Field(default_factory=dict)
    finance_categories: dict[int, FinanceCategory] = Field(default_factory=dict)
    finance_transactions: dict[int, FinanceTransaction] = Field(default_factory=dict)
    taxes: dict[int, Tax] = Field(default_factory=dict)

    def next_id(self, sequence: str, *, start: int = 1) -> int:
        """The next id of ``sequence`` (``product``, ``incoming_order`` …) in this account."""
        value = max(self.counters.get(sequence, start - 1) + 1, start)
        self.counters[sequence] = value
        return value

    def bump_counter(self, sequence: str, used: int) -> None:
        """Make sure ids handed out later in ``sequence`` stay above ``used``."""
        if used > self.counters.get(sequence, 0):
            self.counters[sequence] = used


class World(BaseModel):
    """The whole sandbox: accounts, developer applications, pending OAuth codes."""

    accounts: dict[str, Account] = Field(default_factory=dict)
    applications: dict[int, Application] = Field(default_factory=dict)
    # OAuth authorisation codes: code → (account login, application id, redirect uri)
    auth_codes: dict[str, tuple[str, int, str]] = Field(default_factory=dict)
    # Tokens revoked by a test (the "revoked token" fault): answered with error 11.
    revoked_tokens: list[str] = Field(default_factory=list)
    franchises: list[Franchise] = Field(default_factory=list)
    payment_services: dict[str, PaymentService] = Field(default_factory=dict)

    def find_token(self, token: str) -> tuple[Account, int | None] | None:
        """The account a token opens, and the application it belongs to (None: personal)."""
        if token in self.revoked_tokens:
            return None
        for account in self.accounts.values():
            if account.personal_token == token:
                return account, None
            for inst in account.installations.values():
                if inst.access_token == token:
                    return account, inst.application_id
        return None


def poster_time(moment: datetime) -> str:
    """Poster's ``Y-m-d H:i:s`` in the account's local time."""
    return moment.strftime(POSTER_TIME)
