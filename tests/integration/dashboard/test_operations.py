"""The buttons: pause and resume a location, replay a failed order, retry dead letters."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from orderbridge.domain.orders import OrderStatus
from orderbridge.messaging.errors import PermanentError
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.messaging.worker import Worker
from orderbridge.services.orders import SUBMIT_ORDER
from tests.integration.dashboard.conftest import (
    LOCATION,
    OTHER_LOCATION,
    OTHER_STOREFRONT_KEY,
    STOREFRONT_KEY,
    Dashboard,
)


def _location_status(dash: Dashboard) -> tuple[bool, str]:
    with dash.hub.uow() as tx:
        record = tx.get_location(LOCATION)
        assert record is not None
        pause = record.location.pause_state
        return pause is not None, pause.reason if pause else ""


def test_pause_for_a_while_with_a_reason_then_resume(dash: Dashboard) -> None:
    dash.login()
    form = {"csrf": dash.csrf(), "minutes": "30", "reason": "kitchen full"}
    answer = dash.client.post(f"/admin/locations/{LOCATION}/pause", data=form)
    assert answer.status_code == 303 and "done=paused" in answer.headers["location"]
    assert _location_status(dash) == (True, "kitchen full")
    page = dash.client.get(answer.headers["location"]).text
    assert 'data-status="paused"' in page and "until 22 Nov 12:30" in page  # Kyiv time
    assert "kitchen full" in page and "Location paused" in page
    storefront = dash.client.get("/api/v1/locations", headers=_bearer())
    assert storefront.json()["locations"][0]["status"] == "paused"

    answer = dash.client.post(f"/admin/locations/{LOCATION}/resume", data={"csrf": dash.csrf()})
    assert answer.status_code == 303 and "done=resumed" in answer.headers["location"]
    assert _location_status(dash) == (False, "")
    assert 'data-status="open"' in dash.client.get("/admin").text


def test_pause_until_a_local_time(dash: Dashboard) -> None:
    dash.login()
    form = {"csrf": dash.csrf(), "minutes": "", "until": "2026-11-22T15:45"}
    dash.client.post(f"/admin/locations/{LOCATION}/pause", data=form)
    with dash.hub.uow() as tx:
        record = tx.get_location(LOCATION)
        assert record is not None and record.location.pause_state is not None
        until = record.location.pause_state.until
    assert until is not None and until.isoformat() == "2026-11-22T13:45:00+00:00"


def test_a_pause_ending_in_the_past_is_refused(dash: Dashboard) -> None:
    dash.login()
    form = {"csrf": dash.csrf(), "until": "2026-11-21T09:00"}
    answer = dash.client.post(f"/admin/locations/{LOCATION}/pause", data=form)
    assert "error=pause_past" in answer.headers["location"]
    assert _location_status(dash) == (False, "")
    assert "must end in the future" in dash.client.get(answer.headers["location"]).text


def test_resume_of_an_open_location_says_so(dash: Dashboard) -> None:
    dash.login()
    answer = dash.client.post(f"/admin/locations/{LOCATION}/resume", data={"csrf": dash.csrf()})
    assert "error=not_paused" in answer.headers["location"]


def _bearer() -> dict[str, str]:
    return {"Authorization": f"Bearer {STOREFRONT_KEY}"}


def _fail(dash: Dashboard, order_id: str) -> None:
    with dash.hub.uow() as tx:
        stored = tx.get_order(order_id)
        assert stored is not None
        stored.order.fail(dash.clock(), "unknown product 139 at the POS")
        tx.save_order(stored.order)
        tx.commit()


def test_replay_of_a_failed_order_queues_it_again(dash: Dashboard) -> None:
    order_id = dash.place("web-1001")
    _fail(dash, order_id)
    dash.login()
    page = dash.client.get(f"/admin/orders/{order_id}").text
    assert "Replay" in page and "unknown product 139" in page
    answer = dash.client.post(f"/admin/orders/{order_id}/replay", data={"csrf": dash.csrf()})
    assert answer.status_code == 303 and "done=replayed" in answer.headers["location"]
    with dash.hub.uow() as tx:
        stored = tx.get_order(order_id)
        assert stored is not None
        assert stored.order.status is OrderStatus.RECEIVED
        assert stored.order.timeline[-1].detail == "replayed by an operator"
    with dash.hub.sessions() as session:
        jobs = session.scalars(select(OutboxJob).where(OutboxJob.key == order_id)).all()
    assert [j.status for j in jobs] == ["pending", "pending"]
    again = dash.client.post(f"/admin/orders/{order_id}/replay", data={"csrf": dash.csrf()})
    assert "error=not_replayable" in again.headers["location"]


def _bury_submissions(dash: Dashboard) -> None:
    async def reject(job: JobView) -> None:
        raise PermanentError("unknown_product", "product 139 is not on the POS")

    worker = Worker(
        dash.hub.sessions,
        {SUBMIT_ORDER: reject},
        worker_id="test",
        poll_interval=0.01,
        retry_policy=RetryPolicy.for_tests(),
    )
    asyncio.run(worker.run_until_idle())


def _statuses(dash: Dashboard) -> dict[str, str]:
    with dash.hub.sessions() as session:
        rows = session.execute(select(OutboxJob.key, OutboxJob.status)).all()
    return {str(key): str(status) for key, status in rows}


def test_dead_letters_list_and_retry_one(dash: Dashboard) -> None:
    mine = dash.place("web-1")
    theirs = dash.place("their-1", key=OTHER_STOREFRONT_KEY, location_id=OTHER_LOCATION)
    _bury_submissions(dash)
    dash.login()
    page = dash.client.get("/admin/deadletters").text
    assert mine in page and theirs not in page
    assert "product 139 is not on the POS" in page and "order.submit" in page
    with dash.hub.sessions() as session:
        job_ids = {str(k): i for k, i in session.execute(select(OutboxJob.key, OutboxJob.id))}
    refused = dash.client.post(
        f"/admin/deadletters/{job_ids[theirs]}/retry", data={"csrf": dash.csrf()}
    )
    assert "error=gone" in refused.headers["location"]
    assert _statuses(dash)[theirs] == JobStatus.DEAD.value
    answer = dash.client.post(
        f"/admin/deadletters/{job_ids[mine]}/retry", data={"csrf": dash.csrf()}
    )
    assert "done=retried" in answer.headers["location"]
    assert _statuses(dash) == {mine: "pending", theirs: "dead"}
    assert "No dead letters" in dash.client.get("/admin/deadletters").text


def test_retry_all_revives_only_the_tenants_dead_letters(dash: Dashboard) -> None:
    mine = [dash.place(f"web-{n}") for n in range(3)]
    theirs = dash.place("their-1", key=OTHER_STOREFRONT_KEY, location_id=OTHER_LOCATION)
    _bury_submissions(dash)
    dash.login()
    assert ">3<" in dash.client.get("/admin").text.split("dead letters")[0][-200:]
    answer = dash.client.post("/admin/deadletters/retry-all", data={"csrf": dash.csrf()})
    assert answer.headers["location"] == "/admin/deadletters?done=retried_all&n=3"
    statuses = _statuses(dash)
    assert [statuses[m] for m in mine] == ["pending"] * 3
    assert statuses[theirs] == "dead"


def test_hostile_numbers_in_the_buttons_are_refused_gently(dash: Dashboard) -> None:
    """An id past 2^63 and minutes past any date (#15): the page's usual refusals."""
    dash.login()
    too_big = 2**63
    answer = dash.client.post(f"/admin/deadletters/{too_big}/retry", data={"csrf": dash.csrf()})
    assert answer.status_code == 303 and "error=gone" in answer.headers["location"]
    form = {"csrf": dash.csrf(), "minutes": "9" * 30, "reason": "forever"}
    answer = dash.client.post(f"/admin/locations/{LOCATION}/pause", data=form)
    assert answer.status_code == 303 and "error=pause_invalid" in answer.headers["location"]
    form = {"csrf": dash.csrf(), "minutes": "30", "reason": "kitchen\x00full"}
    answer = dash.client.post(f"/admin/locations/{LOCATION}/pause", data=form)
    assert answer.status_code == 303 and "error=pause_invalid" in answer.headers["location"]
    assert _location_status(dash) == (False, "")
