"""Group commit for the storefront's ``POST /api/v1/orders``.

Placing an order is one write transaction of about ten statements, and its commit and
the writer lock around it (on SQLite, one writer at a time per database) cost more
than the statements. As the webhook ingress does (``messaging.inbox_writer``),
requests that arrive together share one transaction
(:class:`~orderbridge.messaging.group_commit.GroupCommit`): each placement is a part of
its own (``SqlUnitOfWork.part``), so one that is refused (unknown location, invalid
items, an idempotency conflict) leaves nothing behind and does not touch the others —
on SQLite without a savepoint, since a placement refuses before it writes (the rare
failure after a write makes the batch start over with savepoints). Every request is
answered only once the shared transaction has committed — a 201 is never sent for an
order that could still be lost. The reads
that every order of a batch repeats (its location, menu, POS link, webhook endpoints)
are made once per batch (``web.batch_reads``).

Idempotency stays exact inside a batch: two requests with the same key in one batch
are placed one after the other in the same transaction, so the second finds the
first's row and answers it as a repeat (or 409 for a different body). A concurrent
twin committed by another process may still win the insert (``DuplicateKey``); the
placement is then tried once more, which finds it.

On a SQLite file the batch runs without a Session, on the DB-API connection
(``messaging/direct_sqlite.py``, ``storage/uow_placing.py``): the same writer lock,
``BEGIN IMMEDIATE`` and commit before any answer, without the ORM's cost per
transaction and statement. A placement that needs the ORM (a scheduled order's delayed
job, a channel with its own menu) is set aside with nothing written and placed
through a Session right after the batch committed; PostgreSQL keeps the Session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from fastapi import Request

from orderbridge.domain.drafts import OrderDraft
from orderbridge.domain.errors import DomainError
from orderbridge.messaging.direct_sqlite import DirectTransaction, DirectWriter
from orderbridge.messaging.group_commit import GroupCommit
from orderbridge.messaging.wakeup import ENQUEUED, notify_committed
from orderbridge.ports import DuplicateKey, UnitOfWork
from orderbridge.services import orders as order_service
from orderbridge.services.errors import ServiceError
from orderbridge.storage.codec import draft_hash
from orderbridge.storage.uow import SqlUnitOfWork
from orderbridge.storage.uow_parts import PartWritten
from orderbridge.storage.uow_placing import NeedsSession, PlacingUnitOfWork
from orderbridge.web.batch_reads import BatchReads
from orderbridge.web.convert import order_in_to_draft
from orderbridge.web.deps import WebContext
from orderbridge.web.errors import ApiError
from orderbridge.web.schemas import OrderIn

STOREFRONT = "storefront"
# Batches written at once on PostgreSQL, each on its thread and connection (SQLite
# has one writer: one batch at a time).
POSTGRES_WRITERS = 4


@dataclass(frozen=True, slots=True)
class Placement:
    """One ``POST /orders``: its validated body and who sent it."""

    body: OrderIn
    tenant_id: str
    placed_by: str
    sees_all: bool
    idempotency_key: str | None


class OrderIntake:
    """Places storefront orders in group-committed batches (see the module docstring).

    The batch's transaction runs on a worker thread: placing an order is mostly Python
    (menu checks, pricing), and meanwhile the event loop reads the requests that will
    form the next batch. On PostgreSQL several batches are written at once
    (``POSTGRES_WRITERS``): there a transaction mostly waits on round trips.
    """

    def __init__(self, ctx: WebContext) -> None:
        self._ctx = ctx
        with ctx.sessions() as session:  # no connection is opened: this reads the URL
            sqlite = session.get_bind().dialect.name == "sqlite"
        probe = ctx.uow()  # not entered: no session yet; what a direct batch needs of it
        self._template = probe if isinstance(probe, SqlUnitOfWork) else None
        self._direct = DirectWriter(ctx.sessions)
        self._group: GroupCommit[Placement, order_service.Placed] = GroupCommit(
            self.place_now, writers=1 if sqlite else POSTGRES_WRITERS
        )

    async def place(self, placement: Placement) -> order_service.Placed:
        """The placed (or repeated) order once committed; raises what refused it:
        :class:`ApiError` or :class:`~orderbridge.services.errors.ServiceError`."""
        return await self._group.submit(placement)

    def place_now(
        self, placements: Sequence[Placement]
    ) -> list[order_service.Placed | BaseException]:
        """Place ``placements`` in one transaction, each in a part of its own.

        First without savepoints (on SQLite): a placement is refused before it writes
        anything, so a refusal needs nothing undone. Should one fail after writing (a
        twin's insert won, say), that transaction is dropped uncommitted and the batch
        is placed again with a savepoint per placement (``SqlUnitOfWork.part``).
        """
        if self._direct.able and self._template is not None:
            try:
                return self._place_direct(placements, unguarded=True)
            except PartWritten:
                return self._place_direct(placements, unguarded=False)
        return self._place_session(placements)

    def _place_session(
        self, placements: Sequence[Placement]
    ) -> list[order_service.Placed | BaseException]:
        try:
            return self._place_batch(placements, unguarded=True)
        except PartWritten:
            return self._place_batch(placements, unguarded=False)

    def _place_direct(
        self, placements: Sequence[Placement], *, unguarded: bool
    ) -> list[order_service.Placed | BaseException]:
        """The batch on SQLite's DB-API connection (module docstring); placements that
        need the ORM are placed through a Session once this batch has committed."""
        outcomes: dict[int, order_service.Placed | BaseException] = {}
        with self._direct.transaction() as transaction:
            if transaction is None:  # the engine cannot (in-memory SQLite): a Session
                return self._place_session(placements)
            tx = self._direct_uow(transaction)
            reads = cast(UnitOfWork, BatchReads(tx))
            for n, placement in enumerate(placements):
                try:
                    outcomes[n] = self._place(tx, reads, placement, unguarded=unguarded)
                except (ApiError, ServiceError) as refused:
                    outcomes[n] = refused
                except NeedsSession:
                    continue  # its part wrote nothing (or was undone): placed below
        if transaction is not None and transaction.info.get(ENQUEUED):
            notify_committed(self._ctx.sessions)
        later = [p for n, p in enumerate(placements) if n not in outcomes]
        placed_later = iter(self._place_later(later) if later else [])
        return [
            outcomes[n] if n in outcomes else next(placed_later) for n in range(len(placements))
        ]

    def _place_later(
        self, placements: Sequence[Placement]
    ) -> list[order_service.Placed | BaseException]:
        """The set-aside placements, through a Session; the direct batch is committed
        already, so a failure here is theirs alone (not the batch's, which
        ``GroupCommit`` would place again one by one)."""
        try:
            return self._place_session(placements)
        except Exception as error:  # a database error: each answers it (503)
            return [error] * len(placements)

    def _direct_uow(self, transaction: DirectTransaction) -> PlacingUnitOfWork:
        template = self._template
        assert template is not None
        return PlacingUnitOfWork(transaction, template.cipher, template.clock, queue=template.queue)

    def _place_batch(
        self, placements: Sequence[Placement], *, unguarded: bool
    ) -> list[order_service.Placed | BaseException]:
        outcomes: list[order_service.Placed | BaseException] = []
        with self._ctx.uow() as tx:
            if not isinstance(tx, SqlUnitOfWork):  # a unit of work without savepoints
                return [self._alone(p) for p in placements]
            # The location, menu, POS link, endpoints … read once for the whole batch.
            reads = cast(UnitOfWork, BatchReads(tx))
            for placement in placements:
                try:
                    outcomes.append(self._place(tx, reads, placement, unguarded=unguarded))
                except (ApiError, ServiceError) as refused:
                    outcomes.append(refused)
            tx.commit()
        return outcomes

    def _alone(self, placement: Placement) -> order_service.Placed | BaseException:
        for _ in range(2):  # a fresh transaction for the retry: the failed one is spent
            try:
                with self._ctx.uow() as tx:
                    return _place_once(tx, placement, self._ctx)
            except DuplicateKey:
                continue
            except (ApiError, ServiceError) as refused:
                return refused
        return _parallel()

    def _place(
        self, tx: SqlUnitOfWork, reads: UnitOfWork, placement: Placement, *, unguarded: bool
    ) -> order_service.Placed:
        for _ in range(2):  # a concurrent twin may win the insert; the retry then finds it
            try:
                with tx.part(unguarded=unguarded):
                    return _place_once(reads, placement, self._ctx)
            except DuplicateKey:
                continue
        raise _parallel()


def _parallel() -> ApiError:
    return ApiError(409, "duplicate_order", "the order is being placed by a parallel request")


def _place_once(tx: UnitOfWork, placement: Placement, ctx: WebContext) -> order_service.Placed:
    """Read the location (its currency prices the body) and place the order."""
    body = placement.body
    record = tx.get_location(body.location_id, tenant_id=placement.tenant_id)
    if record is None:
        raise ApiError(404, "unknown_location", "no such location", "location_id")
    draft = _draft(body, record.location.currency)
    return order_service.place_order(
        tx,
        tenant_id=placement.tenant_id,
        draft=draft,
        request_hash=draft_hash(draft),
        now=ctx.clock(),
        idempotency_key=placement.idempotency_key,
        location=record,
        placed_by=placement.placed_by,
        sees_all=placement.sees_all,
    )


def _draft(body: OrderIn, currency: str) -> OrderDraft:
    try:
        return order_in_to_draft(body, channel=STOREFRONT, currency=currency)
    except DomainError as error:
        raise ApiError.from_domain(error) from None


def order_intake(request: Request) -> OrderIntake:
    """The app's intake, made with its first order."""
    state = request.app.state
    intake: OrderIntake | None = getattr(state, "order_intake", None)
    if intake is None:
        intake = state.order_intake = OrderIntake(state.context)
    return intake
