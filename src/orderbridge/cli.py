"""The ``orderbridge`` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, help="orderbridge: online orders ⇄ restaurant POS.")
sandbox_app = typer.Typer(no_args_is_help=True, help="Local emulators of external systems.")
app.add_typer(sandbox_app, name="sandbox")


@sandbox_app.command("poster")
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
    import uvicorn

    from orderbridge.log import configure_logging
    from orderbridge.sandboxes.poster.faults import FaultConfig, Faults
    from orderbridge.sandboxes.poster.launch import build_sandbox

    configure_logging()
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
    asgi, summary = build_sandbox(
        host=host,
        port=port,
        state=state,
        menu_size=menu_size,
        webhook_url=webhook_url,
        app_secret=app_secret,
        faults=faults,
        webhook_retry_scale=webhook_retry_scale,
    )
    typer.echo(summary)
    uvicorn.run(asgi, host=host, port=port, log_level="warning")


@app.command("demo")
def demo(
    poster_port: Annotated[int, typer.Option(help="Port of the Poster sandbox.")] = 8010,
) -> None:
    """Run the demo on this machine. Until the hub lands: the Poster sandbox's café."""
    sandbox_poster(port=poster_port)


def main() -> None:
    app()
