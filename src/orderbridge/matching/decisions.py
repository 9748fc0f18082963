"""What a channel item's mapping is after a (re)match: the statuses and their rules.

=========  ===============================================  ====================
status     meaning                                          orders use it
=========  ===============================================  ====================
auto       the matcher is sure enough on its own            yes
suggested  a likely target, waiting for a person            no
unmapped   nothing on the POS looks like it                 no
confirmed  a person chose the target                        yes
ignored    a person said the item is never to be mapped     no (orders fail)
=========  ===============================================  ====================

:func:`decide` merges a fresh :class:`~orderbridge.matching.model.Match` into what was
stored. A person's word outlives every rematch — a confirmed mapping stays confirmed
and an ignored one ignored, whatever either menu does — with one exception: when the
POS item a mapping points at is gone, the mapping cannot stand. It goes back to
``suggested`` with the fresh candidates, and the result says it was *broken* so the
caller can raise a ``mapping.broken`` incident. Everything else follows the matcher.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from orderbridge.matching.model import Candidate, Match, Target

SUGGEST_FLOOR = 0.6
"""Below this the best candidate is only a guess: the item is ``unmapped``."""


class MappingStatus(StrEnum):
    """See the module doc's table."""

    AUTO = "auto"
    SUGGESTED = "suggested"
    UNMAPPED = "unmapped"
    CONFIRMED = "confirmed"
    IGNORED = "ignored"

    @property
    def usable(self) -> bool:
        """True if orders are translated through a mapping in this status."""
        return self in (MappingStatus.AUTO, MappingStatus.CONFIRMED)

    @property
    def by_person(self) -> bool:
        """True if a person set it (a rematch keeps it)."""
        return self in (MappingStatus.CONFIRMED, MappingStatus.IGNORED)


@dataclass(frozen=True, slots=True)
class ItemMapping:
    """One channel item's mapping.

    ``target`` is the target in use (``auto``, ``confirmed``) or the one suggested;
    None when ``unmapped`` or ``ignored``. ``options`` maps the channel item's variant
    and modifier ids to the POS variant/modifier ids inside the target's item (None:
    not linked); ``pinned_options`` are the ones a person set.
    """

    channel_item_id: str
    status: MappingStatus
    target: Target | None = None
    confidence: float | None = None
    candidates: tuple[Candidate, ...] = ()
    options: Mapping[str, str | None] = field(default_factory=dict)
    pinned_options: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Decision:
    """The mapping after a rematch; ``broken``: its POS target disappeared."""

    mapping: ItemMapping
    broken: bool = False


def fresh(match: Match) -> ItemMapping:
    """The mapping the matcher alone would give."""
    best = match.best
    if best is None or best.confidence < SUGGEST_FLOOR:
        return ItemMapping(
            match.channel_item_id,
            MappingStatus.UNMAPPED,
            confidence=best.confidence if best else None,
            candidates=match.candidates,
        )
    status = MappingStatus.AUTO if match.auto else MappingStatus.SUGGESTED
    return ItemMapping(
        match.channel_item_id,
        status,
        target=best.target,
        confidence=best.confidence,
        candidates=match.candidates,
    )


def decide(
    previous: ItemMapping | None, match: Match, exists: Callable[[Target], bool]
) -> Decision:
    """Merge ``match`` into ``previous`` (see the module doc); ``exists`` asks the POS menu."""
    new = fresh(match)
    if previous is None:
        return Decision(new)
    lost = previous.target is not None and not exists(previous.target)
    if lost and previous.status in (MappingStatus.CONFIRMED, MappingStatus.AUTO):
        # Back to a person, with the best of the fresh candidates, however weak.
        best = match.best
        suggested = replace(
            new,
            status=MappingStatus.SUGGESTED if best else MappingStatus.UNMAPPED,
            target=best.target if best else None,
            confidence=best.confidence if best else None,
        )
        return Decision(suggested, broken=True)
    if previous.status is MappingStatus.CONFIRMED:
        return Decision(replace(previous, candidates=match.candidates))
    if previous.status is MappingStatus.IGNORED:
        return Decision(
            replace(previous, candidates=match.candidates, target=None, confidence=None)
        )
    return Decision(new)


def confirm(mapping: ItemMapping, target: Target, candidates: tuple[Candidate, ...]) -> ItemMapping:
    """A person chose ``target``; person-set options survive if the item did not change."""
    same_item = mapping.target is not None and mapping.target.item_id == target.item_id
    confidence = next((c.confidence for c in candidates if c.target == target), None)
    return replace(
        mapping,
        status=MappingStatus.CONFIRMED,
        target=target,
        confidence=confidence,
        options=mapping.options if same_item else {},
        pinned_options=mapping.pinned_options if same_item else frozenset(),
    )


def ignore(mapping: ItemMapping) -> ItemMapping:
    """A person said the item has no POS counterpart and never will."""
    return replace(
        mapping,
        status=MappingStatus.IGNORED,
        target=None,
        confidence=None,
        options={},
        pinned_options=frozenset(),
    )


def with_options(
    mapping: ItemMapping, linked: Mapping[str, str | None], still_there: Callable[[str], bool]
) -> ItemMapping:
    """``mapping`` with its option links: the person's where still valid, else ``linked``.

    ``linked`` is the matcher's (:func:`~orderbridge.matching.options.match_options`);
    ``still_there`` says whether a POS variant/modifier id exists in the target item.
    """
    options: dict[str, str | None] = dict(linked)
    pinned = set()
    for channel_id in mapping.pinned_options:
        pos_id = mapping.options.get(channel_id)
        if channel_id in linked and (pos_id is None or still_there(pos_id)):
            options[channel_id] = pos_id
            pinned.add(channel_id)
    return replace(mapping, options=options, pinned_options=frozenset(pinned))
