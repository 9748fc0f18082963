"""The connector registry: kinds, roles, capabilities, settings checks, building."""

from __future__ import annotations

import asyncio
import importlib
import sys
from typing import Any

import pytest

from orderbridge import connectors
from orderbridge.connectors import BuildContext, UnknownKind
from orderbridge.connectors._lazy import OnFirstLookup
from orderbridge.connectors.poster import CAPABILITIES as POSTER_CAPABILITIES
from orderbridge.connectors.poster import PosterConnector
from orderbridge.connectors.poster.events import POSTER_EVENT
from orderbridge.ports import ConnectionRecord, PermanentError


def connection(kind: str = "poster", **settings: object) -> ConnectionRecord:
    return ConnectionRecord(
        id="con_1",
        tenant_id="ten_1",
        kind=kind,
        role="pos",
        name="x",
        settings={"account": "cafe", **settings},
        credentials={"token": "t0k3n"},
        external_account="cafe",
        status="active",
    )


def test_every_entry_is_listed_under_its_own_kind() -> None:
    assert all(kind == e.kind for kind, e in connectors.CONNECTORS.items())
    assert "poster" in connectors.kinds("pos") and "wix" in connectors.kinds("channel")
    assert not set(connectors.kinds("pos")) & set(connectors.kinds("channel"))


def test_a_poster_connection_is_built_by_its_kind() -> None:
    built = connectors.build_pos(connection(), BuildContext(timeout_seconds=3))
    assert isinstance(built, PosterConnector)
    assert built.settings.timeout_seconds == 3 and built.capabilities is POSTER_CAPABILITIES


def test_an_unknown_kind_is_a_permanent_error_naming_it() -> None:
    with pytest.raises(UnknownKind, match="'square'") as caught:
        connectors.build_pos(connection("square"), BuildContext())
    assert isinstance(caught.value, PermanentError) and caught.value.code == "unknown_connector"


def test_a_channel_kind_builds_no_pos() -> None:
    with pytest.raises(UnknownKind, match="pos connector"):
        connectors.build_pos(connection("wix"), BuildContext())


def test_bad_settings_are_refused_in_one_line_with_the_field() -> None:
    with pytest.raises(ValueError, match=r"^account: ") as caught:
        connectors.validate("poster", {"account": "no spaces allowed"}, {"token": "x"})
    assert "\n" not in str(caught.value)
    with pytest.raises(PermanentError, match="invalid_settings"):
        connectors.build_pos(connection(timeout_seconds=0), BuildContext())


def test_capabilities_and_events_come_from_the_entries() -> None:
    assert connectors.capabilities("poster", {}) == POSTER_CAPABILITIES
    assert POSTER_EVENT in connectors.event_handlers()
    assert POSTER_EVENT in connectors.unguarded_events()


def test_the_declared_kinds_match_their_entries() -> None:
    """``_KINDS`` names each kind's role and stored-event jobs so the hub can start
    without importing the package; what it declares is what the package's entry says."""
    for kind, where in connectors._KINDS.items():
        found = connectors.CONNECTORS[kind]
        assert (found.kind, found.role) == (kind, where.role)
        assert frozenset(found.events) == where.events
        assert found.unguarded_events == where.unguarded_events


def test_a_kind_is_imported_on_first_lookup_and_its_first_job_runs() -> None:
    """A registry entry not yet imported: listed by kind, not loaded; its stored-event
    job's handler imports it when the first job runs, and hands the job over."""
    module = "tests.unit.connectors.lazy_kind"
    sys.modules.pop(module, None)
    registry = OnFirstLookup(("lazy_kind",), lambda kind: importlib.import_module(module).CONNECTOR)
    assert list(registry) == ["lazy_kind"] and not registry.made("lazy_kind")
    handler = connectors._on_first_job(registry, "lazy_kind", "inbox.lazy_kind")
    assert module not in sys.modules
    answer = asyncio.run(handler({"n": 1}, uow=_unused, pos_for=_unused, clock=_unused))
    assert answer == {"handled": {"n": 1}}
    assert registry.made("lazy_kind") and module in sys.modules
    assert registry["lazy_kind"].kind == "lazy_kind"


def test_a_kind_the_registry_does_not_know_is_not_looked_up() -> None:
    with pytest.raises(KeyError):
        connectors.CONNECTORS["square"]
    assert "square" not in connectors.CONNECTORS


def _unused(*_args: object) -> Any:
    raise AssertionError("not used by this handler")
