"""The REST POS's calls, as its manifest describes them: one method, :meth:`RestPosClient.call`.

A call renders the service's path, query, headers and body templates, signs the request
as ``[auth]`` says, waits its turn under ``api.rate_limit_per_second``, sends it through
the hub's one hardened HTTP client, and classifies the answer: first by the manifest's
``[[errors.rules]]``, then by the defaults every connector shares (408, 429 and 5xx
transient with ``Retry-After`` honoured, 401/403 a refused credential, other 4xx
permanent). A permanent refusal carries the POS's own code and message when
``errors.code``/``errors.message`` find them. The client knows nothing of orders or
menus: it returns the decoded JSON (or None for a ``not_found`` status).
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from orderbridge.connectors._base import make_http_client, retry_after_seconds, send
from orderbridge.connectors.rest_pos import templates
from orderbridge.connectors.rest_pos.manifest import ErrorRule, Manifest
from orderbridge.connectors.rest_pos.paths import compile_path
from orderbridge.ports import PermanentError, TransientError

REAUTH = "reauth_required"
CREATES = frozenset({"create_order", "create_reservation"})


class RateLimiter:
    """At most ``rate`` calls per second from this client, spaced evenly (a call waits
    for its slot; ``clock`` and ``sleep`` are injected so tests need no real waiting)."""

    def __init__(
        self,
        rate: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = self.clock()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            await self.sleep(delay)


class RestPosClient:
    """The calls of one REST POS connection (one manifest, one base URL, its secrets)."""

    def __init__(
        self,
        manifest: Manifest,
        *,
        http: httpx.AsyncClient,
        credentials: Mapping[str, str],
        timeout: float | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.manifest = manifest
        self.http = http
        self.credentials = dict(credentials)
        self.deadline = timeout or manifest.api.timeout_seconds
        self.limiter = RateLimiter(manifest.api.rate_limit_per_second)
        self.wall_clock = wall_clock

    @classmethod
    def build(
        cls,
        manifest: Manifest,
        *,
        base_url: str,
        credentials: Mapping[str, str],
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float | None = None,
    ) -> RestPosClient:
        deadline = timeout or manifest.api.timeout_seconds
        http = make_http_client(base_url=base_url, timeout=deadline, transport=transport)
        return cls(manifest, http=http, credentials=credentials, timeout=timeout)

    async def aclose(self) -> None:
        await self.http.aclose()

    @property
    def system(self) -> str:
        return self.manifest.name

    async def call(self, name: str, values: Mapping[str, Any], *, timezone: str = "UTC") -> Any:
        """Call service ``name`` with template ``values``; its decoded JSON answer, or
        None when the POS answered one of the service's ``not_found`` statuses."""
        service = self.manifest.services[name]
        try:
            target, headers, body = self._request(name, values, timezone)
        except (ValueError, TypeError) as exc:  # a value the manifest cannot write
            raise PermanentError("manifest_cannot_write", f"{name}: {exc}") from None
        await self.limiter.wait()
        response = await send(
            self.http,
            service.method,
            target,
            system=self.system,
            deadline=self.deadline,
            classify=lambda answer: self._classify(name, answer, service.not_found),
            headers=headers,
            content=body or None,
        )
        if response.status_code in service.not_found:
            return None
        try:
            return response.json() if response.content else {}
        except ValueError:
            raise PermanentError(
                "unexpected_response", f"{self.system} answered {name} with a body that is not JSON"
            ) from None

    def _request(
        self, name: str, values: Mapping[str, Any], timezone: str
    ) -> tuple[str, dict[str, str], bytes]:
        """The rendered target (path and query), headers (auth included) and body."""
        service = self.manifest.services[name]
        style = templates.Style(self.manifest.money.format, self.manifest.values, timezone)
        secrets = {**values, "credentials": self.credentials}
        path = _path(service.path, values, style)
        query = _present(templates.render(service.query, secrets, style))
        headers = {**self.manifest.api.headers, **service.headers}
        headers = {k: str(templates.render(v, secrets, style)) for k, v in headers.items()}
        body = b""
        if service.body is not None:
            rendered = templates.render(service.body, values, style)
            payload = _without_nulls(rendered) if service.omit_null else rendered
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        idempotency = self.manifest.idempotency
        if name in CREATES and idempotency.strategy == "header" and idempotency.header:
            headers[idempotency.header] = str(values["key"])
        target = f"{path}?{urlencode(query)}" if query else path
        headers.update(self._auth(service.method, target, body, style))
        return target, headers, body

    # Authentication ------------------------------------------------------------------

    def _auth(
        self, method: str, target: str, body: bytes, style: templates.Style
    ) -> dict[str, str]:
        auth = self.manifest.auth
        secret = {"credentials": self.credentials}

        def value(template: str | None) -> str:
            return str(templates.render(template or "", secret, style))

        if auth.type == "bearer":
            return {"Authorization": f"Bearer {value(auth.token)}"}
        if auth.type == "header":
            return {str(auth.header): value(auth.value)}
        if auth.type == "basic":
            pair = f"{value(auth.username)}:{value(auth.password)}".encode()
            return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
        if auth.type == "hmac":
            stamp = str(int(self.wall_clock()))
            text = (
                auth.signed.replace("{method}", method)
                .replace("{path}", target)
                .replace("{timestamp}", stamp)
            )
            signed = text.encode().replace(b"{body}", body)
            digest = hmac.new(value(auth.secret).encode(), signed, auth.algorithm).digest()
            encoded = digest.hex() if auth.encoding == "hex" else base64.b64encode(digest).decode()
            headers = {str(auth.header): encoded}
            if auth.timestamp_header:
                headers[auth.timestamp_header] = stamp
            if auth.key_header:
                headers[auth.key_header] = value(auth.key_id)
            return headers
        return {}

    # Classification ------------------------------------------------------------------

    def _classify(self, name: str, response: httpx.Response, not_found: list[int]) -> bool:
        """The manifest's rules, then ``not_found`` (True: the answer is "none"); the
        shared defaults come after."""
        status = response.status_code
        code, message = self._reason(response)
        for rule in self.manifest.errors.rules:
            if _matches(rule, status, code):
                self._raise(rule, name, status, code, message, response)
        if status in not_found:
            return True
        if 400 <= status < 500 and status not in (401, 403, 408, 429):
            reason = f"{self.system} refused {name} (HTTP {status})" + (
                f": {message}" if message else ""
            )
            raise PermanentError(code or "http_error", reason)
        return False

    def _raise(
        self,
        rule: ErrorRule,
        name: str,
        status: int,
        code: str | None,
        message: str | None,
        response: httpx.Response,
    ) -> None:
        said = (
            f"{self.system} answered {name} with HTTP {status}"
            + (f" ({code})" if code else "")
            + (f": {message}" if message else "")
        )
        if rule.outcome == "transient":
            hint = retry_after_seconds(response.headers.get("Retry-After"))
            raise TransientError(said, retry_after=hint)
        hub_code = REAUTH if rule.outcome == "reauth" else rule.code or code or "http_error"
        raise PermanentError(hub_code, said)

    def _reason(self, response: httpx.Response) -> tuple[str | None, str | None]:
        errors = self.manifest.errors
        if not (errors.code or errors.message) or not response.content:
            return None, None
        try:
            document = response.json()
        except ValueError:
            return None, None
        code = compile_path(errors.code).first(document) if errors.code else None
        message = compile_path(errors.message).first(document) if errors.message else None
        return (
            None if code is None else str(code),
            None if message is None else str(message)[:300],
        )


def _matches(rule: ErrorRule, status: int, code: str | None) -> bool:
    if rule.status and status not in rule.status:
        return False
    if not rule.status and 200 <= status < 300:
        return False  # a rule for 2xx answers names its statuses
    return not rule.codes or (code is not None and code in rule.codes)


def _path(template: str, values: Mapping[str, Any], style: templates.Style) -> str:
    """The path with each expression's value URL-encoded (a value cannot add a segment)."""

    def encode(match: Any) -> str:
        value = templates.render("{{" + match.group(1) + "}}", values, style)
        return quote("" if value is None else str(value), safe="")

    return templates.EXPRESSION.sub(encode, template)


def _present(query: Any) -> dict[str, str]:
    out = {}
    for key, value in (query or {}).items():
        if value is None or value == "":
            continue
        out[key] = "true" if value is True else "false" if value is False else str(value)
    return out


def _without_nulls(value: Any) -> Any:
    """``value`` without null members, nor objects that only had null members (a
    pickup's delivery address)."""
    if isinstance(value, dict):
        kept = {k: _without_nulls(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in kept.items() if v != {} or value[k] == {}}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value
