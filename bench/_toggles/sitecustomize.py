"""Switches for A/B runs of ``orderbridge serve`` under the benchmarks (not the hub's code).

Put this folder on ``PYTHONPATH`` and list switches in ``OB_BENCH_TOGGLES``
(comma-separated); only a process started as ``python -m orderbridge serve|worker``
is changed, so the Poster sandbox and the load generator run as they are. A switch
removes one component's cost, so that the CPU per order with and without it, read
from ``/proc`` under the same load, is what that component costs:

* ``nogc``: the cyclic garbage collector off (``gc.disable()``, and kept off).
* ``nogctune``: :func:`orderbridge.gctune.tune` does nothing (the interpreter's defaults).
* ``gen0=N``: :data:`orderbridge.gctune.GEN0_THRESHOLD` set to ``N``.
* ``nometrics``: prometheus-client's ``labels()``, ``inc()``, ``set()`` and
  ``observe()`` do nothing.
* ``trimgc``: runloop's periodic ``malloc_trim`` runs a young collection first.
* ``info``: the hub logs at INFO, its default (the benchmarks run at WARNING).
* ``meter``: no change, a meter: the thread CPU spent inside the cyclic collector
  (``gc.callbacks``) and inside prometheus-client's ``labels()``/``inc()``/
  ``observe()``/``set()``, with the collections per generation and the process's
  RSS and peak RSS (MiB), written as JSON to ``OB_BENCH_METER`` (rewritten at most
  once a second while the process runs); the collector's figures count from the
  first metrics call on (start-up left out).

Without a switch: ``OB_BENCH_LOOP_CPU=FILE`` installs the event loop's CPU profile
(``bench/_profile.py``, :func:`install_loop_cpu_profile`: SIGUSR1 starts it, SIGUSR2
writes it); ``bench/e2e_orders.py --loop-cpu FILE`` sets it.
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


_METER: dict[str, float] = {
    "gc_seconds": 0.0,
    "gc0": 0,
    "gc1": 0,
    "gc2": 0,
    "metrics_seconds": 0.0,
    "metrics_calls": 0,
}


def _meter() -> None:
    import gc
    import json
    import time

    from prometheus_client import metrics

    path = os.environ.get("OB_BENCH_METER", "/dev/null")
    started = [0.0]
    written = [0.0]

    def dump() -> None:
        now = time.monotonic()
        if now - written[0] >= 1.0:
            written[0] = now
            memory = {}
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith(("VmRSS:", "VmHWM:")):
                        name, kib = line.split()[:2]
                        memory[name.rstrip(":")] = round(int(kib) / 1024, 1)
            with open(path, "w") as out:
                json.dump({**_METER, **memory, "threshold": gc.get_threshold()}, out)

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.thread_time()
            return
        _METER["gc_seconds"] += time.thread_time() - started[0]
        _METER[f"gc{info['generation']}"] += 1
        dump()

    gc.callbacks.append(on_gc)

    def timed(function: object) -> object:
        def wrapper(*args: object, **kwargs: object) -> object:
            if not _METER["metrics_calls"]:  # the first request: start-up is over
                for key in ("gc_seconds", "gc0", "gc1", "gc2"):
                    _METER[key] = 0
            began = time.thread_time()
            try:
                return function(*args, **kwargs)  # type: ignore[operator]
            finally:
                _METER["metrics_seconds"] += time.thread_time() - began
                _METER["metrics_calls"] += 1

        return wrapper

    for cls, name in (
        (metrics.MetricWrapperBase, "labels"),
        (metrics.Counter, "inc"),
        (metrics.Gauge, "inc"),
        (metrics.Gauge, "dec"),
        (metrics.Gauge, "set"),
        (metrics.Histogram, "observe"),
    ):
        setattr(cls, name, timed(getattr(cls, name)))


def _trimgc() -> None:
    import gc

    from orderbridge import runloop

    plain = runloop.malloc_trim

    def collecting() -> object:
        trim = plain()
        if trim is None:
            return None

        def collect_then_trim() -> object:
            gc.collect(1)
            return trim()

        return collect_then_trim

    runloop.malloc_trim = collecting  # type: ignore[assignment]


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
    for toggle in _TOGGLES:
        if toggle.startswith("gen0="):
            from orderbridge import gctune

            gctune.GEN0_THRESHOLD = int(toggle.removeprefix("gen0="))
    if "trimgc" in _TOGGLES:
        _trimgc()
    if "meter" in _TOGGLES:
        _meter()
    if "info" in _TOGGLES:
        os.environ["ORDERBRIDGE_LOG_LEVEL"] = "INFO"

if os.environ.get("OB_BENCH_LOOP_CPU") and _is_hub():
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import _profile

    _profile.install_loop_cpu_profile(os.environ["OB_BENCH_LOOP_CPU"])
