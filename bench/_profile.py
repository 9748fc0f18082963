"""Sampling profiles of the processes under test, with py-spy, for the benchmarks.

``py-spy`` comes from PyPI (``uvx py-spy``, nothing added to the project); it samples a
running process from outside at ``rate`` Hz without slowing it much, so a benchmark
can profile ``orderbridge serve`` at its real load. :func:`record` starts it for
``seconds``; :func:`summary` reads its collapsed stacks (``--format raw``: one line per
distinct stack, ``frame;frame;… count``) into the share of samples per function, by
itself (*self*) and with what it calls (*total*).
"""

from __future__ import annotations

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
