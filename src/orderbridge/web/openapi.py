"""The OpenAPI document at ``/openapi.json``: what FastAPI generates, completed.

FastAPI describes each route's parameters, body and success answer from the code. What
it cannot see, :func:`document` adds, once: ``web/app.py`` imports this module and
builds the document when it is first asked for (not with the app: ~0.4 MiB of an idle
``serve``; docs/benchmarks.md, "Idle RSS … (round 7, rss3)"):

- **the bearer scheme** (``bearerAuth``) and, on every operation whose route depends on
  the API-key check (``web.deps.caller``), ``security``, so Swagger UI's "Authorize"
  sends the key;
- **the errors each operation really answers**, with the API's one error body and an
  example per error code: 401 where a key is needed, 403 where an admin key is, 404
  where the path names something, 400/413/415/422 where there is a body, 422 where
  there are parameters, and the conflicts listed in :data:`CONFLICTS` — instead of one
  list stamped on every route, and instead of FastAPI's ``HTTPValidationError``, which
  the hub never answers with;
- **the webhook ingress**: ``POST /webhooks/poster`` is a plain ASGI endpoint FastAPI
  does not list, and ``POST /webhooks/wix/{connection}`` takes a raw JWT, not JSON;
- ``/metrics`` answered as Prometheus' ``text/plain``;
- request and answer examples for orders, reservations and menus
  (``openapi_examples``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from orderbridge.web.deps import admin_caller, caller
from orderbridge.web.openapi_examples import (
    POSTER_WEBHOOK,
    REQUEST_EXAMPLES,
    RESPONSE_EXAMPLES,
)
from orderbridge.web.openapi_routes import (
    BODY_ERRORS,
    CONFLICTS,
    FORBIDDEN,
    HTML_PAGES,
    INVALID_PATH,
    INVALID_QUERY,
    KEY_OR_LINK,
    LINKS,
    OWN_KEY_CHECK,
    RATE_LIMITED,
    TAGS,
    UNAUTHORIZED,
    UNAVAILABLE,
    UNKNOWN,
    ErrorCase,
)

BEARER = "bearerAuth"
ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}


def document(app: FastAPI) -> dict[str, Any]:
    """What FastAPI generates for ``app``, completed (see the module's doc)."""
    found = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=TAGS,
    )
    complete(found, api_routes(app))
    return found


@dataclass(frozen=True)
class ApiRoute:
    """A FastAPI route as the document lists it: its full path (router prefixes
    included), its methods and the route itself (dependencies, body)."""

    path: str
    methods: frozenset[str]
    route: APIRoute


def api_routes(app: FastAPI) -> list[ApiRoute]:
    """The app's FastAPI routes with their full paths, included routers' too."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path_format and route.include_in_schema:
            methods = frozenset(m.lower() for m in route.methods or ())
            found.append(ApiRoute(context.path_format, methods, route))
    return found


def complete(document: dict[str, Any], routes: Iterable[ApiRoute]) -> None:
    """Complete ``document`` (FastAPI's, for ``routes``) in place; see the module doc."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    document["components"]["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key of the tenant: a storefront key (publishable) or an "
            "admin key. Keys are made with `orderbridge keys create`.",
        }
    }
    for found in routes:
        for method in sorted(found.methods):
            operation = document["paths"].get(found.path, {}).get(method)
            if operation is not None:
                _complete_operation(operation, found.route, found.path, method)
    _inbound_webhooks(document["paths"], schemas)
    _metrics_as_text(document["paths"])
    _examples(document["paths"])
    _links(document["paths"])
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused in schemas and f"#/components/schemas/{unused}" not in str(document["paths"]):
            del schemas[unused]


def _complete_operation(operation: dict[str, Any], route: APIRoute, path: str, method: str) -> None:
    needs_key = _depends_on(route.dependant, caller) or (method, path) in OWN_KEY_CHECK
    cases: list[ErrorCase] = []
    if needs_key:
        # ``{}``: no key at all is an alternative (a signed link in the query instead).
        operation["security"] = [{BEARER: []}] + ([{}] if (method, path) in KEY_OR_LINK else [])
        cases.extend((UNAUTHORIZED, RATE_LIMITED, UNAVAILABLE))
    if _depends_on(route.dependant, admin_caller):
        cases.append(FORBIDDEN)
    # web/guards.py refuses control characters before any route: in a path id, in a query.
    cases.append(INVALID_QUERY)
    for name in re.findall(r"{(\w+)", path):
        cases.append(INVALID_PATH)
        code = UNKNOWN.get(name, "not_found")
        cases.append(ErrorCase(404, code, f"no such {name.removesuffix('_id')}", name))
    if route.body_field is not None:
        cases.extend(BODY_ERRORS)
    else:
        failing = [(k, p) for k, p in _params(route.dependant) if _can_fail(k, p)]
        if failing:
            kind, param = failing[0]
            field = f"{kind}.{param.alias}"
            cases.append(ErrorCase(422, "invalid_value", f"{field} is not valid", field))
    cases.extend(CONFLICTS.get((method, path), ()))
    responses = operation.setdefault("responses", {})
    for status in [s for s in responses if s.isdigit() and int(s) >= 400]:
        del responses[status]  # FastAPI's validation error, or a list stamped on a router
    for status, examples in _by_status(cases).items():
        responses[str(status)] = _error_response(status, examples)
    for status, meaning in HTML_PAGES.get((method, path), {}).items():
        page = {"text/html": {"schema": {"type": "string"}}}
        refused = responses.get(str(status))  # the guards' JSON 400 comes before the page
        if refused is not None:
            refused["description"] = f"{meaning} {refused['description']}"
            refused["content"] = {**page, **refused["content"]}
        else:
            responses[str(status)] = {"description": meaning, "content": page}


def _by_status(cases: Iterable[ErrorCase]) -> dict[int, dict[str, ErrorCase]]:
    grouped: dict[int, dict[str, ErrorCase]] = {}
    for case in cases:
        grouped.setdefault(case.status, {}).setdefault(case.code, case)
    return dict(sorted(grouped.items()))


def _error_response(status: int, examples: dict[str, ErrorCase]) -> dict[str, Any]:
    described = {
        400: "The body is not JSON, or the request is malformed.",
        401: "No API key, or an unknown or revoked one.",
        403: "The key may not do this (an admin key is needed).",
        404: "Nothing of that id for this tenant.",
        409: "The request contradicts what is stored.",
        413: "The body is larger than the limit.",
        415: "The body is not sent as JSON.",
        422: "The request is well-formed but invalid; `problems` lists every reason.",
    }
    return {
        "description": described.get(status, "An error."),
        "content": {
            "application/json": {
                "schema": ERROR_REF,
                "examples": {
                    code: {
                        "summary": case.message,
                        "value": {
                            "error": {
                                "code": case.code,
                                "message": case.message,
                                "field": case.field,
                            }
                        },
                    }
                    for code, case in examples.items()
                },
            }
        },
    }


def _depends_on(dependant: Dependant, target: Callable[..., Any]) -> bool:
    return any(sub.call is target or _depends_on(sub, target) for sub in dependant.dependencies)


def _params(dependant: Dependant) -> Iterable[tuple[str, Any]]:
    yield from (("query", p) for p in dependant.query_params)
    yield from (("path", p) for p in dependant.path_params)
    yield from (("header", p) for p in dependant.header_params)
    for sub in dependant.dependencies:
        yield from _params(sub)


def _can_fail(kind: str, param: Any) -> bool:
    """Whether a parameter's validation can fail: any but a plain path string."""
    info = param.field_info
    return not (kind == "path" and info.annotation is str and not info.metadata)


def _inbound_webhooks(paths: dict[str, Any], schemas: dict[str, Any]) -> None:
    schemas["PosterWebhook"] = {
        "type": "object",
        "title": "PosterWebhook",
        "description": "A Poster webhook as Poster sends it (its API reference, "
        "'Webhooks'); `verify` is the md5 signature made with the application secret.",
        "required": ["account", "object", "object_id", "action", "time", "verify"],
        "properties": {
            "account": {"type": "string", "minLength": 1, "description": "the account (login)"},
            "account_number": {"type": "string"},
            "object": {"type": "string", "examples": ["incoming_order", "transaction"]},
            "object_id": {"type": ["integer", "string"]},
            "action": {"type": "string", "examples": ["added", "changed", "removed"]},
            "time": {"type": ["string", "integer"], "description": "unix time"},
            "verify": {"type": "string"},
            "data": {"type": "string", "description": "extra data, as a JSON string"},
        },
    }
    accepted = {
        "description": "Verified and stored (or a duplicate): Poster stops retrying.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["status"],
                    "properties": {"status": {"type": "string", "const": "accept"}},
                },
                "example": {"status": "accept"},
            }
        },
    }
    poster_errors = [
        INVALID_QUERY,
        ErrorCase(400, "malformed_json", "the body is not JSON"),
        ErrorCase(400, "invalid_webhook", "the body names no account", "account"),
        ErrorCase(400, "invalid_value", "field 'object_id' is not a Poster value"),
        ErrorCase(401, "bad_signature", "the signature does not match", "verify"),
        ErrorCase(404, "unknown_account", "no connection for this Poster account", "account"),
        ErrorCase(409, "no_application_secret", "the connection cannot verify webhooks"),
        ErrorCase(413, "payload_too_large", "the request body is larger than 65536 bytes"),
        UNAVAILABLE,
    ]
    paths["/webhooks/poster"] = {
        "post": {
            "tags": ["webhooks (inbound)"],
            "summary": "Receive a Poster webhook",
            "description": "Poster calls this for every account that installed the "
            "deployment's application (or whose connection has an application secret). "
            "The signature is checked before anything else; a verified event is "
            'committed to the inbox, then acknowledged with `{"status": "accept"}`.',
            "operationId": "poster_webhook",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/PosterWebhook"},
                        "example": POSTER_WEBHOOK,
                    }
                },
            },
            "responses": {
                "200": accepted,
                **{str(s): _error_response(s, c) for s, c in _by_status(poster_errors).items()},
            },
        }
    }
    _routed_ingress(
        paths.get("/webhooks/wix/{connection}", {}).get("post"),
        summary="Receive a Wix webhook",
        description="Wix calls this for the site of one Wix connection (the path names "
        "it). The body is the event as a JWT signed RS256 with the app's key, sent raw; "
        "it is verified with the connection's public key before anything is stored.",
        body={
            "text/plain": {
                "schema": {"type": "string", "description": "a JWT (RS256)"},
                "example": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJkYXRhIjoie30ifQ.c2ln",
            }
        },
        errors=[
            ErrorCase(400, "invalid_webhook", "the verified JWT holds no readable Wix event"),
            ErrorCase(401, "bad_signature", "the JWT does not verify"),
            ErrorCase(404, "unknown_connection", "no Wix connection by that id", "connection"),
            ErrorCase(409, "no_public_key", "the connection cannot verify webhooks"),
        ],
    )
    _routed_ingress(
        paths.get("/webhooks/pos/{connection}", {}).get("post"),
        summary="Receive a POS webhook",
        description="Any POS of the connector registry (a REST POS described by its "
        "manifest) calls this for one connection (the path names it). The connector "
        "verifies the signature over the raw body first (a REST POS: HMAC, as its "
        "manifest says), then reads it into events; each is committed to the inbox "
        "with its job before the answer.",
        body={
            "application/json": {
                "schema": {"type": "object", "description": "the POS's own event body"}
            }
        },
        errors=[
            ErrorCase(400, "invalid_webhook", "the verified body cannot be read"),
            ErrorCase(400, "invalid_value", "the event's external_id is not storable"),
            ErrorCase(401, "bad_signature", "the signature does not match"),
            ErrorCase(404, "unknown_connection", "no POS connection by that id", "connection"),
            ErrorCase(409, "no_webhook_secret", "the connection cannot verify webhooks"),
        ],
    )


def _routed_ingress(
    operation: dict[str, Any] | None,
    *,
    summary: str,
    description: str,
    body: dict[str, Any],
    errors: list[ErrorCase],
) -> None:
    """Describe an ingress route FastAPI lists but whose raw body it cannot see."""
    if operation is None:
        return
    operation["summary"] = summary
    operation["description"] = description
    operation["requestBody"] = {"required": True, "content": body}
    too_large = ErrorCase(413, "payload_too_large", "the request body is larger than the limit")
    responses = {k: v for k, v in operation["responses"].items() if int(k) < 400}
    guarded = [INVALID_PATH, INVALID_QUERY]  # web/guards.py, before the route
    for status, cases in _by_status([*guarded, *errors, too_large, UNAVAILABLE]).items():
        responses[str(status)] = _error_response(status, cases)
    operation["responses"] = responses


def _metrics_as_text(paths: dict[str, Any]) -> None:
    operation = paths.get("/metrics", {}).get("get")
    if operation is None:
        return
    operation["summary"] = "Prometheus metrics"
    operation["responses"]["200"] = {
        "description": "The process's metrics in Prometheus' text exposition format.",
        "content": {
            "text/plain": {
                "schema": {"type": "string"},
                "example": "# TYPE orderbridge_http_requests_total counter\n"
                'orderbridge_http_requests_total{method="GET",route="/health",'
                'status="200"} 3.0\n',
            }
        },
    }


def _examples(paths: dict[str, Any]) -> None:
    for (method, path), examples in REQUEST_EXAMPLES.items():
        operation = paths.get(path, {}).get(method)
        if operation is None or "requestBody" not in operation:
            continue
        content = operation["requestBody"]["content"]["application/json"]
        content["examples"] = {
            name: {"summary": summary, "value": value}
            for name, (summary, value) in examples.items()
        }
    for (method, path, status), value in RESPONSE_EXAMPLES.items():
        operation = paths.get(path, {}).get(method)
        answer = (operation or {}).get("responses", {}).get(status)
        if answer is not None and "application/json" in answer.get("content", {}):
            answer["content"]["application/json"]["example"] = value


def _links(paths: dict[str, Any]) -> None:
    for (method, path, status), links in LINKS.items():
        answer = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if answer is None:
            continue
        found = {}
        for name, (target_method, target_path, parameter) in links.items():
            target = paths.get(target_path, {}).get(target_method)
            if target is not None and "operationId" in target:
                found[name] = {
                    "operationId": target["operationId"],
                    "parameters": {parameter: "$response.body#/id"},
                }
        if found:
            answer["links"] = found
