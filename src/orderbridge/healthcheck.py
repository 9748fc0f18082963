"""``python -m orderbridge.healthcheck [URL]``: exit 0 if URL answers 2xx, 1 otherwise.

The container image's ``HEALTHCHECK``. The default URL is the API's liveness probe on
the container's port (``http://127.0.0.1:8000/health/live``); ``ORDERBRIDGE_HEALTHCHECK_URL``
or the first argument changes it (a worker's: its metrics port). Standard library only,
so it works in the smallest image and costs one short-lived process.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/health/live"
TIMEOUT_SECONDS = 4.0


def check(url: str) -> bool:
    """Whether ``url`` answers 2xx within the timeout."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            return 200 <= int(answer.status) < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else os.environ.get("ORDERBRIDGE_HEALTHCHECK_URL", DEFAULT_URL)
    if not url.startswith(("http://", "https://")):
        print(f"not an http(s) URL: {url}", file=sys.stderr)
        return 2
    healthy = check(url)
    if not healthy:
        print(f"unhealthy: {url}", file=sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
