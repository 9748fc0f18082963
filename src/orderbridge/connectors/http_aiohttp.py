"""The hub's outbound HTTP/1.1 path: an httpx transport that sends through aiohttp.

Connectors speak httpx (``httpx.Request``/``httpx.Response``, ``connectors._base.send``
and its error classes); only the wire work moves to aiohttp, whose C parser and
connection pool cost a POS call about a tenth of httpcore's CPU on these cores
(docs/benchmarks.md, "The POS call's client CPU, by HTTP client"). Tests that hand
``make_http_client`` an ``httpx.ASGITransport`` or ``MockTransport`` never reach here.
The plainest POS calls skip httpx's client layer too: ``connectors._base.send``'s lean
lane hands their parts to :meth:`AiohttpTransport.exchange`, the same code that
:meth:`~AiohttpTransport.handle_async_request` ends in, so both keep everything below.

What it keeps of httpx's transport, on purpose:

- **timeouts per phase** from the request's ``timeout`` extension (``httpx.Timeout``):
  connect → aiohttp's ``sock_connect``, read → ``sock_read``, pool + connect → the time
  to get a connection at all; the whole-call deadline stays in ``send``;
- **no redirects** (``allow_redirects=False``: a 3xx goes back to ``send``, which makes
  it ``unexpected_redirect``), **no cookie jar** (``DummyCookieJar``), **no environment
  proxies** (``trust_env=False``), at most ``limit`` connections, idle ones kept 5 s;
- **bodies as httpx decodes them**: aiohttp's ``auto_decompress`` is off and the raw
  bytes go to ``httpx.Response``, which decodes ``Content-Encoding`` exactly once;
- **errors as httpx's**: aiohttp's exceptions become the ``httpx.TransportError``
  classes ``send`` already classifies (connection refused → ``ConnectError``, a socket
  timeout → ``ReadTimeout``/``ConnectTimeout``, a dropped connection or a cut body →
  ``RemoteProtocolError``), so a TransientError stays a TransientError;
- **TLS** with httpx's own context (certifi's roots, certificate and host name checked),
  built on the first https call of any transport and then shared by all of them
  (:func:`shared_ssl_context`): each context holds its own copy of the roots, 0.6–1.5
  MiB, and a hub has one transport per POS connection and per webhook sender.

The SSRF guard plugs in as ``resolver`` (``storefront.pinned.PinnedResolver``: the
address it checks is the one aiohttp connects to) plus ``refuse_host`` for literal IP
hosts, which aiohttp connects to without asking any resolver.

An aiohttp session belongs to one event loop; the transport opens it on first use and
opens a new one if it is later used from another loop (a CLI command's second
``asyncio.run``), dropping the old one's sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Callable

import aiohttp
import httpcore
import httpx
from aiohttp.abc import AbstractResolver
from multidict import CIMultiDict
from yarl import URL

KEEPALIVE_SECONDS = 5.0  # httpx's keepalive_expiry
_SSL_CONTEXT: ssl.SSLContext | None = None


def shared_ssl_context() -> ssl.SSLContext:
    """The process's one client TLS context, built on first use (see module doc).

    ``ssl.SSLContext`` is safe to share between connections and event loops; nothing
    here changes it after it is built (``verify_mode`` ``CERT_REQUIRED``,
    ``check_hostname`` on, as httpx builds it).
    """
    global _SSL_CONTEXT
    if _SSL_CONTEXT is None:
        _SSL_CONTEXT = httpx.create_ssl_context(trust_env=False)
    return _SSL_CONTEXT


_DROPPED_REQUEST_HEADERS = {"transfer-encoding"}  # aiohttp frames the body itself


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An ``httpx.AsyncBaseTransport`` over one ``aiohttp.ClientSession``."""

    def __init__(
        self,
        *,
        limit: int,
        resolver: Callable[[], AbstractResolver] | None = None,
        refuse_host: Callable[[str], None] | None = None,
    ) -> None:
        self.limit = limit
        self.resolver = resolver
        self.refuse_host = refuse_host
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _session_here(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is not None and self._loop is loop and not self._session.closed:
            return self._session
        self._drop()
        connector = aiohttp.TCPConnector(
            limit=self.limit,
            limit_per_host=0,
            keepalive_timeout=KEEPALIVE_SECONDS,
            resolver=self.resolver() if self.resolver else aiohttp.ThreadedResolver(),
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            trust_env=False,
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),
        )
        self._loop = loop
        return self._session

    def _drop(self) -> None:
        """Forget a session of another (or a finished) loop without awaiting on it."""
        session, self._session = self._session, None
        if session is None or session.closed:
            return
        connector = session.connector
        session.detach()
        if connector is not None:
            # Closes the sockets now (there is no loop to await on); when the old loop
            # is closed already, its sockets went with it.
            with contextlib.suppress(RuntimeError):
                connector._close()

    def _ssl_for(self, url: httpx.URL | URL) -> ssl.SSLContext | bool:
        if url.scheme != "https":
            return True  # aiohttp's default; unused for plain http
        return shared_ssl_context()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {url.scheme!r}")
        headers = CIMultiDict(
            (key.decode("latin-1"), value.decode("latin-1"))
            for key, value in request.headers.raw
            if key.decode("latin-1").lower() not in _DROPPED_REQUEST_HEADERS
        )
        body = await request.aread()
        return await self.exchange(
            request.method,
            URL(str(url), encoded=True),
            headers=headers,
            body=body,
            timeouts=request.extensions.get("timeout", {}),
            request=request,
        )

    async def exchange(
        self,
        method: str,
        url: URL,
        *,
        headers: CIMultiDict[str],
        body: bytes,
        timeouts: dict[str, float | None],
        request: httpx.Request | None,
    ) -> httpx.Response:
        """Send one request over the session and read its whole answer.

        :meth:`handle_async_request` calls it with the parts of an ``httpx.Request``;
        ``connectors._base.send``'s lean lane calls it directly with parts it built
        itself (``request`` None: no ``httpx.Request`` is made, nor hung on the answer
        or on an error). ``url`` is already encoded; ``timeouts`` are httpx's per-phase
        ones (``httpx.Timeout.as_dict()``)."""
        connect = timeouts.get("connect")
        pool = timeouts.get("pool")
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=timeouts.get("read"),
        )
        try:
            if self.refuse_host is not None:
                self.refuse_host(url.host or "")
            async with self._session_here().request(
                method,
                url,
                data=body or None,
                headers=headers,
                allow_redirects=False,
                timeout=timeout,
                ssl=self._ssl_for(url),
            ) as answer:
                content = await answer.read()
                return httpx.Response(
                    answer.status,
                    headers=list(answer.raw_headers),
                    content=content,
                    request=request,
                    extensions={
                        "http_version": b"HTTP/1.1",
                        "reason_phrase": (answer.reason or "").encode("latin-1"),
                    },
                )
        except httpcore.ConnectError as error:  # the SSRF guard refused the address
            raise httpx.ConnectError(str(error), request=request) from error
        except aiohttp.ClientError as error:
            raise as_httpx_error(error, request) from error
        except TimeoutError as error:  # a bare asyncio timeout inside aiohttp
            raise httpx.ReadTimeout(f"timed out: {error}", request=request) from error

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is None or session.closed:
            return
        try:
            same_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            same_loop = False
        if same_loop:
            await session.close()
        else:
            self._session = session
            self._drop()


def as_httpx_error(
    error: aiohttp.ClientError, request: httpx.Request | None
) -> httpx.TransportError:
    """The ``httpx`` exception that stands for aiohttp's ``error`` (see the module
    docstring). The SSRF guard's refusal never gets here: ``RefusedAddress`` is not an
    ``OSError``, so aiohttp lets it through unwrapped and the transport raises it as
    the cause of an ``httpx.ConnectError`` (``ssrf.refused_code`` reads it there)."""
    message = f"{type(error).__name__}: {error}"
    kind: type[httpx.TransportError]
    if isinstance(error, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout
    elif isinstance(error, aiohttp.ServerTimeoutError):
        kind = httpx.ReadTimeout
    elif isinstance(error, aiohttp.ClientConnectorError):
        kind = httpx.ConnectError
    elif isinstance(
        # a dropped connection, a cut body, a malformed answer
        error,
        aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError | aiohttp.ClientResponseError,
    ):
        kind = httpx.RemoteProtocolError
    elif isinstance(error, aiohttp.InvalidURL):
        kind = httpx.UnsupportedProtocol
    elif isinstance(error, aiohttp.ClientOSError):
        kind = httpx.ReadError
    else:
        kind = httpx.NetworkError
    return kind(message, request=request)
