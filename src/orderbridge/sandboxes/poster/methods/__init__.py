"""The API's method table: ``"section.method"`` → handler, merged from each section."""

from __future__ import annotations

from orderbridge.sandboxes.poster.context import Handler
from orderbridge.sandboxes.poster.methods import access, settings

METHODS: dict[str, Handler] = {
    **access.METHODS,
    **settings.METHODS,
}
