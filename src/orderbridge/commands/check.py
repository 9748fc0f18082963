"""``orderbridge check``: what this deployment has, and whether it can work.

Configuration (it loaded: no unknown names, no bad values), the database (reachable,
migrated to this version), the secret key (not the development one; decrypts what is
stored) and each connection (its status, and — unless ``--offline`` — one harmless
call with its credentials). Exit 1 when any line says FAIL.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Annotated

import typer

from orderbridge.commands.common import JsonOption, echo_json, hub
from orderbridge.commands.preflight import Finding, database, secret

if TYPE_CHECKING:
    from orderbridge.bootstrap import Hub


def check(
    offline: Annotated[
        bool, typer.Option(help="Do not call the connected systems; report stored status only.")
    ] = False,
    as_json: Annotated[bool, JsonOption] = False,
) -> None:
    """Check the deployment: configuration, database, secret key, connections."""
    config = os.environ.get("ORDERBRIDGE_CONFIG")
    findings = [Finding(True, "configuration", f"loaded{f' (and {config})' if config else ''}")]
    with hub() as ob:
        findings.append(database(ob))
        if findings[-1].ok:
            findings.append(secret(ob))
            if findings[-1].ok:
                findings.extend(asyncio.run(connections(ob, offline=offline)))
    if as_json:
        echo_json({"ok": all(f.ok for f in findings), "checks": [vars(f) for f in findings]})
    else:
        for finding in findings:
            typer.echo(finding.line())
    if not all(f.ok for f in findings):
        raise typer.Exit(1)


async def connections(ob: Hub, *, offline: bool) -> list[Finding]:
    """A line per connection: its stored status, and what a test call found."""
    from orderbridge.services.setup import probe_connection
    from orderbridge.storage import admin

    with ob.sessions() as session:
        rows = [
            (r.id, r.tenant_id, r.kind, r.status, r.status_reason)
            for r in admin.connections(session)
        ]
    parts = ob.setup_parts()
    found = []
    try:
        for connection_id, tenant_id, kind, status, reason in rows:
            what = f"connection {connection_id} ({kind}, {tenant_id})"
            if status != "active":
                found.append(Finding(False, what, f"{status}: {reason or 'no reason given'}"))
            elif offline:
                found.append(Finding(True, what, "active (not called: --offline)"))
            else:
                probe = await probe_connection(
                    tenant_id,
                    connection_id,
                    parts=parts,
                )
                found.append(Finding(probe.ok, what, probe.said))
    finally:
        await ob.aclose()
    if not rows:
        found.append(Finding(True, "connections", "none yet"))
    return found
