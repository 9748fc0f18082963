"""Matching a channel's own menu to the POS menu by name (see docs/menu-mapping.md).

Pure computation, no I/O: rapidfuzz over transliteration-aware word keys, with sizes,
prices and categories as evidence. :class:`PosIndex` (``matcher``) ranks POS targets
for channel items; ``options`` links variants and modifiers inside a matched item;
``decisions`` turns matches into mapping statuses and keeps what a person decided.
"""

from orderbridge.matching.decisions import (
    SUGGEST_FLOOR,
    Decision,
    ItemMapping,
    MappingStatus,
    confirm,
    decide,
    fresh,
    ignore,
    with_options,
)
from orderbridge.matching.matcher import DEFAULT_AUTO_THRESHOLD, PosIndex, match_menu
from orderbridge.matching.model import (
    Candidate,
    ChannelItem,
    ChannelMenu,
    ChannelMode,
    ChannelOption,
    Match,
    OptionLink,
    OptionMatch,
    Target,
    channel_items,
)
from orderbridge.matching.options import match_options

__all__ = [
    "DEFAULT_AUTO_THRESHOLD",
    "SUGGEST_FLOOR",
    "Candidate",
    "ChannelItem",
    "ChannelMenu",
    "ChannelMode",
    "ChannelOption",
    "Decision",
    "ItemMapping",
    "MappingStatus",
    "Match",
    "OptionLink",
    "OptionMatch",
    "PosIndex",
    "Target",
    "channel_items",
    "confirm",
    "decide",
    "fresh",
    "ignore",
    "match_menu",
    "match_options",
    "with_options",
]
