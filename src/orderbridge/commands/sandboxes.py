"""``orderbridge sandbox poster|wix|rest-pos``: the local emulators of the systems the hub
talks to, each served on 127.0.0.1 with its seeded world and its fault knobs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from starlette.types import ASGIApp

app = typer.Typer(no_args_is_help=True, help="Local emulators of external systems.")


def _serve(asgi: ASGIApp, summary: str, *, host: str, port: int) -> None:
    """Print what the sandbox serves, then serve it until interrupted."""
    import uvicorn

    from orderbridge.log import configure_logging

    configure_logging()
    typer.echo(summary)
    uvicorn.run(asgi, host=host, port=port, log_level="warning")


@app.command("poster")
def sandbox_poster(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8010,
    state: Annotated[
        Path | None, typer.Option(help="Persist the world in this JSON file across restarts.")
    ] = None,
    menu_size: Annotated[
        int | None, typer.Option(help="Generate a menu of N items instead of the café's.")
    ] = None,
    webhook_url: Annotated[str, typer.Option(help="Where application 76 receives webhooks.")] = "",
    app_secret: Annotated[
        str | None, typer.Option(help="Application 76's secret (signs its webhooks).")
    ] = None,
    webhook_retry_scale: Annotated[
        float, typer.Option(help="Multiply webhook retry delays (0.001 for tests).")
    ] = 1.0,
    latency_ms: Annotated[int, typer.Option(help="Fault: added latency per call.")] = 0,
    http_5xx_rate: Annotated[float, typer.Option(help="Fault: share of calls → 503.")] = 0.0,
    error_44_rate: Annotated[float, typer.Option(help="Fault: share → error 44.")] = 0.0,
    rate_limit_calls: Annotated[
        int, typer.Option(help="Fault: calls per window before error 700 (0: off).")
    ] = 0,
    rate_limit_window: Annotated[float, typer.Option(help="Rate-limit window, seconds.")] = 60.0,
    hang_rate: Annotated[
        float, typer.Option(help="Fault: share of writes done but never answered.")
    ] = 0.0,
    webhook_drop_rate: Annotated[float, typer.Option(help="Fault: share dropped.")] = 0.0,
    webhook_duplicate_rate: Annotated[float, typer.Option(help="Fault: share sent twice.")] = 0.0,
    webhook_reorder: Annotated[
        bool, typer.Option(help="Fault: deliver queued webhooks newest first.")
    ] = False,
    fault_seed: Annotated[int | None, typer.Option(help="Seed for the fault dice.")] = None,
) -> None:
    """Serve the Poster API sandbox with its seeded café."""
    from orderbridge.sandboxes.poster.faults import FaultConfig, Faults
    from orderbridge.sandboxes.poster.launch import build_sandbox

    faults = Faults(
        FaultConfig(
            latency_ms=latency_ms,
            http_5xx_rate=http_5xx_rate,
            error_44_rate=error_44_rate,
            rate_limit_calls=rate_limit_calls,
            rate_limit_window_seconds=rate_limit_window,
            hang_rate=hang_rate,
            webhook_drop_rate=webhook_drop_rate,
            webhook_duplicate_rate=webhook_duplicate_rate,
            webhook_reorder=webhook_reorder,
            seed=fault_seed,
        )
    )
    _serve(
        *build_sandbox(
            host=host,
            port=port,
            state=state,
            menu_size=menu_size,
            webhook_url=webhook_url,
            app_secret=app_secret,
            faults=faults,
            webhook_retry_scale=webhook_retry_scale,
        ),
        host=host,
        port=port,
    )


@app.command("wix")
def sandbox_wix(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8020,
    state: Annotated[
        Path | None,
        typer.Option(help="Persist the world (key pair included) in this JSON file."),
    ] = None,
    webhook_url: Annotated[str, typer.Option(help="Where the app receives webhooks.")] = "",
    resend_scale: Annotated[
        float, typer.Option(help="Multiply webhook resend delays (0.0001 for tests).")
    ] = 1.0,
    latency_ms: Annotated[int, typer.Option(help="Fault: added latency per call.")] = 0,
    http_5xx_rate: Annotated[float, typer.Option(help="Fault: share of calls → 503.")] = 0.0,
    event_drop_rate: Annotated[float, typer.Option(help="Fault: share of events dropped.")] = 0.0,
    event_duplicate_rate: Annotated[
        float, typer.Option(help="Fault: share of events sent twice.")
    ] = 0.0,
    event_reorder: Annotated[
        bool, typer.Option(help="Fault: deliver queued events newest first.")
    ] = False,
    fault_seed: Annotated[int | None, typer.Option(help="Seed for the fault dice.")] = None,
) -> None:
    """Serve the Wix APIs sandbox: one restaurant site, its checkout, signed webhooks."""
    from orderbridge.sandboxes.wix.faults import FaultConfig, Faults
    from orderbridge.sandboxes.wix.launch import build_sandbox

    faults = Faults(
        FaultConfig(
            latency_ms=latency_ms,
            http_5xx_rate=http_5xx_rate,
            event_drop_rate=event_drop_rate,
            event_duplicate_rate=event_duplicate_rate,
            event_reorder=event_reorder,
            seed=fault_seed,
        )
    )
    _serve(
        *build_sandbox(
            host=host,
            port=port,
            state=state,
            webhook_url=webhook_url,
            faults=faults,
            resend_scale=resend_scale,
        ),
        host=host,
        port=port,
    )


@app.command("rest-pos")
def sandbox_rest_pos(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8030,
    state: Annotated[
        Path | None, typer.Option(help="Persist the world in this JSON file across restarts.")
    ] = None,
    webhook_url: Annotated[str, typer.Option(help="Where Countertop sends its webhooks.")] = "",
    webhook_secret: Annotated[
        str | None, typer.Option(help="The webhook endpoint's signing secret.")
    ] = None,
    webhook_retry_scale: Annotated[
        float, typer.Option(help="Multiply webhook retry delays (0.001 for tests).")
    ] = 1.0,
    latency_ms: Annotated[int, typer.Option(help="Fault: added latency per call.")] = 0,
    http_5xx_rate: Annotated[float, typer.Option(help="Fault: share of calls → 503.")] = 0.0,
    rate_limit_calls: Annotated[
        int, typer.Option(help="Fault: calls per window before 429 (0: off).")
    ] = 0,
    rate_limit_window: Annotated[float, typer.Option(help="Rate-limit window, seconds.")] = 60.0,
    hang_rate: Annotated[
        float, typer.Option(help="Fault: share of writes done but never answered.")
    ] = 0.0,
    webhook_drop_rate: Annotated[float, typer.Option(help="Fault: share dropped.")] = 0.0,
    webhook_duplicate_rate: Annotated[float, typer.Option(help="Fault: share sent twice.")] = 0.0,
    webhook_reorder: Annotated[
        bool, typer.Option(help="Fault: deliver queued webhooks newest first.")
    ] = False,
    fault_seed: Annotated[int | None, typer.Option(help="Seed for the fault dice.")] = None,
) -> None:
    """Serve Countertop, the REST POS sandbox, with its seeded café."""
    from orderbridge.sandboxes.rest_pos.faults import FaultConfig, Faults
    from orderbridge.sandboxes.rest_pos.launch import build_sandbox

    faults = Faults(
        FaultConfig(
            latency_ms=latency_ms,
            http_5xx_rate=http_5xx_rate,
            rate_limit_calls=rate_limit_calls,
            rate_limit_window_seconds=rate_limit_window,
            hang_rate=hang_rate,
            webhook_drop_rate=webhook_drop_rate,
            webhook_duplicate_rate=webhook_duplicate_rate,
            webhook_reorder=webhook_reorder,
            seed=fault_seed,
        )
    )
    _serve(
        *build_sandbox(
            host=host,
            port=port,
            state=state,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            faults=faults,
            webhook_retry_scale=webhook_retry_scale,
        ),
        host=host,
        port=port,
    )
