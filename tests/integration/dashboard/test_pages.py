"""What the pages show: one tenant's data only, contacts masked, secrets never."""

from __future__ import annotations

from sqlalchemy import event

from tests.integration.dashboard.conftest import (
    ADMIN_KEY,
    APP_SECRET,
    EMAIL,
    LOCATION,
    OTHER_ADMIN_KEY,
    OTHER_LOCATION,
    OTHER_STOREFRONT_KEY,
    PHONE,
    POSTER_TOKEN,
    STOREFRONT_KEY,
    Dashboard,
)

PAGES = [
    "/admin",
    "/admin/orders",
    "/admin/deadletters",
    "/admin/menu",
    "/admin/connections",
    "/admin/locations",
    "/admin/keys",
    "/admin/webhooks",
]


def test_overview_shows_locations_connections_queue_and_recent_orders(dash: Dashboard) -> None:
    dash.place("web-1001")
    dash.login()
    page = dash.client.get("/admin").text
    assert "Podil" in page and 'data-status="open"' in page
    assert "Poster" in page and "badge s-active" in page
    assert "web-1001" in page
    assert "Elsewhere" not in page  # the other tenant's location


def test_another_tenants_order_answers_404(dash: Dashboard) -> None:
    theirs = dash.place("their-1", key=OTHER_STOREFRONT_KEY, location_id=OTHER_LOCATION)
    dash.login()
    assert dash.client.get(f"/admin/orders/{theirs}").status_code == 404
    assert "their-1" not in dash.client.get("/admin/orders").text
    answer = dash.client.post(f"/admin/orders/{theirs}/replay", data={"csrf": dash.csrf()})
    assert answer.status_code == 404
    answer = dash.client.post(
        f"/admin/locations/{OTHER_LOCATION}/pause", data={"csrf": dash.csrf()}
    )
    assert answer.status_code == 404


def test_each_tenant_sees_its_own_orders(dash: Dashboard) -> None:
    mine = dash.place("mine-1")
    dash.place("their-1", key=OTHER_STOREFRONT_KEY, location_id=OTHER_LOCATION)
    dash.login(OTHER_ADMIN_KEY)
    listing = dash.client.get("/admin/orders").text
    assert "their-1" in listing and "mine-1" not in listing
    assert dash.client.get(f"/admin/orders/{mine}").status_code == 404


def test_order_detail_has_lines_totals_timeline_and_masked_contacts(dash: Dashboard) -> None:
    order_id = dash.place("web-1001")
    dash.login()
    page = dash.client.get(f"/admin/orders/{order_id}").text
    assert "Латте, 0.5 л" in page and "Ваніль" in page and "Круасан" in page
    assert "205.00 UAH" in page
    assert "order.received" in page
    assert "+38••••••4567" in page and "o•••@e•••.com" in page
    assert "Replay" not in page  # only failed orders are replayed


def test_no_page_leaks_contacts_keys_or_credentials(dash: Dashboard) -> None:
    order_id = dash.place("web-1001")
    dash.login()
    secrets = [PHONE, "0671234567", "1234567", EMAIL, "olena@", POSTER_TOKEN, APP_SECRET]
    secrets += [ADMIN_KEY, STOREFRONT_KEY]
    for path in [*PAGES, f"/admin/orders/{order_id}"]:
        html = dash.client.get(path).text
        for secret in secrets:
            assert secret not in html, (path, secret)


def test_order_list_filters_by_status_location_day_and_id(dash: Dashboard) -> None:
    first = dash.place("web-1")
    dash.clock.advance(2 * 86400)
    dash.place("web-2")
    dash.login()

    def listed(query: str) -> set[str]:
        html = dash.client.get("/admin/orders" + query).text
        return {name for name in ("web-1", "web-2") if f">{name}<" in html}

    assert listed("") == {"web-1", "web-2"}
    assert listed("?status=received") == {"web-1", "web-2"}
    assert listed("?status=failed") == set()
    assert listed(f"?location={LOCATION}") == {"web-1", "web-2"}
    assert listed(f"?location={OTHER_LOCATION}") == set()
    assert listed("?from=2026-11-24") == {"web-2"}
    assert listed("?to=2026-11-22") == {"web-1"}
    assert listed(f"?q={first}") == {"web-1"}
    assert listed("?q=web-2") == {"web-2"}
    assert listed("?status=nonsense&from=not-a-date") == {"web-1", "web-2"}


def _statements(dash: Dashboard, paths: list[str]) -> tuple[int, list[str]]:
    """How many SQL statements serving ``paths`` takes, and the pages."""
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(dash.hub.engine, "before_cursor_execute", count)
    try:
        pages = [dash.client.get(path).text for path in paths]
    finally:
        event.remove(dash.hub.engine, "before_cursor_execute", count)
    return len(statements), pages


def test_pages_take_the_same_number_of_queries_for_5_or_55_orders(dash: Dashboard) -> None:
    paths = ["/admin", "/admin/orders", "/admin/orders?page=2", "/admin/deadletters"]
    for n in range(55):
        if n == 5:
            dash.login()
            few, _ = _statements(dash, paths)
        dash.place(f"bulk-{n:03}")
        dash.clock.advance(60)
    many, (overview, first, second, _) = _statements(dash, paths)
    assert many == few
    assert ">bulk-054<" in overview
    assert "page 1 of 2" in first and ">bulk-054<" in first and ">bulk-004<" not in first
    assert "page 2 of 2" in second and ">bulk-004<" in second and ">bulk-054<" not in second


def test_menu_shows_categories_items_variants_modifiers_and_refs(dash: Dashboard) -> None:
    dash.login()
    page = dash.client.get("/admin/menu").text
    assert "Кава" in page and "Латте" in page and "0.5 л" in page
    assert "Сироп" in page and "(0–2)" in page
    assert "<b>poster</b> 139</span>" in page
    assert "out of stock" in page  # the bacon
    assert "version" in page
    assert dash.client.get(f"/admin/menu?location={OTHER_LOCATION}").text.count("Elsewhere") == 0


def test_connections_show_status_links_and_settings_but_no_credentials(dash: Dashboard) -> None:
    dash.login()
    page = dash.client.get("/admin/connections").text
    assert "poster" in page and "cafe-kyiv" in page and "stored encrypted" in page
    assert "Podil" in page and ">1<" in page  # linked to spot 1
    assert "http://poster.test" in page
    assert POSTER_TOKEN not in page and APP_SECRET not in page


def test_connections_say_what_the_registry_says_each_can_do(dash: Dashboard) -> None:
    dash.login()
    page = dash.client.get("/admin/connections").text
    assert "order lookup by key" in page and "menu item refresh" in page
    assert "cancel orders" not in page  # Poster's API has no cancel for incoming orders
