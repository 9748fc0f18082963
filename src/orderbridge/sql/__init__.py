"""What the hub's two SQL layers share: the declarative base and the portable column types.

``storage`` (tenants, orders, menus …) and ``messaging`` (inbox, outbox, attempts) keep
their tables in one metadata so that one Alembic history migrates both, yet neither
imports the other (import-linter checks it). What both need sits here, below them.
"""
