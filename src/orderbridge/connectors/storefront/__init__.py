"""The storefront channel: a restaurant's own website, app or chatbot.

It reads menus and posts orders through the hub's storefront API; the hub tells it
what happened through webhooks signed the Standard Webhooks way (``signing``), sent
only to addresses that pass the SSRF guard (``ssrf``), by ``delivery``.
"""
