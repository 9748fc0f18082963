"""``order_fingerprints``: placing's two repeat look-ups (idempotency key, channel order
id) answered by one read, each half from its own unique key."""

from __future__ import annotations

from orderbridge.ports import OrderFingerprint
from tests.integration.support.world import OTHER_TENANT, TENANT, World, draft, place


def test_each_half_names_the_order_that_holds_that_key(world: World) -> None:
    keyed = place(world, draft("web-1"), idempotency_key="idem-1").stored
    other = place(world, draft("web-2")).stored
    with world.hub.uow() as tx:
        by_key, by_channel = tx.order_fingerprints(TENANT, "storefront", "web-2", "idem-1")
        assert by_key == OrderFingerprint(keyed.order.id, keyed.request_hash, None)
        assert by_channel == OrderFingerprint(other.order.id, other.request_hash, None)
        # One order holding both keys is both halves.
        both = tx.order_fingerprints(TENANT, "storefront", "web-1", "idem-1")
        assert both == (by_key, by_key)


def test_no_key_finds_no_keyed_order_and_other_tenants_are_not_seen(world: World) -> None:
    keyed = place(world, draft("web-1"), idempotency_key="idem-1").stored
    with world.hub.uow() as tx:
        by_key, by_channel = tx.order_fingerprints(TENANT, "storefront", "web-9", None)
        assert (by_key, by_channel) == (None, None)
        assert tx.order_fingerprints(OTHER_TENANT, "storefront", "web-1", "idem-1") == (
            None,
            None,
        )
        assert tx.order_fingerprints(TENANT, "storefront", "web-1", None)[1] == (
            OrderFingerprint(keyed.order.id, keyed.request_hash, None)
        )
