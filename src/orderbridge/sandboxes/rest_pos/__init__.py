"""Countertop POS: the REST POS emulator of ``orderbridge sandbox rest-pos`` (API v2).

A POS with its own vocabulary, deliberately unlike Poster's: orders are "tickets" with
string statuses, prices are decimal strings, stores have catalogs of sections and
products with sizes and add-on groups, webhooks are signed like Stripe's. The hub
reaches it only through ``connectors/rest_pos/manifests/sandbox.toml``; nothing here
imports the hub.
"""
