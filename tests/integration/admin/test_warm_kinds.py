"""``serve`` and ``worker`` warm the connector packages of the kinds the deployment's
connections use (commands/running.py, warmup.py), on SQLite and PostgreSQL both."""

from __future__ import annotations

from orderbridge import warmup
from orderbridge.commands import running
from orderbridge.storage import admin
from tests.integration.support.world import TENANT, World


def test_the_kinds_in_use_are_read_from_the_connections(world: World) -> None:
    """The world has one Poster connection; a REST POS connection makes two kinds,
    each named once, and the warm-up lists their packages (and no Wix)."""
    assert running._kinds_in_use(world.hub) == ["poster"]
    with world.hub.sessions() as session, session.begin():
        for n in (1, 2):
            admin.create_connection(
                session,
                world.hub.cipher,
                TENANT,
                kind="rest_pos",
                role="pos",
                name=f"REST POS {n}",
                credentials={},
                settings={},
                external_account=f"rest-{n}",
                connection_id=f"con_rest_{n}",
            )
    kinds = running._kinds_in_use(world.hub)
    assert sorted(kinds) == ["poster", "rest_pos"]
    assert warmup.for_kinds(kinds, web=True) == (
        "orderbridge.connectors.poster",
        "orderbridge.connectors.rest_pos",
    )
