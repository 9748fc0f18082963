"""The SSRF guard as routes use it: an unsafe URL is a 422 on the ``url`` field."""

from __future__ import annotations

from orderbridge.connectors.storefront.ssrf import UnsafeUrl, check_url
from orderbridge.web.errors import ApiError


async def require_callable_url(url: str, *, allow_private: bool) -> None:
    """Raise the API's 422 unless this deployment may call ``url`` (see
    ``connectors/storefront/ssrf.py``: no loopback, private or link-local address
    unless ``allow_private``)."""
    try:
        await check_url(url, allow_private=allow_private)
    except UnsafeUrl as unsafe:
        raise ApiError(422, unsafe.code, str(unsafe), "url") from None
