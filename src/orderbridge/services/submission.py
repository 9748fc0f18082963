"""One way to the POS for everything the hub creates there: orders and reservations.

Creating something at a POS is the one call the hub must not repeat, and orders and
reservations follow the same rules to get there (``pipeline.submit_order`` and
``reservations.submit_reservation`` both go through here):

* **Look before creating again.** Any try that an earlier one may have preceded (the
  job's second try on, or the first try of a job queued by an operator's replay) asks
  the POS for the hub's key first, where the POS can look keys up
  (``Capabilities.order_lookup_by_key``); a POS that cannot is one whose create is
  idempotent by the key itself, so creating again is the lookup.
* **The lease fence.** Right before creating, the try confirms it still holds its job
  (``before_create``; the worker passes ``messaging.lease.confirm_lease``): a try whose
  job was taken over stops there and the new owner looks first.
* **A revoked token parks, it does not fail.** The POS refusing the hub's credentials
  (``reauth_required``) parks the connection as ``needs_reauth`` and leaves the order
  or reservation waiting, recorded on its timeline, until someone re-authorises and
  replays it; any other permanent refusal fails it with the POS's reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from orderbridge.domain.lifecycle import TimelineEntry, Tracked
from orderbridge.ports import ConnectionRecord, PermanentError, PosOrderRef, UnitOfWork

REAUTH = "reauth_required"
# Timeline events after which a new job's first try may not be the first to reach the
# POS: an operator's replay (``<kind>.replayed``) or a replay of a waiting one.
_REPLAYED = (".replayed", ".replay_requested")

Fence = Callable[[], Awaitable[None]]


async def no_fence() -> None:
    """The fence outside a worker (a direct call in a test or the CLI): no lease."""
    return None


def replayed(timeline: Iterable[TimelineEntry]) -> bool:
    """Whether an operator replayed it: its current job follows earlier jobs' tries."""
    return any(entry.event.endswith(_REPLAYED) for entry in timeline)


def tried_before(attempt: int, timeline: Iterable[TimelineEntry]) -> bool:
    """Whether an earlier try may already have reached the POS.

    ``attempt`` counts tries of the job across retries and dead-letter revivals; a
    replay starts a new job whose first try still follows earlier tries.
    """
    return attempt > 1 or replayed(timeline)


def look_up_since(
    created_at: datetime, first_try_at: datetime | None, timeline: Iterable[TimelineEntry]
) -> datetime:
    """Where a look-up by key starts: the job's first try (nothing the job created at
    the POS can be older; a held or queued order may wait long before it), or — after
    a replay, or when the first try is not known — the subject's creation. The POS
    connector adds its own margin for the two clocks."""
    if first_try_at is None or replayed(timeline):
        return created_at
    return first_try_at


async def create_once(
    *,
    again: bool,
    can_look_up: bool,
    look_up: Callable[[], Awaitable[PosOrderRef | None]],
    create: Callable[[], Awaitable[PosOrderRef]],
    before_create: Fence = no_fence,
) -> tuple[PosOrderRef, bool]:
    """Find the POS's copy (when ``again`` and the POS can look keys up) or create it
    behind the fence; returns the reference and whether it was found."""
    if again and can_look_up:
        found = await look_up()
        if found is not None:
            return found, True
    await before_create()
    return await create(), False


def parks_for_reauth(
    tx: UnitOfWork,
    connection: ConnectionRecord,
    error: PermanentError,
    subject: Tracked[Any],
    now: datetime,
) -> bool:
    """If ``error`` is the POS refusing the hub's credentials, park ``connection`` as
    ``needs_reauth`` and record it on ``subject``'s timeline (its status stays: it
    waits for a replay). ``False`` for any other error: the caller fails the subject."""
    if error.code != REAUTH:
        return False
    tx.set_connection_status(connection.id, "needs_reauth", error.reason)
    subject.record(now, "pos.reauth_required", error.reason)
    return True


def park_connection_on_reauth(
    uow: Callable[[], UnitOfWork], connection: ConnectionRecord, error: PermanentError
) -> None:
    """After a status question (reconcile) the POS refused the hub's credentials: park
    the connection, or every sweep would make another dead letter of it."""
    if error.code != REAUTH:
        return
    with uow() as tx:
        tx.set_connection_status(connection.id, "needs_reauth", error.reason)
        tx.commit()
