"""Building a ready-to-serve sandbox from command-line choices."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from orderbridge.sandboxes.poster.app import create_app
from orderbridge.sandboxes.poster.faults import Faults
from orderbridge.sandboxes.poster.sandbox import PosterSandbox, load_world
from orderbridge.sandboxes.poster.seed import (
    DEMO_ACCOUNT,
    DEMO_TOKEN,
    OAUTH_APP_ID,
    OAUTH_APP_SECRET,
    demo_world,
)


def build_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 8010,
    state: Path | None = None,
    menu_size: int | None = None,
    webhook_url: str = "",
    app_secret: str | None = None,
    app_redirect_uri: str | None = None,
    faults: Faults | None = None,
    webhook_retry_scale: float = 1.0,
) -> tuple[Starlette, str]:
    """The ASGI app and a human summary. A ``state`` file that exists is loaded as is
    (the flags that seed apply only to a new world, except the webhook URL and secret,
    which are re-applied so a restart can point webhooks elsewhere; so is
    ``app_redirect_uri``, where application 76's OAuth consent sends the browser back)."""
    public_url = f"http://{host}:{port}"
    if state is not None and state.exists():
        world = load_world(state)
        app76 = world.applications.get(OAUTH_APP_ID)
        if app76 is not None:
            if webhook_url:
                app76.webhook_url = webhook_url
            if app_secret:
                app76.application_secret = app_secret
        origin = f"loaded from {state}"
    else:
        world = demo_world(
            app_secret=app_secret or OAUTH_APP_SECRET, webhook_url=webhook_url, menu_size=menu_size
        )
        origin = "seeded café" if not menu_size else f"generated menu of {menu_size} items"
    if app_redirect_uri is not None and OAUTH_APP_ID in world.applications:
        world.applications[OAUTH_APP_ID].redirect_uri = app_redirect_uri
    sandbox = PosterSandbox(world, faults=faults, state_file=state, public_url=public_url)
    if state is not None:
        sandbox.save()
    asgi = create_app(sandbox, webhook_retry_scale=webhook_retry_scale)
    products = sum(len(a.products) for a in world.accounts.values())
    summary = "\n".join(
        [
            f"Poster sandbox on {public_url} ({origin}; {products} products and dishes)",
            f"  API:       {public_url}/api/{{method}}?token=…",
            f"  register:  {public_url}/register",
            f"  account:   {DEMO_ACCOUNT}, personal integration token {DEMO_TOKEN}",
            f"  webhooks:  application {OAUTH_APP_ID} → {webhook_url or '(no URL set)'}",
        ]
    )
    return asgi, summary
