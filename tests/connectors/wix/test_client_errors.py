"""The client classifies what Wix answers: transient, permanent, stale revision."""

from __future__ import annotations

import pytest

from orderbridge.connectors.wix.client import MENU, RevisionConflict
from orderbridge.ports import PermanentError, TransientError
from orderbridge.sandboxes.wix.faults import FaultConfig
from orderbridge.sandboxes.wix.seed import OPERATION_ID, READ_ONLY_TOKEN
from tests.connectors.wix.support import client, new_sandbox

pytestmark = pytest.mark.anyio


async def test_a_503_is_transient() -> None:
    sandbox = new_sandbox()
    sandbox.faults.configure(FaultConfig(next_5xx=1))
    with pytest.raises(TransientError):
        await client(sandbox).list_locations()
    assert (await client(sandbox).list_locations())[0].default


async def test_an_unknown_token_needs_reauthorisation() -> None:
    with pytest.raises(PermanentError) as refused:
        await client(new_sandbox(), access_token="nope").list_locations()
    assert refused.value.code == "reauth_required"


async def test_a_read_only_token_cannot_write() -> None:
    with pytest.raises(PermanentError) as refused:
        await client(new_sandbox(), access_token=READ_ONLY_TOKEN).create_entity(
            MENU, {"name": "Меню"}
        )
    assert refused.value.code == "reauth_required"


async def test_an_unknown_id_is_not_found() -> None:
    with pytest.raises(PermanentError) as missing:
        await client(new_sandbox()).get_order("00000000-0000-0000-0000-000000000000")
    assert missing.value.code == "not_found"


async def test_an_invalid_body_names_the_field() -> None:
    with pytest.raises(PermanentError) as refused:
        await client(new_sandbox()).create_entity(MENU, {"name": ""})
    assert refused.value.code == "invalid_request" and "name" in refused.value.reason


async def test_a_stale_revision_is_a_revision_conflict_with_the_current_one() -> None:
    wix = client(new_sandbox())
    created = await wix.create_entity(MENU, {"name": "Меню"})
    await wix.update_entity(MENU, created.id, "1", {"name": "Меню дня"})
    with pytest.raises(RevisionConflict) as stale:
        await wix.update_entity(MENU, created.id, "1", {"name": "Інше"})
    assert stale.value.current_revision == "2"


async def test_a_wrong_state_carries_wix_s_code() -> None:
    wix = client(new_sandbox())
    operation = await wix.get_operation(OPERATION_ID)
    with pytest.raises(PermanentError) as refused:
        await wix.update_operation(
            OPERATION_ID, {"revision": operation.revision, "onlineOrderingStatus": "PAUSED_UNTIL"}
        )
    assert refused.value.code == "invalid_request"
