"""``orderbridge sandbox poster|wix|rest-pos``: the local emulators of the systems the hub
talks to, each served on 127.0.0.1 with its seeded world and its fault knobs.

Each command declares its own options; the fault flags they share are declared once in
:mod:`orderbridge.commands.sandbox_faults` and arrive as one built ``FaultConfig``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from orderbridge.commands.sandbox_faults import fault_flags
from orderbridge.sandboxes.poster import faults as poster_faults
from orderbridge.sandboxes.rest_pos import faults as rest_pos_faults
from orderbridge.sandboxes.wix import faults as wix_faults

if TYPE_CHECKING:
    from starlette.types import ASGIApp

app = typer.Typer(no_args_is_help=True, help="Local emulators of external systems.")

Host = Annotated[str, typer.Option(help="Address to bind.")]
Port = Annotated[int, typer.Option(help="Port to bind.")]
StateFile = Annotated[
    Path | None, typer.Option(help="Persist the world in this JSON file across restarts.")
]
RetryScale = Annotated[float, typer.Option(help="Multiply webhook retry delays (0.001 for tests).")]

# The webhook-sending POS sandboxes (Poster, Countertop) suffer the same call faults.
_POS_FAULTS = (
    "latency_ms",
    "http_5xx_rate",
    "rate_limit_calls",
    "rate_limit_window",
    "hang_rate",
    "webhook_drop_rate",
    "webhook_duplicate_rate",
    "webhook_reorder",
    "fault_seed",
)


def _serve(
    build_sandbox: Callable[..., tuple[ASGIApp, str]], *, host: str, port: int, **options: Any
) -> None:
    """Build the sandbox's app on ``host:port`` (``build_sandbox`` of its ``launch``
    module, given ``options``), print what it serves, then serve it until interrupted."""
    import uvicorn

    from orderbridge.log import configure_logging

    asgi, summary = build_sandbox(host=host, port=port, **options)
    configure_logging()
    typer.echo(summary)
    uvicorn.run(asgi, host=host, port=port, log_level="warning")


@app.command("poster")
@fault_flags(
    poster_faults.FaultConfig,
    *_POS_FAULTS[:2],
    "error_44_rate",
    *_POS_FAULTS[2:],
    limit_answer="error 700",
)
def sandbox_poster(
    host: Host = "127.0.0.1",
    port: Port = 8010,
    state: StateFile = None,
    menu_size: Annotated[
        int | None, typer.Option(help="Generate a menu of N items instead of the café's.")
    ] = None,
    webhook_url: Annotated[str, typer.Option(help="Where application 76 receives webhooks.")] = "",
    app_secret: Annotated[
        str | None, typer.Option(help="Application 76's secret (signs its webhooks).")
    ] = None,
    webhook_retry_scale: RetryScale = 1.0,
    *,
    fault_config: poster_faults.FaultConfig,
) -> None:
    """Serve the Poster API sandbox with its seeded café."""
    from orderbridge.sandboxes.poster.launch import build_sandbox

    _serve(
        build_sandbox,
        host=host,
        port=port,
        state=state,
        menu_size=menu_size,
        webhook_url=webhook_url,
        app_secret=app_secret,
        faults=poster_faults.Faults(fault_config),
        webhook_retry_scale=webhook_retry_scale,
    )


@app.command("wix")
@fault_flags(
    wix_faults.FaultConfig,
    "latency_ms",
    "http_5xx_rate",
    "event_drop_rate",
    "event_duplicate_rate",
    "event_reorder",
    "fault_seed",
)
def sandbox_wix(
    host: Host = "127.0.0.1",
    port: Port = 8020,
    state: Annotated[
        Path | None,
        typer.Option(help="Persist the world (key pair included) in this JSON file."),
    ] = None,
    webhook_url: Annotated[str, typer.Option(help="Where the app receives webhooks.")] = "",
    resend_scale: Annotated[
        float, typer.Option(help="Multiply webhook resend delays (0.0001 for tests).")
    ] = 1.0,
    *,
    fault_config: wix_faults.FaultConfig,
) -> None:
    """Serve the Wix APIs sandbox: one restaurant site, its checkout, signed webhooks."""
    from orderbridge.sandboxes.wix.launch import build_sandbox

    _serve(
        build_sandbox,
        host=host,
        port=port,
        state=state,
        webhook_url=webhook_url,
        faults=wix_faults.Faults(fault_config),
        resend_scale=resend_scale,
    )


@app.command("rest-pos")
@fault_flags(rest_pos_faults.FaultConfig, *_POS_FAULTS, limit_answer="429")
def sandbox_rest_pos(
    host: Host = "127.0.0.1",
    port: Port = 8030,
    state: StateFile = None,
    webhook_url: Annotated[str, typer.Option(help="Where Countertop sends its webhooks.")] = "",
    webhook_secret: Annotated[
        str | None, typer.Option(help="The webhook endpoint's signing secret.")
    ] = None,
    webhook_retry_scale: RetryScale = 1.0,
    *,
    fault_config: rest_pos_faults.FaultConfig,
) -> None:
    """Serve Countertop, the REST POS sandbox, with its seeded café."""
    from orderbridge.sandboxes.rest_pos.launch import build_sandbox

    _serve(
        build_sandbox,
        host=host,
        port=port,
        state=state,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        faults=rest_pos_faults.Faults(fault_config),
        webhook_retry_scale=webhook_retry_scale,
    )
