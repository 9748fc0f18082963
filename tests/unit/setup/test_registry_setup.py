"""A registry kind with no setup of its own is still connected: its settings check, its
URLs for the SSRF guard, and a probe that lists the POS's places."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from orderbridge.bootstrap_setup import RegistrySetup, url_check
from orderbridge.connectors import ConnectorEntry
from orderbridge.ports import Capabilities, ConnectionRecord, PosLocationInfo, PosSystem
from orderbridge.services.errors import Invalid


def _validate(settings: Mapping[str, Any], credentials: Mapping[str, Any]) -> None:
    if "base_url" not in settings:
        raise ValueError("base_url: field required")


ENTRY = ConnectorEntry(
    kind="till",
    role="pos",
    title="Till POS",
    capabilities=lambda _settings: Capabilities(orders=True),
    validate=_validate,
)


class Places:
    """A POS that only lists its places (all ``fetch_locations`` needs)."""

    closed = False

    async def fetch_locations(self) -> Sequence[PosLocationInfo]:
        return [PosLocationInfo("7", "Main hall", currency="EUR")]

    async def aclose(self) -> None:
        Places.closed = True


def _pos(_connection: ConnectionRecord) -> PosSystem:
    return Places()  # type: ignore[return-value]


def test_the_registry_check_names_the_settings() -> None:
    setup = RegistrySetup(ENTRY, _pos)
    with pytest.raises(Invalid) as refused:
        setup.prepare({"token": "x"}, {})
    assert (refused.value.code, refused.value.field) == ("invalid_value", "settings")
    prepared = setup.prepare({"token": "x"}, {"base_url": "https://till.example"})
    assert (prepared.kind, prepared.role, prepared.name) == ("till", "pos", "Till POS")
    assert prepared.calls == (("settings.base_url", "https://till.example"),)


@pytest.mark.anyio
async def test_the_probe_lists_the_places_and_closes_the_connector() -> None:
    setup = RegistrySetup(ENTRY, _pos)
    record = ConnectionRecord("con_1", "ten_1", "till", "pos", "Till", {}, {}, None, "active")
    assert await setup.probe(record) == "till answered: 1 place — Main hall (7)"
    assert Places.closed


@pytest.mark.anyio
async def test_the_ssrf_guard_answers_a_code_and_a_reason() -> None:
    closed = url_check(allow_private=False)
    assert (await closed("http://127.0.0.1:8010"))[0] == "private_address"  # type: ignore[index]
    assert await url_check(allow_private=True)("http://127.0.0.1:8010") is None
