"""Sampling profiles of the processes under test, with py-spy, for the benchmarks.

``py-spy`` comes from PyPI (``uvx py-spy``, nothing added to the project); it samples a
running process from outside at ``rate`` Hz without slowing it much, so a benchmark
can profile ``orderbridge serve`` at its real load. :func:`record` starts it for
``seconds``; :func:`summary` reads its collapsed stacks (``--format raw``: one line per
distinct stack, ``frame;frame;… count``) into the share of samples per function, by
itself (*self*) and with what it calls (*total*).

The event loop's CPU is attributed differently (below, :func:`install_loop_cpu_profile`):
a cProfile of the loop thread timed by that thread's CPU clock, because py-spy's samples
do not tell an idle thread from a busy one on this VM.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>[^ ]+) \((?P<file>[^:]+)(?::\d+)?\)$")


def record(pid: int, out: Path, seconds: float, rate: int = 200) -> subprocess.Popen[bytes]:
    """Start sampling ``pid`` (all its threads, CPU only) into ``out`` for ``seconds``."""
    command = ["py-spy"] if shutil.which("py-spy") else ["uvx", "py-spy"]
    return subprocess.Popen(
        [
            *command,
            "record",
            "--pid",
            str(pid),
            "--rate",
            str(rate),
            "--duration",
            str(int(seconds)),
            "--format",
            "raw",
            "--nonblocking",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _name(frame: str) -> str:
    found = _FRAME.match(frame.strip())
    if not found:
        return frame.strip()
    file = found["file"]
    for marker in ("site-packages/", "src/", "lib/python3.11/"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{found['func']} ({file})"


def summary(raw: Path, top: int = 40) -> tuple[int, list[tuple[str, float, float]]]:
    """(samples, [(function, self share, total share)]) sorted by total share."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        samples += n
        frames = [_name(f) for f in stack.split(";") if f]
        if frames:
            own[frames[-1]] += n
        for name in set(frames):
            total[name] += n
    ranked = sorted(total, key=lambda k: -total[k])[:top]
    return samples, [(k, own[k] / max(samples, 1), total[k] / max(samples, 1)) for k in ranked]


# --- The event loop's CPU, attributed (round 5) -------------------------------------
#
# py-spy's shares are not CPU on this VM: it counts a thread idle in the thread pool's
# wait or in uvloop's epoll as running (25 % of its samples in round 4). What is wanted
# for the loop is where its *CPU* goes, so the loop thread itself is profiled by
# cProfile with the thread's CPU clock (``time.thread_time``) as its timer: a function's
# time is the CPU its thread spent in it, and a wait (epoll, a lock) costs nothing.
# ``sys.setprofile`` is per thread, and the hub's event loop runs on the main thread,
# where signal handlers run: SIGUSR1 starts the profile there, SIGUSR2 stops it and
# writes pstats. The executor threads are not profiled. The clock is a system call
# (no vDSO for thread clocks), so the profile slows the loop (about 2× here):
# read its times as shares of the loop's CPU, and take the loop's real CPU per order
# from an unprofiled run (``thread_cpu``).

LOOP_CPU_ENV = "OB_BENCH_LOOP_CPU"


def install_loop_cpu_profile(path: str) -> None:
    """In the hub process (bench/_toggles/sitecustomize.py calls it when
    ``OB_BENCH_LOOP_CPU`` names a file): SIGUSR1 starts a CPU-clock cProfile of the main
    (event-loop) thread, SIGUSR2 stops it and writes its stats to ``path``."""
    import cProfile
    import signal
    import time
    from types import FrameType

    profiler = cProfile.Profile(time.thread_time)

    def start(signum: int, frame: FrameType | None) -> None:
        profiler.enable()

    def stop(signum: int, frame: FrameType | None) -> None:
        profiler.disable()
        profiler.dump_stats(path)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)


def thread_cpu(pid: int) -> dict[int, tuple[str, float]]:
    """{thread id: (name, user + system CPU seconds so far)} of process ``pid`` (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    threads: dict[int, tuple[str, float]] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        threads[int(task.name)] = (name, (int(fields[11]) + int(fields[12])) / tick)
    return threads


def thread_cpu_per_order(
    pid: int, before: dict[int, tuple[str, float]], orders: int
) -> dict[str, float]:
    """ms of CPU per order since ``before``: the loop (main) thread and the rest."""
    after = thread_cpu(pid)
    spent = {tid: cpu - before.get(tid, (name, 0.0))[1] for tid, (name, cpu) in after.items()}
    loop = spent.pop(pid, 0.0)
    per = 1000 / max(orders, 1)
    return {
        "loop_thread": round(loop * per, 3),
        "other_threads": round(sum(spent.values()) * per, 3),
        "threads": len(after),
    }


def _short(file: str) -> str:
    for marker in ("site-packages/", "src/", "lib/python3.11/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


def loop_cpu_summary(stats_file: Path, orders: int, top: int = 40) -> list[str]:
    """The loop thread's profile as lines: its profiled CPU per order, then the
    functions by CPU with what they call (cumulative) and by their own CPU (self),
    in µs per order."""
    import pstats

    stats = pstats.Stats(str(stats_file)).stats  # type: ignore[attr-defined]
    per = 1e6 / max(orders, 1)
    rows = [
        (f"{func} ({_short(file)}:{line})", calls, own * per, cumulative * per)
        for (file, line, func), (_, calls, own, cumulative, _) in stats.items()
    ]
    total = sum(own for _, _, own, _ in rows)
    lines = [f"loop thread, profiled: {total:,.0f} µs of CPU per order ({orders} orders)"]
    lines.append("  cumulative µs/order, calls/order — function")
    for name, calls, _, cumulative in sorted(rows, key=lambda r: -r[3])[:top]:
        lines.append(f"  {cumulative:9.1f} {calls / max(orders, 1):7.2f}  {name}")
    lines.append("  self µs/order, calls/order — function")
    for name, calls, own, _ in sorted(rows, key=lambda r: -r[2])[:top]:
        lines.append(f"  {own:9.1f} {calls / max(orders, 1):7.2f}  {name}")
    return lines
