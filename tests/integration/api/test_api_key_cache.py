"""API keys are answered from a short-lived cache; revocations in this process apply at once.

The clock of the cache is a hand-driven counter: no test waits for time to pass.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update

from orderbridge.storage import admin
from orderbridge.storage import tables as t
from orderbridge.storage.api_keys import ApiKeyCache, Caller
from orderbridge.storage.db import session_factory
from orderbridge.web.deps import WebContext, api_key_cache
from tests.integration.support.api import bearer, error_of
from tests.integration.support.world import TENANT, World


class Ticks:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _issue(world: World, scope: str = "storefront") -> admin.IssuedKey:
    with world.hub.sessions() as session, session.begin():
        return admin.issue_api_key(session, TENANT, name="cached", scope=scope)


def _elsewhere(world: World) -> ApiKeyCache:
    """Sessions of "another process": same database, a session factory nobody watches."""
    return ApiKeyCache(session_factory(world.hub.engine))


def test_a_key_revoked_in_this_process_is_refused_at_once(world: World) -> None:
    issued = _issue(world)
    client = TestClient(world.hub.app(), headers=bearer(issued.key))
    for _ in range(2):  # the second answer comes from the cache
        assert client.get("/api/v1/locations").status_code == 200
    with world.hub.sessions() as session, session.begin():
        assert admin.revoke_api_key(session, issued.id)
    assert error_of(client.get("/api/v1/locations")) == (401, "unauthorized", None)


def test_every_app_over_one_hub_hears_of_the_revocation(world: World) -> None:
    issued = _issue(world)
    clients = [TestClient(world.hub.app(), headers=bearer(issued.key)) for _ in range(3)]
    assert [c.get("/api/v1/locations").status_code for c in clients] == [200, 200, 200]
    with world.hub.sessions() as session, session.begin():
        assert admin.revoke_api_key(session, issued.id)
    assert [c.get("/api/v1/locations").status_code for c in clients] == [401, 401, 401]


def test_an_orm_update_of_a_key_empties_the_cache_on_commit(world: World) -> None:
    issued = _issue(world)
    keys = api_key_cache(_context_of(world))
    digest = keys.digest(issued.key)
    assert keys.load(digest) == Caller(TENANT, issued.id, "storefront", issued.id)
    with world.hub.sessions() as session, session.begin():
        session.execute(update(t.ApiKey).where(t.ApiKey.id == issued.id).values(scope="admin"))
        assert keys.get(digest) is not None  # not before the commit …
    assert keys.get(digest) is None  # … at once after it
    assert keys.load(digest) == Caller(TENANT, issued.id, "admin", issued.id)


def test_a_rolled_back_revocation_keeps_the_key(world: World) -> None:
    issued = _issue(world)
    keys = api_key_cache(_context_of(world))
    digest = keys.digest(issued.key)
    keys.load(digest)
    with world.hub.sessions() as session:
        assert admin.revoke_api_key(session, issued.id)
        session.flush()
        session.rollback()
    assert keys.get(digest) == Caller(TENANT, issued.id, "storefront", issued.id)


def test_another_process_revoking_is_seen_within_the_ttl(world: World) -> None:
    issued = _issue(world)
    ticks = Ticks()
    keys = ApiKeyCache(world.hub.readers, ttl=5.0, monotonic=ticks)
    keys.watch(world.hub.sessions)
    digest = keys.digest(issued.key)
    assert keys.load(digest) is not None
    other = session_factory(world.hub.engine)  # not watched: "another process"
    with other() as session, session.begin():
        admin.revoke_api_key(session, issued.id)
    ticks.now = 4.9
    assert keys.get(digest) is not None  # still trusted, for at most the TTL
    ticks.now = 5.0
    assert keys.get(digest) is None
    assert keys.load(digest) is None
    assert len(keys) == 0  # revoked keys are not kept


def test_unknown_keys_are_not_cached(world: World) -> None:
    client = TestClient(world.hub.app())
    plain = "ob_issued-elsewhere-0123456789"
    answer = client.get("/api/v1/locations", headers=bearer(plain))
    assert error_of(answer) == (401, "unauthorized", None)
    with session_factory(world.hub.engine)() as session, session.begin():
        admin.issue_api_key(session, TENANT, name="elsewhere", key=plain)
    # Issued by "another process" a moment later: it works at once.
    assert client.get("/api/v1/locations", headers=bearer(plain)).status_code == 200


def test_the_cache_is_bounded(world: World) -> None:
    keys = ApiKeyCache(world.hub.readers, max_entries=3)
    issued = [_issue(world) for _ in range(5)]
    digests = [keys.digest(i.key) for i in issued]
    for digest in digests:
        assert keys.load(digest) is not None
    assert len(keys) == 3
    assert [keys.get(d) is not None for d in digests] == [False, False, True, True, True]


def test_a_storefront_key_is_forbidden_on_admin_routes_from_the_cache_too(world: World) -> None:
    storefront = TestClient(world.hub.app(), headers=bearer(_issue(world).key))
    for _ in range(2):
        status, code, _ = error_of(storefront.get("/api/v1/admin/deadletters"))
        assert (status, code) == (403, "insufficient_scope")
    admin_client = TestClient(world.hub.app(), headers=bearer(_issue(world, "admin").key))
    for _ in range(2):
        assert admin_client.get("/api/v1/admin/deadletters").status_code == 200


def _context_of(world: World) -> WebContext:
    context: WebContext = world.hub.app().state.context
    return context
