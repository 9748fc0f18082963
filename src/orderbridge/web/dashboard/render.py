"""Templates, their filters, and the headers every dashboard page is sent with.

Pages are plain HTML from Jinja2 with autoescaping on; the only script is one small
file of progressive enhancement. The Content-Security-Policy allows nothing but this
hub's own origin, so even a menu item named ``<script>`` is inert twice over.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from orderbridge.domain.money import Money
from orderbridge.web.dashboard.masking import mask_email, mask_phone

if TYPE_CHECKING:
    from jinja2 import Environment

HERE = Path(__file__).parent
STATIC = HERE / "static"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

NOTICES = {
    "paused": "Location paused: channels stop taking its orders.",
    "resumed": "Location resumed: it takes orders again.",
    "replayed": "Order queued for submission to the POS again.",
    "retried": "Dead letter sent back to the queue.",
    "retried_all": "Dead letters sent back to the queue.",
    "signed_out": "Signed out.",
    "snoozed": "Snoozed: channels show it unavailable until the snooze ends.",
    "unsnoozed": "Snooze ended: it is available again.",
    "busy_on": "Busy mode on: promised times include the extra minutes.",
    "busy_off": "Busy mode ended: promised times are back to normal.",
    "mapped": "Mapping confirmed: orders use it from now on.",
    "ignored": "Item ignored: orders naming it fail until it is mapped.",
    "confirmed_all": "Mappings confirmed",
    "alert_removed": "Alert destination removed: it gets no more alerts.",
    "alert_test_queued": "Test alert queued: it reaches the destination within seconds.",
    "stuck_saved": "Saved: the incident watch uses the new wait from its next scan.",
}
PROBLEMS = {
    "pause_past": "A pause must end in the future.",
    "pause_invalid": "That pause could not be set: check the time and the reason.",
    "not_paused": "That location was not paused.",
    "not_replayable": "Only failed orders can be replayed.",
    "gone": "That dead letter is no longer dead (it was retried already).",
    "csrf": "The form expired; please try again.",
    "snooze_invalid": "That snooze could not be set: it must name something on the menu.",
    "snooze_gone": "That snooze had ended already.",
    "busy_invalid": "Busy mode needs 1 to 240 extra minutes and an end in the future.",
    "mapping_invalid": "That mapping could not be saved: the item or the POS target is gone.",
    "confidence_invalid": "The confidence is a number from 0 to 1.",
    "unmapped": "Some of its items are still unmapped: map them on the Mapping page first.",
    "alert_gone": "That alert destination was removed already.",
    "unknown_location": "There is no such location.",
}


def money(amount: int | None, currency: str) -> str:
    """``19000, "UAH"`` → ``190.00 UAH``."""
    return "" if amount is None else Money(amount, currency).format()


def local_time(moment: datetime | None, zone: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if moment is None else moment.astimezone(zone).strftime(fmt)


def query(base: dict[str, Any], **changes: Any) -> str:
    """``?a=1&page=2``: the current filters with ``changes``, empty values dropped."""
    merged = {**base, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else "?"


@cache
def environment() -> Environment:
    # Jinja2 is imported with the first page, not with the app: a worker builds the
    # app's modules but never renders (docs/benchmarks.md, "Idle RSS").
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=money,
        at=local_time,
        phone=mask_phone,
        email=mask_email,
    )
    env.globals.update(query=query)
    return env


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """``template`` rendered with ``context`` plus the page's notice or problem, if any."""
    params = request.query_params
    notice = NOTICES.get(params.get("done", ""))
    count = params.get("n", "")
    if notice and count.isdigit():
        notice = f"{notice} ({count})"
    html = (
        environment()
        .get_template(template)
        .render(
            request_path=request.url.path,
            notice=notice,
            problem=PROBLEMS.get(params.get("error", "")),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def missing(request: Request, what: str, who: object = None) -> HTMLResponse:
    """The 404 page: what is not there, or belongs to another tenant (the same answer)."""
    return render(request, "missing.html", status=404, what=what, who=who)


STATIC_TYPES = {"dashboard.css": "text/css", "dashboard.js": "text/javascript"}


@cache
def static_file(name: str) -> bytes:
    """The bytes of one of :data:`STATIC_TYPES` (the caller checks the name)."""
    return (STATIC / name).read_bytes()
