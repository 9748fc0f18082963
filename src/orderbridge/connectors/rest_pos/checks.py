"""What a manifest must be beyond its schema: usable, safe, and saying what it means.

Each check yields ``(key path, reason)``; :mod:`.loading` adds the file and the line.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from orderbridge.connectors.rest_pos import templates
from orderbridge.connectors.rest_pos.canonical import VOCABULARY
from orderbridge.connectors.rest_pos.manifest import Manifest, Service
from orderbridge.connectors.rest_pos.paths import PathError, compile_path

Found = Iterator[tuple[tuple[str | int, ...], str]]
CREDENTIAL = re.compile(r"\{\{\s*credentials\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
# The fields each service must map, and those it may.
_FIELDS = {
    "create_order": ({"id"}, {"status", "check_id", "reference"}),
    "get_order": ({"id", "status"}, {"check_id", "reference"}),
    "find_order": ({"id"}, {"status", "check_id", "reference"}),
    "cancel_order": (set(), {"id", "status", "check_id", "reference"}),
    "create_reservation": ({"id"}, {"status", "reference"}),
    "get_reservation": ({"id", "status"}, {"reference"}),
    "find_reservation": ({"id"}, {"status", "reference"}),
}
_NEEDS = {
    "order_status_changed": "pos_order_id",
    "reservation_status_changed": "pos_order_id",
    "item_changed": "item_id",
    "item_removed": "item_id",
    "availability_changed": "online",
}


def problems(manifest: Manifest) -> Found:
    """Every problem of ``manifest`` (none: it can be used)."""
    yield from _api(manifest)
    yield from _auth(manifest)
    yield from _services(manifest)
    yield from _menu(manifest)
    yield from _schedule(manifest)
    yield from _webhooks(manifest)
    yield from _credentials(manifest)


def _api(manifest: Manifest) -> Found:
    for problem in url_problems(manifest.api.base_url):
        yield ("api", "base_url"), problem


def url_problems(url: str, *, allow_private: bool = True) -> list[str]:
    """Why ``url`` may not be a POS's base URL: https, or plain http on loopback only;
    no credentials, query or fragment; and, unless ``allow_private`` (local
    development, the deployment's ``ORDERBRIDGE_ALLOW_PRIVATE_URLS``), no loopback,
    private or link-local address (the hub must not be turned against its network)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"{url!r} is not an http(s) URL"]
    found = []
    if parts.username or parts.password:
        found.append("credentials in the URL are not allowed (use [auth])")
    if parts.query or parts.fragment:
        found.append("the base URL takes no query or fragment")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        found.append("plain http is allowed only on loopback (use https)")
    if not allow_private and _private(parts.hostname):
        found.append(f"{parts.hostname} is a loopback or private address (not allowed here)")
    return found


def _loopback(host: str) -> bool:
    if host in _LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _private(host: str) -> bool:
    if host in _LOOPBACK or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not ip.is_global


def _auth(manifest: Manifest) -> Found:
    auth = manifest.auth
    needed = {
        "bearer": ("token",),
        "header": ("header", "value"),
        "basic": ("username", "password"),
        "hmac": ("header", "secret"),
    }.get(auth.type, ())
    for name in needed:
        if not getattr(auth, name):
            yield ("auth", name), f"auth type {auth.type!r} needs {name}"
    for name in ("token", "value", "password", "secret"):
        value = getattr(auth, name)
        if value and not CREDENTIAL.search(value):
            yield (
                ("auth", name),
                "secrets are never written in a manifest: use {{ credentials.NAME }}",
            )
    if auth.type == "hmac":
        yield from _placeholders(
            ("auth", "signed"), auth.signed, {"method", "path", "timestamp", "body"}
        )
        if "{timestamp}" in auth.signed and not auth.timestamp_header:
            yield ("auth", "timestamp_header"), "the signed text has {timestamp}: name its header"


def _placeholders(where: tuple[str | int, ...], text: str, allowed: set[str]) -> Found:
    for name in re.findall(r"\{([^{}]*)\}", text.replace("{{", "").replace("}}", "")):
        if name not in allowed:
            yield where, f"unknown placeholder {{{name}}} (allowed: {', '.join(sorted(allowed))})"


def _services(manifest: Manifest) -> Found:
    services = manifest.services
    if "create_order" not in services:
        yield ("services",), "create_order is required: the hub sends orders"
    idem = manifest.idempotency
    if idem.strategy == "find" and "find_order" not in services:
        yield ("idempotency", "strategy"), "strategy 'find' needs services.find_order"
    if idem.strategy == "header" and not idem.header:
        yield ("idempotency", "header"), "strategy 'header' needs the header's name"
    if (
        "create_reservation" in services
        and idem.strategy == "find"
        and ("find_reservation" not in services)
    ):
        yield ("services",), "create_reservation with strategy 'find' needs find_reservation"
    for kind in ("order", "reservation"):
        reads = {f"get_{kind}", f"find_{kind}", f"create_{kind}"} & set(services)
        status_read = any("status" in services[s].fields for s in reads)
        if status_read and kind not in manifest.statuses:
            yield ("statuses",), f"[statuses.{kind}] is needed to read {kind} statuses"
    for name, service in services.items():
        yield from _service(manifest, name, service)


def _service(manifest: Manifest, name: str, service: Service) -> Found:
    where: tuple[str | int, ...] = ("services", name)
    names = dict(VOCABULARY[name])
    with_credentials = {**names, "credentials": {k: "text" for k in manifest.credentials}}
    maps = manifest.values
    for key, template, vocabulary in (
        ("path", service.path, names),
        ("query", service.query, with_credentials),
        ("headers", service.headers, with_credentials),
        ("body", service.body, names),
    ):
        for problem in templates.check(template, vocabulary, maps=maps):
            yield (*where, key, *problem.where), str(problem)
    if not service.path.startswith("/") or "://" in service.path:
        yield (*where, "path"), "a path starts with / under the base URL (no other host)"
    if service.body is not None and service.method == "GET":
        yield (*where, "body"), "a GET sends no body"
    for key in ("record", "records", "match"):
        yield from _path((*where, key), getattr(service, key))
    for field, path in service.fields.items():
        yield from _path((*where, "fields", field), path)
    required, optional = _FIELDS.get(name, (set(), set()))
    for field in sorted(required - set(service.fields)):
        yield (*where, "fields"), f"{name} must map the field {field!r}"
    for field in sorted(set(service.fields) - required - optional):
        if name in _FIELDS:
            yield (*where, "fields", field), f"{name} has no field {field!r}"
    listed = service.records and service.match
    if name.startswith("find_") and not listed and not service.not_found:
        yield where, "a find either lists records with a match, or names not_found statuses"


def _path(where: tuple[str | int, ...], path: str | None) -> Found:
    if path is None:
        return
    try:
        compile_path(path)
    except PathError as exc:
        yield where, str(exc)


def _menu(manifest: Manifest) -> Found:
    services, menu = manifest.services, manifest.menu
    if not ({"menu", "menu_item"} & set(services)):
        return
    if menu is None:
        yield ("menu",), "services.menu and menu_item need a [menu] section saying where things are"
        return
    items = menu.items
    flat = compile_path(items.records).absolute if _parses(items.records) else False
    if "menu" in services and flat and "menu_items" not in services:
        yield ("menu", "items", "records"), "absolute item records need services.menu_items"
    if (flat or "menu_item" in services) and not items.category:
        yield ("menu", "items", "category"), "a flat menu and menu_item need the item's category"
    if "menu_item" in services and not services["menu_item"].record:
        yield ("services", "menu_item", "record"), "menu_item must say where its record is"
    for where, shape, service, join in _flat_parts(items):
        absolute = compile_path(shape.records).absolute if _parses(shape.records) else False
        join_path = getattr(shape, join)
        if absolute and service not in services:
            yield (*where, "records"), f"absolute records need services.{service}"
        if absolute and join_path is None:
            yield (*where, join), f"a flat list must say where its {join} is"
        if not absolute and join_path is not None:
            yield (*where, join), f"{join} joins a flat list: records must be absolute ($…)"
    for section, shape in _shapes(menu.model_dump()):
        for key, value in shape.items():
            if isinstance(value, str):
                yield from _path(("menu", *section, key), value)


def _schedule(manifest: Manifest) -> Found:
    shape = manifest.schedule
    if "schedule" in manifest.services and shape is None:
        yield ("schedule",), "services.schedule needs a [schedule] section saying where hours are"
    if shape is None:
        return
    if "schedule" not in manifest.services:
        yield ("schedule",), "[schedule] describes the answer of services.schedule, not declared"
    flat = shape.opens is not None and shape.closes is not None
    if flat == (shape.intervals is not None):
        yield ("schedule",), "give opens and closes (one interval a record) or intervals"
    for section, found in _shapes(shape.model_dump(exclude={"days"}), ("schedule",)):
        for key, value in found.items():
            if isinstance(value, str):
                yield from _path((*section, key), value)


def _flat_parts(items: Any) -> Iterator[tuple[tuple[str, ...], Any, str, str]]:
    """Variants, option groups and options, each nested or a flat list of its own:
    (where, shape, the service of its flat list, the key that joins it)."""
    at = ("menu", "items")
    if items.variants is not None:
        yield (*at, "variants"), items.variants, "menu_variants", "item"
    groups = items.modifier_groups
    if groups is not None:
        yield (*at, "modifier_groups"), groups, "menu_option_groups", "item"
        where = (*at, "modifier_groups", "modifiers")
        yield where, groups.modifiers, "menu_options", "group"


def _parses(path: str) -> bool:
    try:
        compile_path(path)
    except PathError:
        return False
    return True


def _shapes(
    shape: dict[str, Any], at: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    yield at, shape
    for key, value in shape.items():
        if isinstance(value, dict):
            yield from _shapes(value, (*at, key))


def _webhooks(manifest: Manifest) -> Found:
    hooks = manifest.webhooks
    if hooks is None:
        return
    signature = hooks.signature
    if not CREDENTIAL.search(signature.secret):
        yield ("webhooks", "signature", "secret"), "use {{ credentials.NAME }} for the secret"
    if "{signature}" not in signature.format:
        yield ("webhooks", "signature", "format"), "the format must contain {signature}"
    yield from _placeholders(
        ("webhooks", "signature", "format"), signature.format, {"signature", "timestamp"}
    )
    yield from _placeholders(
        ("webhooks", "signature", "signed"), signature.signed, {"timestamp", "body"}
    )
    has_time = "{timestamp}" in signature.format or signature.timestamp_header
    if "{timestamp}" in signature.signed and not has_time:
        yield ("webhooks", "signature", "signed"), "{timestamp} is signed but never sent"
    if not (hooks.type or hooks.type_header):
        yield ("webhooks",), "say where the event type is: type (a path) or type_header"
    for key in ("type", "id"):
        yield from _path(("webhooks", key), getattr(hooks, key))
    for name, event in hooks.events.items():
        where = ("webhooks", "events", name)
        for key in ("pos_order_id", "item_id", "location", "online", "sold_out"):
            yield from _path((*where, key), getattr(event, key))
        needed = _NEEDS.get(event.means)
        if needed and not getattr(event, needed):
            yield where, f"{event.means} needs {needed} (where it is in the body)"
        if event.means == "schedule_changed" and "schedule" not in manifest.services:
            yield where, "schedule_changed needs services.schedule (where the hours are read)"


def _credentials(manifest: Manifest) -> Found:
    declared = set(manifest.credentials)
    texts: list[tuple[tuple[str | int, ...], str]] = [
        (("auth", k), v) for k, v in manifest.auth.model_dump().items() if isinstance(v, str)
    ]
    texts += [(("api", "headers", k), v) for k, v in manifest.api.headers.items()]
    if manifest.webhooks is not None:
        texts.append((("webhooks", "signature", "secret"), manifest.webhooks.signature.secret))
    for where, text in texts:
        for name in CREDENTIAL.findall(text):
            if name not in declared:
                yield where, f"credentials.{name} is not declared in [credentials]"
