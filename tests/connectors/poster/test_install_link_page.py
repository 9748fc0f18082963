"""The dashboard's Connections page makes Poster install links (marketplace mode only)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from orderbridge.bootstrap import Hub
from orderbridge.connectors.poster.install_link import verify_install_link
from orderbridge.storage.types import utcnow
from tests.connectors.poster.install_support import ADMIN_KEY, HUB, SECRET_KEY, make_hub
from tests.integration.dashboard.conftest import csrf_of

SHOWN = re.compile(r'<code class="mono" id="shown-secret">([^<]+)</code>')


def signed_in(hub: Hub) -> Iterator[TestClient]:
    with TestClient(hub.app(), base_url=HUB, follow_redirects=False) as client:
        token = csrf_of(client.get("/admin/login").text)
        signed = client.post("/admin/login", data={"api_key": ADMIN_KEY, "csrf": token})
        assert signed.status_code == 303
        yield client


@pytest.fixture
def browser(hub: Hub) -> Iterator[TestClient]:
    yield from signed_in(hub)


def test_the_button_makes_a_link_that_starts_the_install(browser: TestClient) -> None:
    page = browser.get("/admin/connections").text
    assert 'id="poster-install-link"' in page
    made = browser.post("/admin/connections/poster/install-link", data={"csrf": csrf_of(page)})
    assert made.status_code == 200 and 'data-outcome="ok"' in made.text
    [url] = SHOWN.findall(made.text)
    url = url.replace("&amp;", "&")
    assert url.startswith(f"{HUB}/connect/poster?link=") and ADMIN_KEY not in made.text
    token = parse_qs(urlsplit(url).query)["link"][0]
    assert verify_install_link(token, secret_key=SECRET_KEY, now=utcnow()) == "ten_a"
    assert browser.get(url).status_code == 302  # on to Poster's consent page


def test_the_button_needs_the_forms_csrf_token(browser: TestClient) -> None:
    refused = browser.post("/admin/connections/poster/install-link", data={"csrf": "forged"})
    assert refused.status_code == 403
    assert "shown-secret" not in refused.text


def test_without_a_poster_application_there_is_no_button(
    tmp_path: Path, poster: httpx.AsyncBaseTransport
) -> None:
    hub = make_hub(tmp_path, poster, poster_application_id=None)
    try:
        for client in signed_in(hub):
            page = client.get("/admin/connections").text
            assert "poster-install-link" not in page
            answer = client.post(
                "/admin/connections/poster/install-link", data={"csrf": csrf_of(page)}
            )
            assert 'data-outcome="bad"' in answer.text and "marketplace_disabled" in answer.text
    finally:
        hub.engine.dispose()
