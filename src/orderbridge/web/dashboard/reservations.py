"""Reservations: the filtered list (soonest booking first) and one booking's story.

The list reads rows and decodes only the page shown (a booking's time, guests and
table are in its document); guests' contacts are masked like orders' customers'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orderbridge.domain.reservations import Reservation, ReservationStatus
from orderbridge.storage import codec
from orderbridge.storage import tables as t
from orderbridge.web.dashboard.auth import Signed
from orderbridge.web.dashboard.orders import page_number
from orderbridge.web.dashboard.orders_query import location_names
from orderbridge.web.dashboard.render import missing, render
from orderbridge.web.deps import Context

router = APIRouter(prefix="/admin", include_in_schema=False)

PER_PAGE = 50
STATUSES = tuple(s.value for s in ReservationStatus)


@dataclass(frozen=True)
class ReservationRow:
    """One line of the list: the booking as the channel made it, and where it stands."""

    reservation: Reservation
    pos_reservation_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class ReservationPage:
    rows: list[ReservationRow]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def reservation_page(
    db: Session, tenant_id: str, *, status: str, location_id: str, page: int
) -> ReservationPage:
    """Page ``page`` of the tenant's reservations, newest first, filtered."""
    record = t.ReservationRecord
    conds = [record.tenant_id == tenant_id]
    if status:
        conds.append(record.status == status)
    if location_id:
        conds.append(record.location_id == location_id)
    total = db.scalar(select(func.count()).select_from(record).where(*conds)) or 0
    page = max(1, min(page, max(1, -(-total // PER_PAGE))))
    found = db.scalars(
        select(record)
        .where(*conds)
        .order_by(record.created_at.desc(), record.id.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    rows = [
        ReservationRow(
            reservation=codec.reservation_from_json(
                row.document,
                id=row.id,
                status=ReservationStatus(row.status),
                timeline=(),
                external_refs={},
            ),
            pos_reservation_id=row.pos_reservation_id,
            created_at=row.created_at,
        )
        for row in found
    ]
    return ReservationPage(rows=rows, total=total, page=page)


@router.get("/reservations", response_class=HTMLResponse)
def reservation_list(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    params = request.query_params
    status = params.get("status", "")
    status = status if status in STATUSES else ""
    location_id = params.get("location", "")[:64]
    with ctx.sessions() as db:
        page = reservation_page(
            db, who.tenant_id, status=status, location_id=location_id, page=page_number(request)
        )
        names = location_names(db, who.tenant_id)
    return render(
        request,
        "reservations.html",
        who=who,
        page=page,
        statuses=STATUSES,
        names=names,
        filters={"status": status, "location": location_id},
    )


@router.get("/reservations/{reservation_id}", response_model=None)
def reservation_detail(
    reservation_id: str, request: Request, ctx: Context, who: Signed
) -> Response:
    with ctx.uow() as tx:
        stored = tx.get_reservation(reservation_id, tenant_id=who.tenant_id)
        if stored is None:
            return missing(request, "reservation", who)
        record = tx.get_location(stored.reservation.location_id)
    return render(
        request,
        "reservation.html",
        who=who,
        stored=stored,
        reservation=stored.reservation,
        location=record.location if record else None,
    )
