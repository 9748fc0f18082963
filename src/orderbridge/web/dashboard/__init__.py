"""The admin dashboard under ``/admin``: server-rendered pages for one tenant's operators.

Sign in with an admin API key (``/admin/login``); then the overview (locations with
pause/resume, connections, queue, recent orders), orders with their timelines and
replay, dead letters with retry, the published menus, the mapping of channels' own
menus to the POS menu, the alerts (destinations, incidents, each location's stuck
wait), and the set-up pages: connections (add, test, sync, replace token, remove),
locations (name, timezone, price policy), API keys and webhook endpoints. Mount it
with ``app.include_router(dashboard.router)``.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from orderbridge.web.dashboard import (
    alerts,
    auth,
    availability,
    catalog,
    connections,
    deadletters,
    endpoints,
    keys,
    location_settings,
    mapping,
    orders,
    overview,
    reservations,
)
from orderbridge.web.dashboard.render import STATIC_TYPES, static_file

router = APIRouter(include_in_schema=False)


@router.get("/admin/static/{name}")
def static(name: str) -> Response:
    """The stylesheet and the script; nothing else is served from here."""
    media_type = STATIC_TYPES.get(name)
    if media_type is None:
        return Response(status_code=404)
    return Response(
        static_file(name),
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


for _module in (
    auth,
    overview,
    orders,
    deadletters,
    catalog,
    availability,
    reservations,
    mapping,
    connections,
    keys,
    endpoints,
    location_settings,
    alerts,
):
    router.include_router(_module.router)

__all__ = ["router"]
