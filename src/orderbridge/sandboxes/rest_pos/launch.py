"""Building a ready-to-serve Countertop sandbox from command-line choices."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from orderbridge.sandboxes.rest_pos.app import create_app
from orderbridge.sandboxes.rest_pos.faults import Faults
from orderbridge.sandboxes.rest_pos.sandbox import CountertopSandbox
from orderbridge.sandboxes.rest_pos.seed import DEMO_API_KEY, DEMO_WEBHOOK_SECRET, demo_world
from orderbridge.sandboxes.rest_pos.state import World


def build_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 8030,
    state: Path | None = None,
    webhook_url: str = "",
    webhook_secret: str | None = None,
    faults: Faults | None = None,
    webhook_retry_scale: float = 1.0,
) -> tuple[Starlette, str]:
    """The ASGI app and a human summary. An existing ``state`` file is loaded as is (the
    webhook URL and secret given here are applied to it, so a restart can point them
    elsewhere); otherwise the café is seeded."""
    public_url = f"http://{host}:{port}"
    if state is not None and state.exists():
        world = World.model_validate_json(state.read_text(encoding="utf-8"))
        origin = f"loaded from {state}"
        if webhook_url:
            world.webhook.url = webhook_url
        if webhook_secret:
            world.webhook.secret = webhook_secret
    else:
        world = demo_world(
            webhook_url=webhook_url, webhook_secret=webhook_secret or DEMO_WEBHOOK_SECRET
        )
        origin = "seeded café"
    sandbox = CountertopSandbox(world, faults=faults, state_file=state)
    if state is not None:
        sandbox.save()
    products = sum(len(s.products) for s in world.stores.values())
    summary = "\n".join(
        [
            f"Countertop POS sandbox on {public_url} ({origin}; {len(world.stores)} stores, "
            f"{products} products)",
            f"  API:       {public_url}/v2/…  (Authorization: Bearer {DEMO_API_KEY})",
            f"  register:  {public_url}/register",
            f"  webhooks:  → {world.webhook.url or '(no URL set)'}, signed (endpoint secret)",
            "  manifest:  src/orderbridge/connectors/rest_pos/manifests/sandbox.toml",
        ]
    )
    return create_app(sandbox, webhook_retry_scale=webhook_retry_scale), summary
