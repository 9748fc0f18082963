"""The occasional libraries, imported in a thread soon after start instead of on the
event loop at the first order.

To keep an idle process small, the hub imports some libraries only when work needs
them (docs/benchmarks.md, "Idle RSS of serve"): aiohttp with the POS client
(``connectors/_base.py``), phonenumbers with the first customer phone
(``web/contacts.py``), cryptography with the first credential (``security.py``).
Each such import runs wherever the first use happens — on the event loop, inside a
request or a job — and the loop serves nothing while it runs: on a fresh ``serve``
the first order's phone held every request for ~250 ms (``bench/first_order.py``).

``runloop.run(..., warm=...)`` imports them (:func:`import_in_thread`) in a worker
thread (``asyncio.to_thread``) as soon as the process runs, so the loop keeps
serving: the import's Python code still takes the interpreter lock, but hands it back
to the loop every switch interval (5 ms). A
request that needs a module while it is still being imported waits for that one
import (Python's per-module import lock), not for the others.

The connector packages of the kinds the deployment's connections use (and Wix's
webhook route) are warmed the same way (:func:`for_kinds`): the registry imports a kind
only when it is first looked up, so a first Wix webhook or REST POS job would import it
on the loop.

The cost is memory: a ``serve`` that has not yet taken an order holds phonenumbers
(aiohttp and cryptography are there anyway once the start-up jobs have called the
POS). A ``serve`` that has taken one order holds all of them either way, and that is
the idle figure that counts (docs/benchmarks.md, "Idle RSS and the first order's
stall (round 4, rss)").
Once they are in, the collector's frozen set takes them too (``gctune.py``), so the
full collections do not walk them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Iterable, Sequence

POS_CALLS = (
    "orderbridge.connectors.http_aiohttp",  # aiohttp: every POS and webhook call
    "cryptography.fernet",  # the connection's credentials (security.CredentialCipher)
)
"""What any process that runs jobs imports on its first job."""

SERVE = ("phonenumbers", *POS_CALLS)
"""What ``serve`` imports on its first order: the customer's phone (web/contacts.py)."""

_ROUTES = {"wix": "orderbridge.web.routes.wix_ingress"}
"""Kinds whose webhooks come to a route of their own, imported on its first request."""


def for_kinds(kinds: Iterable[str], *, web: bool) -> tuple[str, ...]:
    """What the connections of ``kinds`` import on their first use: each kind's
    connector package (the registry imports it on the kind's first lookup,
    connectors/__init__.py) and, in a process that serves HTTP (``web``), the kind's
    webhook route (web/app.py). Warmed at start, a deployment with Wix or a REST POS
    does not stall its loop at the first Wix webhook or REST POS job (~35–150 ms
    each), and one without them never loads them."""
    from orderbridge import connectors

    found: list[str] = []
    for kind in sorted(set(kinds)):
        package = connectors.package_of(kind)
        found += [package] if package is not None else []
        found += [_ROUTES[kind]] if web and kind in _ROUTES else []
    return tuple(found)


async def import_in_thread(modules: Sequence[str]) -> None:
    """Import ``modules`` one after the other in a worker thread, then freeze what they
    built out of the collector's way. One that fails to import is left for its first
    use to report."""
    for name in modules:
        with contextlib.suppress(Exception):
            # ``__import__``, the import statement's path: ``-X importtime`` reports it
            # (bench/idle_rss.py lists what a process imported from that report).
            await asyncio.to_thread(__import__, name)
    gc.freeze()
