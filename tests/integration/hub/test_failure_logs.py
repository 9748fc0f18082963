"""Every failed try, dead letter, re-auth, circuit change and alert is one structured
log line (JSON with ``log_json``) carrying ``order_id``, ``job_id``, ``connection_id``,
and never a phone number, an e-mail address or a token."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from orderbridge.bootstrap_alerts import Alerting
from orderbridge.log import configure_logging
from orderbridge.messaging.breaker import CircuitBreaker
from orderbridge.messaging.worker import Worker
from orderbridge.ports import PermanentError
from orderbridge.storage.alert_destinations import create_destination
from tests.integration.support.world import (
    CONNECTION,
    POSTER_TOKEN,
    TENANT,
    World,
    place,
)
from tests.unit.domain import cafe

pytestmark = pytest.mark.anyio
# What a Poster token looks like (a refusal that quotes one must not leak it).
TOKEN_SHAPED = "687409:4164553abf6a031302898da7800b59fb"


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """The hub's own logging set-up (JSON lines, to stderr), captured; reset after.

    Captured with ``capsys`` rather than by swapping ``sys.stderr`` in the fixture:
    pytest puts its own stream back between the set-up and the call of a test.
    """
    configure_logging("INFO", json=True)
    capsys.readouterr()
    yield capsys
    configure_logging("INFO", json=False, access_log=False)


def _lines(capsys: pytest.CaptureFixture[str]) -> tuple[list[dict[str, Any]], str]:
    raw = capsys.readouterr().err
    lines = [json.loads(line) for line in raw.splitlines() if line.startswith("{")]
    return lines, raw


def _one(lines: list[dict[str, Any]], event: str) -> dict[str, Any]:
    found = [line for line in lines if line["event"] == event]
    assert len(found) == 1, (event, [line["event"] for line in lines])
    return found[0]


def _no_personal_data(text: str) -> None:
    customer = cafe.customer()
    for secret in (customer.phone, customer.email, POSTER_TOKEN, TOKEN_SHAPED):
        assert secret and secret not in text, secret


async def test_a_refused_token_logs_the_dead_letter_the_reauth_and_the_alert(
    world: World, json_logs: pytest.CaptureFixture[str]
) -> None:
    with world.hub.sessions() as session, session.begin():
        create_destination(
            session,
            world.hub.cipher,
            TENANT,
            url="http://ops.test/alerts",
            events=["order.failed"],
            description="",
            now=world.clock(),
        )
    world.pos.refuse = PermanentError(
        "reauth_required", f"token {TOKEN_SHAPED} refused for {cafe.customer().phone}"
    )
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    lines, raw = _lines(json_logs)
    dead = _one(lines, "job dead")
    assert (dead["level"], dead["kind"], dead["code"]) == (
        "error",
        "order.submit",
        "reauth_required",
    )
    assert (dead["order_id"], dead["connection_id"]) == (order_id, CONNECTION)
    assert isinstance(dead["job_id"], int) and "timestamp" in dead
    parked = _one(lines, "connection needs reauth")
    assert parked["connection_id"] == CONNECTION
    assert _one(lines, "order failed")["order_id"] == order_id
    opened = [line for line in lines if line["event"] == "incident opened"]
    assert {line["kind"] for line in opened} == {"order.failed", "connection.needs_reauth"}
    delivered = _one(lines, "alert delivered")
    assert (delivered["kind"], delivered["state"], delivered["status"]) == (
        "order.failed",
        "open",
        204,
    )
    _no_personal_data(raw)


async def test_failed_tries_and_circuit_changes_are_logged(
    world: World, json_logs: pytest.CaptureFixture[str]
) -> None:
    now = [0.0]
    alerting = Alerting(world.hub)
    worker = Worker(
        world.hub.sessions,
        world.hub.handlers(),
        clock=world.clock,
        retry_policy=world.hub.retry_policy,
        poll_interval=0.01,
        breaker=CircuitBreaker(
            minimum_calls=2, half_open_calls=1, cooldown_seconds=30, clock=lambda: now[0]
        ),
        on_breaker=alerting.on_breaker,
        on_dead=alerting.on_dead,
    )
    world.pos.fail_next = 2
    order_id = place(world).stored.order.id
    await worker.run_until_idle()
    now[0] = 31.0
    await worker.run_until_idle()
    lines, raw = _lines(json_logs)
    tries = [line for line in lines if line["event"] == "job attempt failed"]
    assert [(t["attempt"], t["outcome"], t["order_id"]) for t in tries] == [
        (1, "transient", order_id),
        (2, "transient", order_id),
    ]
    assert all(t["connection_id"] == CONNECTION and t["retry_at"] for t in tries)
    opened, closed = _one(lines, "circuit opened"), _one(lines, "circuit closed")
    assert opened["connection_id"] == closed["connection_id"] == CONNECTION
    assert {line["kind"] for line in lines if line["event"] == "incident cleared"} == {
        "connection.breaker_open"
    }
    _no_personal_data(raw)
