"""What the set-up pages share: a one-off outcome shown on the page, and "done" notes.

Pages that show a secret once (a new API key, a webhook signing secret) render their
answer to the POST directly, so the secret never travels in a URL; the others
redirect back with ``?done=…`` and the page says what happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import RedirectResponse

from orderbridge.services.errors import ServiceError

DONE = {
    "connected": "Connected. Its menus are being imported.",
    "replaced": "Credentials replaced: the connection is active again.",
    "removed": "Connection removed; its locations, menus and orders stay.",
    "revoked": "Key revoked: it stops working within seconds.",
    "deleted": "Webhook endpoint deleted.",
    "saved": "Location saved.",
    "hours_saved": "Opening hours saved: storefronts and channels get them now.",
    "hours_cleared": "Opening hours removed: open around the clock (a pause still stops orders).",
    "added": "Location added: link it when you connect its POS.",
    "renamed": "Connection renamed.",
}


@dataclass(frozen=True)
class Outcome:
    """What a form did, to show once: ``ok`` green, else red; ``secret`` in a copy box."""

    ok: bool
    text: str
    secret: str = ""
    subject: str = ""  # the id of the thing it is about, to show it next to it
    copy_note: str = "Shown once: copy it now. Only its hash is stored."


def refused(error: ServiceError, subject: str = "") -> Outcome:
    """A refusal as the page shows it: its code, message and field."""
    field = f" ({error.field})" if error.field else ""
    return Outcome(False, f"{error.code}: {error.message}{field}", subject=subject)


def done_note(request: Request) -> Outcome | None:
    """The note for ``?done=…`` (and ``&n=…``), if any."""
    text = DONE.get(request.query_params.get("done", ""))
    if text is None:
        return None
    count = request.query_params.get("n", "")
    if count.isdigit() and int(count):
        text = f"{text} {count} parked job(s) sent back to the queue."
    return Outcome(True, text, subject=request.query_params.get("id", ""))


def back(path: str, done: str, **extra: str) -> RedirectResponse:
    query = "&".join(f"{k}={v}" for k, v in {"done": done, **extra}.items())
    return RedirectResponse(f"{path}?{query}", status_code=303)
