"""The back of house: storages, stations, ingredients, suppliers and stock documents.

Stock is kept as a ledger (``StockMove``): every supply, transfer, waste, manufacture,
sale and inventory adjustment appends moves, and the storage reports (movement,
leftovers, inventory checks) add them up. ``Ingredient.left`` and a tracked product's
``stock`` are the running totals of those moves (see ``stock_ledger``).

Quantities are in the item's unit: kilograms, litres or pieces. Recipes give gross and
net in grams or millilitres for kilogram and litre ingredients (the reference's
Manhattan Jack takes 30 of a litre-measured vermouth) and in pieces otherwise.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

ItemKind = Literal["ingredient", "product"]


class Storage(BaseModel):
    storage_id: int
    storage_name: str
    storage_adress: str = ""  # sic: Poster's spelling
    spot_id: int | None = None  # the spot it serves (access.getSpots' ``storages``)
    deleted: bool = False


class Workshop(BaseModel):
    """A station (bar, kitchen …) tickets are printed at."""

    workshop_id: int
    workshop_name: str
    deleted: bool = False


class IngredientCategory(BaseModel):
    category_id: int
    name: str
    id_1c: str | None = None
    extras: dict[str, Any] = Field(default_factory=dict)
    deleted: bool = False


LOSS_METHODS = ("clear", "cook", "fry", "stew", "bake")


class Ingredient(BaseModel):
    """A raw material; ``cost`` is its average prime cost in kopecks per unit."""

    ingredient_id: int
    ingredient_name: str
    category_id: int = 0
    unit: str = "kg"  # kg, l or p
    weight: float = 0  # grams of one piece, for pieces
    losses: dict[str, float] = Field(default_factory=dict)  # percent per method
    partial_write_off: int = 0
    id_1c: str = ""
    hidden: int = 0
    limit_value: float = 0
    cost: float = 0
    left: dict[int, float] = Field(default_factory=dict)  # storage → quantity
    extras: dict[str, Any] = Field(default_factory=dict)
    deleted: bool = False


class Supplier(BaseModel):
    supplier_id: int
    supplier_name: str
    supplier_phone: str = ""
    supplier_adress: str = ""
    supplier_comment: str = ""
    supplier_code: str = ""
    supplier_tin: str = ""
    deleted: bool = False


class Pack(BaseModel):
    """A pack an item is bought in: the basic ones (type 0) and custom ones (type 1)."""

    pack_id: int
    name: str = ""
    unit: str = "p"
    count: float = 0
    type: int = 0


class WasteReason(BaseModel):
    reason_id: int
    name: str


class StockLine(BaseModel):
    """One line of a stock document: what (``kind`` and id), how much, at what price.

    ``price`` is kopecks per unit; ``modificator_id`` names a product modification.
    """

    kind: ItemKind
    item_id: int
    modificator_id: int = 0
    num: float
    price: float = 0
    packing: int = 0
    reason: str = ""
    # The request's own type code (documents number their types differently).
    type_code: int = 0


class Supply(BaseModel):
    supply_id: int
    storage_id: int
    supplier_id: int
    date: str
    account_id: int | None = None
    comment: str = ""
    lines: list[StockLine] = Field(default_factory=list)
    deleted: bool = False


class Moving(BaseModel):
    moving_id: int
    date: str
    from_storage: int
    to_storage: int
    user_id: int = 1
    comment: str = ""
    lines: list[StockLine] = Field(default_factory=list)
    deleted: bool = False


class Waste(BaseModel):
    """A manual waste (write-off) of a storage."""

    waste_id: int
    storage_id: int
    date: str
    user_id: int = 1
    reason_id: int = 0
    lines: list[StockLine] = Field(default_factory=list)
    deleted: bool = False


class Manufacture(BaseModel):
    """Dishes (type 2) and prepacks (type 1) cooked ahead into a storage."""

    manufacture_id: int
    storage_id: int
    date: str
    user_id: int = 1
    lines: list[StockLine] = Field(default_factory=list)
    deleted: bool = False


class StockMove(BaseModel):
    """One change of one item's quantity in one storage (negative: out).

    ``doc``/``doc_id`` name the document that made it (``sale`` moves belong to a
    check, ``tr_product_id`` to its line); ``cost`` is the kopecks it is worth.
    """

    move_id: int
    time: int  # unix milliseconds
    storage_id: int
    doc: str  # opening, supply, moving, waste, manufacture, sale, adjust
    doc_id: int = 0
    kind: ItemKind
    item_id: int
    modificator_id: int = 0
    qty: float
    cost: float = 0
    product_id: int = 0  # what was sold or wasted, for a recipe's ingredient
    prepack_id: int = 0
    tr_product_id: int = 0
    user_id: int = 0
    reason: str = ""


class Inventory(BaseModel):
    """An inventory check of a storage over a period."""

    inventory_id: int
    storage_id: int
    date_start: str
    date_end: str
    date_set: str = "0000-00-00 00:00:00"
    date_inventory: str = "0000-00-00 00:00:00"
    sum: int = 0
    status: int = 1


class EgaisPosition(BaseModel):
    """An EGAIS (Russian alcohol register) position and its supply's status."""

    egais_supply_position_id: int
    egais_supply_entity_id: int
    egais_supply_id: int
    pdf: str
    status: int = 1
    last_modified_time: int = 0
