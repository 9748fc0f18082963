"""Building a ready-to-serve sandbox from command-line choices."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from starlette.applications import Starlette

from orderbridge.sandboxes.wix.app import create_app
from orderbridge.sandboxes.wix.faults import Faults
from orderbridge.sandboxes.wix.sandbox import WixSandbox, load_world
from orderbridge.sandboxes.wix.seed import (
    ACCESS_TOKEN,
    LOCATION_NAME,
    OPERATION_ID,
    add_missing_pickup,
    demo_world,
)


def build_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 8020,
    state: Path | None = None,
    webhook_url: str = "",
    faults: Faults | None = None,
    resend_scale: float = 1.0,
) -> tuple[Starlette, str]:
    """The ASGI app and a human summary. A ``state`` file that exists is loaded as is,
    key pair included; ``webhook_url``, when given, is re-applied so a restart can
    point webhooks elsewhere."""
    public_url = f"http://{host}:{port}"
    if state is not None and state.exists():
        world = load_world(state)
        add_missing_pickup(world, datetime.now(UTC))
        if webhook_url:
            world.site.webhook_url = webhook_url
        origin = f"loaded from {state}"
    else:
        world = demo_world(webhook_url=webhook_url, now=datetime.now(UTC))
        origin = "seeded site, empty menu"
    sandbox = WixSandbox(world, faults=faults, state_file=state, public_url=public_url)
    if state is not None:
        sandbox.save()
    asgi = create_app(sandbox, resend_scale=resend_scale)
    summary = "\n".join(
        [
            f"Wix sandbox on {public_url} ({origin})",
            f"  instance:     {world.site.instance_id}",
            f"  access token: {ACCESS_TOKEN}  (header  Authorization: <token>)",
            f"  location:     {LOCATION_NAME}, operation {OPERATION_ID}",
            f"  public key:   {public_url}/_sandbox/public-key",
            f"  checkout:     {public_url}/checkout",
            f"  webhooks:     → {world.site.webhook_url or '(no URL set)'}",
        ]
    )
    return asgi, summary
