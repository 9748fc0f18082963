"""Use cases: one function per command or event, dependencies passed by keyword.

Services speak only domain objects and ports; the composition root (``bootstrap``)
hands them a unit of work, connectors and a clock.
"""
