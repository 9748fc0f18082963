"""A thin typed async client for the Poster API: one method per call the hub makes.

Requests go to ``{base_url}/api/{method}?token=…`` with JSON bodies; answers are parsed
straight from bytes into ``schemas`` models (pydantic-core reads the JSON itself, so a
10,000-product menu never exists as a tree of Python dicts as well). Errors come back
as the ports' two exceptions: ``errors.classify`` sorts Poster's error codes, and
``_base.send`` the network's failures. The client knows nothing of the domain.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

import httpx
from pydantic import SecretStr, TypeAdapter, ValidationError

from orderbridge.connectors._base import make_http_client, send
from orderbridge.connectors.poster import errors
from orderbridge.connectors.poster.schemas import (
    PosterAccessToken,
    PosterAccountSettings,
    PosterCategory,
    PosterEnvelope,
    PosterHall,
    PosterIncomingOrder,
    PosterProduct,
    PosterSpot,
    PosterTable,
    PosterTransaction,
)
from orderbridge.connectors.poster.settings import PosterSettings
from orderbridge.ports import PermanentError, TransientError

T = TypeVar("T")
SYSTEM = "Poster"
_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(kind: Any) -> TypeAdapter[Any]:
    # Building a TypeAdapter compiles a validator; do it once per answer type.
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(PosterEnvelope[kind])
    return _ADAPTERS[kind]


class PosterClient:
    """Calls Poster's web API for one account's token.

    Build it with :meth:`from_settings` (or hand it an ``httpx.AsyncClient`` made by
    ``make_http_client``) and close it with :meth:`aclose` or ``async with``.
    """

    def __init__(self, http: httpx.AsyncClient, *, token: SecretStr, deadline: float) -> None:
        self._http = http
        self._token = token
        self._deadline = deadline

    @classmethod
    def from_settings(
        cls, settings: PosterSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> PosterClient:
        """A client for ``settings``' account; ``transport`` is for tests."""
        http = make_http_client(
            base_url=settings.base_url, timeout=settings.timeout_seconds, transport=transport
        )
        return cls(http, token=settings.token, deadline=settings.timeout_seconds * 2)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> PosterClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # The one place requests are made ------------------------------------------------

    async def call(
        self,
        method: str,
        kind: type[T] | Any,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> T:
        """Call ``method`` and return its ``response`` validated as ``kind``."""
        query = {"token": self._token.get_secret_value(), **(params or {})}
        response = await send(
            self._http,
            "POST" if body is not None else "GET",
            f"/api/{method}",
            system=SYSTEM,
            deadline=self._deadline,
            params=query,
            json=body,
        )
        return cast(T, _unwrap(response, kind, method))

    # menu ------------------------------------------------------------------------

    async def get_categories(self) -> list[PosterCategory]:
        """menu.getCategories: every category, hidden ones included."""
        return await self.call("menu.getCategories", list[PosterCategory])

    async def get_products(self, *, category_id: int | None = None) -> list[PosterProduct]:
        """menu.getProducts: products and dishes (with modifications and modifier groups)."""
        params = {"category_id": category_id} if category_id is not None else None
        return await self.call("menu.getProducts", list[PosterProduct], params=params)

    async def get_product(self, product_id: int) -> PosterProduct | None:
        """menu.getProduct: one product or dish; None when Poster no longer has it."""
        try:
            return await self.call(
                "menu.getProduct", PosterProduct, params={"product_id": product_id}
            )
        except errors.PosterRejected as exc:
            if exc.code == "not_found":
                return None
            raise

    # places ----------------------------------------------------------------------

    async def get_spots(self) -> list[PosterSpot]:
        """access.getSpots."""
        return await self.call("access.getSpots", list[PosterSpot])

    async def get_halls(self) -> list[PosterHall]:
        """spots.getSpotTablesHalls: halls of every spot, removed ones included."""
        return await self.call("spots.getSpotTablesHalls", list[PosterHall])

    async def get_tables(self, *, spot_id: int | None = None) -> list[PosterTable]:
        """spots.getTableHallTables without removed tables."""
        params: dict[str, Any] = {"without_deleted": 1}
        if spot_id is not None:
            params["spot_id"] = spot_id
        return await self.call("spots.getTableHallTables", list[PosterTable], params=params)

    async def get_settings(self) -> PosterAccountSettings:
        """settings.getAllSettings: currency and timezone of the account."""
        return await self.call("settings.getAllSettings", PosterAccountSettings)

    # incoming orders and reservations ---------------------------------------------

    async def create_incoming_order(self, body: dict[str, Any]) -> PosterIncomingOrder:
        """incomingOrders.createIncomingOrder."""
        return await self.call("incomingOrders.createIncomingOrder", PosterIncomingOrder, body=body)

    async def get_incoming_order(self, incoming_order_id: int) -> PosterIncomingOrder:
        """incomingOrders.getIncomingOrder."""
        params = {"incoming_order_id": incoming_order_id}
        return await self.call(
            "incomingOrders.getIncomingOrder", PosterIncomingOrder, params=params
        )

    async def get_own_incoming_order(self, incoming_order_id: int) -> PosterIncomingOrder:
        """incomingOrders.getOwnIncomingOrder: only orders this token created."""
        params = {"incoming_order_id": incoming_order_id}
        return await self.call(
            "incomingOrders.getOwnIncomingOrder", PosterIncomingOrder, params=params
        )

    async def get_own_incoming_orders(
        self, *, date_from: str | None = None, date_to: str | None = None
    ) -> list[PosterIncomingOrder]:
        """incomingOrders.getOwnIncomingOrders, dates as ``Y-m-d H:i:s`` account time."""
        params = _dates(date_from, date_to)
        return await self.call(
            "incomingOrders.getOwnIncomingOrders", list[PosterIncomingOrder], params=params
        )

    async def create_reservation(self, body: dict[str, Any]) -> PosterIncomingOrder:
        """incomingOrders.createReservation."""
        return await self.call("incomingOrders.createReservation", PosterIncomingOrder, body=body)

    async def get_reservation(self, incoming_order_id: int) -> PosterIncomingOrder:
        """incomingOrders.getReservation."""
        params = {"incoming_order_id": incoming_order_id}
        return await self.call("incomingOrders.getReservation", PosterIncomingOrder, params=params)

    async def get_own_reservations(
        self, *, date_from: str | None = None, date_to: str | None = None
    ) -> list[PosterIncomingOrder]:
        """incomingOrders.getOwnReservations."""
        params = _dates(date_from, date_to)
        return await self.call(
            "incomingOrders.getOwnReservations", list[PosterIncomingOrder], params=params
        )

    # checks, extras, OAuth --------------------------------------------------------

    async def get_transaction(
        self, transaction_id: int, *, include_history: bool = False
    ) -> PosterTransaction | None:
        """dash.getTransaction: the check, or None if Poster has none by that id."""
        params: dict[str, Any] = {"transaction_id": transaction_id}
        if include_history:
            params["include_history"] = "true"
        found: list[PosterTransaction] = await self.call(
            "dash.getTransaction", list[PosterTransaction], params=params
        )
        return found[0] if found else None

    async def change_comment(
        self, *, spot_id: int, spot_tablet_id: int, transaction_id: int, comment: str
    ) -> None:
        """transactions.changeComment: the comment the cashier reads on an open check."""
        body = {
            "spot_id": spot_id,
            "spot_tablet_id": spot_tablet_id,
            "transaction_id": transaction_id,
            "comment": comment,
        }
        await self.call("transactions.changeComment", dict[str, Any], body=body)

    async def set_entity_extras(
        self, entity_type: str, entity_id: int | None, extras: dict[str, Any]
    ) -> bool:
        """application.setEntityExtras: keep the hub's data on a Poster entity."""
        body: dict[str, Any] = {"entity_type": entity_type, "extras": extras}
        if entity_id is not None:
            body["entity_id"] = entity_id
        return bool(await self.call("application.setEntityExtras", bool, body=body))

    async def exchange_code(
        self, *, application_id: int, application_secret: SecretStr, code: str, redirect_uri: str
    ) -> PosterAccessToken:
        """OAuth step 3: trade the code from the redirect for the account's access token.

        Sent form-encoded, as the reference's example does; the answer is not wrapped in
        ``response`` and its errors are flat (``{"error": 142, "message": …}``).
        """
        form = {
            "application_id": str(application_id),
            "application_secret": application_secret.get_secret_value(),
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
            "code": code,
        }
        response = await send(
            self._http,
            "POST",
            "/api/v2/auth/access_token",
            system=SYSTEM,
            deadline=self._deadline,
            data=form,
        )
        try:
            payload = response.json()
        except ValueError as exc:
            raise TransientError("Poster's token endpoint answered something not JSON") from exc
        if isinstance(payload, dict) and payload.get("error"):
            envelope = _adapter(dict).validate_python(payload)
            raise _error(envelope)
        try:
            return PosterAccessToken.model_validate(payload)
        except ValidationError as exc:
            raise PermanentError("unexpected_response", f"Poster token answer: {exc}") from exc


def _dates(date_from: str | None, date_to: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if date_from is not None:
        params["date_from"] = date_from
    if date_to is not None:
        params["date_to"] = date_to
    return params


def _unwrap(response: httpx.Response, kind: Any, method: str) -> Any:
    try:
        envelope = _adapter(kind).validate_json(response.content)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            # A proxy's HTML error page or a cut-off body: the next attempt may be fine.
            raise TransientError(f"Poster answered {method} with something not JSON") from exc
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PermanentError(
            "unexpected_response",
            f"Poster's answer to {method} does not fit: {where}: {first['msg']}",
        ) from exc
    if envelope.error is not None and envelope.error != 0:
        raise _error(envelope)
    if envelope.response is None:
        raise PermanentError("unexpected_response", f"Poster answered {method} without a response")
    return envelope.response


def _error(envelope: PosterEnvelope[Any]) -> Exception:
    error = envelope.error
    if isinstance(error, int):
        return errors.classify(error, envelope.message)
    assert error is not None
    return errors.classify(error.code, error.message, error.field)
