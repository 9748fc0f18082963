"""The Alerts page (destinations, incidents) and the open incidents on the Overview."""

from __future__ import annotations

from sqlalchemy import select

from orderbridge.services.alerts import DELIVER_ALERT
from orderbridge.services.incidents import clear_incident, raise_incident
from orderbridge.storage.alert_destinations import stuck_waits
from orderbridge.storage.alert_tables import AlertDestination
from tests.integration.dashboard.conftest import (
    CONNECTION,
    OTHER,
    OTHER_ADMIN_KEY,
    TENANT,
    Dashboard,
)
from tests.integration.support.world import jobs

HOOK = "http://93.184.215.14/services/T000/B000/XXXX"  # public: the SSRF guard is on


def _raise(dash: Dashboard, tenant: str = TENANT, subject: str = "ord_x") -> None:
    with dash.hub.uow() as tx:
        raise_incident(
            tx,
            tenant_id=tenant,
            kind="order.failed",
            subject_id=subject,
            detail="unknown_product: product 42 is not on the menu",
            now=dash.clock(),
            data={"order_id": subject, "channel_order_id": "web-1001"},
        )
        tx.commit()


def _destinations(dash: Dashboard) -> list[AlertDestination]:
    with dash.hub.sessions() as session:
        return list(session.scalars(select(AlertDestination).where(AlertDestination.active)))


def test_the_overview_shows_open_incidents_and_not_cleared_ones(dash: Dashboard) -> None:
    dash.login()
    assert "Needs attention" not in dash.client.get("/admin").text
    _raise(dash)
    page = dash.client.get("/admin").text
    assert "Needs attention" in page
    assert 'data-kind="order.failed"' in page
    assert "product 42 is not on the menu" in page
    assert 'href="/admin/orders/ord_x"' in page
    with dash.hub.uow() as tx:
        clear_incident(tx, kind="order.failed", subject_id="ord_x", now=dash.clock())
        tx.commit()
    assert "Needs attention" not in dash.client.get("/admin").text


def test_another_tenants_incidents_are_not_shown(dash: Dashboard) -> None:
    _raise(dash, tenant=OTHER, subject="ord_theirs")
    dash.login()
    assert "ord_theirs" not in dash.client.get("/admin").text
    assert "ord_theirs" not in dash.client.get("/admin/alerts").text


def test_a_destination_is_added_with_its_secret_shown_once_and_removed(dash: Dashboard) -> None:
    dash.login()
    csrf = dash.csrf("/admin/alerts")
    answer = dash.client.post(
        "/admin/alerts",
        data={
            "csrf": csrf,
            "url": HOOK,
            "description": "#ops",
            "events": ["order.failed", "order.stuck"],
        },
    )
    assert answer.status_code == 201
    assert "whsec_" in answer.text
    [row] = _destinations(dash)
    assert (row.url, row.events, row.description) == (
        HOOK,
        {"events": ["order.failed", "order.stuck"]},
        "#ops",
    )
    listed = dash.client.get("/admin/alerts").text
    assert HOOK in listed and "whsec_" not in listed
    gone = dash.client.post(f"/admin/alerts/{row.id}/delete", data={"csrf": dash.csrf()})
    assert (gone.status_code, gone.headers["location"]) == (303, "/admin/alerts?done=alert_removed")
    assert _destinations(dash) == []
    again = dash.client.post(f"/admin/alerts/{row.id}/delete", data={"csrf": dash.csrf()})
    assert again.headers["location"] == "/admin/alerts?error=alert_gone"


def test_send_a_test_queues_a_test_alert_to_that_destination_only(dash: Dashboard) -> None:
    dash.login()
    dash.client.post("/admin/alerts", data={"csrf": dash.csrf("/admin/alerts"), "url": HOOK})
    [row] = _destinations(dash)
    assert "Send a test" in dash.client.get("/admin/alerts").text
    sent = dash.client.post(f"/admin/alerts/{row.id}/test", data={"csrf": dash.csrf()})
    assert (sent.status_code, sent.headers["location"]) == (
        303,
        "/admin/alerts?done=alert_test_queued",
    )
    [job] = jobs(dash.hub, DELIVER_ALERT)
    assert job.payload["destination_id"] == row.id
    assert job.payload["message"]["type"] == "alert.test"
    unknown = dash.client.post("/admin/alerts/alr_nope/test", data={"csrf": dash.csrf()})
    assert unknown.headers["location"] == "/admin/alerts?error=alert_gone"
    assert len(jobs(dash.hub, DELIVER_ALERT)) == 1


def test_no_ticked_event_means_all_and_bad_urls_are_refused(dash: Dashboard) -> None:
    dash.login()
    answer = dash.client.post("/admin/alerts", data={"csrf": dash.csrf(), "url": HOOK})
    assert answer.status_code == 201
    assert _destinations(dash)[0].events == {"events": ["*"]}
    for url in ("ftp://ops.test/x", "http://127.0.0.1/x", ""):
        refused = dash.client.post("/admin/alerts", data={"csrf": dash.csrf(), "url": url})
        assert refused.status_code == 422, url
        assert 'class="flash bad"' in refused.text
    assert len(_destinations(dash)) == 1


def test_forms_need_the_csrf_token_and_other_tenants_cannot_remove(dash: Dashboard) -> None:
    dash.login()
    forged = dash.client.post("/admin/alerts", data={"csrf": "nope", "url": HOOK})
    assert forged.status_code in (303, 403)
    assert _destinations(dash) == []
    dash.client.post("/admin/alerts", data={"csrf": dash.csrf(), "url": HOOK})
    [row] = _destinations(dash)
    dash.client.post("/admin/logout", data={"csrf": dash.csrf()})
    dash.login(OTHER_ADMIN_KEY)
    theirs = dash.client.post(f"/admin/alerts/{row.id}/delete", data={"csrf": dash.csrf()})
    assert theirs.headers["location"] == "/admin/alerts?error=alert_gone"
    assert len(_destinations(dash)) == 1


def test_the_overview_marks_a_connection_whose_circuit_is_open(dash: Dashboard) -> None:
    dash.login()
    assert "circuit open" not in dash.client.get("/admin").text
    with dash.hub.uow() as tx:
        raise_incident(
            tx,
            tenant_id=TENANT,
            kind="connection.breaker_open",
            subject_id=CONNECTION,
            detail="5 calls in a row failed",
            now=dash.clock(),
            data={"connection_id": CONNECTION},
        )
        tx.set_connection_status(CONNECTION, "needs_reauth", "token revoked")
        tx.commit()
    page = dash.client.get("/admin").text
    assert 'class="badge s-failed breaker">circuit open' in page
    assert "badge s-needs_reauth" in page
    assert 'data-kind="connection.breaker_open"' in page


def _waits(dash: Dashboard) -> dict[str, int]:
    with dash.hub.sessions() as session:
        return {w.location_id: w.minutes for w in stuck_waits(session, TENANT)}


def test_each_locations_stuck_wait_is_set_on_the_page_and_checked(dash: Dashboard) -> None:
    dash.login()
    [location] = _waits(dash)
    assert _waits(dash) == {location: 10}  # the default
    assert f'action="/admin/alerts/stuck/{location}"' in dash.client.get("/admin/alerts").text
    saved = dash.client.post(
        f"/admin/alerts/stuck/{location}", data={"csrf": dash.csrf(), "minutes": "25"}
    )
    assert (saved.status_code, saved.headers["location"]) == (303, "/admin/alerts?done=stuck_saved")
    assert _waits(dash) == {location: 25}
    for bad in ("-1", "abc", "", "1441", "2.5", "\u00b2", "9" * 40):
        refused = dash.client.post(
            f"/admin/alerts/stuck/{location}", data={"csrf": dash.csrf(), "minutes": bad}
        )
        assert refused.status_code == 422, bad
        assert "a whole number from 0 to 1440" in refused.text
    off = dash.client.post(
        f"/admin/alerts/stuck/{location}", data={"csrf": dash.csrf(), "minutes": "0"}
    )
    assert off.status_code == 303
    assert _waits(dash) == {location: 0}


def test_another_tenants_location_wait_cannot_be_set(dash: Dashboard) -> None:
    with dash.hub.sessions() as session:
        [theirs] = [w.location_id for w in stuck_waits(session, OTHER)]
    dash.login()
    assert theirs not in dash.client.get("/admin/alerts").text
    answer = dash.client.post(
        f"/admin/alerts/stuck/{theirs}", data={"csrf": dash.csrf(), "minutes": "1"}
    )
    assert answer.headers["location"] == "/admin/alerts?error=unknown_location"
    with dash.hub.sessions() as session:
        assert [w.minutes for w in stuck_waits(session, OTHER)] == [10]
