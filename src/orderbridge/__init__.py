"""orderbridge: the open-source hub between online ordering channels and restaurant POS."""

__version__ = "0.1.0"
