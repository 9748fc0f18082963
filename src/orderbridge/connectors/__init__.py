"""Connectors to external systems: POS (Poster, generic REST) and channels (storefront, Wix).

``CONNECTORS`` is the explicit registry the composition root reads: a system's name →
its connector class, which builds itself with ``from_settings``. Nothing registers
itself on import.
"""

from orderbridge.connectors.poster import PosterConnector

CONNECTORS: dict[str, type[PosterConnector]] = {"poster": PosterConnector}

__all__ = ["CONNECTORS"]
