"""The HTTP edge of orderbridge: wire models, their conversion to the domain, and errors.

- ``schemas``: pydantic models of the storefront API's bodies, in the field names
  DESIGN.md fixes (``fulfillment``, ``channel_order_id`` ...). Inputs refuse unknown
  fields so a typo is an error, not a silently dropped value.
- ``convert``: pure functions between those models and domain objects; this is where
  a phone gets its E.164 form and a price its currency.
- ``errors``: :class:`~orderbridge.web.errors.ApiError` and the exception handlers that
  make every 4xx answer ``{"error": {"code", "message", "field"}}``.
- ``contacts``: phone and email normalisation shared by the two above.

Nothing here touches a database or the network: routes and services build on it.
"""
