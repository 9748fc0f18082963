"""Two processes connecting the same account at the same moment: one connection is
stored, the other answers as the checks do (``duplicate_connection`` for the same
tenant, ``account_taken`` for another) — never a 500, never two connections that
webhooks could not tell apart."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from orderbridge.ports import PosLocationInfo
from orderbridge.services.connection_setup import PreparedConnection
from orderbridge.services.errors import Conflict
from orderbridge.services.setup import NewConnection
from orderbridge.storage import tables as t
from tests.integration.admin.setup_support import OTHER, TENANT, Setup

PLACES = [
    PosLocationInfo("1", "Podil", timezone="Europe/Kyiv", currency="UAH"),
    PosLocationInfo("2", "Pechersk", timezone="Europe/Kyiv", currency="UAH"),
]
PREPARED = PreparedConnection(
    kind="poster",
    role="pos",
    name="Poster cafe",
    credentials={"token": "687409:0123456789abcdef0123456789abcdef"},
    settings={"account": "cafe"},
    external_account="cafe",
)


def _at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run ``calls`` on threads released together; each one's answer or exception."""
    start = threading.Barrier(len(calls))
    found: list[object] = [None] * len(calls)

    def run(n: int) -> None:
        start.wait()
        try:
            found[n] = calls[n]()
        except Exception as error:  # the outcome under test
            found[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return found


@pytest.mark.parametrize(("tenants", "code"), [((TENANT,) * 4, "duplicate_connection")])
def test_one_of_simultaneous_adds_is_stored(
    setup: Setup, tenants: tuple[str, ...], code: str
) -> None:
    store = setup.hub.setup_parts().store
    requests = [NewConnection(tenant, "poster", {}, {}) for tenant in tenants]
    outcomes = _at_once([lambda r=r: store.add(r, PREPARED, PLACES) for r in requests])
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == len(tenants) - 1, outcomes
    assert all(isinstance(o, Conflict) and o.code == code for o in refused), refused
    assert setup.count(t.Connection) == 1 and setup.count(t.Location) == 2


def test_another_tenant_is_told_the_account_is_taken(setup: Setup) -> None:
    store = setup.hub.setup_parts().store
    outcomes = _at_once(
        [
            lambda: store.add(NewConnection(TENANT, "poster", {}, {}), PREPARED, PLACES),
            lambda: store.add(NewConnection(OTHER, "poster", {}, {}), PREPARED, PLACES),
        ]
    )
    [refused] = [o for o in outcomes if isinstance(o, Exception)]
    assert isinstance(refused, Conflict) and refused.code == "account_taken", outcomes
    assert setup.count(t.Connection) == 1
