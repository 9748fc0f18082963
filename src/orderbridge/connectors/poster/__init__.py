"""The Poster POS connector (https://joinposter.com), in the connector anatomy.

``settings`` (the connection's configuration), ``client`` (one typed method per Poster
call), ``schemas`` (Poster's wire format), ``errors`` (Poster's error codes sorted into
transient and permanent), ``mapping`` (menu and places) and ``mapping_orders`` (orders,
reservations, states), ``connector`` (the ``PosSystem`` port) and ``webhooks`` (verify,
parse, classify).
"""

from orderbridge.connectors.poster.connector import CAPABILITIES, PosterConnector
from orderbridge.connectors.poster.settings import PosterSettings

__all__ = ["CAPABILITIES", "PosterConnector", "PosterSettings"]
