"""Revision 0005: an existing deployment's locations (with orders pointing at them) get
``stuck_after_minutes`` = 10 in place, on SQLite as on PostgreSQL, and lose it again on
a downgrade; nothing else of theirs changes."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from orderbridge.storage.migrate import downgrade, upgrade

NOW = "2026-11-22 10:00:00"
BEFORE = "0010_harden"  # the revision 0005_alerts follows


def _seed(engine: Engine) -> None:
    with engine.begin() as conn:
        run = conn.execute
        tenant = "INSERT INTO tenants (id, name, created_at) VALUES ('ten', 'T', :now)"
        run(text(tenant), {"now": NOW})
        run(
            text(
                "INSERT INTO locations (id, tenant_id, name, timezone, currency, paused, "
                "pause_reason, price_policy, created_at, updated_at) "
                "VALUES ('loc', 'ten', 'Podil', 'UTC', 'UAH', false, '', 'strict', :now, :now)"
            ),
            {"now": NOW},
        )
        run(
            text(
                "INSERT INTO orders (id, tenant_id, location_id, channel, channel_order_id, "
                "status, document, request_hash, total_amount, currency, external_refs, "
                "version, created_at, updated_at) VALUES ('ord', 'ten', 'loc', 'storefront', "
                "'web-1', 'received', '{}', '', 100, 'UAH', '{}', 1, :now, :now)"
            ),
            {"now": NOW},
        )


def _location(engine: Engine) -> dict[str, object]:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM locations WHERE id = 'loc'")).mappings().one()
        return dict(row)


def test_existing_locations_get_the_default_wait_and_keep_their_orders(
    db_url: str, engine: Engine
) -> None:
    downgrade(db_url, BEFORE)
    _seed(engine)
    upgrade(db_url)
    location = _location(engine)
    assert (location["stuck_after_minutes"], location["name"], location["price_policy"]) == (
        10,
        "Podil",
        "strict",
    )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT location_id FROM orders")).scalar_one() == "loc"
    downgrade(db_url, BEFORE)
    columns = {c["name"] for c in inspect(engine).get_columns("locations")}
    assert "stuck_after_minutes" not in columns
    assert _location(engine)["name"] == "Podil"
    upgrade(db_url)
