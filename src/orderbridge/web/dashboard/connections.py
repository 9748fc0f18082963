"""The Connections page: what the hub is connected to, and the buttons to change it.

Add a Poster account (personal token) or a Wix site with their own forms, or a
connection of any kind the connector registry knows (a REST POS described by a
manifest, say) with its credentials and settings typed as JSON objects — what the
admin API's body takes. Test a connection (one harmless call, and what the system
said), sync its menus now, replace its token (which makes a ``needs_reauth``
connection active again and releases what it parked) or remove it. Every button goes
through ``services.setup``, as the admin API and the CLI do. Credentials are never
shown: only the names of those held. With a Poster application configured
(marketplace mode), make an install link for the restaurant's owner (signed, expiring,
no key in it: ``connectors/poster/install_link.py``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from orderbridge import connectors
from orderbridge.services import setup as service
from orderbridge.services.connection_setup import ConnectionSetup
from orderbridge.services.errors import Invalid, ServiceError
from orderbridge.web.dashboard.auth import Operator, Posted, Signed
from orderbridge.web.dashboard.masking import mask_secret_settings
from orderbridge.web.dashboard.orders_query import location_names
from orderbridge.web.dashboard.render import render
from orderbridge.web.dashboard.setup_pages import Outcome, back, done_note, refused
from orderbridge.web.deps import Context, WebContext
from orderbridge.web.errors import ApiError
from orderbridge.web.routes.admin_connections import parts, webhook_url
from orderbridge.web.routes.connect import poster_application
from orderbridge.web.routes.install_links import issue_link

router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE = "/admin/connections"
Field = Annotated[str, Form()]


def page(
    request: Request,
    ctx: WebContext,
    who: Operator,
    *,
    outcome: Outcome | None = None,
    status: int = 200,
) -> HTMLResponse:
    views = parts(ctx).store.views(who.tenant_id)
    with ctx.sessions() as db:
        names = location_names(db, who.tenant_id)
    shown = [
        (
            view,
            mask_secret_settings(dict(view.settings)),
            webhook_url(ctx.settings.base_url, view.kind, view.id),
        )
        for view in views
    ]
    return render(
        request,
        "connections.html",
        status=status,
        who=who,
        connections=shown,
        can={view.id: capability_names(view.kind, view.settings) for view in views},
        names=names,
        outcome=outcome,
        kinds=sorted(parts(ctx).setups),
        secret_of={view.id: secret_input(parts(ctx).setups, view.kind) for view in views},
        marketplace=poster_application(ctx) is not None,
    )


def secret_input(setups: Mapping[str, ConnectionSetup], kind: str) -> str | None:
    """The one credential the Replace form asks for (Poster's ``token``), or None: the
    kind's credentials are typed as a JSON object."""
    setup = setups.get(kind)
    if setup is None:
        return None
    _, _, name = setup.secret_field.partition(".")
    return name or None


def json_object(text: str, field: str) -> dict[str, Any]:
    """A form's JSON object (``{}`` when left empty); ``Invalid`` naming ``field``."""
    if not text.strip():
        return {}
    try:
        found = json.loads(text)
    except ValueError as error:
        raise Invalid("malformed_json", f"{field} is not JSON: {error}", field=field) from None
    if not isinstance(found, dict):
        raise Invalid("invalid_type", f'{field} is a JSON object: {{"name": …}}', field=field)
    return found


def capability_names(kind: str, settings: dict[str, object]) -> list[str] | None:
    """What the registry says a connection can do, as readable names (None: a kind this
    hub has no connector for, or settings its connector cannot read)."""
    try:
        declared = connectors.capabilities(kind, settings)
    except (connectors.UnknownKind, ValueError):
        return None
    return [f.name.replace("_", " ") for f in fields(declared) if getattr(declared, f.name)]


@router.get("/connections", response_class=HTMLResponse)
def connections(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    return page(request, ctx, who, outcome=done_note(request))


def _failed(request: Request, ctx: WebContext, who: Operator, error: ServiceError) -> HTMLResponse:
    return page(request, ctx, who, outcome=refused(error), status=error.status)


def _given(**values: str) -> dict[str, Any]:
    return {name: value.strip() for name, value in values.items() if value.strip()}


@router.post("/connections", response_model=None)
async def add(
    request: Request,
    ctx: Context,
    who: Posted,
    kind: Field = "",
    name: Field = "",
    token: Field = "",
    application_secret: Field = "",
    base_url: Field = "",
    account: Field = "",
    access_token: Field = "",
    public_key_pem: Field = "",
    business_location_id: Field = "",
    instance_id: Field = "",
    location_id: Field = "",
    credentials_json: Field = "",
    settings_json: Field = "",
) -> Response:
    """Add a connection from the form of its kind, or from the form for any kind
    (``credentials_json`` and ``settings_json``)."""
    p = parts(ctx)
    try:
        if credentials_json.strip() or settings_json.strip():
            credentials = json_object(credentials_json, "credentials")
            settings = json_object(settings_json, "settings")
        elif kind == "wix":
            credentials = _given(access_token=access_token, public_key_pem=public_key_pem)
            settings = _given(
                base_url=base_url,
                business_location_id=business_location_id,
                instance_id=instance_id,
            )
        else:
            credentials = _given(token=token, application_secret=application_secret)
            settings = _given(base_url=base_url, account=account)
        request_ = service.NewConnection(
            tenant_id=who.tenant_id,
            kind=kind,
            credentials=credentials,
            settings=settings,
            name=name.strip() or None,
            location_id=location_id or None,
        )
        view, _ = await service.add_connection(request_, parts=p)
    except ServiceError as error:
        return _failed(request, ctx, who, error)
    return back(PAGE, "connected", id=view.id)


@router.post("/connections/{connection_id}/test", response_class=HTMLResponse)
async def test(request: Request, connection_id: str, ctx: Context, who: Posted) -> HTMLResponse:
    p = parts(ctx)
    try:
        found = await service.probe_connection(who.tenant_id, connection_id, parts=p)
    except ServiceError as error:
        return _failed(request, ctx, who, error)
    text = found.said if found.ok else f"{found.code}: {found.said}"
    return page(request, ctx, who, outcome=Outcome(found.ok, text, subject=connection_id))


@router.post("/connections/{connection_id}/sync", response_class=HTMLResponse)
async def sync(request: Request, connection_id: str, ctx: Context, who: Posted) -> HTMLResponse:
    p = parts(ctx)
    try:
        result = await service.sync_connection(who.tenant_id, connection_id, parts=p)
    except ServiceError as error:
        return _failed(request, ctx, who, error)
    return page(request, ctx, who, outcome=_synced(result, connection_id))


def _synced(result: dict[str, Any], connection_id: str) -> Outcome:
    if "queued" in result:
        count = len(result["queued"])
        return Outcome(
            True, f"Menu publication queued for {count} location(s).", subject=connection_id
        )
    outcomes = result.get("locations", {})
    failed = {k: v for k, v in outcomes.items() if "error" in v}
    if failed:
        first = next(iter(failed.values()))
        text = (
            f"{len(failed)} of {len(outcomes)} imports failed: {first['error']}: {first['reason']}"
        )
        return Outcome(False, text, subject=connection_id)
    changed = sum(1 for v in outcomes.values() if v.get("changed"))
    text = f"Menus imported for {len(outcomes)} location(s); {changed} changed."
    return Outcome(True, text, subject=connection_id)


@router.post("/connections/{connection_id}/credentials", response_model=None)
async def replace(
    request: Request,
    connection_id: str,
    ctx: Context,
    who: Posted,
    credentials_json: Field = "",
) -> Response:
    """Replace the token (the field named after the kind's secret, ``token`` for
    Poster), or the credentials typed as a JSON object; the others are kept."""
    p = parts(ctx)
    form = await request.form()
    typed = {
        name: value
        for name, value in form.items()
        if name not in ("csrf", "credentials_json") and isinstance(value, str)
    }
    try:
        given = {**_given(**typed), **json_object(credentials_json, "credentials")}
        if not given:
            return page(
                request,
                ctx,
                who,
                outcome=Outcome(False, "Type the new token first.", subject=connection_id),
                status=422,
            )
        _, released = await service.change_connection(
            who.tenant_id,
            connection_id,
            credentials=given,
            parts=p,
        )
    except ServiceError as error:
        return _failed(request, ctx, who, error)
    return back(PAGE, "replaced", id=connection_id, n=str(released))


@router.post("/connections/{connection_id}/remove", response_model=None)
def remove(request: Request, connection_id: str, ctx: Context, who: Posted) -> Response:
    try:
        parts(ctx).store.remove(who.tenant_id, connection_id)
    except ServiceError as error:
        return _failed(request, ctx, who, error)
    return back(PAGE, "removed")


@router.post("/connections/poster/install-link", response_class=HTMLResponse)
def install_link(request: Request, ctx: Context, who: Posted) -> HTMLResponse:
    """A fresh Poster install link, shown once in a copy box."""
    try:
        link = issue_link(ctx, who.tenant_id)
    except ApiError as error:
        return page(request, ctx, who, outcome=Outcome(False, f"{error.code}: {error.message}"))
    text = (
        "Give this link to the restaurant's owner: it opens Poster's consent page for "
        f"this tenant until {link.expires_at:%Y-%m-%d %H:%M} UTC."
    )
    note = "Nothing is stored: make a new link whenever one is needed."
    return page(request, ctx, who, outcome=Outcome(True, text, secret=link.url, copy_note=note))
