"""The manifest: a POS's own REST API and webhooks, described as data (TOML).

These models are the manifest's definition. The published JSON Schema shipped next to
this file (``manifest.schema.json``, generated from them; a test keeps the two equal)
is what a manifest is validated against, and what an editor can use to complete and
check one. docs/rest-pos.md is the reference with a worked example; the vocabulary
follows Airbyte's low-code connectors, kept smaller: an ``auth`` (authenticator),
``services`` (requesters) whose ``record``/``records`` are record selectors,
``errors`` (an error handler of rules), ``webhooks`` (signature and event types).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

MANIFEST_VERSION = 1
ServiceName = Literal[
    "locations",
    "create_order",
    "find_order",
    "get_order",
    "cancel_order",
    "create_reservation",
    "find_reservation",
    "get_reservation",
    "menu",
    "menu_items",
    "menu_item",
    "menu_variants",
    "menu_option_groups",
    "menu_options",
    "schedule",
]
SERVICES: tuple[str, ...] = get_args(ServiceName)
Meaning = Literal[
    "order_status_changed",
    "reservation_status_changed",
    "item_changed",
    "item_removed",
    "menu_changed",
    "availability_changed",
    "schedule_changed",
    "ignore",
]
HubState = Literal["new", "accepted", "declined", "canceled", "completed"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
Path = Annotated[str, Field(min_length=1, description="A JSONPath (the subset in paths.py).")]
Template = Annotated[
    str, Field(description="Text with {{ name | filter }} expressions (templates.py).")
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Api(Strict):
    """Where the POS's API is and how hard it may be called."""

    base_url: str = Field(
        description="The API's root URL (https; a connection's settings.base_url overrides "
        "it, e.g. for a vendor's test environment)."
    )
    timeout_seconds: float = Field(10.0, gt=0, le=120, description="One call's deadline.")
    rate_limit_per_second: float | None = Field(
        None, gt=0, description="Calls per second the POS allows; the hub waits to stay under."
    )
    headers: dict[str, str] = Field(
        default_factory=dict, description="Headers sent with every call (API version …)."
    )


class Auth(Strict):
    """How each call proves who the hub is. Secrets are named, never written:
    ``{{ credentials.NAME }}`` reads the connection's encrypted credential NAME (declared
    in the manifest's ``credentials``)."""

    type: Literal["none", "bearer", "header", "basic", "hmac"] = Field(
        description="bearer: Authorization: Bearer TOKEN; header: HEADER: VALUE; basic: "
        "HTTP basic; hmac: each request signed with a shared secret."
    )
    token: str | None = Field(None, description="bearer: the token.")
    header: str | None = Field(None, description="header: its name; hmac: the signature's.")
    value: str | None = Field(None, description="header: its value.")
    username: str | None = Field(None, description="basic: the user name.")
    password: str | None = Field(None, description="basic: the password.")
    secret: str | None = Field(None, description="hmac: the shared secret.")
    algorithm: Literal["sha256", "sha1", "sha512"] = Field("sha256", description="hmac.")
    encoding: Literal["hex", "base64"] = Field("hex", description="hmac: the digest's.")
    signed: str = Field(
        "{method}\n{path}\n{timestamp}\n{body}",
        description="hmac: what is signed; {method}, {path} (with the query), {timestamp} "
        "(unix seconds) and {body} (the raw body) are filled in.",
    )
    timestamp_header: str | None = Field(None, description="hmac: the timestamp's header.")
    key_header: str | None = Field(None, description="hmac: a header carrying key_id.")
    key_id: str | None = Field(None, description="hmac: the key's public id.")


class ErrorRule(Strict):
    """One error-handler rule: answers that match decide the outcome."""

    status: list[int] = Field(
        default_factory=list, description="HTTP statuses it applies to (empty: any)."
    )
    codes: list[str] = Field(
        default_factory=list,
        description="The POS's error codes (read at errors.code) it applies to (empty: any).",
    )
    outcome: Literal["transient", "permanent", "reauth"] = Field(
        description="transient: retry later; permanent: stop and tell an operator; reauth: "
        "the credentials were refused (the connection waits for new ones)."
    )
    code: str | None = Field(None, description="The hub's code for it (default: the POS's).")


class Errors(Strict):
    """How the POS says no. After the rules, the defaults: 408, 429 and 5xx transient
    (Retry-After honoured), 401/403 reauth, any other 4xx permanent."""

    code: Path | None = Field(None, description="Where an error body has its machine code.")
    message: Path | None = Field(None, description="Where an error body has its reason.")
    rules: list[ErrorRule] = Field(default_factory=list, description="First match wins.")


class Service(Strict):
    """One call of the POS's API (a requester and its record selector)."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    path: str = Field(
        description="The path under the base URL, with {{ … }} expressions (URL-encoded)."
    )
    query: dict[str, Any] = Field(default_factory=dict, description="Query parameters.")
    headers: dict[str, str] = Field(default_factory=dict, description="Extra headers.")
    body: dict[str, Any] | None = Field(None, description="The JSON body's template.")
    omit_null: bool = Field(True, description="Leave keys whose value is null out of the body.")
    record: Path | None = Field(None, description="Where the one record is in the answer.")
    records: Path | None = Field(None, description="Where the list of records is.")
    fields: dict[str, Path] = Field(
        default_factory=dict,
        description="The hub's field → where it is, relative to a record "
        "(orders: id, status, check_id, reference).",
    )
    not_found: list[int] = Field(
        default_factory=list,
        description="Statuses that mean 'there is none' (a lookup by key answering 404).",
    )
    match: Path | None = Field(
        None, description="find_*: the record field that must equal the hub's key."
    )


class Idempotency(Strict):
    """How a retry after an ambiguous failure avoids a second order at the POS."""

    strategy: Literal["find", "header"] = Field(
        description="find: look the order up with find_order (and find_reservation) "
        "before creating it again; header: the POS deduplicates creates by a header."
    )
    header: str | None = Field(None, description="header: its name (Idempotency-Key …).")


class MoneyFormat(Strict):
    format: Literal["minor_units", "decimal_string", "decimal_number"] = Field(
        description='How the POS writes amounts: 18900, "189.00" or 189.0.'
    )


class Availability(Strict):
    """Where a menu record says it can be ordered (each optional; all must allow)."""

    available: Path | None = None
    sold_out: Path | None = None
    visible: Path | None = None
    hidden: Path | None = None


class Modifiers(Availability):
    records: Path = Field(
        description="The group's modifiers, relative to the group; or absolute ($…) in "
        "the menu_options answer (a flat list)."
    )
    group: Path | None = Field(
        None, description="A flat list's: the group (or groups) an option belongs to."
    )
    id: Path
    name: Path
    price: Path | None = None


class ModifierGroups(Strict):
    records: Path = Field(
        description="The item's modifier groups, relative to the item; or absolute ($…) "
        "in the menu_option_groups answer (a flat list)."
    )
    item: Path | None = Field(
        None,
        description="A flat list's: the item (or items, e.g. product_ids[*]) a group belongs to.",
    )
    id: Path
    name: Path
    min: Path | None = None
    max: Path | None = None
    modifiers: Modifiers


class Variants(Availability):
    records: Path = Field(
        description="The item's variants, relative to the item; or absolute ($…) in the "
        "menu_variants answer (a flat list)."
    )
    item: Path | None = Field(None, description="A flat list's: the item a variant is of.")
    id: Path
    name: Path
    price: Path


class Items(Availability):
    records: Path = Field(
        description="Relative to a category record (a nested menu), or absolute ($…) in "
        "the menu_items answer (a flat menu)."
    )
    id: Path
    name: Path
    price: Path
    description: Path | None = None
    photo_url: Path | None = None
    category: Path | None = Field(
        None, description="The item's category id (a flat menu; and menu_item's answer)."
    )
    variants: Variants | None = None
    modifier_groups: ModifierGroups | None = None


class Categories(Strict):
    records: Path = Field(description="The categories in the menu answer ($…).")
    id: Path
    name: Path
    visible: Path | None = None
    hidden: Path | None = None


class MenuShape(Strict):
    """How the menu answers become the hub's menu."""

    categories: Categories
    items: Items


class Location(Strict):
    records: Path
    id: Path
    name: Path
    address: Path | None = None
    timezone: Path | None = None
    currency: Path | None = None


class Intervals(Strict):
    """Where a day's opening intervals are, when a POS nests them in a day record."""

    records: Path = Field(description="The day's intervals, relative to the day record.")
    opens: Path = Field(description='When an interval opens ("09:00", local time).')
    closes: Path = Field(
        description='When it closes ("22:00"; at or before opens runs past midnight, '
        '"24:00" is midnight).'
    )


class Schedule(Strict):
    """How the ``schedule`` answer becomes a location's weekly opening hours.

    Either one record per interval (``day``, ``opens``, ``closes``) or one record per
    day whose intervals are nested (``day`` and ``intervals``). A weekday with no
    record is a day off."""

    records: Path = Field(description="The records in the schedule answer ($…).")
    day: Path = Field(description="The record's weekday, relative to the record.")
    days: dict[str, Weekday] = Field(
        default_factory=dict,
        description="The POS's weekday values → the hub's (monday … sunday). Without "
        "it, English names (Monday, mon, MON) and ISO numbers (1 = Monday … 7 = Sunday) "
        "are understood.",
    )
    opens: Path | None = Field(None, description="One interval per record: when it opens.")
    closes: Path | None = Field(None, description="One interval per record: when it closes.")
    intervals: Intervals | None = Field(None, description="Or the day's nested intervals.")


class Signature(Strict):
    """How the POS signs its webhooks (checked before the body is read)."""

    type: Literal["hmac"] = "hmac"
    secret: str = Field(description="{{ credentials.NAME }}: the shared secret.")
    header: str = Field(description="The header carrying the signature.")
    format: str = Field(
        "{signature}",
        description="How the header reads, e.g. 't={timestamp},v1={signature}'.",
    )
    signed: str = Field("{body}", description="What was signed: {timestamp}, {body}.")
    algorithm: Literal["sha256", "sha1", "sha512"] = "sha256"
    encoding: Literal["hex", "base64"] = "hex"
    timestamp_header: str | None = Field(None, description="The timestamp's own header.")
    tolerance_seconds: int = Field(
        300, ge=1, description="How old a signed timestamp may be (replays are refused)."
    )


class Event(Strict):
    """What one event type means to the hub, and where its ids are."""

    means: Meaning
    pos_order_id: Path | None = Field(None, description="The order's (reservation's) id.")
    item_id: Path | None = None
    location: Path | None = Field(None, description="The POS's id of the place concerned.")
    online: Path | None = Field(None, description="availability_changed: true when online.")
    sold_out: Path | None = Field(None, description="item_changed: true when sold out.")


class Webhooks(Strict):
    signature: Signature
    type: Path | None = Field(None, description="Where the body names the event type.")
    type_header: str | None = Field(None, description="Or the header that does.")
    id: Path | None = Field(None, description="The event's id (else a hash of the body).")
    events: dict[str, Event] = Field(description="Event type → meaning.")


class Manifest(Strict):
    """A REST POS, described for orderbridge."""

    version: Literal[1] = Field(description="The manifest format's version.")
    name: str = Field(min_length=1, description="The POS's name, as operators read it.")
    description: str = ""
    credentials: dict[str, str] = Field(
        default_factory=dict,
        description="The credentials a connection must give (name → what it is, for the "
        "operator); templates read them as {{ credentials.NAME }}.",
    )
    api: Api
    auth: Auth
    errors: Errors = Field(default_factory=Errors)
    money: MoneyFormat
    idempotency: Idempotency
    statuses: dict[Literal["order", "reservation"], dict[str, HubState]] = Field(
        description="The POS's status values → the hub's (new, accepted, declined, "
        "canceled, completed)."
    )
    values: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Value maps for the map:NAME filter."
    )
    services: dict[str, Service] = Field(
        description="The POS's calls the hub uses; which are declared decides what the "
        "connection can do (create_order is required).",
        json_schema_extra={"propertyNames": {"enum": list(get_args(ServiceName))}},
    )
    menu: MenuShape | None = None
    locations: Location | None = None
    webhooks: Webhooks | None = None
    schedule: Schedule | None = None

    @field_validator("services")
    @classmethod
    def _known_services(cls, value: dict[str, Service]) -> dict[str, Service]:
        unknown = sorted(set(value) - set(SERVICES))
        if unknown:
            raise ValueError(f"unknown services: {', '.join(unknown)}")
        return value


SCHEMA_ID = "https://orderbridge.dev/schemas/rest-pos-manifest-1.json"


def json_schema() -> dict[str, Any]:
    """The published JSON Schema, as generated from these models.

    ``manifest.schema.json`` next to this file is this, written out (a test keeps the
    two equal; ``orderbridge manifest schema`` prints it).
    """
    schema = Manifest.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
