"""Poster's wire format, in Poster's own words.

Poster writes the same number as ``139``, ``"139"`` or ``"1.00000"`` depending on the
method (and sometimes within one answer), a missing photo as ``null`` or ``""``, and an
empty PHP array as ``[]`` where it would otherwise send an object. The field types below
absorb all of that, so ``mapping`` sees plain ints, bools and dicts. Unknown fields are
ignored: Poster adds fields over time, and a 10,000-product menu should not keep every
recipe line it does not need in memory.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _to_int(value: Any) -> Any:
    """``"139"``, ``"1.00000"``, ``139.0`` → 139; anything else goes to pydantic as is."""
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return value
        if number == number.to_integral_value():
            return int(number)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _to_opt_int(value: Any) -> Any:
    return None if value in (None, "") else _to_int(value)


def _to_flag(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() not in ("", "0", "false")
    return value


def _to_text(value: Any) -> Any:
    return "" if value is None else str(value) if isinstance(value, int | float) else value


def _to_float(value: Any) -> Any:
    return float(value) if isinstance(value, str) and value.strip() else value


def _to_dict(value: Any) -> Any:
    # PHP's json_encode writes an empty associative array as [].
    return {} if value in (None, []) else value


def _to_list(value: Any) -> Any:
    return [] if value in (None, "", {}) else value


# Pydantic's lax mode already reads "139", "1.00000" and 139.0 as the int 139, "0"/"1" as
# booleans and numbers as text (``coerce_numbers_to_str``); the validators below add
# only what it refuses (empty strings, nulls, PHP's []) and run in Python, so the hot
# fields of a 10,000-product menu avoid them.
PInt = int
POptInt = Annotated[int | None, BeforeValidator(_to_opt_int)]
PFlag = Annotated[bool, BeforeValidator(_to_flag)]
PText = str
PNullText = Annotated[str, BeforeValidator(_to_text)]
PFloat = Annotated[float, BeforeValidator(_to_float)]


class PosterModel(BaseModel):
    """Base of every wire model: unknown fields ignored, values tolerant as above."""

    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)


class PosterSpotPrice(PosterModel):
    """A product's (or product modification's) price in kopecks and visibility at a spot."""

    spot_id: PInt
    price: PInt = 0
    visible: PFlag = True


class PosterModification(PosterModel):
    """A product modification: a variant with its own price per spot (Borjomi 147)."""

    modificator_id: PInt
    modificator_name: PText = ""
    order: PInt = 0
    spots: Annotated[list[PosterSpotPrice], BeforeValidator(_to_list)] = Field(default_factory=list)


class PosterDishModification(PosterModel):
    """One modifier of a dish's modifier group; ``price`` is added per unit, in kopecks."""

    dish_modification_id: PInt
    name: PText = ""
    price: PInt = 0


class PosterDishModificationGroup(PosterModel):
    """A dish modifier group: choose ``num_min``..``num_max``; ``type`` 1 one, 2 several."""

    dish_modification_group_id: PInt
    name: PText = ""
    num_min: PInt = 0
    num_max: PInt = 0
    type: PInt = 1
    is_deleted: PFlag = False
    modifications: Annotated[list[PosterDishModification], BeforeValidator(_to_list)] = Field(
        default_factory=list
    )


class PosterProduct(PosterModel):
    """A product (``type`` 3) or a dish (``type`` 2) as menu.getProducts/getProduct send it.

    A product without modifications has ``spots`` (and ``price`` keyed by spot id); one
    with modifications has neither, and each modification carries its own ``spots``.
    """

    product_id: PInt
    product_name: PText = ""
    menu_category_id: PInt = 0
    category_name: PNullText = ""
    type: PInt = 3
    hidden: PFlag = False
    sort_order: PInt = 999
    photo: Annotated[str | None, BeforeValidator(lambda v: v or None)] = None
    photo_origin: Annotated[str | None, BeforeValidator(lambda v: v or None)] = None
    price: Annotated[dict[str, PInt], BeforeValidator(_to_dict)] = Field(default_factory=dict)
    spots: Annotated[list[PosterSpotPrice], BeforeValidator(_to_list)] = Field(default_factory=list)
    modifications: Annotated[list[PosterModification], BeforeValidator(_to_list)] = Field(
        default_factory=list
    )
    group_modifications: Annotated[list[PosterDishModificationGroup], BeforeValidator(_to_list)] = (
        Field(default_factory=list)
    )


class PosterCategory(PosterModel):
    """A menu category; categories nest through ``parent_category`` (0 is the root)."""

    category_id: PInt
    category_name: PNullText = ""
    category_photo: Annotated[str | None, BeforeValidator(lambda v: v or None)] = None
    parent_category: PInt = 0
    category_hidden: PFlag = False
    sort_order: PInt = 999
    left: POptInt = None  # position in Poster's nested set: the tree's display order


class PosterStorage(PosterModel):
    """A storage attached to a spot (access.getSpots' ``storages``)."""

    storage_id: PInt
    storage_name: PNullText = ""


class PosterSpot(PosterModel):
    """A spot (a venue) of the account, from access.getSpots."""

    spot_id: PInt
    spot_name: PText = ""
    name: PText = ""
    spot_adress: PText = ""  # sic: Poster's spelling
    address: PText = ""
    storages: Annotated[list[PosterStorage], BeforeValidator(_to_list)] = Field(
        default_factory=list
    )
    storage_id: POptInt = None  # older answers name one storage flat

    @property
    def storage_ids(self) -> list[str]:
        """The spot's storages, from ``storages`` (the reference) or a flat ``storage_id``."""
        found = [str(s.storage_id) for s in self.storages]
        if not found and self.storage_id:
            found.append(str(self.storage_id))
        return found

    @property
    def display_name(self) -> str:
        return self.spot_name or self.name or f"Spot {self.spot_id}"

    @property
    def display_address(self) -> str:
        return self.spot_adress or self.address


class PosterHall(PosterModel):
    """A floor section of a spot (spots.getSpotTablesHalls)."""

    hall_id: PInt
    hall_name: PText = ""
    hall_order: PInt = 0
    spot_id: PInt
    delete: PFlag = False


class PosterTable(PosterModel):
    """A table of a hall (spots.getTableHallTables)."""

    table_id: PInt
    table_num: PText = ""
    table_title: PText = ""
    spot_id: PInt
    hall_id: PInt = 0
    is_deleted: PFlag = False
    table_seats: POptInt = None  # not in the reference's example; newer accounts send it


class PosterCurrency(PosterModel):
    currency_code_iso: PText = ""
    currency_code: PText = ""


class PosterAccountSettings(PosterModel):
    """settings.getAllSettings, the parts the hub uses.

    The reference writes the timezone as ``timezones`` and the ISO currency as
    ``currency.currency_code_iso``; some accounts answer ``timezone`` and put the ISO
    code in ``currency_code``. Both are read.
    """

    company_name: PText = ""
    # The account's login (the {account}.joinposter.com subdomain), per the reference.
    company_id: PText = Field("", alias="COMPANY_ID")
    timezones: PText = ""
    timezone: PText = ""
    currency: PosterCurrency | None = None

    @property
    def tz_name(self) -> str | None:
        return self.timezones or self.timezone or None

    @property
    def currency_iso(self) -> str | None:
        if self.currency is None:
            return None
        for code in (self.currency.currency_code_iso, self.currency.currency_code):
            if len(code) == 3 and code.isalpha() and code.isupper():
                return code
        return None


class PosterIncomingOrderProduct(PosterModel):
    io_product_id: POptInt = None
    product_id: PInt
    modificator_id: POptInt = None
    count: PFloat = 1.0
    price: POptInt = None


class PosterPayment(PosterModel):
    type: PInt = 0
    sum: PInt = 0
    currency: PNullText = ""


class PosterIncomingOrder(PosterModel):
    """An online order (``type`` 1) or a reservation (``type`` 2).

    ``status``: 0 new, 1 accepted, 7 canceled; ``transaction_id`` names the check the
    register opened on acceptance. Dates are ``Y-m-d H:i:s`` in the account's time.
    """

    incoming_order_id: PInt
    type: POptInt = None
    spot_id: PInt
    status: PInt = 0
    client_id: POptInt = None
    phone: PNullText = ""
    comment: PNullText = ""
    created_at: PNullText = ""
    updated_at: PNullText = ""
    transaction_id: POptInt = None
    products: Annotated[list[PosterIncomingOrderProduct], BeforeValidator(_to_list)] = Field(
        default_factory=list
    )
    payment: PosterPayment | None = None
    service_mode: POptInt = None
    date_reservation: PNullText = ""
    duration: POptInt = None
    guests_count: POptInt = None


class PosterHistoryEntry(PosterModel):
    """One step of a check's history (dash.getTransaction with include_history)."""

    type_history: PNullText = ""
    spot_tablet_id: POptInt = None


class PosterTransaction(PosterModel):
    """A check as dash.getTransaction reports it: ``status`` 1 open, 2 closed, 3 removed."""

    transaction_id: PInt
    status: PInt = 1
    date_close: PInt = 0  # unix milliseconds; 0 while open
    sum: PInt = 0
    payed_sum: PInt = 0
    spot_id: POptInt = None
    transaction_comment: PNullText = ""
    # Asked for with include_history=true: the register that opened it is in "open".
    history: Annotated[list[PosterHistoryEntry], BeforeValidator(_to_list)] = Field(
        default_factory=list
    )

    @property
    def spot_tablet_id(self) -> int | None:
        """The register the check was opened on (its history's ``open`` entry)."""
        opened = [h for h in self.history if h.type_history == "open" and h.spot_tablet_id]
        return opened[0].spot_tablet_id if opened else None


class PosterAccessToken(PosterModel):
    """The answer of ``/api/v2/auth/access_token``."""

    access_token: str
    account_number: PNullText = ""


class PosterErrorBody(PosterModel):
    code: PInt = 0
    message: PNullText = ""
    field: PNullText = ""


T = TypeVar("T")


class PosterEnvelope(PosterModel, Generic[T]):
    """Every API answer: ``{"response": …}`` or ``{"error": {"code", "message"}}``.

    The OAuth endpoints answer errors flat (``{"error": 34, "message": …}``); both shapes
    fit here, the flat one with ``error`` an int.
    """

    response: T | None = None
    error: PosterErrorBody | PInt | None = None
    message: PNullText = ""
