"""Admin API for how a location takes orders: opening hours, busy mode, snoozes and
ordering options (``/api/v1/admin/locations/{id}/…``, admin keys only).

Hours and busy mode change the location's status and are announced like a pause
(``services.locations``: ``location.status_changed`` to storefronts, the channel status
job to Wix); snoozes change the menu and are published like any menu change
(``services.availability``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Response

from orderbridge.domain.availability import SnoozeTarget
from orderbridge.domain.errors import DomainError
from orderbridge.domain.location_options import OrderingOptions
from orderbridge.domain.locations import Location, WeeklySchedule
from orderbridge.domain.timing import TimingSettings
from orderbridge.ports import LocationRecord
from orderbridge.services import availability
from orderbridge.services import locations as location_service
from orderbridge.services.errors import ServiceError
from orderbridge.storage.codec_options import options_to_json
from orderbridge.web.convert_hours import hours_to_schedule, schedule_to_hours, snooze_out
from orderbridge.web.deps import AdminCaller, Context
from orderbridge.web.errors import ApiError
from orderbridge.web.routes.storefront import ERRORS, api_error, location_out
from orderbridge.web.schemas import LocationOut
from orderbridge.web.schemas.errors import ProblemOut
from orderbridge.web.schemas.location_ops import (
    BusyIn,
    HoursIO,
    OrderingIO,
    SnoozesIn,
    SnoozesOut,
)

router = APIRouter(prefix="/api/v1/admin/locations", tags=["admin: locations"], responses=ERRORS)
LocationId = Annotated[str, Path(max_length=100)]


def _record(ctx: Context, tenant_id: str, location_id: str) -> LocationRecord:
    with ctx.uow() as tx:
        try:
            return location_service.get_location(tx, tenant_id=tenant_id, location_id=location_id)
        except ServiceError as error:
            raise api_error(error) from None


def _change(
    ctx: Context, tenant_id: str, location_id: str, change: Callable[[Location], bool]
) -> LocationOut:
    with ctx.uow() as tx:
        try:
            record = location_service.change_status(
                tx,
                tenant_id=tenant_id,
                location_id=location_id,
                change=change,
                now=ctx.clock(),
            )
        except ServiceError as error:
            raise api_error(error) from None
        except DomainError as error:
            raise ApiError.from_domain(error) from None
    return location_out(record, ctx.clock())


def _hours(
    ctx: Context, tenant_id: str, location_id: str, schedule: WeeklySchedule | None
) -> LocationOut:
    now = ctx.clock()
    with ctx.uow() as tx:
        try:
            record = location_service.replace_hours(
                tx, tenant_id=tenant_id, location_id=location_id, schedule=schedule, now=now
            )
        except ServiceError as error:
            raise api_error(error) from None
    return location_out(record, now)


# Opening hours -----------------------------------------------------------------------


@router.get("/{location_id}/hours", response_model=HoursIO | None)
def read_hours(location_id: LocationId, ctx: Context, who: AdminCaller) -> HoursIO | None:
    """The weekly hours and exceptions; null: open around the clock."""
    return schedule_to_hours(_record(ctx, who.tenant_id, location_id).location.schedule)


@router.put("/{location_id}/hours", response_model=LocationOut)
def replace_hours(
    location_id: LocationId, body: HoursIO, ctx: Context, who: AdminCaller
) -> LocationOut:
    """Replace the opening hours (overlaps and repeated dates answer 422 with the field);
    channels get the new hours and the status they give now."""
    schedule, problems = hours_to_schedule(body)
    if problems:
        first = problems[0]
        listed = [
            ProblemOut(code="invalid_hours", message=p.message, field=p.field) for p in problems
        ]
        raise ApiError(422, "invalid_hours", first.message, first.field, problems=listed)
    return _hours(ctx, who.tenant_id, location_id, schedule)


@router.delete("/{location_id}/hours", response_model=LocationOut)
def clear_hours(location_id: LocationId, ctx: Context, who: AdminCaller) -> LocationOut:
    """No opening hours: open around the clock (a pause still stops orders)."""
    return _hours(ctx, who.tenant_id, location_id, None)


# Busy mode ---------------------------------------------------------------------------


@router.post("/{location_id}/busy", response_model=LocationOut)
def start_busy(
    location_id: LocationId, body: BusyIn, ctx: Context, who: AdminCaller
) -> LocationOut:
    """Promise times ``extra_minutes`` later, until ``until`` (or ``DELETE``)."""
    now = ctx.clock()
    return _change(
        ctx,
        who.tenant_id,
        location_id,
        lambda location: location.set_busy(now, extra_minutes=body.extra_minutes, until=body.until),
    )


@router.delete("/{location_id}/busy", response_model=LocationOut)
def end_busy(location_id: LocationId, ctx: Context, who: AdminCaller) -> LocationOut:
    """Back to the usual times."""
    now = ctx.clock()
    return _change(ctx, who.tenant_id, location_id, lambda location: location.end_busy(now))


# Snoozes -----------------------------------------------------------------------------


@router.get("/{location_id}/snoozes", response_model=SnoozesOut)
def read_snoozes(location_id: LocationId, ctx: Context, who: AdminCaller) -> SnoozesOut:
    """Snoozes still running, soonest end first, with the time each has left."""
    now = ctx.clock()
    with ctx.uow() as tx:
        try:
            found = availability.list_snoozes(
                tx, tenant_id=who.tenant_id, location_id=location_id, now=now
            )
        except ServiceError as error:
            raise api_error(error) from None
        menu = tx.get_menu(location_id)
    return SnoozesOut(snoozes=[snooze_out(s, menu=menu, now=now) for s in found])


@router.post("/{location_id}/snoozes", response_model=SnoozesOut, status_code=201)
def add_snoozes(
    location_id: LocationId, body: SnoozesIn, ctx: Context, who: AdminCaller
) -> SnoozesOut:
    """Make items, variants or modifiers unavailable until ``until``; they come back by
    themselves, and every channel hears of both changes."""
    targets = [
        *((SnoozeTarget.ITEM, i) for i in body.item_ids),
        *((SnoozeTarget.VARIANT, i) for i in body.variant_ids),
        *((SnoozeTarget.MODIFIER, i) for i in body.modifier_ids),
    ]
    if not targets:
        raise ApiError(422, "nothing_to_snooze", "name item, variant or modifier ids", "item_ids")
    try:
        added = availability.add_snoozes(
            ctx.uow,
            tenant_id=who.tenant_id,
            location_id=location_id,
            targets=targets,
            until=body.until,
            reason=body.reason,
            clock=ctx.clock,
        )
    except ServiceError as error:
        raise api_error(error) from None
    with ctx.uow() as tx:
        menu = tx.get_menu(location_id)
    now = ctx.clock()
    return SnoozesOut(snoozes=[snooze_out(s, menu=menu, now=now) for s in added])


@router.delete("/{location_id}/snoozes/{snooze_id}", status_code=204)
def delete_snooze(
    location_id: LocationId,
    snooze_id: Annotated[str, Path(max_length=64)],
    ctx: Context,
    who: AdminCaller,
) -> Response:
    """End a snooze now."""
    try:
        availability.remove_snooze(
            ctx.uow,
            tenant_id=who.tenant_id,
            location_id=location_id,
            snooze_id=snooze_id,
            clock=ctx.clock,
        )
    except ServiceError as error:
        raise api_error(error) from None
    return Response(status_code=204)


# Ordering options --------------------------------------------------------------------


def _ordering_out(options: OrderingOptions) -> OrderingIO:
    return OrderingIO.model_validate(options_to_json(options))


@router.get("/{location_id}/ordering", response_model=OrderingIO)
def read_ordering(location_id: LocationId, ctx: Context, who: AdminCaller) -> OrderingIO:
    """Lead and preparation times, automatic busy mode, charge products, promotions."""
    return _ordering_out(_record(ctx, who.tenant_id, location_id).options)


@router.patch("/{location_id}/ordering", response_model=OrderingIO)
def change_ordering(
    location_id: LocationId, body: OrderingIO, ctx: Context, who: AdminCaller
) -> OrderingIO:
    """Change what the body names; ``auto_busy_threshold: null`` turns auto busy off."""
    given = body.model_fields_set
    with ctx.uow() as tx:
        try:
            record = location_service.get_location(
                tx, tenant_id=who.tenant_id, location_id=location_id
            )
        except ServiceError as error:
            raise api_error(error) from None
        current = record.options
        timing = current.timing
        options = OrderingOptions(
            timing=TimingSettings(
                lead_time=_minutes(body.lead_time_minutes, timing.lead_time),
                prep_time=_minutes(body.prep_time_minutes, timing.prep_time),
            ),
            auto_busy_threshold=(
                body.auto_busy_threshold
                if "auto_busy_threshold" in given
                else current.auto_busy_threshold
            ),
            auto_busy_minutes=body.auto_busy_minutes or current.auto_busy_minutes,
            charge_products=(
                body.charge_products
                if body.charge_products is not None
                else current.charge_products
            ),
            promotions=body.promotions if body.promotions is not None else current.promotions,
        )
        tx.save_ordering_options(location_id, options)
        if options.timing.prep_time != timing.prep_time:
            # Channels show the preparation time (Wix's operation): push the new one.
            location_service.tell_channels(tx, location_id)
        tx.commit()
    return _ordering_out(options)


def _minutes(value: int | None, current: timedelta) -> timedelta:
    return current if value is None else timedelta(minutes=value)
