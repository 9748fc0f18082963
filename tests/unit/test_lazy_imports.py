"""Processes import the occasional libraries only for the work that needs them."""

from __future__ import annotations

import subprocess
import sys


def _loaded(probe: str, candidates: tuple[str, ...]) -> list[str]:
    """Which of ``candidates`` are in ``sys.modules`` after ``probe`` ran in a fresh
    interpreter (this one has imported everything already)."""
    script = (
        f"import sys\n{probe}\n"
        f"print(' '.join(sorted(m for m in {candidates!r} if m in sys.modules)))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()


def test_building_the_hub_loads_none_of_the_occasional_libraries() -> None:
    """What ``serve`` and ``worker`` import before any work: no Alembic, no psycopg on
    SQLite, no rapidfuzz, Jinja2, jsonschema or phonenumbers — each is imported by the
    work that needs it (docs/benchmarks.md, "Idle RSS")."""
    heavy = ("alembic", "mako", "psycopg", "rapidfuzz", "jinja2", "jsonschema", "phonenumbers")
    assert _loaded("import orderbridge.bootstrap, orderbridge.cli", heavy) == []


def test_a_worker_does_not_import_the_web_app_or_the_wix_crypto() -> None:
    """``orderbridge worker`` builds no HTTP app: FastAPI, Starlette and the routes stay
    out; PyJWT and cryptography's RSA/X.509 wait for a Wix webhook or set-up."""
    web = (
        "fastapi",
        "starlette",
        "orderbridge.web.app",
        "orderbridge.web.routes",
        "jwt",
        "cryptography.x509",
        "cryptography.hazmat.primitives.asymmetric.rsa",
    )
    assert _loaded("import orderbridge.bootstrap, orderbridge.cli", web) == []


def test_import_lean_keeps_rich_and_httpx_cli_out_and_rich_still_imports() -> None:
    """``runloop.import_lean`` (first thing ``serve`` and ``worker`` do): httpx and
    structlog come without Rich, Pygments and httpx's CLI; Rich imports later as usual
    (the CLI's tables), and httpx and structlog work."""
    extras = ("rich", "pygments", "attr", "click", "httpx._main")
    lean = "from orderbridge import runloop\nrunloop.import_lean()"
    hub = "import orderbridge.bootstrap, orderbridge.cli"
    assert _loaded(f"{lean}\n{hub}", extras) == []
    assert _loaded(f"{hub}", extras) != []  # what it saves: without it, they come
    later = (
        f"{lean}\n{hub}\n"
        "import rich.console, httpx, structlog\n"
        "assert httpx.Request('GET', 'http://127.0.0.1/').method == 'GET'\n"
        "structlog.get_logger().bind(x=1)\n"
        "rich.console.Console(file=open('/dev/null', 'w')).print('ok')\n"
    )
    assert _loaded(later, ("rich",)) == ["rich"]


def test_import_lean_does_nothing_once_the_libraries_are_loaded() -> None:
    """Called late (httpx already imported), it leaves ``sys.modules`` as it was."""
    probe = (
        "import httpx, rich\nfrom orderbridge import runloop\nrunloop.import_lean()\n"
        "assert sys.modules['rich'] is rich and 'httpx._main' in sys.modules"
    )
    assert _loaded(probe, ("structlog",)) == []
