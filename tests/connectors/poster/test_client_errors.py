"""Every class of Poster failure becomes the right one of the ports' two exceptions.

Faults come from the sandbox's own knobs (503s, error 44, the rate limit's error 700, a
revoked token, a hung call) and from ``httpx.MockTransport`` for what a sandbox cannot
do to a socket.
"""

from __future__ import annotations

import httpx
import pytest

from orderbridge.connectors.poster.client import PosterClient
from orderbridge.connectors.poster.errors import PosterRejected, classify
from orderbridge.ports import PermanentError, TransientError
from tests.connectors.poster.support import BASE_URL, set_faults, settings


def _client(transport: httpx.AsyncBaseTransport) -> PosterClient:
    return PosterClient.from_settings(settings(), transport=transport)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "knobs", [{"next_5xx": 1}, {"next_44": 1}, {"rate_limit_calls": 1}], ids=["5xx", "44", "700"]
)
async def test_sandbox_faults_are_transient_and_the_next_call_succeeds(
    transport: httpx.AsyncBaseTransport, knobs: dict[str, int]
) -> None:
    """503, error 44 and error 700 are retried; the retry (here: after a reset) works."""
    async with _client(transport) as client:
        await set_faults(transport, **knobs)
        if "rate_limit_calls" in knobs:
            await client.get_spots()  # the one call the window allows
        with pytest.raises(TransientError):
            await client.get_spots()
        await set_faults(transport, rate_limit_calls=0)
        assert [s.spot_id for s in await client.get_spots()] == [1, 2]


@pytest.mark.anyio
async def test_revoked_token_asks_for_reauthorisation(transport: httpx.AsyncBaseTransport) -> None:
    """Error 11 after the sandbox revokes the token: ``reauth_required``, permanent."""
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as control:
        token = settings().token.get_secret_value()
        answer = await control.post("/_sandbox/tokens/revoke", json={"token": token})
        assert answer.status_code == 200, answer.text
    async with _client(transport) as client:
        with pytest.raises(PermanentError) as caught:
            await client.get_spots()
    assert caught.value.code == "reauth_required"
    assert "Poster error 11" in caught.value.reason


@pytest.mark.anyio
async def test_validation_errors_are_permanent_and_name_the_code(
    transport: httpx.AsyncBaseTransport,
) -> None:
    """An unknown product is error 32: permanent, the reason names code and field."""
    body = {"spot_id": 1, "phone": "+380671234567", "products": [{"product_id": 99999}]}
    async with _client(transport) as client:
        with pytest.raises(PosterRejected) as caught:
            await client.create_incoming_order(body)
    assert (caught.value.code, caught.value.poster_code) == ("not_found", 32)
    assert (
        "Poster error 32" in caught.value.reason
        and "products[0][product_id]" in caught.value.reason
    )


@pytest.mark.anyio
async def test_get_product_of_a_removed_product_is_none(
    transport: httpx.AsyncBaseTransport,
) -> None:
    """menu.getProduct's error 32 means "gone", which a refresh needs to know."""
    async with _client(transport) as client:
        assert await client.get_product(99999) is None
        product = await client.get_product(172)
    assert product is not None and product.product_name == "Cheeseburger"


@pytest.mark.parametrize(
    ("code", "kind", "machine"),
    [
        (700, TransientError, None),
        (44, TransientError, None),
        (10, PermanentError, "reauth_required"),
        (12, PermanentError, "reauth_required"),
        (32, PermanentError, "not_found"),
        (34, PermanentError, "invalid_request"),
        (36, PermanentError, "invalid_request"),
        (42, PermanentError, "invalid_request"),
        (400, PermanentError, "invalid_request"),
        (404, PermanentError, "not_found"),
        (701, PermanentError, "invalid_request"),
        (4001, PermanentError, "currency_mismatch"),
        (9999, PermanentError, "invalid_request"),
    ],
)
def test_every_code_class_is_sorted(code: int, kind: type[Exception], machine: str | None) -> None:
    """Rate limit and save errors retry; token errors reauthorise; the rest stop."""
    error = classify(code, "message", "field")
    assert isinstance(error, kind)
    if machine is not None:
        assert isinstance(error, PermanentError) and error.code == machine
        assert f"Poster error {code}" in error.reason


@pytest.mark.anyio
async def test_http_timeout_is_transient() -> None:
    """httpx's read timeout (from a real socket) is a transient failure."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    async with _client(httpx.MockTransport(handler)) as client:
        with pytest.raises(TransientError):
            await client.get_spots()


@pytest.mark.anyio
async def test_hung_call_hits_the_deadline(transport: httpx.AsyncBaseTransport) -> None:
    """A write that never answers (sandbox ``next_hang``) fails within the deadline."""
    await set_faults(transport, next_hang=1, hang_seconds=30)
    body = {"spot_id": 1, "phone": "+380671234567", "products": [{"product_id": 138}]}
    async with _client(transport) as client:
        with pytest.raises(TransientError, match="did not answer"):
            await client.create_incoming_order(body)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"<html>bad gateway</html>", TransientError),
        (b'{"response": {"spot_id": "x"}}', PermanentError),
    ],
)
async def test_garbled_answers(content: bytes, kind: type[Exception]) -> None:
    """Not JSON (a proxy page) is transient; JSON of the wrong shape is permanent."""
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=content))
    async with _client(transport) as client:
        with pytest.raises(kind):
            await client.get_incoming_order(1)


@pytest.mark.anyio
async def test_oauth_exchange_gets_the_token_and_refuses_a_wrong_secret(
    transport: httpx.AsyncBaseTransport,
) -> None:
    """The reference's OAuth example installs app 76 on dev-example; a bad secret is 142."""
    from pydantic import SecretStr

    from orderbridge.sandboxes.poster.seed import (
        OAUTH_APP_ID,
        OAUTH_APP_SECRET,
        OAUTH_EXAMPLE_CODE,
        OAUTH_REDIRECT_URI,
    )

    async with _client(transport) as client:
        with pytest.raises(PermanentError) as caught:
            await client.exchange_code(
                application_id=OAUTH_APP_ID,
                application_secret=SecretStr("wrong"),
                code=OAUTH_EXAMPLE_CODE,
                redirect_uri=OAUTH_REDIRECT_URI,
            )
        assert caught.value.code == "invalid_application"
        token = await client.exchange_code(
            application_id=OAUTH_APP_ID,
            application_secret=SecretStr(OAUTH_APP_SECRET),
            code=OAUTH_EXAMPLE_CODE,
            redirect_uri=OAUTH_REDIRECT_URI,
        )
    assert token.account_number == "861052" and token.access_token.startswith("861052:")
