"""One Poster webhook delivered three times at once, to three hub processes: one effect.

Poster retries, and a load balancer may hand copies of one delivery to different
machines at the same moment. Three ``orderbridge serve --no-workers`` processes share
the database; each gets one copy of the same signed ``incoming_order`` webhook at the
same instant (a barrier releases the three senders). All three must answer
``{"status": "accept"}`` and the event must be stored once, queued once, and acted on
once: one reconcile per order, which moves the order to ``accepted`` exactly once.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from orderbridge.sandboxes.poster.seed import (
    DEMO_ACCOUNT,
    DEMO_ACCOUNT_NUMBER,
    OAUTH_APP_SECRET,
)
from orderbridge.sandboxes.poster.webhooks import sign
from tests.patience import HTTP_TIMEOUT, patience, wait_for
from tests.reliability.stack import (
    db_rows,
    hub_stack,
    menu_lines,
    post_orders,
    timelines,
    wait_until_submitted,
)

pytestmark = pytest.mark.e2e

ORDERS = 5
COPIES = 3


def signed_hook(pos_order_id: str, moment: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "account": DEMO_ACCOUNT,
        "account_number": DEMO_ACCOUNT_NUMBER,
        "object": "incoming_order",
        "object_id": int(pos_order_id),
        "action": "changed",
        "time": str(moment),
    }
    body["verify"] = sign(body, OAUTH_APP_SECRET)
    return body


def deliver_at_once(urls: list[str], body: dict[str, Any]) -> list[httpx.Response]:
    """POST ``body`` to every URL from its own thread and connection, released together."""
    barrier = threading.Barrier(len(urls))
    answers: list[httpx.Response | None] = [None] * len(urls)

    def send(i: int, url: str) -> None:
        with httpx.Client(timeout=HTTP_TIMEOUT) as client:
            client.get(f"{url}/health")  # connection open before the barrier
            barrier.wait(timeout=patience(30))
            answers[i] = client.post(f"{url}/webhooks/poster", json=body)

    threads = [threading.Thread(target=send, args=(i, u)) for i, u in enumerate(urls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=patience(60))
    assert all(a is not None for a in answers), "a delivery did not finish"
    return [a for a in answers if a is not None]


@pytest.mark.timeout(240)
def test_three_concurrent_copies_of_a_webhook_have_one_effect(db_url: str, tmp_path: Path) -> None:
    # The sandbox sends no webhooks of its own here: every inbox row is one of ours.
    with hub_stack(db_url, tmp_path, workers=2, sandbox_webhooks=False) as stack:
        urls = [stack.hub_url, *(stack.start_extra_api() for _ in range(COPIES - 1))]
        created = asyncio.run(
            post_orders(stack.hub_url, range(ORDERS), menu_lines(stack.hub_url), tag="dup")
        )
        wait_until_submitted(stack, set(created))
        pos_ids = dict(
            db_rows(
                db_url,
                "SELECT id, pos_order_id FROM orders WHERE pos_order_id IS NOT NULL",
            )
        )
        # The cashier accepts every order; Poster would now send a webhook (here: we do).
        for order in created:
            accepted = httpx.post(
                f"{stack.poster_url}/_sandbox/incoming-orders/{pos_ids[order]}/accept",
                timeout=HTTP_TIMEOUT,
            )
            assert accepted.status_code == 200, accepted.text

        moment = int(time.time())
        for order in created:
            answers = deliver_at_once(urls, signed_hook(pos_ids[order], moment))
            assert [a.status_code for a in answers] == [200] * COPIES, [a.text for a in answers]
            assert all(a.json() == {"status": "accept"} for a in answers)

        def settled() -> bool:
            statuses = dict(db_rows(db_url, "SELECT id, status FROM orders"))
            busy = db_rows(
                db_url, "SELECT count(*) FROM outbox_jobs WHERE status IN ('pending', 'running')"
            )[0][0]
            return all(statuses[o] == "accepted" for o in created) and not busy

        wait_for(settled, timeout=60, what="every order accepted, no job left")

        inbox = db_rows(db_url, "SELECT source, external_id FROM inbox_events")
        jobs = dict(db_rows(db_url, "SELECT kind, count(*) FROM outbox_jobs GROUP BY kind"))
        reconciles = db_rows(
            db_url,
            "SELECT key, count(*) FROM outbox_jobs WHERE kind = 'order.reconcile' GROUP BY key",
        )
        history = timelines(db_url)

    # One stored event per delivered webhook, whatever the number of copies …
    assert len(inbox) == ORDERS
    assert len({external_id for _, external_id in inbox}) == ORDERS
    # … one job for it, one reconcile per order, one move to accepted.
    assert jobs["inbox.poster"] == ORDERS
    assert dict(reconciles) == {order: 1 for order in created}
    for order in created:
        moves = [event for _, _, event in history[order] if event == "order.accepted"]
        assert len(moves) == 1, history[order]
