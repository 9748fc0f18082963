"""Switches for A/B runs of ``orderbridge serve`` under the benchmarks (not the hub's code).

Put this folder on ``PYTHONPATH`` and list switches in ``OB_BENCH_TOGGLES``
(comma-separated); only a process started as ``python -m orderbridge serve|worker``
is changed, so the Poster sandbox and the load generator run as they are. A switch
removes one component's cost, so that the CPU per order with and without it, read
from ``/proc`` under the same load, is what that component costs:

* ``nogc``: the cyclic garbage collector off (``gc.disable()``, and kept off).
* ``nogctune``: :func:`orderbridge.gctune.tune` does nothing (the interpreter's defaults).
* ``nometrics``: prometheus-client's ``labels()``, ``inc()``, ``set()`` and
  ``observe()`` do nothing.
* ``info``: the hub logs at INFO, its default (the benchmarks run at WARNING).
"""

from __future__ import annotations

import os
import sys

_TOGGLES = {t for t in os.environ.get("OB_BENCH_TOGGLES", "").split(",") if t}
_ARGV = list(getattr(sys, "orig_argv", sys.argv))


def _is_hub() -> bool:
    return "orderbridge" in _ARGV and any(a in ("serve", "worker") for a in _ARGV)


def _nogc() -> None:
    import gc

    gc.disable()
    gc.enable = lambda: None  # type: ignore[assignment]


def _nometrics() -> None:
    from prometheus_client import metrics

    def nothing(self: object, *args: object, **kwargs: object) -> None:
        return None

    def same(self: object, *args: object, **kwargs: object) -> object:
        return self

    metrics.MetricWrapperBase.labels = same  # type: ignore[method-assign]
    metrics.Counter.inc = nothing  # type: ignore[method-assign]
    metrics.Gauge.inc = nothing  # type: ignore[method-assign]
    metrics.Gauge.dec = nothing  # type: ignore[method-assign]
    metrics.Gauge.set = nothing  # type: ignore[method-assign]
    metrics.Histogram.observe = nothing  # type: ignore[method-assign]
    metrics.Summary.observe = nothing  # type: ignore[method-assign]


def _nogctune() -> None:
    try:
        from orderbridge import gctune
    except ImportError:
        return
    gctune.tune = lambda: None  # type: ignore[assignment]


if _TOGGLES and _is_hub():
    sys.stderr.write(f"bench toggles: {sorted(_TOGGLES)}\n")
    if "nogc" in _TOGGLES:
        _nogc()
    if "nometrics" in _TOGGLES:
        _nometrics()
    if "nogctune" in _TOGGLES:
        _nogctune()
    if "info" in _TOGGLES:
        os.environ["ORDERBRIDGE_LOG_LEVEL"] = "INFO"
