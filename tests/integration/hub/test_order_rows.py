"""The unit of work's Core reads and writes on the order path, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from orderbridge.ports import Job, OrderFingerprint
from orderbridge.security import CredentialCipher, DecryptionError
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from orderbridge.storage.uow import JoinedUnitOfWork, SqlUnitOfWork
from tests.integration.support.world import (
    CONNECTION,
    LOCATION,
    OTHER_LOCATION,
    OTHER_TENANT,
    POSTER_TOKEN,
    TENANT,
    World,
    draft,
    jobs,
    place,
    stored,
)


def test_a_new_order_is_answered_exactly_as_it_reads_back(world: World) -> None:
    placed = place(world, idempotency_key="idem-1").stored
    again = stored(world.hub, placed.order.id)
    assert replace(again, order=placed.order) == placed
    mine, theirs = placed.order, again.order
    assert (mine.id, mine.key, mine.location_id, mine.status) == (
        theirs.id,
        theirs.key,
        theirs.location_id,
        theirs.status,
    )
    assert (mine.lines, mine.customer, mine.fulfilment, mine.payment, mine.note) == (
        theirs.lines,
        theirs.customer,
        theirs.fulfilment,
        theirs.payment,
        theirs.note,
    )
    assert (mine.created_at, mine.timeline, mine.external_refs, mine.totals) == (
        theirs.created_at,
        theirs.timeline,
        theirs.external_refs,
        theirs.totals,
    )


def test_fingerprints_name_an_order_by_either_key_within_its_tenant(world: World) -> None:
    placed = place(world, idempotency_key="idem-1").stored
    expected = OrderFingerprint(order_id=placed.order.id, request_hash=placed.request_hash)
    with world.hub.uow() as tx:
        assert tx.order_fingerprint(TENANT, "storefront", "web-1001") == expected
        assert tx.order_fingerprint_by_idempotency_key(TENANT, "idem-1") == expected
        assert tx.order_fingerprint(OTHER_TENANT, "storefront", "web-1001") is None
        assert tx.order_fingerprint_by_idempotency_key(OTHER_TENANT, "idem-1") is None
        assert tx.order_fingerprint(TENANT, "storefront", "web-9") is None
        assert tx.order_fingerprint_by_idempotency_key(TENANT, "idem-9") is None


def test_another_tenants_order_reads_as_missing(world: World) -> None:
    order_id = place(world).stored.order.id
    with world.hub.uow() as tx:
        assert tx.get_order(order_id, tenant_id=OTHER_TENANT) is None
        found = tx.get_order(order_id, tenant_id=TENANT)
        assert found is not None and found.order.id == order_id


def test_a_changed_document_is_decoded_again(world: World) -> None:
    """Decoded documents are kept per order, but only while the stored one is the same."""
    order_id = place(world, draft(note="first")).stored.order.id
    assert stored(world.hub, order_id).order.note == "first"
    with world.hub.sessions() as session, session.begin():
        row = session.get(t.OrderRecord, order_id)
        assert row is not None
        session.execute(
            update(t.OrderRecord)
            .where(t.OrderRecord.id == order_id)
            .values(document={**row.document, "note": "second"})
        )
    assert stored(world.hub, order_id).order.note == "second"


def test_the_pos_connection_id_needs_no_credentials(world: World) -> None:
    stranger = SqlUnitOfWork(
        world.hub.sessions, CredentialCipher("another key"), queue=world.hub.queue
    )
    with stranger as tx:
        assert tx.pos_connection_id(LOCATION) == CONNECTION
        assert tx.pos_connection_id(OTHER_LOCATION) is None
        with pytest.raises(DecryptionError):
            tx.pos_binding(LOCATION)
    with world.hub.uow() as tx:
        binding = tx.pos_binding(LOCATION)
        assert binding is not None
        assert binding[0].id == CONNECTION
        assert (binding[1].location_id, binding[1].external_id) == (LOCATION, "1")
        assert binding[0].credentials["token"] == POSTER_TOKEN


def test_new_credentials_are_read_at_once(world: World) -> None:
    with world.hub.uow() as tx:
        first = tx.pos_binding(LOCATION)
        assert first is not None
        first[0].credentials["token"] = "changed by a caller"  # a copy: nothing kept changes
    with world.hub.sessions() as session, session.begin():
        admin.update_connection_credentials(
            session, world.hub.cipher, CONNECTION, {"token": "poster-token-0002"}
        )
    with world.hub.uow() as tx:
        again = tx.pos_binding(LOCATION)
        connection = tx.get_connection(CONNECTION)
    assert again is not None and connection is not None
    assert again[0].credentials == {"token": "poster-token-0002"}
    assert connection.credentials == {"token": "poster-token-0002"}


def test_endpoint_ids_follow_the_events_each_endpoint_asked_for(world: World) -> None:
    with world.hub.sessions() as session, session.begin():
        accepted = admin.create_endpoint(
            session, world.hub.cipher, TENANT, url="http://b.test/h", events=["order.accepted"]
        ).id
        everything = admin.create_endpoint(
            session, world.hub.cipher, TENANT, url="http://c.test/h", events=["*"]
        ).id
        gone = admin.create_endpoint(
            session, world.hub.cipher, TENANT, url="http://d.test/h", events=["*"]
        ).id
        admin.delete_endpoint(session, TENANT, gone)
        admin.create_endpoint(
            session, world.hub.cipher, OTHER_TENANT, url="http://e.test/h", events=["*"]
        )
    with world.hub.uow() as tx:
        received = set(tx.endpoint_ids_for(TENANT, "order.received"))
        accepting = set(tx.endpoint_ids_for(TENANT, "order.accepted"))
        full = {e.id for e in tx.endpoints_for(TENANT, "order.accepted")}
    assert received == {world.endpoint_id, everything}
    assert accepting == {world.endpoint_id, everything, accepted} == full


def test_joined_units_of_work_read_the_endpoints_once_per_transaction(world: World) -> None:
    """The worker's settle batch joins one unit of work per order to one transaction:
    the endpoints are read once for it, each event still filtered; the next
    transaction reads them afresh."""

    def joined(session: Session) -> JoinedUnitOfWork:
        hub = world.hub
        return JoinedUnitOfWork(session, hub.cipher, hub.clock, queue=hub.queue)

    with world.hub.sessions() as session, session.begin():
        with joined(session) as tx:
            first = set(tx.endpoint_ids_for(TENANT, "order.accepted"))
        later = admin.create_endpoint(
            session, world.hub.cipher, TENANT, url="http://f.test/h", events=["*"]
        ).id
        with joined(session) as tx:  # a later order of the same batch: as read first
            assert set(tx.endpoint_ids_for(TENANT, "order.accepted")) == first
            assert set(tx.endpoint_ids_for(OTHER_TENANT, "order.accepted")) == set()
    assert world.endpoint_id in first and later not in first
    with world.hub.sessions() as session, session.begin(), joined(session) as tx:
        assert set(tx.endpoint_ids_for(TENANT, "order.accepted")) == first | {later}


def test_jobs_queued_together_are_stored_in_their_order(world: World) -> None:
    with world.hub.uow() as tx:
        tx.enqueue_many(
            [
                Job("test.first", {"n": 1}, key="k"),
                Job("test.second", {"n": 2}, key="k", connection_id=CONNECTION),
                Job("test.third", {"n": 3}),
            ]
        )
        tx.enqueue_many([])
        tx.commit()
    queued = [j for j in jobs(world.hub) if j.kind.startswith("test.")]
    assert [(j.kind, j.payload, j.key, j.connection_id, j.status) for j in queued] == [
        ("test.first", {"n": 1}, "k", None, "pending"),
        ("test.second", {"n": 2}, "k", CONNECTION, "pending"),
        ("test.third", {"n": 3}, None, None, "pending"),
    ]
    assert queued[0].id < queued[1].id < queued[2].id


def test_nothing_queued_or_stored_survives_a_unit_of_work_left_without_commit(
    world: World,
) -> None:
    before = len(jobs(world.hub))
    with world.hub.uow() as tx:
        tx.enqueue_many([Job("test.lost", {})])
    assert len(jobs(world.hub)) == before


def test_a_missing_location_and_another_tenants_read_as_none(world: World) -> None:
    with world.hub.uow() as tx:
        assert tx.get_location("nowhere") is None
        assert tx.get_location(OTHER_LOCATION, tenant_id=TENANT) is None
        record = tx.get_location(LOCATION, tenant_id=TENANT)
        assert record is not None and record.location.currency == "UAH"
        assert [r.location.id for r in tx.list_locations(OTHER_TENANT)] == [OTHER_LOCATION]
