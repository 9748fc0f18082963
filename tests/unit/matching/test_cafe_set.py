"""The repository's mapping test set: a website's own menu for the demo café.

English, Latin transliteration and Ukrainian names against the café's Poster menu, with
hard negatives. The rule that matters most: no ``auto`` match is ever wrong.
"""

from __future__ import annotations

import pytest

from orderbridge.matching import (
    DEFAULT_AUTO_THRESHOLD,
    ItemMapping,
    MappingStatus,
    Match,
    PosIndex,
    fresh,
    match_options,
)
from tests.unit.matching import cafe

ANSWERS = cafe.expected()
ITEMS = {item.id: item for item in cafe.channel_items()}


@pytest.fixture(scope="module")
def matches() -> dict[str, Match]:
    index = PosIndex(cafe.pos_menu())
    return {item.id: index.match(item) for item in ITEMS.values()}


def test_the_set_is_mixed_language_with_hard_negatives() -> None:
    """The set is what the issue asks for: all three scripts of naming, and negatives."""
    prefixes = {item_id.split("-")[0] for item_id in ITEMS}
    assert prefixes == {"web", "tr", "uk", "neg"}
    assert sum(1 for a in ANSWERS.values() if a["pos"] is None) >= 25
    assert set(ANSWERS) == set(ITEMS)


@pytest.mark.parametrize("threshold", [0.6, 0.75, DEFAULT_AUTO_THRESHOLD, 0.95])
def test_no_auto_match_is_wrong_at_any_threshold(threshold: float) -> None:
    """Zero wrong autos at the default threshold, and at lower ones a tenant might set."""
    index = PosIndex(cafe.pos_menu())
    wrong = []
    for item_id, item in ITEMS.items():
        match = index.match(item, threshold=threshold)
        expected = cafe.target_of(ANSWERS[item_id])
        if match.auto and (match.best is None or match.best.target != expected):
            wrong.append((item.name, match.best.name if match.best else None))
    assert wrong == []


@pytest.mark.parametrize("item_id", [i for i, a in ANSWERS.items() if a.get("auto") is True])
def test_clear_matches_are_auto_and_right(item_id: str, matches: dict[str, Match]) -> None:
    match = matches[item_id]
    assert match.best is not None
    assert match.best.target == cafe.target_of(ANSWERS[item_id]), ITEMS[item_id].name
    assert match.auto, (ITEMS[item_id].name, match.best)


@pytest.mark.parametrize("item_id", [i for i, a in ANSWERS.items() if a.get("auto") is False])
def test_doubtful_items_and_hard_negatives_wait_for_a_person(
    item_id: str, matches: dict[str, Match]
) -> None:
    assert not matches[item_id].auto, (ITEMS[item_id].name, matches[item_id].best)


@pytest.mark.parametrize("item_id", [i for i, a in ANSWERS.items() if a["pos"] is not None])
def test_the_right_target_is_the_first_candidate(item_id: str, matches: dict[str, Match]) -> None:
    """Even when a person must confirm, the right answer is the one offered first."""
    best = matches[item_id].best
    assert best is not None and best.target == cafe.target_of(ANSWERS[item_id])


@pytest.mark.parametrize("item_id", [i for i, a in ANSWERS.items() if a.get("status")])
def test_what_the_pos_does_not_have_is_unmapped(item_id: str, matches: dict[str, Match]) -> None:
    mapping: ItemMapping = fresh(matches[item_id])
    assert mapping.status == MappingStatus(ANSWERS[item_id]["status"])


@pytest.mark.parametrize(
    "item_id", [i for i, a in ANSWERS.items() if a.get("variants") or a.get("modifiers")]
)
def test_variants_and_modifiers_are_linked_inside_the_item(item_id: str) -> None:
    """Each channel variant/modifier finds its POS one; those the POS lacks stay unlinked."""
    answer = ANSWERS[item_id]
    target = cafe.target_of(answer)
    assert target is not None
    item = cafe.pos_menu().item(target.item_id)
    assert item is not None
    linked = match_options(ITEMS[item_id], item)
    assert {link.channel_id: link.pos_id for link in linked.variants} == answer.get("variants", {})
    assert {link.channel_id: link.pos_id for link in linked.modifiers} == answer.get(
        "modifiers", {}
    )


def test_candidates_are_ranked_and_confidences_bounded(matches: dict[str, Match]) -> None:
    for match in matches.values():
        scores = [c.confidence for c in match.candidates]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores)
