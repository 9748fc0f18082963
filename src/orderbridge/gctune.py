"""The cyclic garbage collector's settings for the long-running processes.

CPython frees most objects by reference counting; the cyclic collector runs besides,
every time allocations minus deallocations pass a threshold (700 by default for the
youngest generation), and walks every object of the generations it collects. A hub
serving orders allocates thousands of short-lived containers per order (request
scopes, SQLAlchemy rows, JSON trees, pydantic models), so at the defaults the young
generation is collected several times per order and the older ones every few dozen
orders — work that frees almost nothing, because almost nothing there is cyclic
garbage (docs/benchmarks.md, "Where serve's CPU per order goes (round 3)").

:func:`tune`, called by :func:`orderbridge.runloop.run` (so by ``serve`` and
``worker``, never by the one-shot CLI commands):

* collects once, then **freezes** what start-up left (imports, settings, the app):
  the frozen objects are left out of every later collection, so the full passes no
  longer walk them (``web/app.py`` freezes again once the app's lifespan starts, for
  what the app builds);
* raises the **young generation's threshold** to :data:`GEN0_THRESHOLD`: the
  collector runs about a tenth as often, each pass walking the few objects still
  alive since the last one. Cycles are still collected, only in larger batches; the
  older generations keep their ratios (a pass of generation 1 every ten of
  generation 0, and so on).
"""

from __future__ import annotations

import gc

GEN0_THRESHOLD = 7_000
"""Allocations (net of frees) between two collections of the youngest generation."""


def tune() -> None:
    """Freeze what exists now and raise the young generation's threshold (see above)."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, older, oldest)
