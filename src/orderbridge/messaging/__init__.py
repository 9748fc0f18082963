"""Durable messaging: the inbox, the outbox, workers, retries and dead letters.

Import from the submodules (``orderbridge.messaging.outbox`` …); importing this package
does nothing by itself.
"""
