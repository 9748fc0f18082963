"""Revision 0004: keys own what they place; orders from before go to a tenant's only
storefront key, and stay admin-only where there were several."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from orderbridge.storage.migrate import downgrade, upgrade

NOW = "2026-11-22 10:00:00"


def _seed(conn: Connection, tenant: str, keys: list[str]) -> None:
    run = conn.execute
    run(
        text("INSERT INTO tenants (id, name, created_at) VALUES (:t, :t, :now)"),
        {"t": tenant, "now": NOW},
    )
    for n, key in enumerate(keys):
        run(
            text(
                "INSERT INTO api_keys (id, tenant_id, name, key_hash, hint, scope, created_at) "
                "VALUES (:id, :t, 'k', :h, 'ob_…', 'storefront', :now)"
            ),
            {"id": key, "t": tenant, "h": f"{tenant}{n}".ljust(64, "0"), "now": NOW},
        )
    run(
        text(
            "INSERT INTO locations (id, tenant_id, name, timezone, currency, paused, "
            "pause_reason, price_policy, created_at, updated_at) "
            "VALUES (:l, :t, 'L', 'UTC', 'UAH', false, '', 'menu', :now, :now)"
        ),
        {"l": f"loc-{tenant}", "t": tenant, "now": NOW},
    )
    run(
        text(
            "INSERT INTO orders (id, tenant_id, location_id, channel, channel_order_id, status, "
            "document, request_hash, total_amount, currency, external_refs, version, "
            "created_at, updated_at) VALUES (:o, :t, :l, 'storefront', 'web-1', 'received', "
            "'{}', '', 100, 'UAH', '{}', 1, :now, :now)"
        ),
        {"o": f"ord-{tenant}", "t": tenant, "l": f"loc-{tenant}", "now": NOW},
    )


def test_old_orders_belong_to_the_only_storefront_key(db_url: str, engine: Engine) -> None:
    downgrade(db_url, "0003_wix")
    with engine.begin() as conn:
        _seed(conn, "ten_one", ["key_only"])
        _seed(conn, "ten_two", ["key_a", "key_b"])
    upgrade(db_url)
    with engine.connect() as conn:
        owners = {k: v for k, v in conn.execute(text("SELECT id, owner_id FROM api_keys"))}
        placed = {k: v for k, v in conn.execute(text("SELECT id, placed_by FROM orders"))}
    assert owners == {"key_only": "key_only", "key_a": "key_a", "key_b": "key_b"}
    assert placed == {"ord-ten_one": "key_only", "ord-ten_two": None}
