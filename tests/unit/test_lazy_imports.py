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
    SQLite, no rapidfuzz, Jinja2, jsonschema or phonenumbers, no cryptography (the
    credential cipher's keys are derived on first use) — each is imported by the work
    that needs it (docs/benchmarks.md, "Idle RSS")."""
    heavy = (
        "alembic",
        "mako",
        "psycopg",
        "rapidfuzz",
        "jinja2",
        "jsonschema",
        "phonenumbers",
        "cryptography",
    )
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


_OCCASIONAL_WEB = (
    "orderbridge.web.dashboard",
    "orderbridge.web.shop",
    "orderbridge.web.apidocs",
    "orderbridge.web.routes.location_ops",
    "orderbridge.web.routes.admin_mapping",
    "orderbridge.web.routes.admin_keys",
    "orderbridge.web.routes.admin_connections",
    "orderbridge.web.routes.admin_locations",
    "orderbridge.web.routes.alerts",
    "orderbridge.web.routes.install_links",
    "orderbridge.web.routes.endpoints",
    "orderbridge.web.routes.connect",
    "orderbridge.web.routes.wix_ingress",
    "orderbridge.web.routes.orders_list",
    "orderbridge.web.openapi",
)
_BUILD_APP = (
    "import tempfile\n"
    "from orderbridge.bootstrap import build_hub\n"
    "from orderbridge.config import Settings\n"
    "url = 'sqlite:///' + tempfile.mkdtemp() + '/hub.db'\n"
    "app = build_hub(Settings(database_url=url)).app(demo_api_key='k')\n"
)


def test_the_app_imports_the_occasional_parts_on_their_first_request() -> None:
    """Built, the app has imported none of the dashboard, shop, API docs and admin API
    (web/lazy.py); a request under a part's prefix imports that part (and what it
    imports), not the others."""
    assert _loaded(_BUILD_APP, _OCCASIONAL_WEB) == []
    request = (
        f"{_BUILD_APP}"
        "from fastapi.testclient import TestClient\n"
        "assert TestClient(app).get('/admin/login').status_code == 200\n"
    )
    loaded = _loaded(request, _OCCASIONAL_WEB)
    assert "orderbridge.web.dashboard" in loaded
    assert "orderbridge.web.shop" not in loaded and "orderbridge.web.apidocs" not in loaded


def test_the_openapi_document_lists_the_lazy_parts_routes() -> None:
    """``app.routes`` (and so the OpenAPI document) loads every part first."""
    probe = (
        f"{_BUILD_APP}"
        "paths = app.openapi()['paths']\n"
        "assert '/api/v1/admin/keys' in paths and '/api/v1/admin/alerts' in paths, paths\n"
        "assert '/api/v1/admin/locations/{location_id}/busy' in paths\n"
    )
    assert _loaded(probe, _OCCASIONAL_WEB) == sorted(_OCCASIONAL_WEB)


def test_a_hub_on_sqlite_never_loads_sqlalchemys_postgresql_dialect() -> None:
    """JSONB, the open-incidents index's ``postgresql_where`` and PostgreSQL's
    ``INSERT … ON CONFLICT`` wait for a PostgreSQL engine (sql/types.py,
    sql/postgresql_options.py, storage/incidents.py): about 4 MiB per process."""
    from orderbridge.storage.migrate import TABLE_MODULES

    probe = f"{_BUILD_APP}import importlib\nfor name in {TABLE_MODULES!r}:\n"
    probe += "    importlib.import_module(name)\n"
    assert _loaded(probe, ("sqlalchemy.dialects.postgresql",)) == []
    # What it saves: a PostgreSQL engine (or Alembic, on its own) loads it.
    pg = "from orderbridge.storage.db import make_engine\nmake_engine('postgresql://u@127.0.0.1/d')\n"
    assert _loaded(f"{probe}{pg}", ("sqlalchemy.dialects.postgresql",)) != []


def test_a_poster_webhook_loads_none_of_the_occasional_parts() -> None:
    """The Poster ingress is a plain Starlette route: the request observer looks its
    template up among the router's routes without ``app.routes``, which would load
    every lazy part (~1 s on the loop at some order's echo, and their memory for good)."""
    request = (
        f"{_BUILD_APP}"
        "from fastapi.testclient import TestClient\n"
        "answer = TestClient(app).post('/webhooks/poster', content=b'{}')\n"
        "assert 400 <= answer.status_code < 500, answer.status_code\n"
    )
    assert _loaded(request, _OCCASIONAL_WEB) == []


_OTHER_CONNECTORS = (
    "orderbridge.connectors.rest_pos",
    "orderbridge.connectors.wix",
    "orderbridge.connectors.own_menus",
)


def test_a_hub_imports_a_connector_kind_only_when_it_is_looked_up() -> None:
    """Built with its app and the worker's job table, a hub has imported no connector
    package but Poster's (connectors/__init__.py): a Poster-only deployment never
    loads the REST POS and Wix code. Looking a kind up — its entry, its set-up — loads
    that kind, and it works."""
    assert _loaded(_BUILD_APP, _OTHER_CONNECTORS) == []
    rest_pos = (
        f"{_BUILD_APP}"
        "from orderbridge import connectors\n"
        "assert connectors.entry('rest_pos', role='pos').kind == 'rest_pos'\n"
        "assert connectors.kinds('channel') == ['wix']\n"
    )
    assert _loaded(rest_pos, _OTHER_CONNECTORS) == ["orderbridge.connectors.rest_pos"]
    wix = (
        f"{_BUILD_APP}"
        "from orderbridge.storage.migrate import upgrade\n"
        "upgrade(url)\n"
        "from fastapi.testclient import TestClient\n"
        "answer = TestClient(app).post('/webhooks/wix/con_nope', content=b'x')\n"
        "assert 400 <= answer.status_code < 500, answer.status_code\n"
    )
    assert "orderbridge.connectors.wix" in _loaded(wix, _OTHER_CONNECTORS)


def test_the_workers_job_table_imports_no_other_connector() -> None:
    """The job table names every kind's stored-event jobs (``inbox.rest_pos``, the
    Wix jobs) without importing their packages: each imports with its first job."""
    probe = (
        "import tempfile\n"
        "from orderbridge.bootstrap import build_hub\n"
        "from orderbridge.config import Settings\n"
        "url = 'sqlite:///' + tempfile.mkdtemp() + '/hub.db'\n"
        "handlers = build_hub(Settings(database_url=url)).handlers()\n"
        "assert {'inbox.rest_pos', 'inbox.wix', 'wix.import_pos_order'} <= set(handlers)\n"
    )
    assert _loaded(probe, _OTHER_CONNECTORS) == []


def test_the_wix_job_names_the_hub_declares_are_the_wix_connectors() -> None:
    """``bootstrap_wix`` names the Wix jobs itself so as not to import Wix at start."""
    from orderbridge import bootstrap_wix
    from orderbridge.connectors.wix.events import WIX_EVENT
    from orderbridge.connectors.wix.register import IMPORT_POS_ORDER

    assert (bootstrap_wix.WIX_EVENT, bootstrap_wix.IMPORT_POS_ORDER) == (
        WIX_EVENT,
        IMPORT_POS_ORDER,
    )
