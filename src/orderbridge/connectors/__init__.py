"""Connectors to external systems: POS (Poster, generic REST) and channels (storefront, Wix)."""
