"""The Wix Restaurants channel connector (settings · client · schemas · mapping ·
connector · webhooks, plus the publisher, the inbox events and the jobs)."""

from orderbridge.connectors.wix.connector import WixConnector

__all__ = ["WixConnector"]
