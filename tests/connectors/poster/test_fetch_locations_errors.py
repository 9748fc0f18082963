"""``fetch_locations`` keeps the port's promise when its parallel calls all fail: one
classified error, not a group of four."""

from __future__ import annotations

import pytest

from orderbridge.connectors.poster.connector import PosterConnector
from orderbridge.ports import PermanentError
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import DEMO_TOKEN


@pytest.mark.anyio
async def test_a_revoked_token_is_one_reauth_error(
    sandbox: PosterSandbox, connector: PosterConnector
) -> None:
    assert [spot.external_id for spot in await connector.fetch_locations()] == ["1", "2"]
    sandbox.world.revoked_tokens.append(DEMO_TOKEN)
    with pytest.raises(PermanentError) as refused:
        await connector.fetch_locations()
    assert refused.value.code == "reauth_required"
