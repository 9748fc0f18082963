"""Where a request example and its documented answer disagree, and how the replay
reads them.

Each entry names an example (``method#n``), says what is wrong with it, and what the
replay does instead: ``drop`` leaves request parameters out, so that the request is
the one the documented answer belongs to. The notes reach the coverage table of
``docs/poster-sandbox.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Erratum:
    note: str
    drop: tuple[str, ...] = ()
    set: dict[str, str] = field(default_factory=dict)
    add: dict[str, str] = field(default_factory=dict)


ERRATA: dict[str, Erratum] = {
    "dash.getAnalytics#1": Erratum(
        "the first example sends type=waiters but documents the answer without a type "
        "(data, data_hourly, counters); it is replayed without type",
        drop=("type",),
    ),
    "clients.removeGroup#1": Erratum(
        "the example's URL has two question marks (clients.removeGroup??token=…), which "
        "sends no token; it is replayed with one",
        drop=("?token",),
        add={"token": "687409:4164553abf6a031302898da7800b59fb"},
    ),
    "storage.getManufacturesWriteOffs#1": Erratum(
        "the example asks for page 5 and answers page 2 (of 11 manufactures, 10 a page); "
        "it is replayed asking for page 2",
        set={"page": "2"},
    ),
}


# Keys an answer may carry beyond the reference's example, with the reason: Poster has
# added fields since this reference was written (its newer docs, joinposter/docs, show
# them), and clients written against the real API ignore what they do not know.
_NEWER_MENU = frozenset(
    {
        # joinposter/docs: food cost and profit without VAT.
        "cost_netto",
        "profit_netto",
        "modificator_selfprice_netto",
        # Sent by real Poster; the reference's examples predate them.
        "hidden",
        "different_spots_prices",
        "group_modifications",
        # Documented in the method's parameter table, absent from its example (a dish's
        # recipe, a photo's original, a product's cooking time).
        "product_production_description",
        "ingredients",
        "photo_origin",
        "cooking_time",
    }
)
EXTRA_KEYS: dict[str, frozenset[str]] = {
    # The introduction's shortened example omits "delete"; the method's own has it.
    "clients.getGroup": frozenset({"delete"}),
    "menu.getProducts": _NEWER_MENU,
    "menu.getProduct": _NEWER_MENU,
    # joinposter/docs: the category's visibility per spot.
    "menu.getCategory": frozenset({"visible"}),
}

# Arrays the sandbox may answer empty although the example's are not: it runs no
# loyalty promotions, so a customer has no accumulated or prize products.
MAY_BE_EMPTY = frozenset({"accumulation_products", "prize_products"})

# Keys the reference documents as possibly null, or shows null where there is nothing
# (no photo): a value of the documented type or null are both right.
NULLABLE = frozenset(
    {"category_tag", "category_photo", "category_photo_origin", "photo", "photo_origin"}
)
